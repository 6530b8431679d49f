"""The pipeline's own asset checks, run against small warehouses whose answer is known."""

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from dagster import AssetCheckSeverity, build_asset_check_context
from dagster_duckdb import DuckDBResource

from pipeline.checks import (
    RAW_KEYS,
    funnel_rates_within_bounds,
    funnel_weeks_gap_free,
    new_leads_week_over_week,
    raw_tables_fresh,
)

COLUMNS = "week_start DATE, new_leads BIGINT, mql_to_sql_rate DOUBLE, sql_to_opportunity_rate DOUBLE, win_rate DOUBLE"


def funnel(tmp_path, rows: list[tuple]) -> DuckDBResource:
    path = str(tmp_path / "kpi.duckdb")
    with duckdb.connect(path) as connection:
        connection.execute(f"CREATE SCHEMA marts; CREATE TABLE marts.funnel_weekly ({COLUMNS})")
        connection.executemany("INSERT INTO marts.funnel_weekly VALUES (?, ?, ?, ?, ?)", rows)
    return DuckDBResource(database=path)


def week(n: int) -> date:
    return date(2025, 6, 2) + timedelta(weeks=n)


def test_rates_outside_zero_to_one_fail_naming_the_week(tmp_path):
    warehouse = funnel(tmp_path, [(week(0), 10, 0.2, None, 1.0), (week(1), 12, 1.2, 0.1, 0.0)])
    result = funnel_rates_within_bounds(build_asset_check_context(), warehouse)
    assert not result.passed
    assert result.metadata["weeks_out_of_bounds"].value == ["2025-06-09"]


def test_rates_within_bounds_or_null_pass(tmp_path):
    warehouse = funnel(tmp_path, [(week(0), 10, 0.0, None, 1.0)])
    assert funnel_rates_within_bounds(build_asset_check_context(), warehouse).passed


def test_a_missing_week_fails_naming_it(tmp_path):
    warehouse = funnel(tmp_path, [(week(0), 1, None, None, None), (week(2), 1, None, None, None)])
    result = funnel_weeks_gap_free(build_asset_check_context(), warehouse)
    assert not result.passed
    assert result.metadata["missing_weeks"].value == ["2025-06-09"]


@pytest.mark.parametrize(("last_week", "this_week", "passed"), [(100, 49, False), (100, 50, True), (0, 7, True)])
def test_new_leads_falling_by_more_than_half_is_a_warning(tmp_path, last_week, this_week, passed):
    warehouse = funnel(tmp_path, [(week(0), last_week, None, None, None), (week(1), this_week, None, None, None)])
    result = new_leads_week_over_week(build_asset_check_context(), warehouse)
    assert result.passed is passed
    if last_week:
        assert result.severity == AssetCheckSeverity.WARN
        assert result.metadata["week_start"].value == "2025-06-09"


def test_raw_tables_synced_more_than_8_days_ago_are_stale(tmp_path):
    path = str(tmp_path / "kpi.duckdb")
    now = datetime.now(UTC)
    tables = [".".join(key.path) for key in RAW_KEYS]
    with duckdb.connect(path) as connection:
        connection.execute("CREATE SCHEMA raw_hubspot; CREATE SCHEMA raw_salesforce")
        for table in tables:
            connection.execute(f"CREATE TABLE {table} (_synced_at TIMESTAMPTZ)")
        connection.execute("INSERT INTO raw_hubspot.contacts VALUES (?)", [now - timedelta(days=9)])
        connection.execute("INSERT INTO raw_salesforce.lead VALUES (?)", [now - timedelta(days=7)])
    results = {
        ".".join(result.asset_key.path): result
        for result in raw_tables_fresh(build_asset_check_context(), DuckDBResource(database=path))
    }
    assert sorted(results) == sorted(tables)
    assert results["raw_salesforce.lead"].passed is True
    stale = sorted(table for table, result in results.items() if not result.passed)
    assert stale == sorted(set(tables) - {"raw_salesforce.lead"})  # 9 days old, or never synced
    assert results["raw_hubspot.contacts"].metadata["age_days"].value == pytest.approx(9, abs=0.01)
    assert results["raw_hubspot.deals"].metadata["last_synced_at"].value == "never"
