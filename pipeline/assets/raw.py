"""Raw-layer assets: one multi-asset per source, one asset per raw table, synced incrementally.

The tables are those declared in connectors/raw_schema.py. After each sync the raw row counts are checked
against the source's own totals (asset checks).
"""

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Backoff,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)

from connectors import hubspot as hubspot_connector
from connectors import salesforce as salesforce_connector
from connectors.errors import ApiLimitExceeded, AuthenticationFailed, RecordShapeError, SourceRejected
from connectors.hubspot.totals import source_totals as hubspot_totals
from connectors.raw_schema import RAW_TABLES, RawTable, tables_in
from connectors.raw_store import OriginMismatch, RawStore, StoreOutOfMemory
from connectors.salesforce.totals import source_totals as salesforce_totals
from connectors.sync_report import SyncReport
from pipeline.assets.metadata import lines, readable_cursors
from pipeline.resources import WAREHOUSE_POOL, KpiConfigResource, WarehouseResource
from pipeline.sources import HubSpotSource, MissingCredential, SalesforceSource, SourceResource

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
# A raw table whose last sync is more than 8 days old has missed a weekly run.
RAW_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(days=8))


HUBSPOT_TABLES = tables_in("raw_hubspot")
SALESFORCE_TABLES = tables_in("raw_salesforce")


def _asset_key(table: RawTable) -> AssetKey:
    """Keyed [schema, table], as analysts see it in DuckDB and as the dbt sources reference it."""
    return AssetKey([table.schema, table.table])


def _specs(tables: list[RawTable], group: str) -> list[AssetSpec]:
    return [
        AssetSpec(
            _asset_key(table),
            description=f"{table.description} Streams {', '.join(table.streams)}; raw table `{table.name}`.",
            group_name=group,
            kinds={group, "duckdb"},
            owners=OWNERS,
            skippable=True,
            metadata={"streams": ", ".join(table.streams), "table": table.name},
            freshness_policy=RAW_FRESHNESS,
        )
        for table in tables
    ]


def _check_specs(tables: list[RawTable]) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            COUNT_CHECK,
            asset=_asset_key(table),
            description="Rows not archived/deleted in the raw table equal the source API's own total.",
        )
        for table in tables
        if table.source_counts_rows
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
        merged.warnings += part.warnings
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
        # Where each stream stood before and after the sync; instants as UTC timestamps, not epoch milliseconds.
        "cursor_before": readable_cursors(report.cursor_before or {}, empty="none (full load)"),
        "cursor_after": readable_cursors(report.cursor_after or {}, empty="none"),
        "duration_s": round(report.duration_s, 3),
        "notes": lines(report.notes),
        "warnings": lines(report.warnings),
    }


@dataclass(frozen=True)
class SourceSync:
    name: str
    resource: SourceResource
    sync: Callable[[Any, RawStore, list[str]], dict[str, SyncReport]]
    totals: Callable[[Any, list[str]], dict[str, int]]
    # What kpi.yaml adds to the resource's connector settings (the connector claims the origin itself).
    configured: Callable[[Any], Any] = lambda settings: settings


def _materialize(context: AssetExecutionContext, duckdb: WarehouseResource, source: SourceSync):
    selected = {".".join(key.path): key for key in context.selected_asset_keys}
    tables = [RAW_TABLES[name] for name in selected]
    streams = sorted({stream for table in tables for stream in table.streams})
    with closing(duckdb.connect_for_sync()) as connection:
        store = RawStore(connection)
        try:
            settings = source.configured(source.resource.connector_settings())
            reports = source.sync(settings, store, streams)
        except FINAL_ERRORS as error:
            raise Failure(str(error), allow_retries=False) from error
        for table in tables:
            report = merged_report(reports, table.streams)
            context.log.info(
                f"{table.name}: fetched {report.fetched}, inserted {report.inserted}, updated {report.updated}, "
                f"deleted {report.deleted}, {report.api_calls} API calls ({report.mode})"
            )
            for warning in report.warnings:
                context.log.warning(f"{table.name}: {warning}")
            yield MaterializeResult(
                asset_key=selected[table.name], metadata=report_metadata(report, store.row_count(table.name))
            )
        counted = [table.name for table in tables if table.source_counts_rows]
        for name, api_total in source.totals(settings, counted).items():
            raw_total = store.row_count(name, live_only=True)
            yield AssetCheckResult(
                asset_key=selected[name],
                check_name=COUNT_CHECK,
                passed=raw_total == api_total,
                metadata={"raw_rows": raw_total, "api_total": api_total},
            )


@multi_asset(
    specs=_specs(HUBSPOT_TABLES, "hubspot"),
    check_specs=_check_specs(HUBSPOT_TABLES),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    pool=WAREHOUSE_POOL,
    name="hubspot_raw",
)
def hubspot_raw(
    context: AssetExecutionContext, hubspot: HubSpotSource, duckdb: WarehouseResource, kpi_config: KpiConfigResource
):
    """Sync HubSpot contacts (with lifecycle history), deals, deal pipelines and owners into raw_hubspot."""
    deals = kpi_config.load().config.warehouse.deals
    source = SourceSync(
        "hubspot",
        hubspot,
        hubspot_connector.sync_hubspot,
        hubspot_totals,
        lambda settings: replace(
            settings,
            mirror_property=deals.mirror_property,
            mirror_property_explicit=deals.mirror_property_is_explicit,
        ),
    )
    yield from _materialize(context, duckdb, source)


@multi_asset(
    specs=_specs(SALESFORCE_TABLES, "salesforce"),
    check_specs=_check_specs(SALESFORCE_TABLES),
    can_subset=True,
    retry_policy=SOURCE_RETRY,
    pool=WAREHOUSE_POOL,
    name="salesforce_raw",
)
def salesforce_raw(context: AssetExecutionContext, salesforce: SalesforceSource, duckdb: WarehouseResource):
    """Sync Salesforce Lead, LeadHistory, Contact, Opportunity, OpportunityHistory, OpportunityContactRole, User."""
    source = SourceSync("salesforce", salesforce, salesforce_connector.sync_salesforce, salesforce_totals)
    yield from _materialize(context, duckdb, source)
