"""The fixture API's Salesforce side, driven over HTTPS by the real simple-salesforce client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from standin.api.dataset import Dataset, DatasetError
from standin.api.faults import Fault
from standin.api.salesforce.organization import integration_user_id
from standin.api.server import FixtureAPI
from tests.support.datasets import write_dataset

RECORDED_AT = datetime(2025, 3, 31, tzinfo=UTC)
LEAD_COUNT = 4500  # three 2,000-record pages
STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
QUERY_PATH = "/services/data/v59.0/query/"
HISTORY_URL = "/services/data/v59.0/sobjects/LeadHistory/"


def sf_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def lead_record(index: int) -> dict:
    lead_id = f"00Q5g{index:013d}"
    created = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=37 * index)
    status = STATUSES[index % 4]
    converted = status == "Closed - Converted"
    return {
        "attributes": {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{lead_id}"},
        "Id": lead_id,
        "Email": f"person{index}@example.com",
        "Status": status,
        "LeadSource": ("Web", "Partner Referral", None)[index % 3],
        "IsConverted": converted,
        "ConvertedDate": (created + timedelta(days=3)).date().isoformat() if converted else None,
        "ConvertedOpportunityId": f"0065g{index:013d}" if converted else None,
        "CreatedDate": sf_datetime(created),
        "SystemModstamp": sf_datetime(created + timedelta(hours=5)),
        "IsDeleted": index % 97 == 0,
        "Lead_Score__c": index % 100,
    }


def history_record(index: int) -> dict:
    field = ("created", "Status", "leadConverted")[index % 3]
    history_id = f"017{index:015d}"
    return {
        "attributes": {"type": "LeadHistory", "url": HISTORY_URL + history_id},
        "Id": history_id, "LeadId": f"00Q5g{index:013d}", "Field": field,
        "OldValue": STATUSES[0] if field == "Status" else None,
        "NewValue": STATUSES[1] if field == "Status" else None,
        "DataType": "Text" if field == "Status" else "EntityId",
        "CreatedDate": sf_datetime(datetime(2025, 2, 1, tzinfo=UTC) + timedelta(hours=index)),
        "IsDeleted": False,
    }


def write_salesforce_dataset(root: Path, sobjects: dict[str, list[dict]]) -> Path:
    """A dataset of these Salesforce records; every other required file of the layout is empty."""
    return write_dataset(root, [], [], sobjects)


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory) -> Path:
    return write_salesforce_dataset(tmp_path_factory.mktemp("sf") / "dataset", {
        "Lead": [lead_record(index) for index in range(LEAD_COUNT)],
        "LeadHistory": [history_record(index) for index in range(30)],
    })


@pytest.fixture(scope="module")
def leads(dataset_dir) -> list[dict]:
    """The Lead records as the dataset file holds them (the oracle for expected results)."""
    return Dataset.load(dataset_dir).salesforce["Lead"]


@pytest.fixture(scope="module")
def api(dataset_dir):
    with FixtureAPI(dataset_dir) as server:
        yield server


@pytest.fixture
def http(api, dataset_dir):
    session = requests.Session()
    session.verify = api.ca_file
    session.trust_env = False
    yield session
    session.close()
    api.faults.clear()
    if api.dataset.root != dataset_dir:
        api.replace_dataset(dataset_dir)


def password_grant(api, **overrides) -> dict:
    credentials = api.credentials
    return {"grant_type": "password", "client_id": credentials.salesforce_client_id,
            "client_secret": credentials.salesforce_client_secret,
            "username": credentials.salesforce_username,
            "password": credentials.salesforce_password + credentials.salesforce_security_token, **overrides}


def login(api, http, **overrides) -> requests.Response:
    return http.post(f"{api.base_url}/services/oauth2/token", data=password_grant(api, **overrides))


def client(api, http, session_id: str | None = None) -> Salesforce:
    session_id = session_id or login(api, http).json()["access_token"]
    return Salesforce(instance_url=api.base_url, session_id=session_id, session=http, version="59.0")


def ids_of(records) -> list[str]:
    return [record["Id"] for record in records]


def test_password_grant_issues_a_signed_new_session_each_time(api, http):
    first, second = login(api, http), login(api, http)
    body = first.json()
    assert first.status_code == 200
    assert list(body) == ["access_token", "instance_url", "id", "token_type", "issued_at", "signature"]
    assert (body["instance_url"], body["token_type"]) == (api.base_url, "Bearer")
    assert body["issued_at"] == str(int(RECORDED_AT.timestamp() * 1000))
    expected = hmac.new(api.credentials.salesforce_client_secret.encode(),
                        (body["id"] + body["issued_at"]).encode(), hashlib.sha256).digest()
    assert base64.b64decode(body["signature"]) == expected
    assert body["access_token"] != second.json()["access_token"]
    for session_id in (body["access_token"], second.json()["access_token"]):
        assert client(api, http, session_id).query("SELECT COUNT() FROM Lead")["totalSize"] == 4453


def client_credentials(api) -> dict:
    credentials = api.credentials
    return {"grant_type": "client_credentials", "client_id": credentials.salesforce_client_id,
            "client_secret": credentials.salesforce_client_secret}


def test_client_credentials_grant(api, http):
    answer = http.post(f"{api.base_url}/services/oauth2/token", data=client_credentials(api))
    assert answer.status_code == 200
    assert sorted(answer.json()) == ["access_token", "id", "instance_url", "issued_at", "scope", "signature",
                                     "token_type"]
    sf = client(api, http, answer.json()["access_token"])
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1


@pytest.mark.parametrize("host", ["login.salesforce.com", "test.salesforce.com", "Login.Salesforce.com:443"])
def test_client_credentials_are_refused_at_the_generic_login_hosts_the_password_grant_is_not(api, http, host):
    url = f"{api.base_url}/services/oauth2/token"
    refused = http.post(url, data=client_credentials(api), headers={"Host": host})
    assert (refused.status_code, refused.json()) == (
        400, {"error": "invalid_grant", "error_description": "request not supported on this domain"})
    assert http.post(url, data=password_grant(api), headers={"Host": host}).status_code == 200


def test_the_identity_url_names_the_org_of_the_manifest_or_one_derived_from_the_dataset_path(tmp_path):
    org_id = "00D5g000004XyZaEAK"
    named = write_salesforce_dataset(tmp_path / "named", {"Lead": [lead_record(0)]})
    manifest = json.loads((named / "manifest.json").read_text())
    (named / "manifest.json").write_text(json.dumps({**manifest, "salesforce": {"organizationId": org_id}}))
    unnamed = write_salesforce_dataset(tmp_path / "unnamed", {"Lead": [lead_record(0)]})
    identities = []
    for root in (named, unnamed, unnamed):
        with FixtureAPI(root) as server, requests.Session() as session:
            session.verify, session.trust_env = server.ca_file, False
            identities.append(login(server, session).json()["id"])
    user_id = integration_user_id(org_id)
    assert identities[0] == f"https://login.salesforce.com/id/{org_id}/{user_id}"
    derived = identities[1].removeprefix("https://login.salesforce.com/id/").split("/")
    assert identities[1] == identities[2] and derived[0] != org_id  # stable across server starts
    assert re.fullmatch(r"00D[A-Za-z0-9]{15}", derived[0]) and derived[1] == integration_user_id(derived[0])


def test_a_malformed_organization_id_in_the_manifest_is_refused_naming_the_key(tmp_path):
    root = write_salesforce_dataset(tmp_path / "dataset", {"Lead": [lead_record(0)]})
    manifest = json.loads((root / "manifest.json").read_text())
    (root / "manifest.json").write_text(json.dumps({**manifest, "salesforce": {"organizationId": "00Dshort"}}))
    with pytest.raises(DatasetError) as error:
        FixtureAPI(root)
    assert str(error.value) == (f"{root / 'manifest.json'}: salesforce.organizationId '00Dshort' is not an "
                                "18-character organization id (00D followed by 15 letters or digits)")


@pytest.mark.parametrize(("overrides", "error", "description"), [
    ({"client_id": "nope"}, "invalid_client_id", "client identifier invalid"),
    ({"client_secret": "nope"}, "invalid_client", "invalid client credentials"),
    ({"username": "someone@example.com"}, "invalid_grant", "authentication failure"),
    ({"password": "without-security-token"}, "invalid_grant", "authentication failure"),
    ({"grant_type": "authorization_code"}, "unsupported_grant_type", "grant type not supported"),
])
def test_oauth_failures_answer_400_in_salesforce_shape(api, http, overrides, error, description):
    answer = login(api, http, **overrides)
    assert (answer.status_code, answer.json()) == (400, {"error": error, "error_description": description})


def test_query_all_follows_next_records_urls_and_returns_every_live_lead_once(api, http, leads):
    sf = client(api, http)
    before = api.calls(QUERY_PATH)
    result = sf.query_all("SELECT Id, Email FROM Lead")
    assert api.calls(QUERY_PATH) - before == 3
    assert ids_of(result["records"]) == [lead["Id"] for lead in leads if not lead["IsDeleted"]]
    assert len(result["records"]) == 4453
    first = result["records"][0]
    lead_url = "/services/data/v59.0/sobjects/Lead/00Q5g0000000000001"
    assert first == {"attributes": {"type": "Lead", "url": lead_url},
                     "Id": "00Q5g0000000000001", "Email": "person1@example.com"}
    assert {tuple(record) for record in result["records"]} == {("attributes", "Id", "Email")}


def test_pages_carry_salesforce_paging_fields(api, http):
    sf = client(api, http)
    first = sf.query("SELECT Id FROM Lead")
    assert (first["totalSize"], first["done"], len(first["records"])) == (4453, False, 2000)
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-2000")
    last = sf.query_more(sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)["nextRecordsUrl"],
                         identifier_is_url=True)
    assert (last["done"], len(last["records"]), "nextRecordsUrl" in last) == (True, 453, False)


def test_deleted_rows_come_only_through_query_all_with_include_deleted(api, http, leads):
    sf = client(api, http)
    deleted = {lead["Id"] for lead in leads if lead["IsDeleted"]}
    assert len(deleted) == 47
    everything = sf.query_all("SELECT Id, IsDeleted FROM Lead", include_deleted=True)["records"]
    assert ids_of(everything) == [lead["Id"] for lead in leads]
    assert {record["Id"] for record in everything if record["IsDeleted"]} == deleted
    live = sf.query_all("SELECT Id FROM Lead WHERE IsDeleted = true")["records"]
    assert live == []


def test_where_order_by_and_limit_pick_exactly_the_expected_leads(api, http, leads):
    sf = client(api, http)
    result = sf.query_all(
        "SELECT Id, CreatedDate, Status FROM Lead "
        "WHERE Status IN ('Working - Contacted', 'closed - converted') "
        "AND CreatedDate >= 2025-02-01T09:00:00+09:00 AND (LeadSource = 'Web' OR LeadSource = null) "
        "ORDER BY CreatedDate DESC LIMIT 40")
    since = datetime(2025, 2, 1, tzinfo=UTC)
    matching = [
        lead for lead in leads
        if not lead["IsDeleted"] and lead["Status"] in STATUSES[1:3] and lead["LeadSource"] in ("Web", None)
        and datetime.strptime(lead["CreatedDate"], "%Y-%m-%dT%H:%M:%S.000%z") >= since
    ]
    expected = sorted(matching, key=lambda lead: lead["CreatedDate"], reverse=True)[:40]
    assert ids_of(result["records"]) == ids_of(expected)
    assert result["records"][0]["CreatedDate"] == expected[0]["CreatedDate"]


def test_dates_booleans_and_count(api, http, leads):
    sf = client(api, http)
    converted = [lead["Id"] for lead in leads if lead["IsConverted"] and not lead["IsDeleted"]
                 and lead["ConvertedDate"] < "2025-01-20"]
    result = sf.query_all("SELECT Id FROM Lead WHERE IsConverted = TRUE AND ConvertedDate < 2025-01-20")
    assert ids_of(result["records"]) == converted
    count = sf.query("SELECT COUNT() FROM Lead WHERE ConvertedDate != null")
    assert count == {"totalSize": sum(1 for lead in leads if lead["IsConverted"] and not lead["IsDeleted"]),
                     "done": True, "records": []}


def test_lead_history_status_rows(api, http):
    sf = client(api, http)
    soql = "SELECT Id, LeadId, OldValue, NewValue FROM LeadHistory WHERE Field = 'Status'"
    rows = sf.query_all(soql)["records"]
    assert ids_of(rows) == [f"017{index:015d}" for index in range(1, 30, 3)]
    assert rows[0]["NewValue"] == "Working - Contacted"


def test_result_set_is_snapshotted_at_query_time(api, http, leads, tmp_path):
    sf = client(api, http)
    first = sf.query("SELECT Id FROM Lead")
    api.replace_dataset(write_salesforce_dataset(tmp_path / "emptied", {"Lead": []}))
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert ids_of(rest["records"]) == [lead["Id"] for lead in leads if not lead["IsDeleted"]][2000:4000]
    assert sf.query("SELECT Id FROM Lead")["totalSize"] == 0


def test_unknown_and_released_query_locators_are_invalid(api, http):
    sf = client(api, http)
    oldest = sf.query("SELECT Id FROM Lead")["nextRecordsUrl"]
    for _ in range(10):  # Salesforce keeps ten open cursors and releases the oldest
        sf.query("SELECT Id FROM Lead")
    for locator in (oldest, "/services/data/v59.0/query/01gAAAAAAAAAAAAAAA-2000"):
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.query_more(locator, identifier_is_url=True)
        assert caught.value.content == [{"message": "invalid query locator",
                                         "errorCode": "INVALID_QUERY_LOCATOR"}]


def test_api_usage_is_reported_in_sforce_limit_info(api, http):
    sf = client(api, http)
    sf.query("SELECT Id FROM Lead LIMIT 1")
    used = api.salesforce.api_usage()
    assert used[1] == 15000
    assert (sf.api_usage["api-usage"].used, sf.api_usage["api-usage"].total) == used
    sf.query("SELECT Id FROM Lead LIMIT 1")
    assert sf.api_usage["api-usage"].used == used[0] + 1


LEAD_STANDARD_FIELDS = [
    "Id", "IsDeleted", "FirstName", "LastName", "Name", "Company", "Title", "Email", "Phone", "Status",
    "LeadSource", "IsConverted", "ConvertedDate", "ConvertedAccountId", "ConvertedContactId",
    "ConvertedOpportunityId", "OwnerId", "CreatedDate", "LastModifiedDate", "SystemModstamp", "LastActivityDate",
]


def test_describe_lists_standard_fields_then_fields_only_the_records_show(api, http):
    sf = client(api, http)
    described = sf.Lead.describe()
    fields = {field["name"]: (field["type"], field["nillable"]) for field in described["fields"]}
    assert (described["name"], described["keyPrefix"]) == ("Lead", "00Q")
    assert list(fields) == [*LEAD_STANDARD_FIELDS, "Lead_Score__c"]
    assert {name: fields[name] for name in ("Email", "Status", "ConvertedDate", "SystemModstamp")} == {
        "Email": ("email", True), "Status": ("picklist", False), "ConvertedDate": ("date", True),
        "SystemModstamp": ("datetime", False)}
    assert fields["Lead_Score__c"] == ("double", False)
    history = [field["name"] for field in sf.LeadHistory.describe()["fields"]]
    assert history == ["Id", "IsDeleted", "LeadId", "CreatedById", "CreatedDate", "Field", "DataType",
                       "OldValue", "NewValue"]
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Account.describe()
    assert caught.value.content == [{"errorCode": "NOT_FOUND",
                                     "message": "The requested resource does not exist"}]


def test_an_empty_object_file_is_described_and_queried_from_its_standard_fields(api, http):
    assert api.dataset.salesforce["Opportunity"] == []
    sf = client(api, http)
    described = sf.Opportunity.describe()
    assert (described["keyPrefix"], [field["name"] for field in described["fields"]]) == ("006", [
        "Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type",
        "LeadSource", "IsClosed", "IsWon", "ForecastCategory", "OwnerId", "CreatedDate", "LastModifiedDate",
        "SystemModstamp"])
    soql = ("SELECT Id, StageName, Amount, SystemModstamp FROM Opportunity "
            "WHERE SystemModstamp > 2025-01-01T00:00:00Z AND Amount > 100 ORDER BY SystemModstamp, Id")
    assert sf.query_all(soql, include_deleted=True) == {"totalSize": 0, "done": True, "records": []}
    history = [field["name"] for field in sf.OpportunityHistory.describe()["fields"]]
    assert "SystemModstamp" in history and "LastModifiedDate" not in history
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM LeadHistory WHERE SystemModstamp > 2025-01-01T00:00:00Z")
    assert "No such column 'SystemModstamp' on entity 'LeadHistory'." in caught.value.content[0]["message"]


def test_versions_list_and_unknown_versions(api, http):
    listed = http.get(f"{api.base_url}/services/data/").json()
    assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in listed
    sf = client(api, http)
    sf.base_url = sf.base_url.replace("v59.0", "v99.0")
    with pytest.raises(SalesforceResourceNotFound):
        sf.query("SELECT Id FROM Lead")


def test_soql_errors_reach_the_client_as_malformed_request(api, http):
    sf = client(api, http)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FRM Lead")
    assert caught.value.content == [{
        "message": "\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'",
        "errorCode": "MALFORMED_QUERY"}]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id, Foo FROM Lead")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Foo' on entity 'Lead'." in caught.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Foo")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_an_invalid_session_is_refused(api, http):
    with pytest.raises(SalesforceExpiredSession) as caught:
        client(api, http, "00Dxxxxxxxxxxxx!not-a-session").query("SELECT Id FROM Lead")
    assert caught.value.status == 401
    assert caught.value.content == [{"message": "Session expired or invalid",
                                     "errorCode": "INVALID_SESSION_ID"}]


def test_expire_token_fault_ends_every_session_until_a_new_login(api, http):
    sf, other = client(api, http), client(api, http)
    api.faults.inject(Fault("expire_token", "/services/data/"))
    for expired in (sf, other):
        with pytest.raises(SalesforceExpiredSession):
            expired.query("SELECT Id FROM Lead LIMIT 1")
    assert client(api, http).query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1


@pytest.mark.parametrize("kind", ["sf_request_limit", "rate_limit"])
def test_request_limit_fault_is_a_refused_request(api, http, kind):
    sf = client(api, http)
    api.faults.inject(Fault(kind, "/services/data/"))
    with pytest.raises(SalesforceRefusedRequest) as caught:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert caught.value.status == 403
    assert caught.value.content == [{"message": "TotalRequests Limit exceeded.",
                                     "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1


@pytest.mark.parametrize(("limit", "message"), [
    ("TotalRequests", "TotalRequests Limit exceeded."),
    ("ConcurrentRequests", "ConcurrentRequests (Concurrent API Requests) Limit exceeded."),
    ("ConcurrentPerOrgLongTxn", "ConcurrentPerOrgLongTxn Limit exceeded."),
])
def test_each_request_limit_variant_is_a_403_with_its_real_message(api, http, limit, message):
    sf = client(api, http)
    api.faults.inject(Fault("sf_request_limit", "/services/data/", limit=limit))
    with pytest.raises(SalesforceRefusedRequest) as caught:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert (caught.value.status, caught.value.content) == (
        403, [{"message": message, "errorCode": "REQUEST_LIMIT_EXCEEDED"}])


def test_a_query_matching_more_rows_than_the_knob_times_out_a_selective_one_does_not(api, http, leads):
    sf = client(api, http)
    api.salesforce.query_timeout_rows = 100
    try:
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.query_all("SELECT Id FROM Lead ORDER BY SystemModstamp, Id")
        narrow = ("SELECT Id FROM Lead WHERE SystemModstamp >= 2025-01-01T00:00:00Z AND "
                  "SystemModstamp < 2025-01-03T00:00:00Z ORDER BY SystemModstamp, Id")
        answered = sf.query_all(narrow)
        counted = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
    finally:
        api.salesforce.query_timeout_rows = None
    assert (caught.value.status, caught.value.content) == (
        400, [{"errorCode": "QUERY_TIMEOUT", "message": "Your query request was running for too long."}])
    in_range = [lead for lead in leads
                if "2025-01-01" <= lead["SystemModstamp"] < "2025-01-03" and not lead["IsDeleted"]]
    assert answered["totalSize"] == len(in_range) <= 100
    assert counted == 4453  # COUNT() is not modelled timing out
    assert api.salesforce.query_log[-3:] == [("SELECT Id FROM Lead ORDER BY SystemModstamp, Id", 400),
                                             (narrow, 200), ("SELECT COUNT() FROM Lead", 200)]


def test_server_errors_on_a_later_page_are_general_errors_and_the_page_can_be_fetched_again(api, http, leads):
    sf = client(api, http)
    first = sf.query("SELECT Id FROM Lead")
    api.faults.inject(Fault("server_error", QUERY_PATH + "01g", status=500))
    api.faults.inject(Fault("gateway_html", QUERY_PATH + "01g", on_request=2))
    with pytest.raises(SalesforceGeneralError) as caught:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert caught.value.status == 500
    assert caught.value.content[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    with pytest.raises(SalesforceGeneralError) as caught:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert caught.value.status == 502
    assert "</html>" in caught.value.content.lower()
    again = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert ids_of(again["records"]) == [lead["Id"] for lead in leads if not lead["IsDeleted"]][2000:4000]


def test_dropped_connection_is_a_requests_connection_error(api, http):
    sf = client(api, http)
    api.faults.inject(Fault("drop_connection", "/services/data/"))
    with pytest.raises(requests.exceptions.ConnectionError):
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1


def test_non_get_methods_are_not_allowed(api, http):
    sf = client(api, http)
    answer = http.post(f"{api.base_url}{QUERY_PATH}", headers={"Authorization": f"Bearer {sf.session_id}"})
    assert (answer.status_code, answer.json()) == (405, [{
        "errorCode": "METHOD_NOT_ALLOWED",
        "message": "HTTP Method 'POST' not allowed. Allowed are GET,HEAD"}])
