"""Dagster resources: the two sources (live or fixture), the KPI configuration, the warehouse and the output paths.

Every value comes from an environment variable (see README). With no source credential set at all
the run is in fixture mode: a loopback fixture API serves the recorded dataset to the same connector
code that talks to the real services.
"""


from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from connectors.hubspot import HubSpotSettings
from connectors.raw_store import DEFAULT_SYNC_MEMORY_LIMIT, connect_warehouse
from connectors.salesforce import SalesforceSettings
from pipeline.config import KpiConfig, load_kpi_config
from standin import connector_settings as fixture_settings
from standin.api.dataset import Dataset
from standin.api.server import FixtureAPI


class MissingCredential(ValueError):
    """Live mode, but a source's credential is missing: the message names the environment variable."""


class FixtureApiResource(ConfigurableResource):
    """Serves `dataset_dir` on 127.0.0.1 for the length of a run, started on first use."""

    dataset_dir: str
    enabled: bool = True

    _api: FixtureAPI | None = PrivateAttr(default=None)
    _log = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._log = context.log

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._api is not None:
            self._api.stop()
            self._api = None

    def recorded_at(self) -> datetime:
        return Dataset.read_recorded_at(self.dataset_dir)

    def api(self) -> FixtureAPI:
        if self._api is None:
            self._api = FixtureAPI(self.dataset_dir).start()
            if self._log is not None:
                self._log.info(
                    f"Fixture mode: no HubSpot/Salesforce credentials set; serving {self.dataset_dir} "
                    f"(recorded_at {self._api.now.isoformat()}) on {self._api.base_url}"
                )
        return self._api

    def origin(self) -> str:
        return f"fixture dataset {Path(self.dataset_dir).resolve()}"

    def as_of(self) -> datetime:
        """The instant the data describes: the recording time in fixture mode, else now."""
        return self.recorded_at() if self.enabled else datetime.now(UTC)


class HubSpotResource(ConfigurableResource):
    """HubSpot private-app token (HUBSPOT_ACCESS_TOKEN); in fixture mode the fixture API's."""

    access_token: str | None = None
    base_url: str | None = None
    extra_contact_properties: list[str] = []
    extra_deal_properties: list[str] = []
    overlap_minutes: int = 10
    max_retries: int = 5

    def origin(self, fixture_api: FixtureApiResource) -> str:
        return fixture_api.origin() if fixture_api.enabled else f"HubSpot {self.base_url or 'https://api.hubapi.com'}"

    def connector_settings(self, fixture_api: FixtureApiResource) -> HubSpotSettings:
        common = {
            "overlap": timedelta(minutes=self.overlap_minutes),
            "max_retries": self.max_retries,
            "extra_contact_properties": tuple(self.extra_contact_properties),
            "extra_deal_properties": tuple(self.extra_deal_properties),
        }
        if fixture_api.enabled:
            return fixture_settings.hubspot_settings(fixture_api.api(), **common)
        if not self.access_token:
            raise MissingCredential("HubSpot: set HUBSPOT_ACCESS_TOKEN (a private app access token)")
        return HubSpotSettings(access_token=self.access_token, base_url=self.base_url, **common)


class SalesforceResource(ConfigurableResource):
    """Salesforce connected-app OAuth (SALESFORCE_CLIENT_ID/SECRET, optional USERNAME/PASSWORD/SECURITY_TOKEN)."""

    client_id: str | None = None
    client_secret: str | None = None
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    login_url: str = "https://login.salesforce.com"
    api_version: str = "59.0"
    overlap_minutes: int = 10
    max_retries: int = 5

    def origin(self, fixture_api: FixtureApiResource) -> str:
        if fixture_api.enabled:
            return fixture_api.origin()
        return f"Salesforce {self.login_url} as {self.username or self.client_id}"

    def connector_settings(self, fixture_api: FixtureApiResource) -> SalesforceSettings:
        common = {
            "overlap": timedelta(minutes=self.overlap_minutes),
            "max_retries": self.max_retries,
            "api_version": self.api_version,
        }
        if fixture_api.enabled:
            return fixture_settings.salesforce_settings(fixture_api.api(), **common)
        for name, value in (("SALESFORCE_CLIENT_ID", self.client_id), ("SALESFORCE_CLIENT_SECRET", self.client_secret)):
            if not value:
                raise MissingCredential(f"Salesforce: set {name} (the connected app's OAuth credentials)")
        return SalesforceSettings(
            client_id=self.client_id,
            client_secret=self.client_secret,
            username=self.username,
            password=self.password,
            security_token=self.security_token or "",
            login_url=self.login_url,
            **common,
        )


class KpiConfigResource(ConfigurableResource):
    """kpi.yaml (KPI_CONFIG): validated in full when loaded."""

    path: str

    def load(self) -> KpiConfig:
        return load_kpi_config(self.path)


class ReportOutputResource(ConfigurableResource):
    """Directory of the weekly sheets (KPI_OUTPUT_DIR)."""

    path: str


class WarehouseResource(DuckDBResource):
    """The warehouse file (KPI_DUCKDB_PATH), and the memory budget of a sync writing to it (KPI_SYNC_MEMORY_LIMIT)."""

    sync_memory_limit: str = DEFAULT_SYNC_MEMORY_LIMIT

    def connect_for_sync(self) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.database, self.sync_memory_limit)
