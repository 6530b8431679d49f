"""The workbook's restatement tab: each restatement of the last 12 weeks, rates as percentages, the reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl

from pipeline.kpi_config.sheet_config import SheetConfig
from pipeline.sheet.outputs import write_sheet_outputs
from pipeline.sheet.rows import WeeklySheets
from pipeline.week_close.recent import RestatementLine
from tests.unit.test_sheet_outputs import WEEK, funnel

DETECTED = datetime(2025, 6, 30, 1, 2, tzinfo=UTC)


def _line(kpi_id, published, current, entered=(), left=(), reasons=None, status="preliminary"):
    return RestatementLine(WEEK, kpi_id, status, published, None, published, current,
                           None if published is None or current is None else current - published,
                           list(entered), list(left), reasons or {}, DETECTED)


def _tab(tmp_path, lines, language="ja"):
    config = SheetConfig(language=language)
    sheets = WeeklySheets(funnel(), config, None)
    xlsx, _ = write_sheet_outputs(sheets.rows(WEEK), sheets.history(WEEK), None, tmp_path, WEEK, language, lines)
    return openpyxl.load_workbook(xlsx).worksheets[3]


def test_each_restatement_is_a_row_with_values_records_and_reasons(tmp_path):
    lines = [
        _line("win_rate", 0.25, 0.5, entered=["salesforce:006A"], reasons={"backdated_edit": 1}),
        _line("new_leads", 20.0, 18.0, left=[f"hubspot:{n}" for n in range(7)], reasons={"deletion": 6, "merge": 1}),
    ]
    tab = _tab(tmp_path, lines)
    rows = list(tab.iter_rows(values_only=True))
    assert rows[0] == ("週(月曜)", "KPI名", "区分", "速報値", "確定値", "現在値", "差分", "変動率(%)", "増えたレコード",
                       "減ったレコード", "理由", "検出日時(UTC)")
    leads, rate = rows[1], rows[2]  # the sheet's KPI order
    assert leads[1:8] == ("新規リード獲得数", "速報", 20, "—", 18, -2, -10)
    assert leads[9] == "hubspot:0\nhubspot:1\nhubspot:2\nhubspot:3\nhubspot:4\n他2件"
    assert leads[10] == "削除 ×6\nマージ ×1"
    assert leads[11] == datetime(2025, 6, 30, 1, 2)
    assert rate[1:8] == ("受注率(%)", "速報", 25, "—", 50, 25, 100)
    assert rate[8] == "salesforce:006A"


def test_no_restatement_says_so_in_the_sheets_language(tmp_path):
    assert _tab(tmp_path, [], "en")["A2"].value == "No published value of the last 12 weeks has changed."
