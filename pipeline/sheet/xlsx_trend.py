"""Sheets 2 and 3 of the KPI workbook: the 12-week trend with native line charts, and the funnel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pipeline.sheet.formatting import kpi_label
from pipeline.sheet.labels import (
    FUNNEL_COLUMNS,
    FUNNEL_STAGES,
    NOTES,
    TREND_CHART_TITLES,
    WEEK_HEADER,
)
from pipeline.sheet.rows import SheetRow
from pipeline.sheet.xlsx_formats import Formats, write_number_or_undefined

_FUNNEL_COUNTS = ("new_leads", "mqls", "sqls", "opportunities", "won_deals")
_FUNNEL_RATES = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate")
_CHART_HEIGHT_ROWS = 16


def write_trend_sheet(workbook, sheet, formats: Formats, rows: Sequence[SheetRow],
                      history: Sequence[tuple[date, Mapping[str, float | None]]], language: str) -> None:
    """One column per KPI of the sheet, one row per week; one line chart per unit (counts, rates, ...)."""
    kpis = [row.kpi for row in rows]
    header = [WEEK_HEADER[language], *(kpi_label(kpi, language) for kpi in kpis)]
    sheet.write_row(0, 0, header, formats.header)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, len(kpis), 16)
    sheet.freeze_panes(1, 1)
    for number, (week, actuals) in enumerate(history, start=1):
        sheet.write_datetime(number, 0, week, formats.date)
        for column, kpi in enumerate(kpis, start=1):
            value = actuals.get(kpi.id)
            # Blank, not "—": a chart plots text as zero, but leaves a gap for a blank.
            if value is None:
                sheet.write_blank(number, column, None, formats.text)
            else:
                sheet.write_number(number, column, value, formats.for_unit(kpi.unit, value))
    chart_row = 0
    for unit in ("count", "rate", "yen", "ratio"):
        columns = [column for column, kpi in enumerate(kpis, start=1) if kpi.unit == unit]
        if columns and history:
            title = TREND_CHART_TITLES[language][unit]
            chart = _line_chart(workbook, sheet.name, columns, len(history), title)
            sheet.insert_chart(chart_row, len(kpis) + 2, chart)
            chart_row += _CHART_HEIGHT_ROWS


def _line_chart(workbook, sheet_name: str, columns: list[int], week_count: int, title: str):
    chart = workbook.add_chart({"type": "line"})
    for column in columns:
        chart.add_series({
            "name": [sheet_name, 0, column],
            "categories": [sheet_name, 1, 0, week_count, 0],
            "values": [sheet_name, 1, column, week_count, column],
            "marker": {"type": "circle", "size": 4},
        })
    chart.set_title({"name": title})
    chart.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    return chart


def write_funnel_sheet(workbook, sheet, formats: Formats, funnel_row: Mapping | None, language: str) -> None:
    """Leads → MQL → SQL → 商談 → 受注 with each stage's conversion from the stage before."""
    sheet.write_row(0, 0, FUNNEL_COLUMNS[language], formats.header)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 2, 22)
    counts = [_value(funnel_row, name) for name in _FUNNEL_COUNTS]
    rates = [_ratio(counts[1], counts[0]), *(_percent(_value(funnel_row, name)) for name in _FUNNEL_RATES)]
    for number, (stage, count) in enumerate(zip(FUNNEL_STAGES[language], counts, strict=True), start=1):
        sheet.write_string(number, 0, stage, formats.text)
        write_number_or_undefined(sheet, formats, number, 1, count, formats.for_unit("count", count))
        rate = rates[number - 2] if number > 1 else None
        write_number_or_undefined(sheet, formats, number, 2, rate, formats.percent)
    sheet.write_string(len(counts) + 2, 0, NOTES[language]["funnel"], formats.note)
    if all(count is not None for count in counts):
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({"categories": [sheet.name, 1, 0, len(counts), 0],
                          "values": [sheet.name, 1, 1, len(counts), 1], "data_labels": {"value": True}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        sheet.insert_chart(0, 4, chart)


def _value(row: Mapping | None, name: str) -> float | None:
    if row is None or row.get(name) is None:
        return None
    return float(row[name])


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else fraction * 100


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100
