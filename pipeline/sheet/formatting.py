"""Sheet rows as text cells, shared by the CSV and the Markdown preview."""

from __future__ import annotations

from pipeline.kpi_config.sheet_config import KpiDefinition, Unit
from pipeline.sheet.labels import DATA_SOURCE_NOTES, STATUS, UNDEFINED, UNIT_SUFFIX, term
from pipeline.sheet.rows import SheetRow

_BENCHMARK_UNIT = {"ja": {"rate": "%", "yen": "円"}, "en": {"rate": "%", "yen": " JPY"}}


def data_source_text(row: SheetRow, language: str) -> str:
    """The データソース cell: the configured source, and how its data is dated when a fallback is in use."""
    source = term(row.kpi.data_source, language)
    if row.data_source_note is None:
        return source
    return f"{source} ({DATA_SOURCE_NOTES[language][row.data_source_note]})"


def kpi_label(kpi: KpiDefinition, language: str) -> str:
    return kpi.name(language) + UNIT_SUFFIX[language][kpi.unit]


def format_value(value: float | None, unit: Unit, grouping: bool = False) -> str:
    if value is None:
        return UNDEFINED
    separator = "," if grouping else ""
    if unit == "yen" or (unit == "count" and float(value).is_integer()):
        return f"{value:{separator}.0f}"
    if unit == "ratio":
        return f"{value:{separator}.2f}"
    return f"{value:{separator}.1f}"


def format_pct(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.1f}"


def benchmark_text(row: SheetRow, language: str) -> str:
    low, high = row.benchmark_low, row.benchmark_high
    suffix = _BENCHMARK_UNIT[language].get(row.unit, "")
    if low is not None and low == high:
        return f"{format_value(low, row.unit, True)}{suffix}"
    if low is not None and high is not None:
        return f"{format_value(low, row.unit, True)}–{format_value(high, row.unit, True)}{suffix}"
    if low is not None:
        return f"≥ {format_value(low, row.unit, True)}{suffix}"
    if high is not None:
        return f"≤ {format_value(high, row.unit, True)}{suffix}"
    return UNDEFINED


def status_text(row: SheetRow, language: str) -> str:
    return UNDEFINED if row.status is None else STATUS[language][row.status]


def row_cells(row: SheetRow, language: str, grouping: bool = False) -> list[str]:
    """The ten cells of a row, in the sheet's column order."""
    return [
        kpi_label(row.kpi, language),
        format_value(row.target, row.unit, grouping),
        format_value(row.actual, row.unit, grouping),
        format_pct(row.attainment_pct),
        format_pct(row.wow_pct),
        data_source_text(row, language),
        term(row.kpi.review_frequency, language),
        row.kpi.owner or UNDEFINED,
        benchmark_text(row, language),
        status_text(row, language),
    ]
