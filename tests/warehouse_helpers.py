"""Filling the raw layer the way the pipeline does: the real connectors against the fixture API."""

from __future__ import annotations

from pathlib import Path

from connectors.fixture_api.server import FixtureAPI
from connectors.hubspot import HubSpotSettings, sync_hubspot
from connectors.raw_store import RawStore
from connectors.salesforce import SalesforceSettings, sync_salesforce


def fixture_settings(api: FixtureAPI) -> tuple[HubSpotSettings, SalesforceSettings]:
    credentials = api.credentials
    hubspot = HubSpotSettings(credentials.hubspot_token, base_url=api.base_url, ca_file=api.ca_file)
    salesforce = SalesforceSettings(
        client_id=credentials.salesforce_client_id,
        client_secret=credentials.salesforce_client_secret,
        username=credentials.salesforce_username,
        password=credentials.salesforce_password,
        security_token=credentials.salesforce_security_token,
        login_url=api.base_url,
        ca_file=api.ca_file,
    )
    return hubspot, salesforce


def build_raw_warehouse(dataset_dir: str | Path, duckdb_path: str | Path) -> None:
    """Sync every stream of both sources from `dataset_dir` into the raw layer of `duckdb_path`."""
    store = RawStore(duckdb_path)
    try:
        with FixtureAPI(dataset_dir) as api:
            hubspot, salesforce = fixture_settings(api)
            sync_hubspot(hubspot, store)
            sync_salesforce(salesforce, store)
    finally:
        store.close()
