"""Filling the raw layer the way the pipeline does: the real connectors against the fixture API."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot import sync_hubspot
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from standin.api.server import FixtureAPI
from standin.connector_settings import hubspot_settings, salesforce_settings


def build_raw_warehouse(dataset_dir: str | Path, duckdb_path: str | Path) -> None:
    """Sync every stream of both sources from `dataset_dir` into the raw layer of `duckdb_path`."""
    store = RawStore(duckdb_path)
    try:
        with FixtureAPI(dataset_dir) as api:
            sync_hubspot(hubspot_settings(api), store)
            sync_salesforce(salesforce_settings(api), store)
    finally:
        store.close()
