"""The weekly KPI workbook: the sheet, the 12-week trend with line charts, the funnel, the restatements, and the
records behind the week's counts."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.sheet.formatting import benchmark_text, data_source_text, kpi_label, status_text
from pipeline.sheet.labels import COLUMNS, DRILLDOWN_SHEET_NAME, NOTES, SHEET_NAMES, STATUS, UNDEFINED, term
from pipeline.sheet.restatement_labels import RESTATEMENT_SHEET_NAME
from pipeline.sheet.rows import SheetRow
from pipeline.sheet.xlsx_drilldown import drilldown_labels, write_drilldown_sheet
from pipeline.sheet.xlsx_formats import Formats, write_number_or_undefined
from pipeline.sheet.xlsx_restatements import write_restatement_sheet
from pipeline.sheet.xlsx_trend import write_funnel_sheet, write_trend_sheet
from pipeline.week_close.recent import RestatementLine

_COLUMN_WIDTHS = (24, 14, 14, 12, 12, 30, 12, 16, 18, 10)
_DATA_SOURCE_COLUMN = 5
_LINE_HEIGHT = 15  # points, the default row height
_ATTAINMENT_COLUMN = 3
_STATUS_COLUMN = 9


def write_workbook(
    path: Path,
    rows: Sequence[SheetRow],
    history: Sequence[tuple[date, Mapping[str, float | None]]],
    funnel_row: Mapping | None,
    week_start: date,
    language: str,
    restatements: Sequence[RestatementLine] = (),
    records: Sequence[Mapping] = (),
) -> Path:
    """`records`: the report week's rows of marts.funnel_event_records, for the drill-down tab."""
    workbook = xlsxwriter.Workbook(str(path))
    try:
        workbook.set_properties({"title": f"KPI sheet {week_start.isoformat()}"})
        formats = Formats(workbook)
        sheet_name, trend_name, funnel_name = SHEET_NAMES[language]
        _write_kpi_sheet(workbook.add_worksheet(sheet_name), formats, rows, week_start, language)
        write_trend_sheet(workbook, workbook.add_worksheet(trend_name), formats, rows, history, language)
        write_funnel_sheet(workbook, workbook.add_worksheet(funnel_name), formats, funnel_row, language)
        kpis = [row.kpi for row in rows]
        write_restatement_sheet(workbook.add_worksheet(RESTATEMENT_SHEET_NAME[language]), formats, restatements,
                                kpis, language)
        write_drilldown_sheet(workbook, workbook.add_worksheet(DRILLDOWN_SHEET_NAME[language]), formats, records,
                              drilldown_labels(kpis, language), language)
        for sheet in workbook.worksheets():
            # Printed for the Monday review: landscape, every column on one page width.
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)
    finally:
        workbook.close()
    return path


def _write_kpi_sheet(sheet, formats: Formats, rows, week_start: date, language: str) -> None:
    sheet.write_row(0, 0, COLUMNS[language], formats.header)
    for index, width in enumerate(_COLUMN_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 1)
    for number, row in enumerate(rows, start=1):
        _write_kpi_row(sheet, formats, number, row, language)
    if rows:
        _colour_by_status(sheet, formats, len(rows), language)
    notes_row = len(rows) + 2
    sheet.write_string(notes_row, 0, NOTES[language]["week"].format(
        start=week_start.isoformat(), end=(week_start + timedelta(days=6)).isoformat()), formats.note)
    if any(row.kpi.id == "ltv_to_cac" for row in rows):
        sheet.write_string(notes_row + 1, 0, NOTES[language]["ltv"], formats.note)


def _write_kpi_row(sheet, formats: Formats, number: int, row: SheetRow, language: str) -> None:
    sheet.write_string(number, 0, kpi_label(row.kpi, language), formats.text)
    for column, value in ((1, row.target), (2, row.actual)):
        write_number_or_undefined(sheet, formats, number, column, value, formats.for_unit(row.unit, value))
    for column, value in ((3, row.attainment_pct), (4, row.wow_pct)):
        write_number_or_undefined(sheet, formats, number, column, value, formats.percent)
    texts = (data_source_text(row, language), term(row.kpi.review_frequency, language),
             row.kpi.owner or UNDEFINED, benchmark_text(row, language), status_text(row, language))
    for column, text in enumerate(texts, start=_DATA_SOURCE_COLUMN):
        sheet.write_string(number, column, text, formats.wrapped if column == _DATA_SOURCE_COLUMN else formats.text)
    # Neither Excel nor LibreOffice grows a row for wrapped text written by xlsxwriter: give it the lines.
    lines = math.ceil(_display_width(texts[0]) / _COLUMN_WIDTHS[_DATA_SOURCE_COLUMN])
    if lines > 1:
        sheet.set_row(number, _LINE_HEIGHT * lines)


def _display_width(text: str) -> int:
    """Column-width units: a CJK (full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _colour_by_status(sheet, formats: Formats, row_count: int, language: str) -> None:
    """Attainment and 判定 cells take the colour of the row's status (thresholds come from kpi.yaml)."""
    status_cell = xl_rowcol_to_cell(1, _STATUS_COLUMN, col_abs=True)
    colours = {"on_track": formats.on_track, "at_risk": formats.at_risk, "off_track": formats.off_track}
    for column in (_ATTAINMENT_COLUMN, _STATUS_COLUMN):
        for status, colour in colours.items():
            criteria = f'={status_cell}="{STATUS[language][status]}"'
            sheet.conditional_format(1, column, row_count, column,
                                     {"type": "formula", "criteria": criteria, "format": colour})
