"""Live or recorded is chosen once, where the resources are bound, from the environment alone."""

from datetime import UTC, datetime

import pytest

from pipeline.definitions import bind_resources
from pipeline.environment import Environment
from pipeline.recorded import RecordedHubSpot, RecordedSalesforce
from pipeline.sources import LiveHubSpot, LiveSalesforce, MissingCredential
from tests.support import REPO

TOKEN = "pat-na1-not-a-real-token-0123456789"


def test_no_credential_at_all_binds_the_recorded_sources_and_the_recording_clock():
    resources = bind_resources(Environment.from_environ({"HUBSPOT_EXTRA_DEAL_PROPERTIES": "deal_currency_code"}))
    assert isinstance(resources["hubspot"], RecordedHubSpot)
    assert isinstance(resources["salesforce"], RecordedSalesforce)
    assert resources["hubspot"].fixtures.dataset_dir == str(REPO / "fixtures" / "demo")
    assert resources["hubspot"].extra_deal_properties == ["deal_currency_code"]
    assert resources["kpi_config"].as_of() == datetime(2025, 11, 17, 1, 0, tzinfo=UTC)


def test_a_credential_binds_the_live_sources_with_secrets_by_name_only(monkeypatch):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    env = Environment.from_environ()
    resources = bind_resources(env)
    assert TOKEN not in repr(env)
    assert isinstance(resources["hubspot"], LiveHubSpot)
    assert isinstance(resources["salesforce"], LiveSalesforce)
    assert resources["kpi_config"].data_as_of is None
    assert TOKEN not in repr(resources)
    with pytest.raises(MissingCredential) as error:
        resources["salesforce"].connector_settings()
    assert str(error.value) == "Salesforce: set SALESFORCE_CLIENT_ID (the connected app's OAuth credentials)"


def test_a_missing_recording_stops_the_binding_naming_the_manifest(tmp_path):
    with pytest.raises(ValueError) as error:
        bind_resources(Environment.from_environ({"KPI_FIXTURES_DIR": str(tmp_path)}))
    assert str(error.value) == (
        f"{tmp_path / 'manifest.json'}: missing (a dataset needs manifest.json with recorded_at)"
    )


def test_a_sync_memory_budget_that_is_not_a_size_is_refused():
    with pytest.raises(ValueError) as error:
        Environment.from_environ({"KPI_SYNC_MEMORY_LIMIT": "lots"})
    assert str(error.value) == "KPI_SYNC_MEMORY_LIMIT must be a size such as 128MB or 1GB, not 'lots'"
