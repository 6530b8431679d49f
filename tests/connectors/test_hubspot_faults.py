"""Injected faults: survived with exact data, or ended with the documented error and a cursor that did not move."""

from __future__ import annotations

import time

import pytest

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, SourceRejected, SyncError
from connectors.hubspot import HubSpotSettings, sync_hubspot
from connectors.raw_store import RawStore
from standin.api.faults import Fault
from tests.support.hubspot import (
    canned_http,
    expected_state,
    served,
    settings_for,
    silent_listener,
    stored_state,
)

SURVIVABLE = [
    Fault("rate_limit", "/crm/v3/objects/contacts", on_request=2, times=2, retry_after=0.05),
    Fault("rate_limit", "/crm/v3/objects/contacts", on_request=2, times=2),
    Fault("rate_limit", "/crm/v3/objects/contacts/search", times=2, method="POST"),
    Fault("server_error", "/crm/v3/objects/deals", on_request=2, status=503),
    Fault("gateway_html", "/crm/v3/objects/deals", on_request=1),
    Fault("drop_connection", "/crm/v3/objects/contacts", on_request=3, times=2),
]


@pytest.mark.parametrize("fault", SURVIVABLE, ids=lambda f: f"{f.kind}-{f.retry_after}-{f.method}")
def test_transient_faults_are_survived_with_exact_data(make_dataset, tmp_path, fault):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        api.faults.inject(fault)
        reports = sync_hubspot(settings_for(api), store)
        assert api.calls() == sum(report.api_calls for report in reports.values())
    assert stored_state(store) == expected_state(dataset)
    baseline = {"hubspot.contacts": 4, "hubspot.deals": 3}
    retried = sum(reports[name].api_calls - calls for name, calls in baseline.items())
    assert retried == fault.times


def test_daily_limit_stops_with_clear_error_and_keeps_cursor_at_stored_data(make_dataset, tmp_path):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        # properties, high-water search, then list pages of 50: the third list page hits the daily limit
        api.faults.inject(Fault("daily_limit", "/crm/v3/objects/contacts", on_request=4))
        with pytest.raises(ApiLimitExceeded) as raised:
            sync_hubspot(settings_for(api), store)
        assert str(raised.value) == (
            "HubSpot daily API limit reached while syncing hubspot.contacts (You have reached your daily limit.); "
            "data stored before this call is kept, re-run after the limit resets"
        )
        assert api.credentials.hubspot_token not in str(raised.value)
        cursor = store.read_cursor("hubspot.contacts")
        stored = store.connection.execute("SELECT max(id::INT) FROM raw_hubspot.contacts").fetchone()[0]
        assert int(cursor["full_load"]["after"]) == stored + 1
        assert store.connection.execute("SELECT count(*) FROM raw_hubspot.contacts").fetchone()[0] == 100
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(dataset)


def test_expired_token_stops_with_clear_error(make_dataset, tmp_path):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        api.faults.inject(Fault("expire_token", "/crm/v3/objects/deals", on_request=2))
        with pytest.raises(AuthenticationFailed) as raised:
            sync_hubspot(settings_for(api), store)
        assert str(raised.value) == (
            "HubSpot refused the access token while syncing hubspot.deals (EXPIRED_AUTHENTICATION: "
            "The OAuth token used to make this call expired 0 minute(s) ago.); "
            "issue a new private app token and update HUBSPOT_ACCESS_TOKEN"
        )
        api.rotate_hubspot_token()
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(dataset)


def test_drop_without_retries_ends_with_sync_error_then_rerun_is_exact(make_dataset, tmp_path):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        api.faults.inject(Fault("drop_connection", "/crm/v3/objects/contacts", on_request=4))
        with pytest.raises(SyncError, match=r"^HubSpot kept failing while syncing hubspot.contacts: connection failed"):
            sync_hubspot(settings_for(api, max_retries=0), store)
        sync_hubspot(settings_for(api, max_retries=0), store)
    assert stored_state(store) == expected_state(dataset)


def test_retry_after_beyond_the_wait_cap_gives_up_naming_the_stream(make_dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with served(make_dataset()) as api:
        api.faults.inject(Fault("rate_limit", "/crm/v3/pipelines", retry_after=30))
        with pytest.raises(SyncError) as raised:
            sync_hubspot(settings_for(api, max_backoff_s=1.0), store, streams=["hubspot.deal_pipelines"])
    assert str(raised.value) == (
        "HubSpot kept failing while syncing hubspot.deal_pipelines: HTTP 429 TEN_SECONDLY_ROLLING: "
        "You have reached your ten_secondly_rolling limit. (gave up after 1 attempts and 0.0 s of waiting)"
    )


def test_stalled_connection_times_out_and_ends_with_a_sync_error_naming_the_stream(tmp_path):
    with silent_listener() as url:
        settings = HubSpotSettings("pat-na1-test", url, max_retries=1, backoff_base_s=0.01, request_timeout_s=(1, 0.2))
        started = time.monotonic()
        with pytest.raises(SyncError) as raised:
            sync_hubspot(settings, RawStore(tmp_path / "wh.duckdb"), streams=["hubspot.deal_pipelines"])
        elapsed = time.monotonic() - started
    assert type(raised.value) is SyncError  # transient: worth a later retry, unlike SourceRejected
    assert str(raised.value) == (
        "HubSpot kept failing while syncing hubspot.account: connection failed (ReadTimeoutError) "
        "(gave up after 2 attempts and 0.0 s of waiting)"
    )
    assert 0.4 <= elapsed < 5


MISSING_SCOPES = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes.",
    "correlationId": "0b7f4e2c-8a1d-4c3e-9f6a-2d5b8c7e1a90",
    "errors": [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredGranularScopes": ["crm.objects.contacts.read"]},
        }
    ],
    "links": {"scopes": "https://developers.hubspot.com/scopes"},
    "category": "MISSING_SCOPES",
}


def test_missing_scope_is_rejected_at_once_naming_the_stream_and_the_scope(tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with canned_http(403, MISSING_SCOPES) as (url, paths), pytest.raises(SourceRejected) as raised:
        sync_hubspot(HubSpotSettings("pat-na1-test", url), store, streams=["hubspot.contacts"])
    assert str(raised.value) == (
        "HubSpot rejected a request while syncing hubspot.account (HTTP 403 MISSING_SCOPES: This app hasn't "
        "been granted all required scopes to make this call. Read more about required scopes here: "
        "https://developers.hubspot.com/scopes.); grant the private app the scope(s) crm.objects.contacts.read "
        "and re-run"
    )
    assert paths == ["/account-info/v3/details"]  # the first call, refused once, never retried
    assert store.read_cursor("hubspot.contacts") is None
