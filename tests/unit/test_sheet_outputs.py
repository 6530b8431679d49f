"""The report week's files (xlsx and CSV) and the Markdown preview."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from pipeline.kpi_config.sheet_config import SheetConfig
from pipeline.sheet.outputs import write_sheet_outputs
from pipeline.sheet.preview import sheet_markdown
from pipeline.sheet.rows import WeeklySheets

WEEK = date(2025, 6, 23)
JA_HEADER = "KPI名,目標値,実績値,達成率(%),前週比(%),データソース,レビュー頻度,担当者,業界目安,判定"
EN_HEADER = "KPI,Target,Actual,Attainment (%),WoW (%),Data source,Review cadence,Owner,Benchmark,Status"


def funnel(weeks: int = 14) -> list[dict]:
    """Weeks ending with WEEK: leads 60, 62, ...; a quiet first week with no rates."""
    rows = []
    for index in range(weeks):
        rows.append(
            {
                "week_start": WEEK - timedelta(weeks=weeks - 1 - index),
                "new_leads": 60 + 2 * index,
                "mqls": 40 + index,
                "sqls": 10,
                "opportunities": 2,
                "won_deals": index % 3,
                "lost_deals": 1,
                "won_amount": 1_200_000 * (index % 3),
                "mql_to_sql_rate": 0.25 if index else None,
                "sql_to_opportunity_rate": 0.2 if index else None,
                "win_rate": 0.5 if index else None,
            }
        )
    return rows


CONFIG = SheetConfig.model_validate(
    {
        "ltv": {"gross_margin": 0.7, "monthly_churn": 0.5, "months_per_deal_amount": 1},
        "kpis": [
            {"id": "new_leads", "weekly_target": 80, "owner": "マーケ担当A"},
            {"id": "mqls", "weekly_target": 50},
            {"id": "sqls"},
            {"id": "opportunities"},
            {"id": "won_deals"},
            {"id": "mql_to_sql_rate"},
            {"id": "sql_to_opportunity_rate"},
            {"id": "win_rate"},
            {"id": "won_amount"},
            {"id": "cpa", "weekly_target": 8000},
            {"id": "ltv_to_cac", "weekly_target": 3.0},
        ],
    }
)
SPEND = {WEEK - timedelta(weeks=back): 700_000 for back in range(8)}


def write(tmp_path, language="ja"):
    rows = WeeklySheets(funnel(), CONFIG, SPEND).rows(WEEK)
    history = WeeklySheets(funnel(), CONFIG, SPEND).history(WEEK)
    return write_sheet_outputs(rows, history, funnel()[-1], tmp_path, WEEK, language)


def test_csv_is_utf8_with_a_bom_and_the_exact_header(tmp_path):
    _, csv_path = write(tmp_path)
    assert csv_path == tmp_path / "kpi_sheet_2025-06-23.csv"
    lines = csv_path.read_bytes().split(b"\r\n")
    assert lines[0] == b"\xef\xbb\xbf" + JA_HEADER.encode()
    assert lines[1].decode() == "新規リード獲得数,80,86,107.5,2.4,MAツール,週次,マーケ担当A,—,順調"
    assert lines[10].decode() == "CPA(円),8000,8140,98.3,-2.3,広告管理ツール,週次,—,—,注意"
    assert len(lines) == 13 and lines[12] == b""


def test_english_switch(tmp_path):
    xlsx_path, csv_path = write(tmp_path, "en")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf" + EN_HEADER.encode() + b"\r\n")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[1] == (
        "New leads,80,86,107.5,2.4,MA tool,Weekly,マーケ担当A,—,On track"
    )
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames == ["KPI sheet", "12-week trend", "Funnel", "Restatements (12 weeks)", "Records"]


def test_xlsx_sheets_header_formats_and_charts(tmp_path):
    xlsx_path, _ = write(tmp_path)
    assert xlsx_path == tmp_path / "kpi_sheet_2025-06-23.xlsx"
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames == ["KPIシート", "推移(12週)", "ファネル", "修正履歴(12週)", "明細"]
    table, trend, funnel_sheet, *_ = workbook.worksheets
    assert [cell.value for cell in table[1]] == JA_HEADER.split(",")
    leads = [cell.value for cell in table[2]]
    assert leads[:3] == ["新規リード獲得数", 80, 86]
    assert leads[3] == pytest.approx(107.5)
    amount = table[10]
    assert (amount[0].value, amount[1].number_format, amount[3].number_format) == (
        "受注金額(円)",
        "#,##0",
        '0.0"%"',
    )
    # Attainment and 判定 take the colour of the row's status: green, amber, red.
    colour_rules = {
        str(rules.sqref): [(rule.formula, rule.dxf.fill.bgColor.rgb) for rule in rules.rules]
        for rules in table.conditional_formatting
    }
    expected_rules = [
        (['$J2="順調"'], "FFC6EFCE"),
        (['$J2="注意"'], "FFFFEB9C"),
        (['$J2="未達"'], "FFFFC7CE"),
    ]
    assert colour_rules == {"D2:D12": expected_rules, "J2:J12": expected_rules}
    assert table["A14"].value == "対象週: 2025-06-23 〜 2025-06-29"

    assert trend.max_row == 13
    assert [trend.cell(row, 1).value for row in (2, 13)] == [datetime(2025, 4, 7), datetime(2025, 6, 23)]
    assert [trend.cell(13, column).value for column in (1, 2)] == [datetime(2025, 6, 23), 86]
    # one native line chart per unit on the sheet: counts, rates, yen, ratio
    assert [chart.tagname for chart in trend._charts] == ["lineChart"] * 4

    stages = [[cell.value for cell in row] for row in funnel_sheet.iter_rows(min_row=1, max_row=6, max_col=3)]
    assert stages == [
        ["ステージ", "件数", "前段からの転換率(%)"],
        ["リード", 86, "—"],
        ["MQL", 53, pytest.approx(53 / 86 * 100)],
        ["SQL", 10, 25],
        ["商談", 2, 20],
        ["受注", 1, 50],
    ]


def test_undefined_cells_are_dashes_in_the_workbook(tmp_path):
    rows = WeeklySheets(funnel(), CONFIG, None).rows(WEEK)
    history = WeeklySheets(funnel(), CONFIG, None).history(WEEK)
    xlsx_path, _ = write_sheet_outputs(rows, history, None, tmp_path, WEEK, "ja")
    table, _, funnel_sheet, *_ = openpyxl.load_workbook(xlsx_path).worksheets
    assert [cell.value for cell in table[11]] == [
        "CPA(円)",
        8000,
        "—",
        "—",
        "—",
        "広告管理ツール",
        "週次",
        "—",
        "—",
        "—",
    ]
    assert [funnel_sheet.cell(row, 2).value for row in range(2, 7)] == ["—"] * 5


def test_markdown_preview():
    rows = WeeklySheets(funnel(), CONFIG, SPEND).rows(WEEK)
    lines = sheet_markdown(rows, "ja").splitlines()
    assert lines[0] == "| " + " | ".join(JA_HEADER.split(",")) + " |"
    assert lines[1] == "| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |"
    # last week's won amount was 0: no week-over-week change
    assert lines[10] == "| 受注金額(円) | 1,923,077 | 1,200,000 | 62.4 | — | SFA+会計 | 週次 | — | — | 未達 |"
    assert len(lines) == 13


@pytest.mark.skipif(
    not (shutil.which("libreoffice") or shutil.which("soffice")),
    reason="LibreOffice is not installed (CI installs libreoffice-calc-nogui)",
)
def test_libreoffice_converts_the_workbook_to_pdf(tmp_path):
    xlsx_path, _ = write(tmp_path)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    profile = (tmp_path / "lo-profile").as_uri()
    completed = subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(xlsx_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "pdf" / "kpi_sheet_2025-06-23.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_data_source_note_wraps_in_a_row_tall_enough_to_read(tmp_path):
    sheets = WeeklySheets(funnel(), CONFIG, SPEND, no_status_history=True)
    xlsx_path, _ = write_sheet_outputs(sheets.rows(WEEK), sheets.history(WEEK), funnel()[-1], tmp_path, WEEK, "ja")
    table = openpyxl.load_workbook(xlsx_path).worksheets[0]
    mqls, opportunities = table[3], table[5]
    assert mqls[5].value == "MAツール (Salesforce ステータス履歴なし: 作成日で代用)"
    assert mqls[5].alignment.wrap_text
    assert (table.row_dimensions[3].height, table.row_dimensions[5].height) == (30, None)
    assert opportunities[5].value == "SFAツール"
