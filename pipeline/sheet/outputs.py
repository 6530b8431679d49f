"""The report week's files: kpi_sheet_<week_start>.xlsx and kpi_sheet_<week_start>.csv."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from pipeline.sheet.csv_output import write_sheet_csv
from pipeline.sheet.rows import SheetRow
from pipeline.sheet.xlsx import write_workbook
from pipeline.week_close.recent import RestatementLine


def write_sheet_outputs(
    rows: Sequence[SheetRow],
    history: Sequence[tuple[date, Mapping[str, float | None]]],
    funnel_row: Mapping | None,
    out_dir: str | Path,
    week_start: date,
    language: str,
    restatements: Sequence[RestatementLine] = (),
    records: Sequence[Mapping] = (),
) -> tuple[Path, Path]:
    """`rows` and `history` from WeeklySheets.rows and .history, `funnel_row` the week's row of
    marts.funnel_weekly (None when there is none), `restatements` the ledger's of the last 12 weeks, `records`
    the week's rows of marts.funnel_event_records."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"kpi_sheet_{week_start.isoformat()}"
    xlsx_path = write_workbook(out_dir / f"{stem}.xlsx", rows, history, funnel_row, week_start, language,
                               restatements, records)
    csv_path = write_sheet_csv(rows, out_dir / f"{stem}.csv", language)
    return xlsx_path, csv_path
