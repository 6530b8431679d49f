"""The restatements the sheet shows: those of the 12 weeks ending with the report week, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipeline.week_close.schema import RESTATEMENT_RECORDS, RESTATEMENTS, create_ledger_tables

RESTATEMENT_TAB_WEEKS = 12


@dataclass(frozen=True)
class RestatementLine:
    week_start: date
    kpi_id: str
    week_status: str
    preliminary_value: float | None
    final_value: float | None
    published_value: float | None
    current_value: float | None
    difference: float | None
    entered_record_keys: list[str]
    left_record_keys: list[str]
    reason_counts: dict[str, int]
    detected_at: datetime

    @property
    def relative_change(self) -> float | None:
        if self.difference is None or not self.published_value:
            return None
        return self.difference / abs(self.published_value)


def recent_restatements(connection, report_week: date, weeks: int = RESTATEMENT_TAB_WEEKS) -> list[RestatementLine]:
    create_ledger_tables(connection)
    rows = connection.execute(
        f"""
        SELECT r.week_start, r.kpi_id, r.week_status, r.preliminary_value, r.final_value, r.published_value,
            r.current_value, r.difference, r.entered_record_keys, r.left_record_keys,
            coalesce((SELECT map(list(reason ORDER BY reason), list(n ORDER BY reason)) FROM (
                SELECT d.reason, count(*) AS n FROM {RESTATEMENT_RECORDS} AS d
                WHERE d.run_id = r.run_id AND d.week_start = r.week_start AND d.kpi_id = r.kpi_id
                GROUP BY d.reason)), MAP {{}}) AS reason_counts,
            r.detected_at
        FROM {RESTATEMENTS} AS r
        WHERE r.week_start BETWEEN ? AND ?
        ORDER BY r.week_start DESC, r.detected_at DESC, r.kpi_id
        """,
        [report_week - timedelta(weeks=weeks - 1), report_week],
    ).fetchall()
    return [RestatementLine(*row[:10], dict(row[10]), row[11]) for row in rows]
