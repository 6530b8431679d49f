"""Pure parts of the Salesforce connector: shaping, SOQL windows, keyset paging, backoff, OAuth parsing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from simple_salesforce.exceptions import SalesforceRefusedRequest, SalesforceResourceNotFound

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, RecordShapeError, SourceRejected, SyncError
from connectors.salesforce.auth import parse_token_response, token_form
from connectors.salesforce.client import (
    QueryLocatorExpired,
    QueryTimeout,
    backoff_delay,
    salesforce_error_detail,
    translate_error,
)
from connectors.salesforce.limits import is_concurrency_limit
from connectors.salesforce.paging import Cursor, after_cursor, build_soql, cursor_field, soql_datetime, window_filter
from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.shaping import shape_record
from connectors.salesforce.windows import WindowedQuery, WindowPolicy, windowed_pages

SYNCED_AT = datetime(2030, 1, 1, tzinfo=UTC)
LEAD = {
    "attributes": {"type": "Lead", "url": "/services/data/v59.0/sobjects/Lead/00Q5g00000A1b2cEAB"},
    "Id": "00Q5g00000A1b2cEAB", "Email": " taro.yamada@example.co.jp", "Status": "Open - Not Contacted",
    "LeadSource": "Web", "IsConverted": True, "ConvertedDate": "2025-03-01",
    "ConvertedOpportunityId": "0065g00000X1b2cEAB", "ConvertedContactId": "0035g00000X1b2cEAB",
    "CreatedDate": "2025-01-06T09:15:00.000+0000",
    "LastModifiedDate": "2025-02-01T00:00:00.000+0000", "SystemModstamp": "2025-02-01T00:00:01.250+0000",
    "IsDeleted": False, "Company": "ACME",
}


MY_DOMAIN = "https://acme.my.salesforce.com"
SAMPLES = Path(__file__).parents[1] / "data" / "real_samples"


def settings(**overrides) -> SalesforceSettings:
    return SalesforceSettings(**{"client_id": "cid", "client_secret": "csecret", "login_url": MY_DOMAIN, **overrides})


def test_lead_is_shaped_into_typed_columns_with_the_untouched_record_as_payload():
    row = shape_record("Lead", LEAD, SYNCED_AT, "salesforce.Lead")
    assert row == {
        "Id": "00Q5g00000A1b2cEAB", "Email": " taro.yamada@example.co.jp", "Status": "Open - Not Contacted",
        "LeadSource": "Web", "IsConverted": True, "ConvertedDate": date(2025, 3, 1),
        "ConvertedOpportunityId": "0065g00000X1b2cEAB", "ConvertedContactId": "0035g00000X1b2cEAB",
        "OwnerId": None, "CreatedDate": datetime(2025, 1, 6, 9, 15, tzinfo=UTC),
        "LastModifiedDate": datetime(2025, 2, 1, tzinfo=UTC),
        "SystemModstamp": datetime(2025, 2, 1, 0, 0, 1, 250000, tzinfo=UTC),
        "IsDeleted": False, "deleted_at": None, "payload": LEAD, "_synced_at": SYNCED_AT,
    }


def test_history_row_keeps_values_and_requires_its_parent_id():
    history = {"attributes": {"type": "LeadHistory"}, "Id": "0175g0000000001AAA",
               "LeadId": "00Q5g00000A1b2cEAB", "Field": "created", "OldValue": None, "NewValue": None,
               "DataType": "Text", "CreatedDate": "2025-01-06T09:15:00.000+0000", "IsDeleted": True}
    row = shape_record("LeadHistory", history, SYNCED_AT, "salesforce.LeadHistory")
    assert (row["LeadId"], row["Field"], row["OldValue"], row["IsDeleted"]) == (
        "00Q5g00000A1b2cEAB", "created", None, True)
    with pytest.raises(RecordShapeError) as error:
        shape_record("LeadHistory", {**history, "LeadId": None}, SYNCED_AT, "salesforce.LeadHistory")
    assert str(error.value) == (
        "Salesforce stream salesforce.LeadHistory: record 0175g0000000001AAA: "
        "required field LeadId is missing")


def test_record_without_id_is_refused_naming_the_stream():
    record = {key: value for key, value in LEAD.items() if key != "Id"}
    with pytest.raises(RecordShapeError) as error:
        shape_record("Lead", record, SYNCED_AT, "salesforce.Lead")
    assert str(error.value) == (
        "Salesforce stream salesforce.Lead: a Lead record has no Id (fields: Company, ConvertedContactId, "
        "ConvertedDate, ConvertedOpportunityId, CreatedDate, Email, IsConverted, IsDeleted, LastModifiedDate, "
        "LeadSource, Status, SystemModstamp)")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("CreatedDate", "2025-01-06", "field CreatedDate '2025-01-06' is not a Salesforce datetime"),
    ("ConvertedDate", "03/01/2025", "field ConvertedDate '03/01/2025' is not a Salesforce date"),
    ("IsConverted", "true", "field IsConverted 'true' is not a boolean"),
    ("IsDeleted", None, "required field IsDeleted is missing"),
])
def test_malformed_field_names_record_and_field(field, value, message):
    with pytest.raises(RecordShapeError) as error:
        shape_record("Lead", {**LEAD, field: value}, SYNCED_AT, "salesforce.Lead")
    assert str(error.value) == f"Salesforce stream salesforce.Lead: record 00Q5g00000A1b2cEAB: {message}"


def test_amount_must_be_a_number():
    opportunity = {"Id": "0065g00000X1b2cEAB", "Amount": "1200", "IsDeleted": False}
    with pytest.raises(RecordShapeError, match="field Amount '1200' is not a number"):
        shape_record("Opportunity", opportunity, SYNCED_AT, "salesforce.Opportunity")


def test_soql_datetime_is_unquoted_utc_with_milliseconds():
    moment = datetime(2025, 1, 6, 18, 15, 0, 123456, tzinfo=UTC)
    assert soql_datetime(moment) == "2025-01-06T18:15:00.123Z"
    tokyo = datetime.fromisoformat("2025-01-06T18:15:00+09:00")
    assert soql_datetime(tokyo) == "2025-01-06T09:15:00.000Z"


def test_first_run_selects_everything_and_later_runs_a_keyset_window():
    fields = ["Id", "IsDeleted", "SystemModstamp"]
    assert window_filter(None, timedelta(minutes=10)) is None
    assert build_soql("Lead", fields, "SystemModstamp", None) == (
        "SELECT Id, IsDeleted, SystemModstamp FROM Lead ORDER BY SystemModstamp, Id")
    cursor = Cursor("SystemModstamp", datetime(2025, 1, 6, 9, 15, tzinfo=UTC), "00Q5g00000A1b2cEAB")
    assert build_soql("Lead", fields, "SystemModstamp", window_filter(cursor, timedelta(0))) == (
        "SELECT Id, IsDeleted, SystemModstamp FROM Lead WHERE SystemModstamp > 2025-01-06T09:15:00.000Z OR "
        "(SystemModstamp = 2025-01-06T09:15:00.000Z AND Id > '00Q5g00000A1b2cEAB') "
        "ORDER BY SystemModstamp, Id")
    assert window_filter(cursor, timedelta(minutes=10)) == "SystemModstamp >= 2025-01-06T09:05:00.000Z"


def test_history_without_systemmodstamp_pages_by_createddate():
    history_fields = ["Id", "LeadId", "CreatedDate", "IsDeleted"]
    assert cursor_field(history_fields, "salesforce.LeadHistory") == "CreatedDate"
    assert cursor_field(["Id", "CreatedDate", "SystemModstamp"], "salesforce.Opportunity") == "SystemModstamp"
    with pytest.raises(SourceRejected, match="describe lists neither SystemModstamp nor CreatedDate"):
        cursor_field(["Id", "Name"], "salesforce.User")


def test_cursor_round_trips_and_a_tampered_one_is_refused():
    cursor = Cursor("CreatedDate", datetime(2025, 1, 6, 9, 15, 0, 5000, tzinfo=UTC), "0175g0000000001AAA")
    assert cursor.as_dict() == {"field": "CreatedDate", "timestamp": "2025-01-06T09:15:00.005Z",
                                "id": "0175g0000000001AAA"}
    assert Cursor.from_dict(json.loads(json.dumps(cursor.as_dict())), "s") == cursor
    with pytest.raises(SyncError, match="names an unknown field or a malformed Id"):
        Cursor.from_dict({**cursor.as_dict(), "id": "x' OR Id != '"}, "salesforce.Lead")
    with pytest.raises(SyncError, match="lacks field, timestamp or id"):
        Cursor.from_dict({"field": "CreatedDate"}, "salesforce.Lead")


def record(stamp: str, record_id: str) -> dict:
    return {"Id": record_id, "SystemModstamp": f"2025-01-0{stamp}T00:00:00.000+0000"}


def windowed(query, query_more, now=datetime(2030, 1, 1, tzinfo=UTC), notes=None) -> WindowedQuery:
    return WindowedQuery("salesforce.Lead", "Lead", "SystemModstamp", query, query_more,
                         WindowPolicy(timedelta(days=7), timedelta(seconds=1)), [] if notes is None else notes,
                         now=lambda: now)


def replay(pages: dict, queries: list):
    """query/query_more answering from ``pages``: queries in order ("query 1", ...), URLs by name."""

    def answer(key):
        if isinstance(pages[key], Exception):
            raise pages[key]
        return pages[key]

    def query(where):
        queries.append(where)
        return answer(f"query {len(queries)}")

    return query, answer


def test_keyset_pages_yield_the_cursor_of_each_last_record_and_resume_after_a_lost_locator():
    queries = []
    query, query_more = replay({
        "query 1": {"done": False, "nextRecordsUrl": "/next/1", "records": [record("1", "A" * 18),
                                                                             record("2", "B" * 18)]},
        "/next/1": QueryLocatorExpired("gone"),
        "query 2": {"done": False, "nextRecordsUrl": "/next/2", "records": [record("3", "C" * 18)]},
        "/next/2": {"done": True, "records": []},
    }, queries)
    yielded = list(windowed_pages(windowed(query, query_more), None, timedelta(minutes=10)))
    second = Cursor("SystemModstamp", datetime(2025, 1, 2, tzinfo=UTC), "B" * 18)
    third = Cursor("SystemModstamp", datetime(2025, 1, 3, tzinfo=UTC), "C" * 18)
    assert [(len(records), cursor) for records, cursor in yielded] == [(2, second), (1, third), (0, third)]
    assert queries == [None, after_cursor(second)]


def test_keyset_cursor_never_moves_back_behind_the_stored_one_while_the_overlap_is_reread():
    start = Cursor("SystemModstamp", datetime(2025, 1, 5, tzinfo=UTC), "E" * 18)
    page = {"done": True, "records": [record("4", "D" * 18)]}
    yielded = list(windowed_pages(windowed(lambda _: page, None), start, timedelta(days=2)))
    assert yielded == [(page["records"], start)]


def test_a_query_timeout_narrows_to_windows_from_the_last_record_read_and_they_grow_when_fast():
    queries, notes = [], []
    query, query_more = replay({
        "query 1": {"done": False, "nextRecordsUrl": "/next/1", "records": [record("2", "B" * 18)]},
        "/next/1": QueryTimeout("QUERY_TIMEOUT"),
        "query 2": {"done": True, "records": [record("3", "C" * 18)]},
        "query 3": {"done": True, "records": []},
    }, queries)
    now = datetime(2025, 1, 12, tzinfo=UTC)
    yielded = list(windowed_pages(windowed(query, query_more, now, notes), None, timedelta(0)))
    second = Cursor("SystemModstamp", datetime(2025, 1, 2, tzinfo=UTC), "B" * 18)
    third = Cursor("SystemModstamp", datetime(2025, 1, 3, tzinfo=UTC), "C" * 18)
    assert [cursor for _, cursor in yielded] == [second, third, third]
    assert queries == [
        None,
        f"({after_cursor(second)}) AND SystemModstamp < 2025-01-09T00:00:00.000Z",  # 7 days from B
        "SystemModstamp >= 2025-01-09T00:00:00.000Z",  # 14 days would pass now: open-ended
    ]
    assert notes == ["QUERY_TIMEOUT on SystemModstamp from 2025-01-02T00:00:00.000Z to 2025-01-12T00:00:00.000Z: "
                     "asked again in windows of 7 days, 0:00:00"]


def test_record_without_the_paging_field_is_refused():
    page = {"done": True, "records": [{"Id": "A" * 18, "SystemModstamp": None}]}
    with pytest.raises(RecordShapeError) as error:
        list(windowed_pages(windowed(lambda _: page, None), None, timedelta(0)))
    assert str(error.value) == (
        f"Salesforce stream salesforce.Lead: record {'A' * 18!r} has no SystemModstamp to page by")


def test_backoff_doubles_honours_retry_after_and_is_capped():
    policy = settings(backoff_base_s=0.5, max_backoff_s=3.0)
    assert [backoff_delay(attempt, None, policy) for attempt in range(4)] == [0.5, 1.0, 2.0, 3.0]
    assert backoff_delay(0, 2.0, policy) == 2.0
    assert backoff_delay(0, 120.0, policy) == 3.0


def test_error_detail_reads_the_rest_error_list_or_falls_back_to_text():
    body = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert salesforce_error_detail(body) == ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    assert salesforce_error_detail("<html>Bad Gateway</html>") == ("", "<html>Bad Gateway</html>")


def test_token_form_uses_password_grant_only_with_a_username():
    assert token_form(settings()) == {"grant_type": "client_credentials", "client_id": "cid",
                                      "client_secret": "csecret"}
    form = token_form(settings(username="u@example.com", password="pw", security_token="tok"))
    assert form == {"grant_type": "password", "client_id": "cid", "client_secret": "csecret",
                    "username": "u@example.com", "password": "pwtok"}


def oauth_response(status: int, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    return response


IDENTITY = "https://login.salesforce.com/id/00D5g000004abcdEAA/0055g00000ABCDEFGH"


def test_oauth_error_names_the_code_and_the_settings_of_the_grant_in_use_never_the_secret():
    response = oauth_response(400, b'{"error":"invalid_grant","error_description":"authentication failure"}')
    with pytest.raises(AuthenticationFailed) as error:
        parse_token_response(response, "https://login.salesforce.com", "password")
    assert str(error.value) == (
        "Salesforce login at https://login.salesforce.com refused: invalid_grant (authentication failure); "
        "check SalesforceSettings username, password and security_token (and that the org still allows the "
        "deprecated username-password flow: Setup > OAuth and OpenID Connect Settings)")
    with pytest.raises(AuthenticationFailed) as error:
        parse_token_response(response, MY_DOMAIN, "client_credentials")
    assert str(error.value) == (
        f"Salesforce login at {MY_DOMAIN} refused: invalid_grant (authentication failure); check "
        "SalesforceSettings login_url (the org's My Domain URL) and the connected app: client credentials flow "
        "enabled with a Run As user")
    with pytest.raises(AuthenticationFailed, match="HTTP 502 without an OAuth JSON body"):
        parse_token_response(oauth_response(502, b"<html>"), MY_DOMAIN, "password")
    with pytest.raises(AuthenticationFailed, match="token response lacks instance_url, id"):
        parse_token_response(oauth_response(200, b'{"access_token":"t"}'), MY_DOMAIN, "password")


def test_the_real_wrong_domain_answer_says_to_set_the_my_domain_url_not_username_or_password():
    sample = json.loads((SAMPLES / "salesforce_oauth_client_credentials_wrong_domain.json").read_text())
    response = oauth_response(sample["status"], json.dumps(sample["body"]).encode())
    with pytest.raises(AuthenticationFailed) as error:
        parse_token_response(response, "https://test.salesforce.com", "client_credentials")
    assert str(error.value) == (
        "Salesforce login at https://test.salesforce.com refused: invalid_grant (request not supported on this "
        "domain); Salesforce refuses the client-credentials flow at https://test.salesforce.com (help article "
        "000886201: \"request not supported on this domain\"); set SalesforceSettings login_url "
        "(SALESFORCE_LOGIN_URL) to the org's My Domain URL (https://<name>.my.salesforce.com, Setup > My Domain)")
    assert "username" not in str(error.value) and "password" not in str(error.value)


def test_oauth_success_gives_token_instance_url_and_the_org_of_the_identity_url():
    body = json.dumps({"access_token": "00D!abc", "instance_url": MY_DOMAIN, "id": IDENTITY}).encode()
    grant = parse_token_response(oauth_response(200, body), MY_DOMAIN, "client_credentials")
    assert (grant.access_token, grant.instance_url, grant.org_id) == ("00D!abc", MY_DOMAIN, "00D5g000004abcdEAA")
    assert "00D!abc" not in repr(grant)
    body = json.dumps({"access_token": "00D!abc", "instance_url": MY_DOMAIN, "id": "https://x/id/me"}).encode()
    with pytest.raises(AuthenticationFailed) as error:
        parse_token_response(oauth_response(200, body), MY_DOMAIN, "client_credentials")
    assert str(error.value) == (f"Salesforce login at {MY_DOMAIN}: the token response's identity URL "
                                "'https://x/id/me' does not end in /id/<orgId>/<userId>")


@pytest.mark.parametrize("login_url", ["https://login.salesforce.com", "https://test.salesforce.com/",
                                       "https://LOGIN.salesforce.com:443"])
def test_client_credentials_at_a_generic_login_host_are_refused_before_any_request(login_url):
    with pytest.raises(ValueError) as error:
        settings(login_url=login_url)
    assert str(error.value) == (
        f"SalesforceSettings: Salesforce refuses the client-credentials flow at {login_url} (help article "
        "000886201: \"request not supported on this domain\"); set login_url (SALESFORCE_LOGIN_URL in the "
        "pipeline) to the org's My Domain URL (https://<name>.my.salesforce.com, Setup > My Domain)")
    password_flow = settings(login_url=login_url, username="u@example.com", password="pw")
    assert password_flow.grant_type == "password"  # deprecated, yet still allowed at the generic hosts


def test_settings_keep_secrets_out_of_repr_and_validate():
    text = repr(settings(username="u", password="hunter2", security_token="tok123"))
    assert "csecret" not in text and "hunter2" not in text and "tok123" not in text
    with pytest.raises(ValueError, match="password is required when username is set"):
        settings(username="u")
    with pytest.raises(ValueError, match="overlap must not be negative"):
        settings(overlap=timedelta(minutes=-1))


def test_settings_refuse_a_request_timeout_that_is_not_two_positive_seconds():
    assert settings().request_timeout_s == (30, 300)
    with pytest.raises(ValueError) as error:
        settings(request_timeout_s=(30, 0))
    assert str(error.value) == (
        "SalesforceSettings: request_timeout_s must be a (connect, read) pair of positive seconds, got (30, 0)")
    with pytest.raises(ValueError, match="request_timeout_s must be a"):
        settings(request_timeout_s=300)


def sample_lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (SAMPLES / name).read_text().splitlines() if line.strip()]


def test_real_not_found_bodies_become_source_rejected_naming_the_stream_and_the_fix():
    for exchange in sample_lines("salesforce_v42_errors.jsonl"):
        request = exchange["request"]
        error = SalesforceResourceNotFound(request["base"] + request["path"], exchange["status"], "get",
                                           exchange["body"])
        translated = translate_error("salesforce.Lead", "describe Lead", error)
        assert type(translated) is SourceRejected
        assert str(translated) == (
            "Salesforce stream salesforce.Lead: describe Lead refused: HTTP 404 NOT_FOUND: The requested resource "
            "does not exist; check SalesforceSettings api_version and that the object exists in this org and is "
            "readable by the integration user, then re-run")


def test_real_request_limit_bodies_are_told_apart_by_their_message():
    sample = json.loads((SAMPLES / "salesforce_request_limit_exceeded_variants.json").read_text())
    concurrent, total = (salesforce_error_detail(body) for body in sample["bodies"])
    assert is_concurrency_limit(*concurrent) and not is_concurrency_limit(*total)
    error = SalesforceRefusedRequest("https://acme.my.salesforce.com/services/data/v59.0/queryAll/", 403, "query",
                                     sample["bodies"][1])
    translated = translate_error("salesforce.Lead", "queryAll", error, (15000, 15000))
    assert type(translated) is ApiLimitExceeded
    assert str(translated).startswith(
        "Salesforce stream salesforce.Lead: the org's daily API allowance is used up (REQUEST_LIMIT_EXCEEDED: "
        "TotalRequests Limit exceeded.); last usage Salesforce reported: 15000/15000 (Sforce-Limit-Info); ")
    assert is_concurrency_limit("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded")
