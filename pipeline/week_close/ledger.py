"""The week-close ledger: freeze a week's values when its sheet is first published, restate them later.

Every run recomputes each frozen week's KPIs from today's warehouse. A value that differs from the last
one the ledger recorded for that week and KPI appends a restatement, explained record by record against
the frozen events. A week becomes final (確定) `final_after_weeks` weeks after it ended: its values are
frozen a second time, once, and later restatements are measured against them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipeline.week_close.events import Event, current_events, kpi_components, week_components
from pipeline.week_close.freezes import (
    Baseline,
    FrozenValue,
    frozen_events,
    insert_close,
    insert_restatement,
    read_baselines,
)
from pipeline.week_close.matching import compare_events
from pipeline.week_close.reasons import Explained, Freeze, explain
from pipeline.week_close.schema import CLOSES, create_ledger_tables
from pipeline.week_close.world import read_world


@dataclass(frozen=True)
class CloseSettings:
    final_after_weeks: int
    funnel_config_md5: str
    data_as_of: datetime
    run_id: str
    now: datetime


@dataclass(frozen=True)
class Restatement:
    week_start: date
    kpi_id: str
    baseline: Baseline
    previous_value: float | None
    current_value: float | None
    records: list[Explained] = field(default_factory=list)
    inputs_changed: bool = False

    @property
    def published_value(self) -> float | None:
        return self.baseline.value

    @property
    def difference(self) -> float | None:
        if self.current_value is None or self.published_value is None:
            return None
        return self.current_value - self.published_value

    @property
    def relative_change(self) -> float | None:
        """|difference| ÷ |published value|; infinite when a zero or undefined value moved."""
        if self.difference is None or self.published_value == 0:
            return None if same_value(self.current_value, self.published_value) else math.inf
        return abs(self.difference) / abs(self.published_value)

    def reasons(self) -> list[str]:
        found = {record.reason for record in self.records}
        if self.inputs_changed:
            found.add("changed_configuration")
        return sorted(found)


@dataclass(frozen=True)
class Sheet:
    """What the ledger needs of the sheet: its KPIs, their actual values and their non-event inputs."""

    kpi_ids: Sequence[str]
    actual: Callable[[str, date], float | None]
    """(kpi id, week) -> the value (rates as fractions), None where the sheet shows —"""
    inputs_md5: Callable[[str, date], str]
    """(kpi id, week) -> md5 of what the value depends on besides events (spend, LTV settings)"""
    last_week: date
    """The last complete week of the funnel."""


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def restatements_due(connection, sheet: Sheet, settings: CloseSettings) -> list[Restatement]:
    """The restatements of every frozen week whose value moved since the ledger last recorded it."""
    create_ledger_tables(connection)
    moved = []
    for baseline in read_baselines(connection, sheet.kpi_ids):
        current = sheet.actual(baseline.kpi_id, baseline.week_start)
        if not same_value(current, baseline.last_value):
            moved.append((baseline, current))
    if not moved:
        return []
    components = {(baseline.week_start, baseline.close_kind, component) for baseline, _ in moved
                  for component in kpi_components(baseline.kpi_id, baseline.week_start)}
    then = frozen_events(connection, components)
    now = current_events(connection, {component for _, _, component in components})
    world = read_world(connection, [*_flatten(then.values()), *_flatten(now.values())])
    restatements = []
    for baseline, current in moved:
        freeze = Freeze(baseline.data_as_of, baseline.funnel_config_md5 != settings.funnel_config_md5)
        records = []
        for component in kpi_components(baseline.kpi_id, baseline.week_start):
            difference = compare_events(then.get((baseline.week_start, baseline.close_kind, component), []),
                                        now[component])
            records += explain(difference, world, freeze)
        inputs_changed = baseline.inputs_md5 != sheet.inputs_md5(baseline.kpi_id, baseline.week_start)
        restatements.append(Restatement(baseline.week_start, baseline.kpi_id, baseline, baseline.last_value,
                                        current, records, inputs_changed))
    return restatements


def weeks_to_finalize(connection, sheet: Sheet, settings: CloseSettings) -> list[date]:
    """Weeks frozen as preliminary only that ended `final_after_weeks` or more weeks before the last one."""
    rows = connection.execute(
        "SELECT week_start FROM reporting.kpi_week_close GROUP BY week_start "
        "HAVING NOT bool_or(close_kind = 'final') AND week_start <= ? ORDER BY week_start",
        [_final_cutoff(sheet, settings)],
    ).fetchall()
    return [week for (week,) in rows]


def record_restatements(connection, sheet: Sheet, settings: CloseSettings) -> list[Restatement]:
    """Append this run's restatements, then freeze the weeks that became final, in one transaction."""
    restatements = restatements_due(connection, sheet, settings)
    finals = weeks_to_finalize(connection, sheet, settings)
    with _transaction(connection):
        for restatement in restatements:
            insert_restatement(connection, restatement, _stamp(settings))
        for week in finals:
            _freeze(connection, sheet, settings, week, "final")
    return restatements


def freeze_published_week(connection, sheet: Sheet, settings: CloseSettings, week: date) -> list[str]:
    """Freeze a week the first time its sheet is published; one already old enough is final at once."""
    create_ledger_tables(connection)
    if connection.execute(f"SELECT count(*) FROM {CLOSES} WHERE week_start = ?", [week]).fetchone()[0]:
        return []
    kinds = ["preliminary"] + (["final"] if week <= _final_cutoff(sheet, settings) else [])
    with _transaction(connection):
        for kind in kinds:
            _freeze(connection, sheet, settings, week, kind)
    return kinds


def _freeze(connection, sheet: Sheet, settings: CloseSettings, week: date, kind: str) -> None:
    values = [FrozenValue(kpi_id, sheet.actual(kpi_id, week), sheet.inputs_md5(kpi_id, week))
              for kpi_id in sheet.kpi_ids]
    events = current_events(connection, week_components(sheet.kpi_ids, week))
    insert_close(connection, week, kind, values, events, _stamp(settings))


def _final_cutoff(sheet: Sheet, settings: CloseSettings) -> date:
    return sheet.last_week - timedelta(weeks=settings.final_after_weeks)


def _stamp(settings: CloseSettings) -> dict:
    return {"closed_at": settings.now, "data_as_of": settings.data_as_of, "run_id": settings.run_id,
            "funnel_config_md5": settings.funnel_config_md5}


@contextmanager
def _transaction(connection) -> Iterator[None]:
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _flatten(groups) -> list[Event]:
    return [event for group in groups for event in group]
