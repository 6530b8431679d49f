"""The summary's KPI table lines up on a terminal, Japanese names included, and lists at most five warnings."""

import unicodedata
from datetime import date

from pipeline.cli.summary import KpiResult, RunSummary


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def summary(language: str, warnings: list[str]) -> RunSummary:
    kpis = [KpiResult("新規リード獲得数", "count", 68.376, 60.0, 87.75, "at_risk"),
            KpiResult("MQL→SQL転換率(%)", "rate", 25.0, 45.714, 182.857, "on_track"),
            KpiResult("CPA(円)", "yen", 8000.0, 4833.33, 165.517, "on_track"),
            KpiResult("LTV/CAC比", "ratio", None, 0.4436, None, None)]
    return RunSummary(date(2025, 11, 10), "Asia/Tokyo", language, kpis, "/o/s.xlsx", "/o/s.csv", "/d/kpi.duckdb",
                      warnings)


def test_the_kpi_columns_line_up_in_terminal_columns():
    lines = summary("ja", []).lines()[1:6]
    assert lines[1:] == [
        "  新規リード獲得数                      68.4              60           87.8%  注意",
        "  MQL→SQL転換率(%)                      25.0            45.7          182.9%  順調",
        "  CPA(円)                              8,000           4,833          165.5%  順調",
        "  LTV/CAC比                                —            0.44               —  —",
    ]
    assert len({columns(line.rsplit("  ", 1)[0]) for line in lines}) == 1


def test_at_most_five_warnings_are_shown_the_rest_are_in_the_log():
    lines = summary("en", [f"warning {n}" for n in range(7)]).lines()
    assert lines[-6:] == [
        "Warnings   - warning 0", "           - warning 1", "           - warning 2", "           - warning 3",
        "           - warning 4", "           … and 2 more in the log",
    ]
    assert summary("en", []).lines()[-1] == "Warnings   none"
