"""The weekly KPI sheet's rows: target, actual, attainment, week-over-week change, benchmark, status.

Values are in the sheet's scale: rates as percentages (15.0 for 0.15). Undefined values are None;
the writers show them as "—".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pipeline.kpi_config.sheet_config import RATE_KPIS, KpiDefinition, SheetConfig, StatusThresholds, Unit
from pipeline.sheet.actuals import index_funnel_rows, kpi_actual
from pipeline.sheet.targets import TargetPlan, plan_targets
from pipeline.status_history import NO_STATUS_HISTORY, STATUS_HISTORY_KPIS

Status = Literal["on_track", "at_risk", "off_track"]
TREND_WEEKS = 12


@dataclass(frozen=True)
class SheetRow:
    kpi: KpiDefinition
    target: float | None
    actual: float | None
    attainment_pct: float | None
    wow_pct: float | None
    benchmark_low: float | None
    benchmark_high: float | None
    status: Status | None
    data_source_note: str | None = None  # a DATA_SOURCE_NOTES code, e.g. no_status_history

    @property
    def unit(self) -> Unit:
        return self.kpi.unit


def attainment_pct(actual: float | None, target: float | None, direction: str) -> float | None:
    """actual/target × 100 when higher is better, target/actual × 100 when lower is better."""
    numerator, denominator = (actual, target) if direction == "higher" else (target, actual)
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100


def week_over_week_pct(this_week: float | None, last_week: float | None) -> float | None:
    if this_week is None or not last_week:
        return None
    return (this_week - last_week) / last_week * 100


def status_of(attainment: float | None, thresholds: StatusThresholds) -> Status | None:
    if attainment is None:
        return None
    if attainment >= thresholds.on_track:
        return "on_track"
    return "at_risk" if attainment >= thresholds.at_risk else "off_track"


class WeeklySheets:
    """The sheet of any report week, its KPIs' 12-week history, and every week's sheet, from one target plan.

    `funnel_rows` are rows of marts.funnel_weekly, `spend` the weekly spend (None: no spend CSV),
    `benchmarks` the rows of reference.industry_benchmarks and `no_status_history` whether the Salesforce
    org lacks Lead Status history (pipeline/status_history.py).
    """

    def __init__(
        self,
        funnel_rows: Iterable[Mapping],
        config: SheetConfig,
        spend: Mapping[date, float] | None = None,
        benchmarks: Iterable[Mapping] | None = None,
        no_status_history: bool = False,
    ):
        self.funnel = index_funnel_rows(funnel_rows)
        self.config = config
        self.spend = spend
        self.plan: TargetPlan = plan_targets(config)
        self.benchmarks = {row["metric"]: row for row in benchmarks or ()}
        self.no_status_history = no_status_history

    def rows(self, week_start: date) -> list[SheetRow]:
        """The sheet for the report week starting on Monday `week_start`."""
        week = _monday(week_start)
        return [self._row(kpi, week) for kpi in self.config.kpis]

    def all_weeks(self) -> dict[date, list[SheetRow]]:
        """The sheet of every week of the funnel, oldest first."""
        return {week: self.rows(week) for week in sorted(self.funnel)}

    def history(self, week_start: date, weeks: int = TREND_WEEKS) -> list[tuple[date, dict[str, float | None]]]:
        """The actuals of the sheet's KPIs over the `weeks` weeks ending with `week_start`, oldest first."""
        last = _monday(week_start)
        return [
            (week, {kpi.id: self.actual(kpi.id, week) for kpi in self.config.kpis})
            for week in (last - timedelta(weeks=back) for back in reversed(range(weeks)))
        ]

    def actual(self, kpi_id: str, week: date) -> float | None:
        return kpi_actual(kpi_id, week, self.funnel, self.spend, self.config.ltv)

    def _row(self, kpi: KpiDefinition, week: date) -> SheetRow:
        target = _display_scale(kpi.id, self.plan.weekly_targets[kpi.id])
        actual = self.actual(kpi.id, week)
        attainment = attainment_pct(actual, target, kpi.direction)
        low, high = self._benchmark_range(kpi.id)
        return SheetRow(
            kpi=kpi,
            target=target,
            actual=actual,
            attainment_pct=attainment,
            wow_pct=week_over_week_pct(actual, self.actual(kpi.id, week - timedelta(weeks=1))),
            benchmark_low=low,
            benchmark_high=high,
            status=status_of(attainment, self.config.status_thresholds),
            data_source_note=NO_STATUS_HISTORY if self.no_status_history and kpi.id in STATUS_HISTORY_KPIS else None,
        )

    def _benchmark_range(self, kpi_id: str) -> tuple[float | None, float | None]:
        row = self.benchmarks.get(kpi_id)
        if row is None:
            return None, None
        return (_display_scale(kpi_id, _optional_float(row.get("low"))),
                _display_scale(kpi_id, _optional_float(row.get("high"))))


def _display_scale(kpi_id: str, value: float | None) -> float | None:
    if value is None or kpi_id not in RATE_KPIS:
        return value
    return value * 100


def _optional_float(value) -> float | None:
    return None if value is None else float(value)


def _monday(week_start: date) -> date:
    if week_start.weekday() != 0:
        raise ValueError(f"report week {week_start} is a {week_start:%A}; a report week starts on Monday")
    return week_start
