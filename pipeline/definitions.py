"""The one Definitions object of the project (found from workspace.yaml)."""

from __future__ import annotations

import os

from dagster import (
    AssetSelection,
    Definitions,
    EnvVar,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
)
from dagster_dbt import DbtCliResource

from pipeline import settings
from pipeline.assets.reporting import build_kpi_sheet_asset
from pipeline.assets.sources import hubspot_raw, salesforce_raw
from pipeline.assets.warehouse import dbt_project, warehouse_dbt
from pipeline.checks import FUNNEL_CHECKS, raw_tables_fresh
from pipeline.preflight import preflight
from pipeline.resources import (
    FixtureApiResource,
    HubSpotResource,
    KpiConfigResource,
    ReportOutputResource,
    SalesforceResource,
    WarehouseResource,
)

WAREHOUSE_TAG = "kpi/warehouse"


def _secret(name: str) -> EnvVar | None:
    """An EnvVar (shown by name, never by value, in the UI) for a variable that is set."""
    return EnvVar(name) if os.environ.get(name) else None


def _names(name: str) -> list[str]:
    """A comma-separated list of property names."""
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


# A broken kpi.yaml or spend CSV stops the code location from loading, with the key named, before any run.
CONFIG = preflight(settings.config_path())


def build_resources() -> dict:
    warehouse_file = settings.duckdb_path()
    warehouse_file.parent.mkdir(parents=True, exist_ok=True)
    fixture_api = FixtureApiResource(dataset_dir=str(settings.fixtures_dir()), enabled=settings.fixture_mode())
    return {
        "fixture_api": fixture_api,
        "hubspot": HubSpotResource(
            access_token=_secret("HUBSPOT_ACCESS_TOKEN"),
            base_url=os.environ.get("HUBSPOT_BASE_URL") or None,
            extra_contact_properties=_names("HUBSPOT_EXTRA_CONTACT_PROPERTIES"),
            extra_deal_properties=_names("HUBSPOT_EXTRA_DEAL_PROPERTIES"),
        ),
        "salesforce": SalesforceResource(
            client_id=_secret("SALESFORCE_CLIENT_ID"),
            client_secret=_secret("SALESFORCE_CLIENT_SECRET"),
            username=os.environ.get("SALESFORCE_USERNAME") or None,
            password=_secret("SALESFORCE_PASSWORD"),
            security_token=_secret("SALESFORCE_SECURITY_TOKEN"),
            login_url=os.environ.get("SALESFORCE_LOGIN_URL") or "https://login.salesforce.com",
        ),
        "duckdb": WarehouseResource(
            database=str(warehouse_file),
            sync_memory_limit=settings.sync_memory_limit(),
        ),
        "dbt": DbtCliResource(project_dir=dbt_project),
        "kpi_config": KpiConfigResource(path=str(settings.config_path())),
        "report_output": ReportOutputResource(path=str(settings.output_dir())),
    }


weekly_kpi_job = define_asset_job(
    "weekly_kpi",
    # dagster_home/dagster.yaml queues runs with this tag one at a time: they all write one DuckDB file.
    tags={WAREHOUSE_TAG: "duckdb"},
    selection=AssetSelection.all(),
    executor_def=in_process_executor,  # one DuckDB file: a single writer at a time
    description="Sync HubSpot and Salesforce, build the warehouse (dbt), write the weekly KPI sheet.",
)

# Mondays 09:00 in kpi.yaml's time zone, for the partition (report week) that has just ended.
weekly_kpi_schedule = build_schedule_from_partitioned_job(weekly_kpi_job, hour_of_day=9, minute_of_hour=0)

defs = Definitions(
    assets=[hubspot_raw, salesforce_raw, warehouse_dbt, build_kpi_sheet_asset(CONFIG.timezone)],
    asset_checks=[raw_tables_fresh, *FUNNEL_CHECKS],
    jobs=[weekly_kpi_job],
    schedules=[weekly_kpi_schedule],
    resources=build_resources(),
)
