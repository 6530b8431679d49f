"""Raw-layer assets: one multi-asset per source, one asset per raw table, synced incrementally.

After each sync the raw row counts are checked against the source's own totals (asset checks).
"""

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
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

from connectors import hubspot as hubspot_connector
from connectors import salesforce as salesforce_connector
from connectors.errors import ApiLimitExceeded, AuthenticationFailed, RecordShapeError, SourceRejected
from connectors.hubspot.totals import source_totals as hubspot_totals
from connectors.raw_store import OriginMismatch, RawStore, StoreOutOfMemory
from connectors.salesforce.totals import source_totals as salesforce_totals
from connectors.sync_report import SyncReport
from pipeline.resources import (
    FixtureApiResource,
    HubSpotResource,
    MissingCredential,
    SalesforceResource,
    WarehouseResource,
)

OWNERS = ["team:marketing-ops"]
SOURCE_RETRY = RetryPolicy(max_retries=3, delay=30, backoff=Backoff.EXPONENTIAL)
# Retrying cannot help these: the allowance is spent, the credentials are wrong, or the data is.
FINAL_ERRORS = (
    ApiLimitExceeded,
    AuthenticationFailed,
    RecordShapeError,
    SourceRejected,
    MissingCredential,
    OriginMismatch,
    StoreOutOfMemory,
)
COUNT_CHECK = "row_count_matches_source"


@dataclass(frozen=True)
class RawTable:
    streams: tuple[str, ...]  # connector streams that write the table
    description: str
    live_filter: str | None  # rows the source itself counts; None: the source reports no total


HUBSPOT_TABLES = {
    "contacts": RawTable(
        ("hubspot.contacts", "hubspot.archived_contacts"),
        "Contacts (leads) with lifecycle-stage dates; archived ones flagged.",
        "NOT archived",
    ),
    "contact_lifecycle_history": RawTable(
        ("hubspot.contacts",),
        "Every lifecycle-stage change of every contact (propertiesWithHistory), replaced whole per contact.",
        None,
    ),
    "deals": RawTable(
        ("hubspot.deals", "hubspot.archived_deals"),
        "Deals of every pipeline with their contact associations; archived ones flagged.",
        "NOT archived",
    ),
    "deal_pipeline_stages": RawTable(
        ("hubspot.deal_pipelines",),
        "Deal pipelines and stages with isClosed/probability metadata (decides won/lost).",
        "TRUE",
    ),
}
SALESFORCE_TABLES = {
    "lead": RawTable(("salesforce.Lead",), "Leads (queryAll: deleted ones flagged IsDeleted).", "NOT IsDeleted"),
    "lead_history": RawTable(
        ("salesforce.LeadHistory",), "Field history of leads; Status rows give MQL/SQL entry.", "NOT IsDeleted"
    ),
    "opportunity": RawTable(
        ("salesforce.Opportunity",), "Opportunities (商談) with CloseDate, IsWon, IsClosed, Amount.", "NOT IsDeleted"
    ),
    "opportunity_history": RawTable(
        ("salesforce.OpportunityHistory",), "Stage/amount history of opportunities.", "NOT IsDeleted"
    ),
}


def _specs(schema: str, tables: dict[str, RawTable], group: str) -> list[AssetSpec]:
    return [
        AssetSpec(
            AssetKey([schema, name]),
            description=f"{table.description} Streams {', '.join(table.streams)}; raw table `{schema}.{name}`.",
            group_name=group,
            kinds={group, "duckdb"},
            owners=OWNERS,
            skippable=True,
            metadata={"streams": ", ".join(table.streams), "table": f"{schema}.{name}"},
        )
        for name, table in tables.items()
    ]


def _check_specs(schema: str, tables: dict[str, RawTable]) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            COUNT_CHECK,
            asset=AssetKey([schema, name]),
            description="Rows not archived/deleted in the raw table equal the source API's own total.",
        )
        for name, table in tables.items()
        if table.live_filter is not None
    ]


def merged_report(reports: dict[str, SyncReport], streams: tuple[str, ...]) -> SyncReport:
    """One table's figures when several streams (e.g. live and archived contacts) write it."""
    parts = [reports[stream] for stream in streams]
    merged = SyncReport(
        stream=", ".join(streams),
        mode=parts[0].mode,
        cursor_before={part.stream: part.cursor_before for part in parts},
        cursor_after={part.stream: part.cursor_after for part in parts},
        api_budget_remaining=parts[-1].api_budget_remaining,
    )
    for part in parts:
        merged.fetched += part.fetched
        merged.inserted += part.inserted
        merged.updated += part.updated
        merged.deleted += part.deleted
        merged.api_calls += part.api_calls
        merged.duration_s += part.duration_s
        merged.notes += part.notes
    return merged


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
        "notes": MetadataValue.json(report.notes),
    }


@dataclass(frozen=True)
class SourceSync:
    name: str
    origin: str
    tables: dict[str, RawTable]
    sync: Callable[[RawStore, list[str]], dict[str, SyncReport]]
    totals: Callable[[list[str]], dict[str, int]]


def _materialize(context: AssetExecutionContext, duckdb: WarehouseResource, source: SourceSync):
    selected = {".".join(key.path): key for key in context.selected_asset_keys}
    tables = {name: source.tables[key.path[-1]] for name, key in selected.items()}
    streams = sorted({stream for table in tables.values() for stream in table.streams})
    with closing(duckdb.connect_for_sync()) as connection:
        store = RawStore(connection)
        try:
            store.claim_origin(source.name, source.origin)
            reports = source.sync(store, streams)
        except FINAL_ERRORS as error:
            raise Failure(str(error), allow_retries=False) from error
        for name, table in tables.items():
            report = merged_report(reports, table.streams)
            rows = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            context.log.info(
                f"{name}: fetched {report.fetched}, inserted {report.inserted}, updated {report.updated}, "
                f"deleted {report.deleted}, {report.api_calls} API calls ({report.mode})"
            )
            yield MaterializeResult(asset_key=selected[name], metadata=report_metadata(report, rows))
        counted = [name for name, table in tables.items() if table.live_filter is not None]
        for name, api_total in source.totals(counted).items():
            live_filter = tables[name].live_filter
            raw_total = connection.execute(f"SELECT count(*) FROM {name} WHERE {live_filter}").fetchone()[0]
            yield AssetCheckResult(
                asset_key=selected[name],
                check_name=COUNT_CHECK,
                passed=raw_total == api_total,
                metadata={"raw_rows": raw_total, "api_total": api_total},
            )


@multi_asset(
    specs=_specs("raw_hubspot", HUBSPOT_TABLES, "hubspot"),
    check_specs=_check_specs("raw_hubspot", HUBSPOT_TABLES),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    name="hubspot_raw",
)
def hubspot_raw(
    context: AssetExecutionContext, hubspot: HubSpotResource, fixture_api: FixtureApiResource, duckdb: WarehouseResource
):
    """Sync HubSpot contacts (with lifecycle history), deals and deal pipelines into raw_hubspot."""
    settings = hubspot.connector_settings(fixture_api)
    yield from _materialize(
        context,
        duckdb,
        SourceSync(
            "hubspot",
            hubspot.origin(fixture_api),
            HUBSPOT_TABLES,
            lambda store, streams: hubspot_connector.sync_hubspot(settings, store, streams),
            lambda tables: hubspot_totals(settings, tables),
        ),
    )


@multi_asset(
    specs=_specs("raw_salesforce", SALESFORCE_TABLES, "salesforce"),
    check_specs=_check_specs("raw_salesforce", SALESFORCE_TABLES),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    name="salesforce_raw",
)
def salesforce_raw(
    context: AssetExecutionContext,
    salesforce: SalesforceResource,
    fixture_api: FixtureApiResource,
    duckdb: WarehouseResource,
):
    """Sync Salesforce Lead, LeadHistory, Opportunity and OpportunityHistory into raw_salesforce."""
    settings = salesforce.connector_settings(fixture_api)
    yield from _materialize(
        context,
        duckdb,
        SourceSync(
            "salesforce",
            salesforce.origin(fixture_api),
            SALESFORCE_TABLES,
            lambda store, streams: salesforce_connector.sync_salesforce(settings, store, streams),
            lambda tables: salesforce_totals(settings, tables),
        ),
    )
