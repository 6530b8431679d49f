"""The sheets of all weeks as one table, the rows of `reporting.kpi_sheet`.

Numbers stay numbers in the sheet's scale (rates as percentages, see `unit`); undefined cells are None.
`status` holds a language-independent code: on_track, at_risk or off_track.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pipeline.sheet.formatting import kpi_label
from pipeline.sheet.rows import SheetRow

KPI_SHEET_TABLE = "reporting.kpi_sheet"
# Column -> DuckDB type of reporting.kpi_sheet, in order.
KPI_SHEET_COLUMNS = {
    "week_start": "DATE", "kpi_id": "VARCHAR", "kpi_name": "VARCHAR", "unit": "VARCHAR", "target": "DOUBLE",
    "actual": "DOUBLE", "attainment_pct": "DOUBLE", "wow_pct": "DOUBLE", "data_source": "VARCHAR",
    "review_frequency": "VARCHAR", "owner": "VARCHAR", "benchmark_low": "DOUBLE", "benchmark_high": "DOUBLE",
    "status": "VARCHAR",
}


def kpi_sheet_table(sheets: Mapping[date, Sequence[SheetRow]], language: str) -> list[dict]:
    """One dict per week and KPI, keyed by KPI_SHEET_COLUMNS; `sheets` as from WeeklySheets.all_weeks."""
    return [
        {
            "week_start": week,
            "kpi_id": row.kpi.id,
            "kpi_name": kpi_label(row.kpi, language),
            "unit": row.unit,
            "target": row.target,
            "actual": row.actual,
            "attainment_pct": row.attainment_pct,
            "wow_pct": row.wow_pct,
            "data_source": row.kpi.data_source,
            "review_frequency": row.kpi.review_frequency,
            "owner": row.kpi.owner or None,
            "benchmark_low": row.benchmark_low,
            "benchmark_high": row.benchmark_high,
            "status": row.status,
        }
        for week, rows in sheets.items()
        for row in rows
    ]
