"""Asset checks beyond dbt's own tests: freshness of the raw layer and sanity of the weekly funnel."""


from datetime import UTC, datetime, timedelta

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    asset_check,
    multi_asset_check,
)
from dagster_duckdb import DuckDBResource

from pipeline.assets.sources import HUBSPOT_TABLES, SALESFORCE_TABLES

FUNNEL_WEEKLY = AssetKey(["marts", "funnel_weekly"])
RATE_COLUMNS = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate")
NEW_LEADS_DROP_WARNING = 0.5

RAW_KEYS = [AssetKey(["raw_hubspot", table]) for table in HUBSPOT_TABLES] + [
    AssetKey(["raw_salesforce", table]) for table in SALESFORCE_TABLES
]
RAW_FRESHNESS = timedelta(days=8)


@multi_asset_check(
    specs=[
        AssetCheckSpec("synced_within_8_days", asset=key, description="The raw table was synced within 8 days.")
        for key in RAW_KEYS
    ],
    can_subset=True,
)
def raw_tables_fresh(context: AssetCheckExecutionContext, duckdb: DuckDBResource):
    now = datetime.now(UTC)
    with duckdb.get_connection() as connection:
        for check_key in context.selected_asset_check_keys:
            table = ".".join(check_key.asset_key.path)
            (last_synced,) = connection.execute(f"SELECT max(_synced_at) FROM {table}").fetchone()
            age_days = (now - last_synced).total_seconds() / 86400 if last_synced else None
            yield AssetCheckResult(
                asset_key=check_key.asset_key,
                check_name=check_key.name,
                passed=last_synced is not None and now - last_synced <= RAW_FRESHNESS,
                metadata={
                    "last_synced_at": str(last_synced) if last_synced else "never",
                    "age_days": round(age_days, 2) if age_days is not None else -1,
                },
            )


@asset_check(asset=FUNNEL_WEEKLY, description="Every conversion rate lies in [0, 1] (or is NULL).")
def funnel_rates_within_bounds(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    outside = " OR ".join(f"{column} NOT BETWEEN 0 AND 1" for column in RATE_COLUMNS)
    with duckdb.get_connection() as connection:
        weeks = connection.execute(
            f"SELECT strftime(week_start, '%Y-%m-%d') FROM marts.funnel_weekly WHERE {outside} ORDER BY 1"
        ).fetchall()
    return AssetCheckResult(
        passed=not weeks,
        metadata={"weeks_out_of_bounds": MetadataValue.json([week for (week,) in weeks])},
    )


@asset_check(asset=FUNNEL_WEEKLY, description="One row per week from the first to the last: no week missing.")
def funnel_weeks_gap_free(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as connection:
        missing = connection.execute(
            """
            WITH bounds AS (SELECT min(week_start) AS first, max(week_start) AS last FROM marts.funnel_weekly)
            SELECT strftime(expected.week_start, '%Y-%m-%d')
            FROM bounds, LATERAL (
                SELECT unnest(generate_series(first, last, INTERVAL 7 DAY))::DATE AS week_start
            ) AS expected
            WHERE expected.week_start NOT IN (SELECT week_start FROM marts.funnel_weekly)
            ORDER BY 1
            """
        ).fetchall()
    return AssetCheckResult(passed=not missing, metadata={"missing_weeks": MetadataValue.json([w for (w,) in missing])})


@asset_check(
    asset=FUNNEL_WEEKLY,
    description=(
        "Warns when new leads of the latest complete week fell by more than 50% from the week before "
        "(tracking broken? campaign paused?)."
    ),
)
def new_leads_week_over_week(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as connection:
        rows = connection.execute(
            "SELECT strftime(week_start, '%Y-%m-%d'), new_leads FROM marts.funnel_weekly "
            "ORDER BY week_start DESC LIMIT 2"
        ).fetchall()
    if len(rows) < 2 or rows[1][1] == 0:
        return AssetCheckResult(passed=True, metadata={"note": "fewer than two comparable weeks"})
    (week, this_week), (_, last_week) = rows
    change = (this_week - last_week) / last_week
    return AssetCheckResult(
        passed=change >= -NEW_LEADS_DROP_WARNING,
        severity=AssetCheckSeverity.WARN,
        metadata={"week_start": week, "new_leads": this_week, "previous_week": last_week, "change": round(change, 4)},
    )


FUNNEL_CHECKS = [funnel_rates_within_bounds, funnel_weeks_gap_free, new_leads_week_over_week]
