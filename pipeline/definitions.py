"""The one Definitions object of the project (found from workspace.yaml), built when Dagster loads it.

Here, and only here, the run's world is chosen: with no HubSpot or Salesforce credential set, the sources
are the recorded fixtures (pipeline/recorded.py), otherwise the live services (pipeline/sources.py).
Importing this module has no side effects; loading the definitions reads kpi.yaml and the environment
once, in fixture mode the recording's creation dates (the first report week), and parses the dbt project
when its manifest is missing or stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    EnvVar,
    PartitionsDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
    definitions,
    in_process_executor,
)

from pipeline.assets.exports import EXPORT_ASSETS
from pipeline.assets.published import published_warehouse
from pipeline.assets.raw import hubspot_raw, salesforce_raw
from pipeline.assets.reporting import build_kpi_sheet_asset
from pipeline.assets.warehouse import build_warehouse_assets, dbt_cli, prepare_manifest
from pipeline.checks import lead_status_history_tracked, new_leads_week_over_week, published_weeks_hold
from pipeline.environment import Environment
from pipeline.kpi_config import KpiConfigError
from pipeline.partitions import (
    DEFAULT_FIRST_REPORT_WEEK,
    FirstWeekError,
    first_recorded_week,
    first_report_week,
    last_complete_week,
    report_weeks,
)
from pipeline.preflight import RunInputs, load_run_inputs
from pipeline.resources import (
    ExportTargetsResource,
    KpiConfigResource,
    PublishedWarehouseResource,
    SheetOutputResource,
    WarehouseResource,
)
from pipeline.sources import HubSpotSource, LiveHubSpot, LiveSalesforce, SalesforceSource

if TYPE_CHECKING:  # what define_asset_job returns; Dagster exports the function, not the class
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition


@dataclass(frozen=True)
class Sources:
    hubspot: HubSpotSource
    salesforce: SalesforceSource
    data_as_of: str | None
    """The instant the sources' data describes: a recording's recorded_at; None (now) for the live services."""


def bind_sources(env: Environment) -> Sources:
    """The two sources, recorded when no credential of either is set, else live."""
    # Further properties to sync, in either world.
    hubspot_extras = {
        "extra_contact_properties": env.names("HUBSPOT_EXTRA_CONTACT_PROPERTIES"),
        "extra_deal_properties": env.names("HUBSPOT_EXTRA_DEAL_PROPERTIES"),
        "deletion_sweep_days": env.whole_days("HUBSPOT_DELETION_SWEEP_DAYS"),
    }
    salesforce_extras = {"extra_fields": env.names("SALESFORCE_EXTRA_FIELDS")}
    if env.recorded:
        try:  # imported only in fixture mode: the stand-in's dependencies are the 'standin' extra
            from pipeline.recorded import FixtureServer, RecordedHubSpot, RecordedSalesforce, recorded_at
        except ImportError as error:
            raise ValueError(
                f"no HubSpot or Salesforce credential is set, so the recorded fixtures would be served, but the "
                f"stand-in cannot be imported ({error}); install it with pip install -e '.[standin]'"
            ) from error

        dataset = str(env.fixtures_dir)
        if not env.fixtures_dir.is_dir():
            raise ValueError(
                f"KPI_FIXTURES_DIR={dataset}: no such directory (the recorded dataset served when no HubSpot or "
                "Salesforce credential is set; see README)"
            )
        try:
            data_as_of = recorded_at(dataset).isoformat()
        except ValueError as error:  # the dataset's manifest is missing or malformed; the message names the file
            raise ValueError(f"KPI_FIXTURES_DIR={dataset}: {error}") from None
        return Sources(
            hubspot=RecordedHubSpot(fixtures=FixtureServer(dataset_dir=dataset), **hubspot_extras),
            salesforce=RecordedSalesforce(fixtures=FixtureServer(dataset_dir=dataset), **salesforce_extras),
            data_as_of=data_as_of,
        )
    return Sources(
        hubspot=LiveHubSpot(
            access_token=_secret(env, "HUBSPOT_ACCESS_TOKEN"),
            base_url=env.get("HUBSPOT_BASE_URL"),
            **hubspot_extras,
        ),
        salesforce=LiveSalesforce(
            client_id=_secret(env, "SALESFORCE_CLIENT_ID"),
            client_secret=_secret(env, "SALESFORCE_CLIENT_SECRET"),
            username=env.get("SALESFORCE_USERNAME"),
            password=_secret(env, "SALESFORCE_PASSWORD"),
            security_token=_secret(env, "SALESFORCE_SECURITY_TOKEN"),
            login_url=env.get("SALESFORCE_LOGIN_URL") or "https://login.salesforce.com",
            **salesforce_extras,
        ),
        data_as_of=None,
    )


def _secret(env: Environment, name: str) -> EnvVar | None:
    """An EnvVar (shown by name, never by value, in the UI) for a variable that is set."""
    return EnvVar(name) if env.get(name) else None


def bind_resources(env: Environment) -> dict:
    sources = bind_sources(env)
    return {
        "hubspot": sources.hubspot,
        "salesforce": sources.salesforce,
        "duckdb": WarehouseResource(
            database=str(env.working_duckdb_path),
            sync_memory_limit=env.sync_memory_limit,
            seed_path=str(env.duckdb_path),
        ),
        "published": PublishedWarehouseResource(path=str(env.duckdb_path)),
        "dbt": dbt_cli(),
        "kpi_config": KpiConfigResource(path=str(env.config_path), data_as_of=sources.data_as_of),
        "sheet_output": SheetOutputResource(path=str(env.output_dir)),
        "exports": ExportTargetsResource(
            parquet_dir=str(env.export_parquet_dir) if env.export_parquet_dir else None,
            postgres_url=_secret(env, "KPI_EXPORT_POSTGRES_URL"),
        ),
    }


def bind_report_weeks(env: Environment, inputs: RunInputs, kpi_config: KpiConfigResource) -> PartitionsDefinition:
    """The report weeks the data can fill: from reporting.first_week (default: the recording's first week)
    to the last week complete at the recording's recorded_at. Against the live services, from
    reporting.first_week (default DEFAULT_FIRST_REPORT_WEEK) to the last week complete now, growing weekly."""
    configured = inputs.config.reporting.first_week
    if not env.recorded:
        # The CRMs' oldest record is unknown at load: the sheet of an earlier week fails naming the weeks it has.
        return report_weeks(inputs.timezone, configured or DEFAULT_FIRST_REPORT_WEEK)
    last_week = last_complete_week(kpi_config.as_of(), inputs.timezone)
    try:
        first_week = first_report_week(configured, first_recorded_week(env.fixtures_dir, inputs.timezone), last_week)
    except FirstWeekError as error:
        raise KpiConfigError(f"{env.config_path}: {error} (recording {env.fixtures_dir})") from None
    return report_weeks(inputs.timezone, first_week, last_week)


def build_definitions(env: Environment, resources: dict | None = None) -> Definitions:
    # A broken kpi.yaml or spend CSV stops the code location from loading, with the key named, before any run.
    inputs = load_run_inputs(env.config_path)
    resources = resources or bind_resources(env)
    weeks = bind_report_weeks(env, inputs, resources["kpi_config"])
    prepare_manifest()
    weekly_kpi_job = define_asset_job(
        "weekly_kpi",
        selection=AssetSelection.all(),
        executor_def=in_process_executor,  # one DuckDB file: a single writer at a time
        description=(
            "Sync HubSpot and Salesforce, build the warehouse (dbt), write the weekly KPI sheet, publish the "
            "warehouse for analysts, export the marts for BI tools (when configured)."
        ),
    )
    return Definitions(
        assets=[
            hubspot_raw,
            salesforce_raw,
            build_warehouse_assets(),
            build_kpi_sheet_asset(weeks, inputs.timezone),
            *EXPORT_ASSETS,
            published_warehouse,
        ],
        asset_checks=[new_leads_week_over_week, lead_status_history_tracked, published_weeks_hold],
        jobs=[weekly_kpi_job],
        schedules=[weekly_kpi_schedule(weekly_kpi_job, inputs.timezone)],
        resources=resources,
    )


def weekly_kpi_schedule(job: UnresolvedAssetJobDefinition, timezone: str):
    """Mondays 09:00 in kpi.yaml's time zone, for the partition (report week) that has just ended."""
    # Stopped until an operator starts it: a code location loaded for a look (or in fixture mode) must not
    # start syncing the CRMs on its own.
    return build_schedule_from_partitioned_job(
        job,
        hour_of_day=9,
        minute_of_hour=0,
        default_status=DefaultScheduleStatus.STOPPED,
        description=(
            f"Every Monday at 09:00 ({timezone}), the weekly_kpi job for the report week that has just ended. "
            "Off until started: switch Running on here, or run "
            "dagster schedule start weekly_kpi_schedule from the project root with the same DAGSTER_HOME; the daemon "
            "of dagster dev then ticks it. A week the schedule has run is not run again."
        ),
    )


@definitions
def defs() -> Definitions:
    return build_definitions(Environment.from_environ())
