"""Raw-layer assets: one multi-asset per source, one asset per raw table, synced incrementally."""


from collections.abc import Callable

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Backoff,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, RecordShapeError
from connectors.hubspot import sync_hubspot
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from connectors.sync_report import SyncReport
from pipeline.resources import FixtureApiResource, HubSpotResource, MissingCredential, SalesforceResource

OWNERS = ["team:marketing-ops"]
SOURCE_RETRY = RetryPolicy(max_retries=3, delay=30, backoff=Backoff.EXPONENTIAL)
# Retrying cannot help these: the allowance is spent, the credentials are wrong, or the data is.
FINAL_ERRORS = (ApiLimitExceeded, AuthenticationFailed, RecordShapeError, MissingCredential)

HUBSPOT_TABLES = {
    "contacts": ("hubspot.contacts", "Contacts (leads) with lifecycle-stage dates; archived ones flagged."),
    "contact_lifecycle_history": (
        "hubspot.contacts",
        "Every lifecycle-stage change of every contact (propertiesWithHistory), replaced whole per contact.",
    ),
    "deals": ("hubspot.deals", "Deals of every pipeline with their contact associations; archived ones flagged."),
    "deal_pipeline_stages": (
        "hubspot.deal_pipelines",
        "Deal pipelines and stages with isClosed/probability metadata (decides won/lost).",
    ),
}
SALESFORCE_TABLES = {
    "lead": ("salesforce.Lead", "Leads (queryAll: deleted ones flagged IsDeleted)."),
    "lead_history": ("salesforce.LeadHistory", "Field history of leads; Status rows give MQL/SQL entry."),
    "opportunity": ("salesforce.Opportunity", "Opportunities (商談) with CloseDate, IsWon, IsClosed, Amount."),
    "opportunity_history": ("salesforce.OpportunityHistory", "Stage/amount history of opportunities."),
}


def _specs(schema: str, tables: dict[str, tuple[str, str]], kind: str) -> list[AssetSpec]:
    return [
        AssetSpec(
            AssetKey([schema, table]),
            description=f"{description} Stream `{stream}`; raw table `{schema}.{table}`.",
            group_name=kind,
            kinds={kind, "duckdb"},
            owners=OWNERS,
            skippable=True,
            metadata={"stream": stream, "table": f"{schema}.{table}"},
        )
        for table, (stream, description) in tables.items()
    ]


def report_metadata(report: SyncReport, row_count: int) -> dict:
    return {
        "dagster/row_count": row_count,
        "mode": report.mode,
        "rows_fetched": report.fetched,
        "rows_inserted": report.inserted,
        "rows_updated": report.updated,
        "rows_deleted": report.deleted,
        "api_calls": report.api_calls,
        "api_budget_remaining": MetadataValue.int(report.api_budget_remaining)
        if report.api_budget_remaining is not None
        else MetadataValue.text("not reported"),
        "cursor_before": MetadataValue.json(report.cursor_before or {}),
        "cursor_after": MetadataValue.json(report.cursor_after or {}),
        "duration_s": round(report.duration_s, 3),
    }


def _materialize(
    context: AssetExecutionContext,
    duckdb: DuckDBResource,
    tables: dict[str, tuple[str, str]],
    sync: Callable[[RawStore, list[str]], dict[str, SyncReport]],
):
    selected = [key for key in context.selected_asset_keys]
    streams = sorted({tables[key.path[-1]][0] for key in selected})
    with duckdb.get_connection() as connection:
        store = RawStore(connection)
        try:
            reports = sync(store, streams)
        except FINAL_ERRORS as error:
            raise Failure(str(error), allow_retries=False) from error
        for key in selected:
            table = ".".join(key.path)
            report = reports[tables[key.path[-1]][0]]
            rows = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            context.log.info(
                f"{table}: fetched {report.fetched}, inserted {report.inserted}, updated {report.updated}, "
                f"deleted {report.deleted}, {report.api_calls} API calls ({report.mode})"
            )
            yield MaterializeResult(asset_key=key, metadata=report_metadata(report, rows))


@multi_asset(
    specs=_specs("raw_hubspot", HUBSPOT_TABLES, "hubspot"),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    name="hubspot_raw",
)
def hubspot_raw(
    context: AssetExecutionContext, hubspot: HubSpotResource, fixture_api: FixtureApiResource, duckdb: DuckDBResource
):
    """Sync HubSpot contacts (with lifecycle history), deals and deal pipelines into raw_hubspot."""
    settings = hubspot.connector_settings(fixture_api)
    yield from _materialize(
        context, duckdb, HUBSPOT_TABLES, lambda store, streams: sync_hubspot(settings, store, streams)
    )


@multi_asset(
    specs=_specs("raw_salesforce", SALESFORCE_TABLES, "salesforce"),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    name="salesforce_raw",
)
def salesforce_raw(
    context: AssetExecutionContext,
    salesforce: SalesforceResource,
    fixture_api: FixtureApiResource,
    duckdb: DuckDBResource,
):
    """Sync Salesforce Lead, LeadHistory, Opportunity and OpportunityHistory into raw_salesforce."""
    settings = salesforce.connector_settings(fixture_api)
    yield from _materialize(
        context, duckdb, SALESFORCE_TABLES, lambda store, streams: sync_salesforce(settings, store, streams)
    )
