"""The restatement tab: every change to a published week of the last 12, with its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from pipeline.kpi_config.sheet_config import KpiDefinition
from pipeline.sheet.formatting import kpi_label
from pipeline.sheet.restatement_labels import (
    REASON_LABELS,
    RESTATEMENT_COLUMNS,
    RESTATEMENT_NOTES,
    WEEK_STATUS,
)
from pipeline.sheet.xlsx_formats import Formats, write_number_or_undefined
from pipeline.week_close.recent import RestatementLine

_WIDTHS = (12, 22, 8, 12, 12, 12, 12, 11, 31, 31, 20, 18)  # a Salesforce key is 29 characters
_RECORDS_SHOWN = 5


def write_restatement_sheet(sheet, formats: Formats, lines: Sequence[RestatementLine],
                            kpis: Sequence[KpiDefinition], language: str) -> None:
    sheet.write_row(0, 0, RESTATEMENT_COLUMNS[language], formats.header)
    for column, width in enumerate(_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 2)
    by_id = {kpi.id: kpi for kpi in kpis}
    order = {kpi.id: index for index, kpi in enumerate(kpis)}
    ordered = sorted(lines, key=lambda line: (-line.week_start.toordinal(), -line.detected_at.timestamp(),
                                              order.get(line.kpi_id, len(order))))
    for number, line in enumerate(ordered, start=1):
        _write_line(sheet, formats, number, line, by_id.get(line.kpi_id), language)
    notes = RESTATEMENT_NOTES[language]
    note_row = len(ordered) + 2
    if not ordered:
        sheet.write_string(1, 0, notes["none"], formats.note)
        note_row = 3
    else:
        sheet.autofilter(0, 0, len(ordered), len(_WIDTHS) - 1)
    sheet.write_string(note_row, 0, notes["explain"], formats.note)


def _write_line(sheet, formats: Formats, number: int, line: RestatementLine, kpi: KpiDefinition | None,
                language: str) -> None:
    sheet.write_datetime(number, 0, line.week_start, formats.date)
    sheet.write_string(number, 1, kpi_label(kpi, language) if kpi else line.kpi_id, formats.text)
    sheet.write_string(number, 2, WEEK_STATUS[language][line.week_status], formats.text)
    values = (line.preliminary_value, line.final_value, line.current_value, line.difference)
    if kpi is not None and kpi.unit == "rate":  # fractions in the ledger, percentages on the sheet
        values = tuple(None if value is None else value * 100 for value in values)
    for column, value in enumerate(values, start=3):
        number_format = formats.for_unit(kpi.unit, value) if kpi else formats.text
        write_number_or_undefined(sheet, formats, number, column, value, number_format)
    change = None if line.relative_change is None else line.relative_change * 100
    write_number_or_undefined(sheet, formats, number, 7, change, formats.percent)
    texts = (_records(line.entered_record_keys, language), _records(line.left_record_keys, language),
             _reasons(line.reason_counts, language))
    for column, text in enumerate(texts, start=8):
        sheet.write_string(number, column, text, formats.wrapped)
    sheet.write_datetime(number, 11, line.detected_at.astimezone(UTC).replace(tzinfo=None), formats.datetime)
    lines = max(1, *(text.count("\n") + 1 for text in texts))
    if lines > 1:
        sheet.set_row(number, 15 * lines)


def _records(keys: Sequence[str], language: str) -> str:
    shown = list(keys[:_RECORDS_SHOWN])
    if len(keys) > _RECORDS_SHOWN:
        shown.append(RESTATEMENT_NOTES[language]["more"].format(count=len(keys) - _RECORDS_SHOWN))
    return "\n".join(shown)


def _reasons(counts: dict[str, int], language: str) -> str:
    labels = REASON_LABELS[language]
    return "\n".join(f"{labels.get(reason, reason)} ×{count}" for reason, count in sorted(counts.items()))
