"""Injected faults: each is survived with the exact dataset, or ends with its documented error."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, SourceRejected, SyncError
from connectors.raw_store import OriginMismatch, RawStore
from connectors.salesforce import SalesforceSettings, sync_salesforce
from connectors.salesforce import sync as sync_module
from connectors.salesforce.client import SalesforceClient
from standin.api.faults import Fault
from standin.api.salesforce.organization import organization_id
from standin.api.server import FixtureAPI
from tests.support.hubspot import silent_listener
from tests.support.salesforce import (
    NEXT_PAGE,
    QUERY,
    SOBJECTS,
    assert_raw_equals_dataset,
    last_cursor,
    raw_payloads,
    read_records,
    settings_for,
)

HISTORY = "salesforce.LeadHistory"


def page_sizes(root) -> list[int]:
    """Records per committed page of a full sync, in stream order."""
    sizes = []
    for sobject in SOBJECTS:
        count = len(read_records(root, sobject))
        sizes += [min(2000, count - start) for start in range(0, count, 2000)]
    return sizes


def faultless_calls(root) -> int:
    return 1 + len(SOBJECTS) + len(page_sizes(root))  # login, a describe per stream, the pages


@pytest.mark.parametrize(("fault", "extra_calls"), [
    (Fault("server_error", NEXT_PAGE, status=503), 1),
    (Fault("server_error", QUERY, on_request=2, times=2, status=500), 2),
    (Fault("gateway_html", NEXT_PAGE), 1),
    (Fault("drop_connection", NEXT_PAGE), 1),
    (Fault("drop_connection", "/services/oauth2/token"), 1),
    (Fault("expire_token", NEXT_PAGE), 2),  # the refused page, a new login, the page again
    (Fault("expire_token", "/services/data/v59.0/sobjects/Opportunity/describe"), 2),
], ids=["503-next-page", "500-twice-on-query", "html-502", "dropped-page", "dropped-login", "expired-mid-paging",
        "expired-on-describe"])
def test_transient_fault_is_survived_with_the_exact_dataset(generated_dataset, tmp_path, fault, extra_calls):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(fault)
        reports = sync_salesforce(settings_for(api), store)
        calls = api.calls("/services/")
    assert_raw_equals_dataset(store, generated_dataset)
    assert calls == sum(report.api_calls for report in reports.values())
    assert calls == faultless_calls(generated_dataset) + extra_calls
    assert reports[HISTORY].fetched == len(read_records(generated_dataset, "LeadHistory"))


def test_daily_request_limit_stops_the_sync_keeping_the_stored_pages_and_says_when_it_has_room(
    generated_dataset, tmp_path
):
    store = RawStore(tmp_path / "warehouse.duckdb")
    history = read_records(generated_dataset, "LeadHistory")
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("sf_request_limit", NEXT_PAGE, limit="TotalRequests"))
        with pytest.raises(ApiLimitExceeded) as error:
            sync_salesforce(settings_for(api), store)
        stopped_at = datetime.now(UTC)
        used = api.calls("/services/data/") - 1  # the refused call carries no usage header
        message = str(error.value)
        latest = re.search(r"all of them by (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", message)
        assert message == (
            "Salesforce stream salesforce.LeadHistory: the org's daily API allowance is used up "
            "(REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.); last usage Salesforce reported: "
            f"{used}/15000 (Sforce-Limit-Info); the sync stopped, pages stored before this call are kept with "
            "their cursor. Salesforce counts the allowance over a rolling 24 hours and publishes no reset time: "
            "room returns as the org's calls of the last 24 hours age out (every integration's calls count), "
            f"all of them by {latest.group(1)} UTC. Re-run then; GET /services/data/vXX.X/limits shows "
            "DailyApiRequests Remaining meanwhile.")
        reset = datetime.strptime(latest.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        assert timedelta(hours=23, minutes=58) < reset - stopped_at <= timedelta(hours=24)
        assert_raw_equals_dataset(store, generated_dataset, ["Lead"])
        first_page = sorted(history, key=lambda record: (record["CreatedDate"], record["Id"]))[:2000]
        assert raw_payloads(store, "LeadHistory") == {record["Id"]: record for record in first_page}
        assert store.read_cursor(HISTORY) == {"field": "CreatedDate", "id": first_page[-1]["Id"],
                                              "timestamp": first_page[-1]["CreatedDate"].replace("+0000", "Z")}
        assert store.read_cursor("salesforce.Opportunity") is None
        rerun = sync_salesforce(settings_for(api), store)
    assert_raw_equals_dataset(store, generated_dataset)
    assert rerun[HISTORY].cursor_after == last_cursor(generated_dataset, "LeadHistory")


@pytest.mark.parametrize("limit", ["ConcurrentRequests", "ConcurrentPerOrgLongTxn"])
def test_concurrent_request_limits_are_backed_off_and_retried(generated_dataset, tmp_path, monkeypatch, limit):
    store = RawStore(tmp_path / "warehouse.duckdb")
    slept = []
    monkeypatch.setattr(sync_module, "SalesforceClient", lambda settings: SalesforceClient(settings, slept.append))
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("sf_request_limit", NEXT_PAGE, times=2, limit=limit))
        reports = sync_salesforce(settings_for(api, backoff_base_s=1.0, max_backoff_s=60.0), store)
        calls = api.calls("/services/")
    assert_raw_equals_dataset(store, generated_dataset)
    assert calls == sum(report.api_calls for report in reports.values()) == faultless_calls(generated_dataset) + 2
    assert slept == [1.0, 2.0]


def test_a_concurrent_limit_outlasting_the_retries_is_transient_and_names_the_limit(generated_dataset, tmp_path):
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("sf_request_limit", NEXT_PAGE, times=2, limit="ConcurrentRequests"))
        with pytest.raises(SyncError) as error:
            sync_salesforce(settings_for(api, max_retries=1), RawStore(tmp_path / "warehouse.duckdb"))
    assert type(error.value) is SyncError  # worth a later run, unlike ApiLimitExceeded
    assert str(error.value) == (
        "Salesforce stream salesforce.LeadHistory: queryAll next page failed after 2 attempt(s), last with HTTP 403 "
        "REQUEST_LIMIT_EXCEEDED (ConcurrentRequests (Concurrent API Requests) Limit exceeded.); giving up "
        "(SalesforceSettings max_retries=1)")


def test_session_refused_right_after_a_new_login_fails_authentication(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("expire_token", QUERY, times=2))
        with pytest.raises(AuthenticationFailed) as error:
            sync_salesforce(settings_for(api), store)
    assert str(error.value) == (
        "Salesforce stream salesforce.Lead: queryAll: the session was refused again right after a new login; "
        "check the connected app's session policy and the user's API access")
    assert store.read_cursor("salesforce.Lead") is None and raw_payloads(store, "Lead") == {}


def test_refused_credentials_name_the_oauth_error_and_never_the_secret(generated_dataset, tmp_path):
    with FixtureAPI(generated_dataset) as api:
        wrong = settings_for(api, password="not-the-password")
        with pytest.raises(AuthenticationFailed) as error:
            sync_salesforce(wrong, RawStore(tmp_path / "warehouse.duckdb"))
    assert str(error.value) == (
        f"Salesforce login at {api.base_url} refused: invalid_grant (authentication failure); "
        "check SalesforceSettings username, password and security_token (and that the org still allows the "
        "deprecated username-password flow: Setup > OAuth and OpenID Connect Settings)")
    assert error.value.__cause__ is None and error.value.__context__ is None


def client_credentials_for(api: FixtureAPI, **overrides) -> SalesforceSettings:
    return settings_for(api, username=None, password=None, security_token="", **overrides)


def test_refused_client_credentials_name_their_own_settings_never_username_or_password(generated_dataset, tmp_path):
    with FixtureAPI(generated_dataset) as api, pytest.raises(AuthenticationFailed) as error:
        sync_salesforce(client_credentials_for(api, client_secret="wrong"), RawStore(tmp_path / "w.duckdb"))
    assert str(error.value) == (
        f"Salesforce login at {api.base_url} refused: invalid_client (invalid client credentials); "
        "check SalesforceSettings client_id and client_secret")


def origins(store: RawStore) -> list[tuple]:
    return store.connection.execute("SELECT source, origin FROM raw_meta.source_origins").fetchall()


def test_a_refused_login_pins_no_origin_and_a_good_one_claims_the_org_it_names(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        with pytest.raises(AuthenticationFailed):
            sync_salesforce(client_credentials_for(api, client_id="wrong"), store)
        assert origins(store) == []
        sync_salesforce(client_credentials_for(api), store, ["salesforce.Lead"])
    org_id = json.loads((generated_dataset / "manifest.json").read_text())["salesforce"]["organizationId"]
    assert origins(store) == [("salesforce", f"Salesforce org {org_id}")]


def test_two_orgs_never_mix_in_one_warehouse(generated_dataset, make_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    other = make_dataset(contacts=0, deals=0, name="other-org")  # no organizationId: derived from its path
    with FixtureAPI(generated_dataset) as api:
        sync_salesforce(settings_for(api), store)
        first = origins(store)[0][1]
    with FixtureAPI(other) as api:
        with pytest.raises(OriginMismatch) as error:
            sync_salesforce(settings_for(api), store)
        second = f"Salesforce org {organization_id(api.dataset)}"
    assert first != second
    assert str(error.value) == (
        f"this warehouse holds salesforce data synced from {first}, but this run reads {second}; "
        "point KPI_DUCKDB_PATH at a new file for a different dataset or account")
    assert_raw_equals_dataset(store, generated_dataset)


def test_exhausted_retries_end_with_a_clear_error_and_a_rerun_gives_the_exact_dataset(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("drop_connection", NEXT_PAGE))
        with pytest.raises(SyncError) as error:
            sync_salesforce(settings_for(api, max_retries=0), store)
        assert str(error.value) == (
            "Salesforce stream salesforce.LeadHistory: queryAll next page failed after 1 attempt(s), last with "
            "ConnectionError; giving up (SalesforceSettings max_retries=0)")
        assert len(raw_payloads(store, "LeadHistory")) == 2000
        api.faults.inject(Fault("server_error", QUERY, times=3, status=502))
        with pytest.raises(SyncError, match=r"queryAll failed after 3 attempt\(s\), last with HTTP 502; giving up"):
            sync_salesforce(settings_for(api, max_retries=2), store)
        rerun = sync_salesforce(settings_for(api, overlap=timedelta(0)), store)
    assert_raw_equals_dataset(store, generated_dataset)
    remainder = len(read_records(generated_dataset, "LeadHistory")) - 2000
    assert (rerun[HISTORY].fetched, rerun[HISTORY].inserted) == (remainder, remainder)


class CrashAfterPages(RawStore):
    """A warehouse that dies right after committing its ``pages``-th page."""

    def __init__(self, database, pages: int):
        super().__init__(database)
        self.pages_left = pages

    def commit_page(self, *args, **kwargs):
        counts = super().commit_page(*args, **kwargs)
        self.pages_left -= 1
        if self.pages_left == 0:
            raise RuntimeError("killed after a committed page")
        return counts


@pytest.mark.parametrize("pages", [1, 2, 4])  # a stream's end, mid-stream, a later stream
def test_crash_after_page_k_then_rerun_gives_the_exact_dataset(generated_dataset, tmp_path, pages):
    database = tmp_path / "warehouse.duckdb"
    crashing = CrashAfterPages(database, pages)
    with FixtureAPI(generated_dataset) as api:
        with pytest.raises(RuntimeError, match="killed after a committed page"):
            sync_salesforce(settings_for(api), crashing)
        stored_before = sum(len(raw_payloads(crashing, sobject)) for sobject in SOBJECTS)
        crashing.close()
        store = RawStore(database)
        rerun = sync_salesforce(settings_for(api), store)
    assert_raw_equals_dataset(store, generated_dataset)
    sizes = page_sizes(generated_dataset)
    assert stored_before == sum(sizes[:pages])
    assert sum(report.inserted for report in rerun.values()) == sum(sizes) - stored_before


def test_stalled_login_times_out_and_ends_with_a_sync_error_naming_the_stream(tmp_path):
    with silent_listener() as url:
        settings = SalesforceSettings(client_id="cid", client_secret="csecret", username="u@example.com",
                                      password="pw", login_url=url, max_retries=1, backoff_base_s=0.001,
                                      request_timeout_s=(1, 0.2))
        started = time.monotonic()
        with pytest.raises(SyncError) as error:
            sync_salesforce(settings, RawStore(tmp_path / "warehouse.duckdb"), ["salesforce.Lead"])
        elapsed = time.monotonic() - started
    assert type(error.value) is SyncError  # transient: worth a later retry, unlike SourceRejected
    assert str(error.value) == ("Salesforce stream salesforce.Lead: login failed after 2 attempt(s), last with "
                                "ReadTimeout; giving up (SalesforceSettings max_retries=1)")
    assert 0.4 <= elapsed < 5


def test_invalid_field_is_rejected_at_once_naming_the_stream_and_the_fix(generated_dataset):
    with FixtureAPI(generated_dataset) as api:
        client = SalesforceClient(settings_for(api))
        with pytest.raises(SourceRejected) as error:
            client.query_all("salesforce.Lead", "SELECT Id, Bogus__c FROM Lead")
        calls = api.calls("/services/")
    assert str(error.value) == (
        "Salesforce stream salesforce.Lead: queryAll refused: HTTP 400 INVALID_FIELD: SELECT Id, Bogus__c FROM Lead\n"
        "           ^\nERROR at Row:1:Column:12\nNo such column 'Bogus__c' on entity 'Lead'. If you are attempting "
        "to use a custom field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.; grant the integration user read access to the "
        "field (field-level security) or check the field list describe returns, then re-run")
    assert calls == 2  # the login and the refused query: never retried


def test_describe_of_an_object_the_org_lacks_is_rejected_naming_the_object(generated_dataset):
    with FixtureAPI(generated_dataset) as api:
        client = SalesforceClient(settings_for(api))
        with pytest.raises(SourceRejected) as error:
            client.describe("salesforce.Invoice__c", "Invoice__c")
    assert str(error.value) == (
        "Salesforce stream salesforce.Invoice__c: describe Invoice__c refused: HTTP 404 NOT_FOUND: The requested "
        "resource does not exist; check SalesforceSettings api_version and that the object exists in this org "
        "and is readable by the integration user, then re-run")


# Retry-After is whole seconds (RFC 9110); the recorded waits are not slept.
@pytest.mark.parametrize(("retry_after", "waits"), [(2, [2.0]), (30, [5.0])], ids=["honoured", "capped"])
def test_retry_after_of_a_server_error_sets_the_wait_capped_by_max_backoff(
    generated_dataset, tmp_path, monkeypatch, retry_after, waits
):
    store = RawStore(tmp_path / "warehouse.duckdb")
    slept = []
    monkeypatch.setattr(sync_module, "SalesforceClient", lambda settings: SalesforceClient(settings, slept.append))
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("server_error", NEXT_PAGE, status=503, retry_after=retry_after))
        reports = sync_salesforce(settings_for(api, max_backoff_s=5.0), store)
        calls = api.calls("/services/")
    assert_raw_equals_dataset(store, generated_dataset)
    assert calls == sum(report.api_calls for report in reports.values()) == faultless_calls(generated_dataset) + 1
    assert slept == waits  # not the settings' 0.001 s exponential backoff
