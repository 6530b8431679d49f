"""Injected faults: each is survived with the exact dataset, or ends with its documented error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from salesforce_support import (
    NEXT_PAGE,
    QUERY,
    SOBJECTS,
    assert_raw_equals_dataset,
    last_cursor,
    raw_payloads,
    read_records,
    settings_for,
)

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, SyncError
from connectors.fixture_api.faults import Fault
from connectors.fixture_api.server import FixtureAPI
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce

pytest_plugins = ["salesforce_support"]
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


def test_request_limit_stops_the_sync_keeping_the_stored_pages_and_their_cursor(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    history = read_records(generated_dataset, "LeadHistory")
    with FixtureAPI(generated_dataset) as api:
        api.faults.inject(Fault("sf_request_limit", NEXT_PAGE))
        with pytest.raises(ApiLimitExceeded) as error:
            sync_salesforce(settings_for(api), store)
        assert str(error.value) == (
            "Salesforce stream salesforce.LeadHistory: the org's API request limit is used up "
            "(REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.); the sync stopped, pages stored before "
            "this call are kept with their cursor. Re-run once the rolling 24-hour allowance has room.")
        assert_raw_equals_dataset(store, generated_dataset, ["Lead"])
        first_page = sorted(history, key=lambda record: (record["CreatedDate"], record["Id"]))[:2000]
        assert raw_payloads(store, "LeadHistory") == {record["Id"]: record for record in first_page}
        assert store.read_cursor(HISTORY) == {"field": "CreatedDate", "id": first_page[-1]["Id"],
                                              "timestamp": first_page[-1]["CreatedDate"].replace("+0000", "Z")}
        assert store.read_cursor("salesforce.Opportunity") is None
        rerun = sync_salesforce(settings_for(api), store)
    assert_raw_equals_dataset(store, generated_dataset)
    assert rerun[HISTORY].cursor_after == last_cursor(generated_dataset, "LeadHistory")


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
        "check SalesforceSettings username, password and security_token")
    assert error.value.__cause__ is None and error.value.__context__ is None


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
