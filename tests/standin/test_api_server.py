"""Server core against the real clients: auth, rate-limit headers, every fault kind, TLS and the CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import hubspot
import pytest
import requests
import urllib3
from hubspot.crm.contacts.exceptions import ApiException, ServiceException, UnauthorizedException
from hubspot.crm.deals.exceptions import ApiException as DealsApiException
from hubspot.crm.deals.exceptions import UnauthorizedException as DealsUnauthorizedException

from standin.api.faults import Fault
from standin.api.server import FixtureAPI

CONTACTS = "/crm/v3/objects/contacts"


def make_client(api: FixtureAPI, **options) -> hubspot.HubSpot:
    return hubspot.HubSpot(
        access_token=api.credentials.hubspot_token, host=api.base_url, ssl_ca_cert=api.ca_file, **options
    )


def error_body(raised: pytest.ExceptionInfo) -> dict:
    return json.loads(raised.value.body)


def test_every_response_carries_rate_limit_headers(fixture_api):
    basic_api = make_client(fixture_api).crm.contacts.basic_api

    _, status, first = basic_api.get_page_with_http_info(limit=1)
    _, _, second = basic_api.get_page_with_http_info(limit=1)

    assert status == 200
    assert (first["X-HubSpot-RateLimit-Daily"], first["X-HubSpot-RateLimit-Max"]) == ("250000", "100")
    assert first["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert (first["X-HubSpot-RateLimit-Daily-Remaining"], second["X-HubSpot-RateLimit-Daily-Remaining"]) == (
        "249999",
        "249998",
    )
    assert (first["X-HubSpot-RateLimit-Remaining"], second["X-HubSpot-RateLimit-Remaining"]) == ("99", "98")


def test_wrong_token_is_invalid_authentication(fixture_api):
    client = hubspot.HubSpot(
        access_token="pat-na1-wrong", host=fixture_api.base_url, ssl_ca_cert=fixture_api.ca_file
    )

    with pytest.raises(UnauthorizedException) as raised:
        client.crm.contacts.basic_api.get_page()

    assert raised.value.status == 401 and error_body(raised)["category"] == "INVALID_AUTHENTICATION"


def test_expired_token_until_rotated(fixture_api):
    fixture_api.faults.inject(Fault("expire_token", CONTACTS, on_request=2))
    client = make_client(fixture_api)
    client.crm.contacts.basic_api.get_page()

    with pytest.raises(UnauthorizedException) as contacts_call:
        client.crm.contacts.basic_api.get_page()
    with pytest.raises(DealsUnauthorizedException) as deals_call:
        client.crm.deals.basic_api.get_page()

    assert (
        error_body(contacts_call)["category"]
        == error_body(deals_call)["category"]
        == "EXPIRED_AUTHENTICATION"
    )
    fixture_api.rotate_hubspot_token()
    assert len(make_client(fixture_api).crm.contacts.basic_api.get_page(limit=3).results) == 3


def test_get_429_with_retry_after_is_retried_by_urllib3_by_default(fixture_api):
    fixture_api.faults.inject(Fault("rate_limit", CONTACTS, retry_after=0))

    page = make_client(fixture_api).crm.contacts.basic_api.get_page(limit=2)

    assert [c.id for c in page.results] == ["1001", "1003"]
    assert fixture_api.calls(CONTACTS) == 2


def test_429_surfaces_without_retries_or_on_post(fixture_api):
    fixture_api.faults.inject(Fault("rate_limit", CONTACTS, retry_after=1, times=2))
    with pytest.raises(ApiException) as on_get:
        make_client(fixture_api, retry=urllib3.Retry(0)).crm.contacts.basic_api.get_page()
    with pytest.raises(ApiException) as on_post:
        make_client(fixture_api).crm.contacts.search_api.do_search({})

    for raised in (on_get, on_post):
        assert raised.value.status == 429 and raised.value.headers["Retry-After"] == "1"
        body = error_body(raised)
        assert (body["errorType"], body["policyName"], body["category"]) == (
            "RATE_LIMIT",
            "TEN_SECONDLY_ROLLING",
            "RATE_LIMITS",
        )
        assert (
            body["message"] == "You have reached your ten_secondly_rolling limit." and body["correlationId"]
        )
    assert on_get.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"


def test_429_without_retry_after_and_daily_limit_are_not_retried(fixture_api):
    fixture_api.faults.inject(Fault("rate_limit", CONTACTS))
    fixture_api.faults.inject(Fault("daily_limit", "/crm/v3/objects/deals"))
    client = make_client(fixture_api)

    with pytest.raises(ApiException) as ten_secondly:
        client.crm.contacts.basic_api.get_page()
    with pytest.raises(DealsApiException) as daily:
        client.crm.deals.basic_api.get_page()

    assert ten_secondly.value.status == 429 and "Retry-After" not in ten_secondly.value.headers
    assert (error_body(daily)["policyName"], error_body(daily)["message"]) == (
        "DAILY",
        "You have reached your daily limit.",
    )
    assert daily.value.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    assert fixture_api.calls("/crm/") == 2


def test_server_errors_json_and_gateway_html(fixture_api):
    fixture_api.faults.inject(Fault("server_error", CONTACTS, status=503))
    fixture_api.faults.inject(Fault("gateway_html", CONTACTS, on_request=2))
    basic_api = make_client(fixture_api).crm.contacts.basic_api

    with pytest.raises(ServiceException) as json_error:
        basic_api.get_page()
    with pytest.raises(ServiceException) as html_error:
        basic_api.get_page()

    assert json_error.value.status == 503
    assert set(error_body(json_error)) == {"status", "message", "correlationId"}
    assert error_body(json_error)["message"] == "internal error"
    assert html_error.value.status == 502 and html_error.value.headers["Content-Type"] == "text/html"
    assert html_error.value.body.startswith("<html>") and "502 Bad Gateway" in html_error.value.body
    assert len(basic_api.get_page(limit=1).results) == 1


def test_server_errors_carry_retry_after_when_the_fault_sets_it(fixture_api):
    fixture_api.faults.inject(Fault("server_error", CONTACTS, status=503, retry_after=2))
    fixture_api.faults.inject(Fault("server_error", CONTACTS, status=500, on_request=2))
    fixture_api.faults.inject(Fault("server_error", "/services/data/", status=503, retry_after=0.5))
    basic_api = make_client(fixture_api, retry=urllib3.Retry(0)).crm.contacts.basic_api
    session = requests.Session()
    session.verify, session.trust_env = fixture_api.ca_file, False

    with pytest.raises(ServiceException) as with_header:
        basic_api.get_page()
    with pytest.raises(ServiceException) as without_header:
        basic_api.get_page()
    salesforce = session.get(f"{fixture_api.base_url}/services/data/v59.0/query/?q=SELECT+Id+FROM+Lead")

    assert (with_header.value.status, with_header.value.headers["Retry-After"]) == (503, "2")
    assert without_header.value.status == 500 and "Retry-After" not in without_header.value.headers
    assert (salesforce.status_code, salesforce.headers["Retry-After"]) == (503, "0.5")
    assert salesforce.json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"


def test_dropped_connection_is_a_urllib3_error(fixture_api):
    fixture_api.faults.inject(Fault("drop_connection", CONTACTS, method="POST"))
    with pytest.raises(urllib3.exceptions.ProtocolError):
        make_client(fixture_api).crm.contacts.search_api.do_search({})

    fixture_api.faults.inject(Fault("drop_connection", CONTACTS, method="GET", times=4))
    with pytest.raises(urllib3.exceptions.MaxRetryError) as raised:
        make_client(fixture_api).crm.contacts.basic_api.get_page()
    assert isinstance(raised.value.reason, urllib3.exceptions.ProtocolError)
    assert fixture_api.calls(CONTACTS) == 5  # the POST, then the GET and urllib3's 3 default retries


def test_fault_fires_on_the_nth_matching_request_only(fixture_api):
    fixture_api.faults.inject(Fault("server_error", CONTACTS, on_request=3, status=500, method="GET"))
    basic_api = make_client(fixture_api).crm.contacts.basic_api
    basic_api.get_page()
    make_client(fixture_api).crm.contacts.search_api.do_search({})  # POST: not counted
    basic_api.get_page()

    with pytest.raises(ServiceException):
        basic_api.get_page()
    assert len(basic_api.get_page(limit=1).results) == 1


def test_salesforce_paths_get_salesforce_shaped_faults(fixture_api):
    session = requests.Session()
    session.verify, session.trust_env = fixture_api.ca_file, False
    fixture_api.faults.inject(Fault("rate_limit", "/services/data/"))

    response = session.get(f"{fixture_api.base_url}/services/data/v59.0/limits")

    assert response.status_code == 403
    assert (
        response.content
        == b'[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]'
    )


def test_unknown_paths_are_404_in_hubspot_shape(fixture_api):
    session = requests.Session()
    session.verify, session.trust_env = fixture_api.ca_file, False
    headers = {"Authorization": f"Bearer {fixture_api.credentials.hubspot_token}"}

    response = session.get(f"{fixture_api.base_url}/crm/v3/nothing", headers=headers)

    assert response.status_code == 404 and response.json()["category"] == "OBJECT_NOT_FOUND"


def test_tls_is_verified_against_the_generated_ca(fixture_api):
    untrusted = requests.Session()
    untrusted.trust_env = False
    with pytest.raises(requests.exceptions.SSLError):
        untrusted.get(f"{fixture_api.base_url}/crm/v3/pipelines/deals")


def test_credentials_repr_hides_secrets(fixture_api):
    assert fixture_api.credentials.hubspot_token not in repr(fixture_api.credentials)


def test_cli_prints_its_settings_and_serves(make_dataset):
    process = subprocess.Popen(
        [sys.executable, "-m", "standin.api", "--dataset", str(make_dataset())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline().strip() for _ in range(10)]
        settings = dict(line.split("=", 1) for line in lines[:9])
        assert lines[9] == "READY"
        assert list(settings) == [
            "HUBSPOT_BASE_URL",
            "SALESFORCE_INSTANCE_URL",
            "CA_FILE",
            "HUBSPOT_ACCESS_TOKEN",
            "SALESFORCE_CLIENT_ID",
            "SALESFORCE_CLIENT_SECRET",
            "SALESFORCE_USERNAME",
            "SALESFORCE_PASSWORD",
            "SALESFORCE_SECURITY_TOKEN",
        ]
        client = hubspot.HubSpot(
            access_token=settings["HUBSPOT_ACCESS_TOKEN"],
            host=settings["HUBSPOT_BASE_URL"],
            ssl_ca_cert=settings["CA_FILE"],
        )
        assert [c.id for c in client.crm.contacts.basic_api.get_page(limit=2).results] == ["1001", "1003"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0 and stderr == ""


def test_a_silent_client_does_not_block_other_connections(fixture_api):
    port = int(fixture_api.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)):  # connects, never starts the TLS handshake
        page = make_client(fixture_api).crm.contacts.basic_api.get_page(limit=1, _request_timeout=5)
    assert [c.id for c in page.results] == ["1001"]
