"""Cell formats of the KPI workbook, created once per workbook."""

from __future__ import annotations

from pipeline.kpi_config.sheet_config import Unit
from pipeline.sheet.labels import UNDEFINED

_BORDER = {"border": 1, "border_color": "#BFBFBF"}
_NUMBER_FORMATS = {
    "count": "#,##0", "fractional_count": "#,##0.0", "yen": "#,##0", "rate": '0.0"%"', "ratio": "0.00",
}


class Formats:
    def __init__(self, workbook):
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True,
             "align": "center", "valign": "vcenter", **_BORDER})
        self.text = workbook.add_format(_BORDER)
        # A data source may carry a note (e.g. no Salesforce Status history): wrapped, never cut off.
        self.wrapped = workbook.add_format({"text_wrap": True, **_BORDER})
        self.undefined = workbook.add_format({"align": "center", **_BORDER})
        self.percent = workbook.add_format({"num_format": '0.0"%"', **_BORDER})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd", **_BORDER})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left", **_BORDER})
        self.link = workbook.add_format({"font_color": "#0563C1", "underline": 1, **_BORDER})
        self.note = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.on_track = workbook.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.at_risk = workbook.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
        self.off_track = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self._numbers = {
            name: workbook.add_format({"num_format": number_format, **_BORDER})
            for name, number_format in _NUMBER_FORMATS.items()
        }

    def for_unit(self, unit: Unit, value: float | None = None):
        if unit == "count" and value is not None and not float(value).is_integer():
            return self._numbers["fractional_count"]
        return self._numbers[unit]


def write_number_or_undefined(sheet, formats: Formats, row: int, column: int, value: float | None,
                              number_format) -> None:
    if value is None:
        sheet.write_string(row, column, UNDEFINED, formats.undefined)
    else:
        sheet.write_number(row, column, value, number_format)
