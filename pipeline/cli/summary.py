"""The summary of a successful run: the report week, its KPIs against their targets (from reporting.kpi_sheet),
where the sheet and the published warehouse are, and what to look at (warnings)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipeline.kpi_config.sheet_config import SheetConfig
from pipeline.sheet.formatting import format_pct, format_value
from pipeline.sheet.labels import COLUMNS, STATUS, UNDEFINED

NAME_WIDTH = 26
VALUE_WIDTH = 16
SHOWN_WARNINGS = 5
INDENT = " " * 11


@dataclass(frozen=True)
class KpiResult:
    name: str
    unit: str
    target: float | None
    actual: float | None
    attainment_pct: float | None
    status: str | None


def read_kpis(warehouse: Path, week: date, config: SheetConfig) -> list[KpiResult]:
    """The week's rows of reporting.kpi_sheet, in the sheet's order (kpi.yaml's)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "SELECT kpi_id, kpi_name, unit, target, actual, attainment_pct, status FROM reporting.kpi_sheet "
            "WHERE week_start = ?",
            [week],
        ).fetchall()
    order = {kpi.id: index for index, kpi in enumerate(config.kpis)}
    rows.sort(key=lambda row: order.get(row[0], len(order)))
    return [KpiResult(*row[1:]) for row in rows]


@dataclass(frozen=True)
class RunSummary:
    week: date
    timezone: str
    language: str
    kpis: list[KpiResult]
    xlsx: str
    csv: str
    published: str
    warnings: list[str]

    def lines(self) -> list[str]:
        labels = COLUMNS[self.language]
        lines = [
            f"Week of {self.week} (Monday to Sunday, {self.timezone})",
            f"  {_left(labels[0], NAME_WIDTH)}{''.join(_right(label, VALUE_WIDTH) for label in labels[1:4])}  "
            f"{labels[9]}",
            *(self._kpi_line(kpi) for kpi in self.kpis),
            f"{'Sheet':<11}{self.xlsx}",
            f"{INDENT}{self.csv}",
            f"{'Warehouse':<11}{self.published} (published for analysts)",
        ]
        return lines + self._warning_lines()

    def _kpi_line(self, kpi: KpiResult) -> str:
        attainment = UNDEFINED if kpi.attainment_pct is None else f"{format_pct(kpi.attainment_pct)}%"
        status = STATUS[self.language].get(kpi.status, UNDEFINED) if kpi.status else UNDEFINED
        values = [format_value(kpi.target, kpi.unit, True), format_value(kpi.actual, kpi.unit, True), attainment]
        return f"  {_left(kpi.name, NAME_WIDTH)}{''.join(_right(value, VALUE_WIDTH) for value in values)}  {status}"

    def _warning_lines(self) -> list[str]:
        if not self.warnings:
            return [f"{'Warnings':<11}none"]
        shown = self.warnings[:SHOWN_WARNINGS]
        lines = [f"{'Warnings' if index == 0 else '':<11}- {text}" for index, text in enumerate(shown)]
        if len(self.warnings) > SHOWN_WARNINGS:
            lines.append(f"{INDENT}… and {len(self.warnings) - SHOWN_WARNINGS} more in the log")
        return lines


def _left(text: str, width: int) -> str:
    """`text` and spaces up to `width` terminal columns (at least one space)."""
    return text + " " * max(width - _columns(text), 1)


def _right(text: str, width: int) -> str:
    return " " * max(width - _columns(text), 1) + text


def _columns(text: str) -> int:
    """The terminal columns `text` takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
