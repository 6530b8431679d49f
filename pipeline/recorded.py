"""The recorded implementations of the two sources: the real connectors against the loopback stand-in.

Bound instead of the live ones when no source credential is set (pipeline/definitions.py). The stand-in
(standin/) serves a recorded dataset over HTTPS on 127.0.0.1 with its own CA and throwaway credentials,
so that the connectors and the vendors' client libraries run exactly as they do against the services.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from dagster import ConfigurableResource, Failure, InitResourceContext
from pydantic import PrivateAttr

from connectors.hubspot import HubSpotSettings
from connectors.salesforce import SalesforceSettings
from pipeline.sources import HubSpotSource, SalesforceSource
from standin import connector_settings
from standin.api.dataset import Dataset, DatasetError
from standin.api.server import FixtureAPI


def recorded_at(dataset_dir: str | Path) -> datetime:
    """The instant the recording describes (manifest.json); the run's as-of time in fixture mode."""
    return Dataset.read_recorded_at(dataset_dir)


class FixtureServer(ConfigurableResource):
    """The stand-in serving `dataset_dir`, started on first use and stopped when the run ends."""

    dataset_dir: str

    _api: FixtureAPI | None = PrivateAttr(default=None)
    _log = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._log = context.log

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._api is not None:
            self._api.stop()
            self._api = None

    def api(self) -> FixtureAPI:
        if self._api is None:
            try:
                self._api = FixtureAPI(self.dataset_dir).start()
            except DatasetError as error:  # a malformed recording stays malformed: retrying the sync cannot help
                raise Failure(
                    f"KPI_FIXTURES_DIR={self.dataset_dir}: {error}; fix the recording or point KPI_FIXTURES_DIR at "
                    "another one (layout: fixtures/README.md)",
                    allow_retries=False,
                ) from error
            if self._log is not None:
                self._log.info(
                    f"Fixture mode: no HubSpot/Salesforce credentials set; serving {self.dataset_dir} "
                    f"(recorded_at {self._api.now.isoformat()}) on {self._api.base_url}"
                )
        return self._api


class RecordedHubSpot(HubSpotSource):
    """HubSpot as recorded in a fixture dataset (KPI_FIXTURES_DIR)."""

    fixtures: FixtureServer

    def connector_settings(self) -> HubSpotSettings:
        return connector_settings.hubspot_settings(self.fixtures.api(), **self.sync_options())


class RecordedSalesforce(SalesforceSource):
    """Salesforce as recorded in a fixture dataset (KPI_FIXTURES_DIR)."""

    fixtures: FixtureServer

    def connector_settings(self) -> SalesforceSettings:
        return connector_settings.salesforce_settings(self.fixtures.api(), **self.sync_options())
