"""Live or recorded is chosen once, where the resources are bound, from the environment alone."""

from datetime import UTC, datetime, timedelta

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


def test_a_missing_recording_stops_the_binding_naming_the_manifest_and_the_variable(tmp_path):
    with pytest.raises(ValueError) as error:
        bind_resources(Environment.from_environ({"KPI_FIXTURES_DIR": str(tmp_path)}))
    assert str(error.value) == (
        f"KPI_FIXTURES_DIR={tmp_path}: {tmp_path / 'manifest.json'}: missing (a dataset needs manifest.json with "
        "recorded_at)"
    )


def test_a_missing_fixtures_directory_is_named_with_its_variable(tmp_path):
    with pytest.raises(ValueError) as error:
        bind_resources(Environment.from_environ({"KPI_FIXTURES_DIR": str(tmp_path / "absent")}))
    assert str(error.value) == (
        f"KPI_FIXTURES_DIR={tmp_path / 'absent'}: no such directory (the recorded dataset served when no HubSpot "
        "or Salesforce credential is set; see README)"
    )


def test_a_sync_memory_budget_that_is_not_a_size_is_refused():
    with pytest.raises(ValueError) as error:
        Environment.from_environ({"KPI_SYNC_MEMORY_LIMIT": "lots"})
    assert str(error.value) == "KPI_SYNC_MEMORY_LIMIT must be a size such as 128MB or 1GB, not 'lots'"


CONNECTED_APP = {"SALESFORCE_CLIENT_ID": "3MVG9-not-a-real-client", "SALESFORCE_CLIENT_SECRET": "not-a-secret"}


@pytest.mark.parametrize("login_url", [None, "https://test.salesforce.com"])
def test_client_credentials_at_a_generic_login_url_stop_before_any_request_naming_the_env_var(login_url):
    environ = CONNECTED_APP | ({"SALESFORCE_LOGIN_URL": login_url} if login_url else {})
    salesforce = bind_resources(Environment.from_environ(environ))["salesforce"]
    with pytest.raises(MissingCredential) as error:
        salesforce.connector_settings()
    shown = login_url or "https://login.salesforce.com"
    assert str(error.value) == (
        "Salesforce: SALESFORCE_USERNAME is not set, so the client-credentials flow is used, and Salesforce "
        f"refuses the client-credentials flow at {shown} (help article 000886201: \"request not supported on "
        "this domain\"); set SALESFORCE_LOGIN_URL to the org's My Domain URL (https://<name>.my.salesforce.com, "
        "Setup > My Domain)")


def test_client_credentials_at_the_my_domain_url_and_the_password_flow_at_a_generic_host_are_bound():
    my_domain = CONNECTED_APP | {"SALESFORCE_LOGIN_URL": "https://acme.my.salesforce.com"}
    settings = bind_resources(Environment.from_environ(my_domain))["salesforce"].connector_settings()
    assert (settings.grant_type, settings.login_url) == ("client_credentials", "https://acme.my.salesforce.com")
    password = CONNECTED_APP | {"SALESFORCE_USERNAME": "ops@example.com", "SALESFORCE_PASSWORD": "not-a-password"}
    settings = bind_resources(Environment.from_environ(password))["salesforce"].connector_settings()
    assert (settings.grant_type, settings.login_url) == ("password", "https://login.salesforce.com")


def test_the_deletion_sweep_cadence_reaches_the_hubspot_settings(monkeypatch):
    recorded = bind_resources(Environment.from_environ({}))["hubspot"]
    assert recorded.deletion_sweep_days == 0  # every run by default
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("HUBSPOT_DELETION_SWEEP_DAYS", "7")
    live = bind_resources(Environment.from_environ())["hubspot"]
    assert live.connector_settings().deletion_sweep_interval == timedelta(days=7)


def test_a_deletion_sweep_cadence_that_is_not_whole_days_is_refused():
    with pytest.raises(ValueError) as error:
        bind_resources(Environment.from_environ({"HUBSPOT_DELETION_SWEEP_DAYS": "weekly"}))
    assert str(error.value) == (
        "HUBSPOT_DELETION_SWEEP_DAYS must be a whole number of days (0 = every run), not 'weekly'"
    )


def test_the_export_targets_are_bound_the_url_by_name_only(monkeypatch):
    url = "postgresql://bi:not-a-real-password@db.example.com/kpi"
    monkeypatch.setenv("KPI_EXPORT_POSTGRES_URL", url)
    monkeypatch.setenv("KPI_EXPORT_PARQUET_DIR", "exports")
    exports = bind_resources(Environment.from_environ())["exports"]
    assert exports.parquet_dir == str(REPO / "exports")
    assert "not-a-real-password" not in repr(exports)
    assert exports.postgres_url.env_var_name == "KPI_EXPORT_POSTGRES_URL"


def test_without_export_variables_nothing_is_exported():
    exports = bind_resources(Environment.from_environ({}))["exports"]
    assert exports.parquet_dir is None and exports.postgres_url is None


def test_the_run_writes_a_working_file_beside_the_published_one_by_default(tmp_path):
    published = tmp_path / "shared" / "kpi.duckdb"
    resources = bind_resources(Environment.from_environ({"KPI_DUCKDB_PATH": str(published)}))
    assert resources["duckdb"].database == str(tmp_path / "shared" / "working" / "kpi.duckdb")
    assert resources["published"].path == str(published)
    default = Environment.from_environ({})
    assert default.duckdb_path == REPO / "data" / "kpi.duckdb"
    assert default.working_duckdb_path == REPO / "data" / "working" / "kpi.duckdb"


def test_a_working_file_of_another_name_or_the_published_file_itself_is_refused(tmp_path):
    with pytest.raises(ValueError) as error:
        Environment.from_environ({"KPI_WORKING_DUCKDB_PATH": str(tmp_path / "work.duckdb")})
    assert str(error.value) == (
        f"KPI_WORKING_DUCKDB_PATH ({tmp_path / 'work.duckdb'}) must have the file name of KPI_DUCKDB_PATH "
        "(kpi.duckdb): the published copy's views refer to the database by that name"
    )
    with pytest.raises(ValueError, match="must not be KPI_DUCKDB_PATH"):
        Environment.from_environ({"KPI_WORKING_DUCKDB_PATH": str(REPO / "data/kpi.duckdb")})
