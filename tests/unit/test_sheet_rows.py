"""The sheet's arithmetic: the guide's sample rows, direction-aware attainment, status and "—" cells."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from pipeline.kpi_config.sheet_config import SheetConfig, StatusThresholds
from pipeline.sheet.formatting import row_cells
from pipeline.sheet.rows import WeeklySheets, attainment_pct, status_of, week_over_week_pct
from pipeline.sheet.table import KPI_SHEET_COLUMNS, kpi_sheet_table
from tests.support import REPO

WEEK = date(2025, 6, 23)
SEED = REPO / "dbt_project" / "seeds" / "industry_benchmarks.csv"
_SEED_NUMBERS = {"low", "high", "recommended_target"}


def funnel_row(week: date, **values) -> dict:
    row = {
        "week_start": week,
        "new_leads": 100,
        "mqls": 60,
        "sqls": 15,
        "opportunities": 5,
        "won_deals": 1,
        "lost_deals": 2,
        "won_amount": 100_000,
        "mql_to_sql_rate": 0.25,
        "sql_to_opportunity_rate": 0.15,
        "win_rate": 0.2,
    }
    return {**row, **values}


def guide_config(**overrides) -> SheetConfig:
    """The guide's sample sheet: 120 leads, 商談化率 15%, 受注率 20%, CPA 8,000 JPY, LTV/CAC 3.0."""
    return SheetConfig.model_validate(
        {
            "ltv": {"gross_margin": 0.7, "monthly_churn": 0.025, "months_per_deal_amount": 1},
            "kpis": [
                {"id": "new_leads", "weekly_target": 120, "owner": "マーケ担当A"},
                {"id": "sql_to_opportunity_rate", "weekly_target": 0.15, "owner": "マーケ担当B"},
                {"id": "win_rate", "weekly_target": 0.20, "owner": "営業担当C"},
                {"id": "cpa", "weekly_target": 8000, "owner": "マーケ担当A"},
                {"id": "ltv_to_cac", "weekly_target": 3.0, "owner": "マーケ責任者"},
            ],
            **overrides,
        }
    )


def guide_funnel() -> list[dict]:
    """Report week: 96 leads, 商談化率 12%, 受注率 18%; 4 weeks with 1 deal of 100,000 JPY each."""
    weeks = [WEEK - timedelta(weeks=back) for back in (3, 2, 1)]
    return [
        *(funnel_row(week) for week in weeks),
        funnel_row(WEEK, new_leads=96, sql_to_opportunity_rate=0.12, win_rate=0.18),
    ]


# CPA 912,000 / 96 = 9,500 JPY. LTV/CAC over 4 weeks: 400,000 × 0.7 / 0.025 / 4,000,000 spent = 2.8.
GUIDE_SPEND = {
    WEEK - timedelta(weeks=3): 1_000_000,
    WEEK - timedelta(weeks=2): 1_000_000,
    WEEK - timedelta(weeks=1): 1_088_000,
    WEEK: 912_000,
}


def test_the_guides_sample_rows():
    rows = WeeklySheets(guide_funnel(), guide_config(), GUIDE_SPEND).rows(WEEK)
    by_id = {row.kpi.id: row for row in rows}
    assert (by_id["new_leads"].target, by_id["new_leads"].actual) == (120, 96)
    assert by_id["new_leads"].attainment_pct == pytest.approx(80.0)
    assert (by_id["sql_to_opportunity_rate"].target, by_id["sql_to_opportunity_rate"].actual) == (15.0, 12.0)
    assert by_id["sql_to_opportunity_rate"].attainment_pct == pytest.approx(80.0)
    assert by_id["win_rate"].attainment_pct == pytest.approx(90.0)
    assert by_id["ltv_to_cac"].actual == pytest.approx(2.8)
    assert round(by_id["ltv_to_cac"].attainment_pct) == 93
    # Lower is better: target / actual = 8,000 / 9,500 (the guide's 94 matches neither formula).
    assert by_id["cpa"].actual == pytest.approx(9500)
    assert [row_cells(row, "ja")[:5] for row in rows] == [
        ["新規リード獲得数", "120", "96", "80.0", "-4.0"],
        ["商談化率(%)", "15.0", "12.0", "80.0", "-20.0"],
        ["受注率(%)", "20.0", "18.0", "90.0", "-10.0"],
        ["CPA(円)", "8000", "9500", "84.2", "-12.7"],  # last week 1,088,000 / 100 leads
        ["LTV/CAC比", "3.00", "2.80", "93.3", "—"],
    ]
    assert [row.status for row in rows] == ["at_risk"] * 5


def test_attainment_follows_the_direction():
    assert attainment_pct(96, 120, "higher") == pytest.approx(80.0)
    assert attainment_pct(9500, 8000, "lower") == pytest.approx(84.2105, abs=1e-4)
    assert attainment_pct(6000, 8000, "lower") == pytest.approx(133.3333, abs=1e-4)
    assert attainment_pct(0, 120, "higher") == 0.0


@pytest.mark.parametrize(
    ("actual", "target", "direction"),
    [
        (96, 0, "higher"),
        (96, None, "higher"),
        (None, 120, "higher"),
        (0, 8000, "lower"),
        (9500, None, "lower"),
    ],
)
def test_attainment_is_undefined_rather_than_zero(actual, target, direction):
    assert attainment_pct(actual, target, direction) is None


def test_week_over_week():
    assert week_over_week_pct(96, 100) == pytest.approx(-4.0)
    assert week_over_week_pct(0, 10) == pytest.approx(-100.0)
    assert week_over_week_pct(5, 0) is None
    assert week_over_week_pct(5, None) is None
    assert week_over_week_pct(None, 5) is None


def test_status_thresholds_are_inclusive_and_configurable():
    default = StatusThresholds()
    assert [status_of(value, default) for value in (100, 99.9, 80, 79.9, None)] == [
        "on_track",
        "at_risk",
        "at_risk",
        "off_track",
        None,
    ]
    config = guide_config(status_thresholds={"on_track": 90, "at_risk": 85})
    rows = WeeklySheets(guide_funnel(), config, GUIDE_SPEND).rows(WEEK)
    assert [row.status for row in rows] == ["off_track", "off_track", "on_track", "off_track", "on_track"]


def test_undefined_cells_show_a_dash():
    config = SheetConfig.model_validate(
        {
            "kpis": [
                {"id": "new_leads", "weekly_target": 0},
                {"id": "mqls", "weekly_target": 50},
                {"id": "cpa"},
                {"id": "cac", "weekly_target": 100_000},
            ]
        }
    )
    funnel = [
        funnel_row(WEEK - timedelta(weeks=1), mqls=0),
        funnel_row(WEEK, new_leads=40, mqls=45, won_deals=0),
    ]
    rows = WeeklySheets(funnel, config, {WEEK - timedelta(weeks=1): 200_000}).rows(WEEK)
    assert [row_cells(row, "ja") for row in rows] == [
        # target 0: no attainment; last week 100 leads, so WoW is defined
        ["新規リード獲得数", "0", "40", "—", "-60.0", "MAツール", "週次", "—", "—", "—"],
        # last week 0 MQLs: no WoW
        ["MQL数", "50", "45", "90.0", "—", "MAツール", "週次", "—", "—", "注意"],
        # no target configured, no spend this week
        ["CPA(円)", "—", "—", "—", "—", "広告管理ツール", "週次", "—", "—", "—"],
        ["CAC(円)", "100000", "—", "—", "—", "SFA+会計", "週次", "—", "—", "—"],
    ]


def test_a_week_without_funnel_data_has_no_actuals():
    rows = WeeklySheets([funnel_row(WEEK)], guide_config(), GUIDE_SPEND).rows(WEEK + timedelta(weeks=1))
    assert [row.actual for row in rows] == [None] * 5
    assert [row.status for row in rows] == [None] * 5


def test_ltv_to_cac_needs_spend_for_all_four_weeks_and_an_ltv_config():
    partial_spend = {
        week: amount for week, amount in GUIDE_SPEND.items() if week != WEEK - timedelta(weeks=3)
    }
    rows = WeeklySheets(guide_funnel(), guide_config(), partial_spend).rows(WEEK)
    assert rows[-1].actual is None
    rows = WeeklySheets(guide_funnel(), guide_config(ltv=None), GUIDE_SPEND).rows(WEEK)
    assert rows[-1].actual is None


def test_the_report_week_must_be_a_monday():
    with pytest.raises(ValueError, match="report week 2025-06-24 is a Tuesday"):
        WeeklySheets(guide_funnel(), guide_config()).rows(date(2025, 6, 24))


def seed_benchmarks() -> list[dict]:
    """reference.industry_benchmarks as DuckDB returns it: doubles, NULL for an empty cell."""
    with SEED.open(encoding="utf-8", newline="") as handle:
        return [
            {
                key: (float(value) if value else None) if key in _SEED_NUMBERS else value
                for key, value in row.items()
            }
            for row in csv.DictReader(handle)
        ]


def test_benchmarks_from_the_seed_are_shown_in_the_sheets_scale():
    rows = WeeklySheets(guide_funnel(), guide_config(), GUIDE_SPEND, seed_benchmarks()).rows(WEEK)
    assert [row_cells(row, "ja")[8] for row in rows] == [
        "—",
        "10.0–20.0%",
        "20.0%",
        "5,000–10,000円",
        "≥ 3.00",
    ]
    assert [row_cells(row, "en")[8] for row in rows][3] == "5,000–10,000 JPY"
    assert (rows[1].benchmark_low, rows[1].benchmark_high) == (10.0, 20.0)


def test_english_cells():
    rows = WeeklySheets(guide_funnel(), guide_config(), GUIDE_SPEND).rows(WEEK)
    assert row_cells(rows[1], "en") == [
        "Opportunity rate (%)",
        "15.0",
        "12.0",
        "80.0",
        "-20.0",
        "SFA tool",
        "Weekly",
        "マーケ担当B",
        "—",
        "At risk",
    ]
    assert row_cells(rows[4], "en")[:1] + row_cells(rows[4], "en")[5:7] == [
        "LTV/CAC ratio",
        "SFA + accounting",
        "Monthly",
    ]


def test_history_covers_twelve_weeks_ending_with_the_report_week():
    history = WeeklySheets(guide_funnel(), guide_config(), GUIDE_SPEND).history(WEEK)
    assert [week for week, _ in history] == [WEEK - timedelta(weeks=back) for back in range(11, -1, -1)]
    assert history[-1][1]["new_leads"] == 96
    assert history[-2][1] == {
        "new_leads": 100,
        "sql_to_opportunity_rate": 15.0,
        "win_rate": 20.0,
        "cpa": pytest.approx(10_880),
        "ltv_to_cac": None,
    }
    assert history[0][1] == dict.fromkeys(
        ("new_leads", "sql_to_opportunity_rate", "win_rate", "cpa", "ltv_to_cac")
    )


def test_the_table_of_all_weeks_keeps_numbers_and_none():
    table = kpi_sheet_table(WeeklySheets(guide_funnel(), guide_config(), GUIDE_SPEND).all_weeks(), "ja")
    assert len(table) == 4 * 5
    assert all(tuple(record) == tuple(KPI_SHEET_COLUMNS) for record in table)
    first_week_cpa = table[3]
    assert first_week_cpa == {
        "week_start": WEEK - timedelta(weeks=3),
        "kpi_id": "cpa",
        "kpi_name": "CPA(円)",
        "unit": "yen",
        "target": 8000,
        "actual": 10_000.0,
        "attainment_pct": 80.0,
        "wow_pct": None,
        "data_source": "広告管理ツール",
        "review_frequency": "週次",
        "owner": "マーケ担当A",
        "benchmark_low": None,
        "benchmark_high": None,
        "status": "at_risk",
    }
    assert table[-1]["kpi_id"] == "ltv_to_cac"
    assert table[-1]["actual"] == pytest.approx(2.8)
