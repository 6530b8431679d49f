"""Asset checks beyond dbt's tests: the week-over-week alarm on new leads, the Lead Status history warning,
and the alarm on a published week that moved.

Every other rule on the funnel (rates within [0, 1], no missing week) is a dbt test in marts/_marts.yml;
the raw tables' freshness is their assets' FreshnessPolicy (pipeline/assets/raw.py).
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from pipeline.resources import WAREHOUSE_POOL, KpiConfigResource
from pipeline.status_history import lead_status_history
from pipeline.week_close.report import moved_beyond_share

FUNNEL_WEEKLY = AssetKey(["marts", "funnel_weekly"])
SALESFORCE_LEAD_HISTORY = AssetKey(["raw_salesforce", "lead_history"])
KPI_SHEET = AssetKey(["reporting", "kpi_sheet"])
NEW_LEADS_DROP_WARNING = 0.5


@asset_check(
    asset=FUNNEL_WEEKLY,
    pool=WAREHOUSE_POOL,  # reads the working file, which a running sync or dbt holds locked
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




@asset_check(
    asset=SALESFORCE_LEAD_HISTORY,
    pool=WAREHOUSE_POOL,
    description=(
        "Warns when the org has leads but no Lead Status history (an admin must track the field): MQL/SQL "
        "entries of Salesforce leads are then dated by the KPI contract's fallback (creation date)."
    ),
)
def lead_status_history_tracked(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as connection:
        history = lead_status_history(connection)
    return AssetCheckResult(
        passed=not history.missing,
        severity=AssetCheckSeverity.WARN,
        metadata={"leads": history.leads, "status_history_rows": history.status_rows},
    )


@asset_check(
    asset=KPI_SHEET,
    pool=WAREHOUSE_POOL,
    description=(
        "Warns when this run restated a published week's KPI by more than kpi.yaml's "
        "reporting.week_close.alert_share (default 10%) of its published value (速報値, or 確定値 once final); "
        "reporting.kpi_restatements says why."
    ),
)
def published_weeks_hold(
    context: AssetCheckExecutionContext, duckdb: DuckDBResource, kpi_config: KpiConfigResource
) -> AssetCheckResult:
    share = kpi_config.load().config.reporting.week_close.alert_share
    with duckdb.get_connection() as connection:
        moved = moved_beyond_share(connection, context.run.run_id, share)
    return AssetCheckResult(
        passed=not moved,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "alert_share": share,
            "moved_beyond_share": len(moved),
            "moved": MetadataValue.md("\n".join(f"- {line}" for line in moved) or "none"),
        },
    )
