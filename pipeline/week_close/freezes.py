"""Reading and appending the ledger's rows (schema.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pipeline.week_close.events import Component, Event
from pipeline.week_close.schema import CLOSE_RECORDS, CLOSES, RESTATEMENT_RECORDS, RESTATEMENTS


@dataclass(frozen=True)
class Baseline:
    """The frozen value a week's KPI is measured against: its final one once there is one, else preliminary."""

    week_start: date
    kpi_id: str
    close_kind: str
    value: float | None
    closed_at: datetime
    data_as_of: datetime
    funnel_config_md5: str
    inputs_md5: str
    preliminary_value: float | None
    final_value: float | None
    last_value: float | None
    """The value the ledger last recorded: the latest restatement's since the baseline's freeze, else its own."""


_BASELINES = f"""
WITH closes AS (
    SELECT *, row_number() OVER (PARTITION BY week_start, kpi_id ORDER BY close_kind = 'final' DESC) AS rank,
        any_value(value) FILTER (WHERE close_kind = 'preliminary') OVER (PARTITION BY week_start, kpi_id)
            AS preliminary_value,
        any_value(value) FILTER (WHERE close_kind = 'final') OVER (PARTITION BY week_start, kpi_id) AS final_value
    FROM {CLOSES}
    WHERE list_contains(?, kpi_id)
),
latest AS (
    SELECT week_start, kpi_id, detected_at, current_value FROM {RESTATEMENTS}
    QUALIFY row_number() OVER (PARTITION BY week_start, kpi_id ORDER BY detected_at DESC) = 1
)
SELECT closes.week_start, closes.kpi_id, close_kind, value, closed_at, closes.data_as_of, funnel_config_md5,
    inputs_md5, preliminary_value, final_value,
    CASE WHEN latest.detected_at >= closes.closed_at THEN latest.current_value ELSE value END AS last_value
FROM closes LEFT JOIN latest USING (week_start, kpi_id)
WHERE rank = 1
ORDER BY closes.week_start, closes.kpi_id
"""


def read_baselines(connection, kpi_ids: Sequence[str]) -> list[Baseline]:
    rows = connection.execute(_BASELINES, [list(kpi_ids)]).fetchall()
    return [Baseline(*row) for row in rows]


def frozen_events(connection, wanted: set[tuple[date, str, Component]]) -> dict[tuple[date, str, Component], list]:
    """The frozen events of (frozen week, close kind, component) triples."""
    keys = [{"week_start": week.isoformat(), "close_kind": kind, "event_type": event_type,
             "event_week": event_week.isoformat()} for week, kind, (event_type, event_week) in sorted(wanted)]
    rows = connection.execute(
        f"SELECT week_start, close_kind, event_type, event_week, record_key, member_record_keys, person_id, amount "
        f"FROM {CLOSE_RECORDS} JOIN (SELECT unnest(from_json(?, '[{{\"week_start\": \"DATE\", "
        "\"close_kind\": \"VARCHAR\", \"event_type\": \"VARCHAR\", \"event_week\": \"DATE\"}]'), recursive := true)) "
        "USING (week_start, close_kind, event_type, event_week) ORDER BY ALL",
        [json.dumps(keys)],
    ).fetchall()
    found: dict = {}
    for week, kind, event_type, event_week, record_key, members, person_id, amount in rows:
        event = Event(event_type, event_week, record_key, tuple(members), person_id, amount)
        found.setdefault((week, kind, (event_type, event_week)), []).append(event)
    return found


@dataclass(frozen=True)
class FrozenValue:
    kpi_id: str
    value: float | None
    inputs_md5: str


def insert_close(connection, week: date, kind: str, values: Iterable[FrozenValue],
                 events: Mapping[Component, list[Event]], stamp: Mapping) -> None:
    """Freeze `week` as `kind` (preliminary / final); `stamp` holds closed_at, data_as_of, run_id, funnel_config_md5."""
    for frozen in values:
        connection.execute(
            f"INSERT INTO {CLOSES} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [week, frozen.kpi_id, kind, frozen.value, stamp["closed_at"], stamp["data_as_of"], stamp["run_id"],
             stamp["funnel_config_md5"], frozen.inputs_md5],
        )
    rows = [{"record_key": event.record_key, "members": list(event.members), "person_id": event.person_id,
             "amount": None if event.amount is None else str(event.amount), "event_type": event_type,
             "event_week": event_week.isoformat()}
            for (event_type, event_week), group in events.items() for event in group]
    connection.execute(
        f"INSERT INTO {CLOSE_RECORDS} SELECT ?::DATE, ?, r.event_type, r.event_week, r.record_key, r.members, "
        "r.person_id, r.amount::DECIMAL(38, 2) FROM (SELECT unnest(from_json(?, '[{\"record_key\": \"VARCHAR\", "
        "\"members\": [\"VARCHAR\"], \"person_id\": \"VARCHAR\", \"amount\": \"VARCHAR\", \"event_type\": "
        "\"VARCHAR\", \"event_week\": \"DATE\"}]')) AS r)",
        [week, kind, json.dumps(rows)],
    )


def insert_restatement(connection, restatement, stamp: Mapping) -> None:
    baseline = restatement.baseline
    entered = sorted({r.event.record_key for r in restatement.records if r.change == "entered"})
    left = sorted({r.event.record_key for r in restatement.records if r.change == "left"})
    connection.execute(
        f"INSERT INTO {RESTATEMENTS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [stamp["closed_at"], stamp["run_id"], stamp["data_as_of"], restatement.week_start, restatement.kpi_id,
         baseline.close_kind, baseline.preliminary_value, baseline.final_value, restatement.published_value,
         restatement.previous_value, restatement.current_value, restatement.difference, entered, left,
         restatement.reasons()],
    )
    details = [(r.change, r.event.event_type, r.event.event_week, r.event.record_key, r.reason, r.detail)
               for r in restatement.records]
    if restatement.inputs_changed:
        details.append(("changed", None, None, None, "changed_configuration", "spend or LTV settings"))
    for detail in details:
        connection.execute(
            f"INSERT INTO {RESTATEMENT_RECORDS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [stamp["closed_at"], stamp["run_id"], restatement.week_start, restatement.kpi_id, *detail],
        )
