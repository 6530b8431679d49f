"""The pipeline's own asset check (new leads week over week), run against small warehouses whose answer is known."""

from datetime import date, timedelta

import duckdb
import pytest
from dagster import AssetCheckSeverity, build_asset_check_context
from dagster_duckdb import DuckDBResource

from pipeline.checks import new_leads_week_over_week

COLUMNS = "week_start DATE, new_leads BIGINT, mql_to_sql_rate DOUBLE, sql_to_opportunity_rate DOUBLE, win_rate DOUBLE"


def funnel(tmp_path, rows: list[tuple]) -> DuckDBResource:
    path = str(tmp_path / "kpi.duckdb")
    with duckdb.connect(path) as connection:
        connection.execute(f"CREATE SCHEMA marts; CREATE TABLE marts.funnel_weekly ({COLUMNS})")
        connection.executemany("INSERT INTO marts.funnel_weekly VALUES (?, ?, ?, ?, ?)", rows)
    return DuckDBResource(database=path)


def week(n: int) -> date:
    return date(2025, 6, 2) + timedelta(weeks=n)


@pytest.mark.parametrize(("last_week", "this_week", "passed"), [(100, 49, False), (100, 50, True), (0, 7, True)])
def test_new_leads_falling_by_more_than_half_is_a_warning(tmp_path, last_week, this_week, passed):
    warehouse = funnel(tmp_path, [(week(0), last_week, None, None, None), (week(1), this_week, None, None, None)])
    result = new_leads_week_over_week(build_asset_check_context(), warehouse)
    assert result.passed is passed
    if last_week:
        assert result.severity == AssetCheckSeverity.WARN
        assert result.metadata["week_start"].value == "2025-06-09"
