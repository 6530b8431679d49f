"""Targets derived from the KGI through the KPI tree, and the warning when explicit ones miss the KGI."""

from __future__ import annotations

import pytest

from pipeline.kpi_config.sheet_config import SheetConfig
from pipeline.sheet.targets import plan_targets


def test_targets_are_derived_from_the_kgi_with_the_guides_assumptions():
    plan = plan_targets(SheetConfig())
    weekly_revenue = 100_000_000 / 52
    won = weekly_revenue / 1_000_000
    assert plan.weekly_targets["won_amount"] == pytest.approx(weekly_revenue)
    assert plan.weekly_targets["won_deals"] == pytest.approx(won)
    assert plan.weekly_targets["opportunities"] == pytest.approx(won / 0.20)
    assert plan.weekly_targets["sqls"] == pytest.approx(won / 0.20 / 0.15)
    assert plan.weekly_targets["mqls"] == pytest.approx(won / 0.20 / 0.15 / 0.25)
    assert plan.weekly_targets["new_leads"] == pytest.approx(won / 0.20 / 0.15 / 0.25 / 0.75)
    assert plan.weekly_targets["win_rate"] == 0.20
    assert (plan.weekly_targets["cpa"], plan.origins["cpa"]) == (None, "none")
    assert plan.origins["new_leads"] == "derived"
    assert plan.derivation == (
        "KGI 100,000,000 JPY a year ÷ 52 = 受注金額 1,923,077 JPY/week",
        "受注数 = 1,923,077 JPY ÷ average deal size 1,000,000 JPY = 1.92/week",
        "商談数 = 1.92 ÷ 受注率 20.0% (assumption) = 9.62/week",
        "SQL数 = 9.62 ÷ 商談化率 15.0% (assumption) = 64.10/week",
        "MQL数 = 64.10 ÷ MQL→SQL転換率 25.0% (assumption) = 256.41/week",
        "新規リード獲得数 = 256.41 ÷ lead→MQL rate 75.0% (assumption) = 341.88/week",
    )
    assert plan.warnings == ()


def test_the_guides_example_falls_short_of_its_kgi():
    """The guide's tree: 100 leads a month, 商談化率 15% and 受注率 20% straight from leads,
    1,000,000 JPY deals.

    Its tree has no MQL/SQL stages, so every lead counts as reaching the stage 商談化率 applies to.
    """
    config = SheetConfig.model_validate(
        {
            "kgi": {"annual_revenue": 100_000_000},
            "assumptions": {"lead_to_mql_rate": 1, "mql_to_sql_rate": 1, "average_deal_size": 1_000_000},
            "kpis": [
                {"id": "new_leads", "weekly_target": 100 * 12 / 52},
                {"id": "sql_to_opportunity_rate", "weekly_target": 0.15},
                {"id": "win_rate", "weekly_target": 0.20},
            ],
        }
    )
    plan = plan_targets(config)
    assert plan.warnings == (
        "新規リード獲得数 target: 23.08/week × lead→MQL rate 100.0% (assumption) × MQL→SQL転換率 100.0% "
        "(assumption) × 商談化率 15.0% (target) × 受注率 20.0% (target) × average deal size 1,000,000 JPY "
        "× 52 weeks = 36,000,000 JPY a year, short of the KGI 100,000,000 JPY; the KGI needs 64.10/week",
    )
    # What the KGI needs: 64.10 leads a week, i.e. 277.8 a month instead of 100.
    assert plan.weekly_targets["new_leads"] == pytest.approx(100 * 12 / 52)
    assert plan.origins["new_leads"] == "explicit"
    assert plan.weekly_targets["sqls"] * 52 / 12 == pytest.approx(277.78, abs=0.01)
    assert plan.derivation[-1] == "新規リード獲得数: explicit target 23.08/week used on the sheet"


def test_explicit_rates_replace_the_assumptions_in_the_tree():
    config = SheetConfig.model_validate({"kpis": [{"id": "win_rate", "weekly_target": 0.25}]})
    plan = plan_targets(config)
    assert plan.weekly_targets["opportunities"] == pytest.approx(100_000_000 / 52 / 1_000_000 / 0.25)
    assert plan.derivation[2] == "商談数 = 1.92 ÷ 受注率 25.0% (target) = 7.69/week"
    assert plan.warnings == ()


def test_targets_within_the_tolerance_do_not_warn_and_excess_is_reported():
    within = SheetConfig.model_validate({"kpis": [{"id": "opportunities", "weekly_target": 9.9}]})
    assert plan_targets(within).warnings == ()
    above = SheetConfig.model_validate(
        {"language": "en", "kpis": [{"id": "won_amount", "weekly_target": 2_500_000}]}
    )
    assert plan_targets(above).warnings == (
        "Won amount target: 2,500,000 JPY/week × 52 weeks = 130,000,000 JPY a year, above the KGI "
        "100,000,000 JPY; the KGI needs 1,923,077 JPY/week",
    )
