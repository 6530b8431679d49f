"""The counted events behind each KPI of a week, as `marts.funnel_events` holds them now.

A KPI's value of week W depends on events of some types and weeks (`KPI_EVENTS`): the counts on their own
week's events, the rates on their numerator's and denominator's, LTV/CAC on the won deals of the 4 weeks
ending with W. Freezing a week stores these events; a restatement compares them with today's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pipeline.kpi_config.sheet_config import LTV_TO_CAC_WEEKS

# KPI id -> (event type, weeks before the KPI's week) of every event it is computed from.
KPI_EVENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "new_leads": (("new_lead", 0),),
    "mqls": (("mql", 0),),
    "sqls": (("sql", 0),),
    "opportunities": (("opportunity", 0),),
    "won_deals": (("won", 0),),
    "won_amount": (("won", 0),),
    "mql_to_sql_rate": (("mql", 0), ("sql", 0)),
    "sql_to_opportunity_rate": (("sql", 0), ("opportunity", 0)),
    "win_rate": (("won", 0), ("lost", 0)),
    "cpa": (("new_lead", 0),),
    "cac": (("won", 0),),
    "ltv_to_cac": tuple(("won", back) for back in range(LTV_TO_CAC_WEEKS)),
}
DEAL_EVENTS = frozenset({"opportunity", "won", "lost"})


@dataclass(frozen=True)
class Event:
    """One counted event: `record_key` supplied it; `members` are the person's records (a deal: itself)."""

    event_type: str
    event_week: date
    record_key: str
    members: tuple[str, ...]
    person_id: str | None
    amount: Decimal | None

    @property
    def is_deal(self) -> bool:
        return self.event_type in DEAL_EVENTS


Component = tuple[str, date]  # (event type, event week)


def kpi_components(kpi_id: str, week: date) -> list[Component]:
    return [(event_type, week - timedelta(weeks=back)) for event_type, back in KPI_EVENTS[kpi_id]]


def week_components(kpi_ids: Iterable[str], week: date) -> set[Component]:
    """Every (event type, week) the given KPIs of `week` depend on."""
    return {component for kpi_id in kpi_ids for component in kpi_components(kpi_id, week)}


def current_events(connection, components: set[Component]) -> dict[Component, list[Event]]:
    """Today's funnel_events of the given components."""
    found: dict[Component, list[Event]] = {component: [] for component in components}
    if not components:
        return found
    wanted = [{"event_type": event_type, "week_start": week.isoformat()} for event_type, week in sorted(components)]
    rows = connection.execute(
        "SELECT event_type, week_start, source_system || ':' || source_record_id, source_record_ids, person_id, "
        "amount FROM marts.funnel_events JOIN (SELECT unnest(from_json(?, "
        """'[{"event_type": "VARCHAR", "week_start": "DATE"}]'), recursive := true)) USING (event_type, week_start) """
        "ORDER BY ALL",
        [json.dumps(wanted)],
    ).fetchall()
    for event_type, week, record_key, members, person_id, amount in rows:
        found[(event_type, week)].append(Event(event_type, week, record_key, tuple(members), person_id, amount))
    return found
