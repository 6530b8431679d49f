"""One report week's sheet, published: the xlsx and CSV files and every week's rows in reporting.kpi_sheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dagster_duckdb import DuckDBResource

from pipeline.kpi_config.sheet_config import SheetConfig
from pipeline.sheet.outputs import write_sheet_outputs
from pipeline.sheet.preview import sheet_markdown
from pipeline.sheet.rows import SheetRow, WeeklySheets
from pipeline.sheet.table import KPI_SHEET_COLUMNS, KPI_SHEET_TABLE, kpi_sheet_table
from pipeline.sheet.targets import TargetPlan
from pipeline.sheet.warehouse_io import fetch_dicts, replace_table
from pipeline.status_history import lead_status_history
from pipeline.week_close.ledger import CloseSettings, Restatement, freeze_published_week, record_restatements
from pipeline.week_close.recent import recent_restatements
from pipeline.week_close.sheet_inputs import ledger_sheet


class MissingReportWeek(ValueError):
    """marts.funnel_weekly has no row for the report week: it had not ended by the data's as-of time."""


@dataclass(frozen=True)
class PublishedSheet:
    rows: list[SheetRow]
    plan: TargetPlan
    funnel_row: Mapping
    xlsx_path: Path
    csv_path: Path
    table_rows: int
    preview_markdown: str
    restatements: list[Restatement]
    """The restatements this run appended (every frozen week, not only the report week's)."""
    frozen_as: list[str]
    """How the report week was frozen by this publication: [], [preliminary] or [preliminary, final]."""


def publish_weekly_sheet(
    duckdb: DuckDBResource,
    week: date,
    config: SheetConfig,
    spend: Mapping[date, float] | None,
    out_dir: str | Path,
    close: CloseSettings,
) -> PublishedSheet:
    """Write kpi_sheet_<week>.xlsx/.csv into `out_dir` and replace reporting.kpi_sheet (all weeks).

    Before, every frozen week is recomputed and its restatements appended to the ledger (the workbook's
    restatement tab shows them); after, the report week is frozen if this is its first publication.
    """
    funnel_rows = fetch_dicts(duckdb, "SELECT * FROM marts.funnel_weekly ORDER BY week_start")
    funnel_row = _funnel_row(funnel_rows, week)
    with duckdb.get_connection() as connection:
        no_status_history = lead_status_history(connection).missing
    sheets = WeeklySheets(
        funnel_rows, config, spend, fetch_dicts(duckdb, "SELECT * FROM reference.industry_benchmarks"),
        no_status_history,
    )
    rows = sheets.rows(week)
    table = kpi_sheet_table(sheets.all_weeks(), config.language)
    replace_table(duckdb, KPI_SHEET_TABLE, KPI_SHEET_COLUMNS, table)
    ledger = ledger_sheet(sheets)
    with duckdb.get_connection() as connection:
        restatements = record_restatements(connection, ledger, close)
        recent = recent_restatements(connection, week)
    records = fetch_dicts(duckdb, "SELECT * FROM marts.funnel_event_records WHERE week_start = ?", [week])
    xlsx_path, csv_path = write_sheet_outputs(
        rows, sheets.history(week), funnel_row, out_dir, week, config.language, recent, records
    )
    with duckdb.get_connection() as connection:
        frozen_as = freeze_published_week(connection, ledger, close, week)
    return PublishedSheet(
        rows=rows,
        plan=sheets.plan,
        funnel_row=funnel_row,
        xlsx_path=xlsx_path,
        csv_path=csv_path,
        table_rows=len(table),
        preview_markdown=sheet_markdown(rows, config.language),
        restatements=restatements,
        frozen_as=frozen_as,
    )


def _funnel_row(funnel_rows: list[dict], week: date) -> dict:
    for row in funnel_rows:
        if row["week_start"] == week:
            return row
    covered = f"{funnel_rows[0]['week_start']} to {funnel_rows[-1]['week_start']}" if funnel_rows else "no week"
    raise MissingReportWeek(
        f"marts.funnel_weekly has no row for the week of {week} (it covers {covered}); "
        "a report week must have ended before the data's as-of time"
    )
