"""The stand-in's Contact / OpportunityContactRole, getDeleted, and Bulk-API rows without attributes."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests
from simple_salesforce import Salesforce

from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from standin.api.dataset import Dataset
from standin.api.dataset_files import check_record
from standin.api.server import FixtureAPI
from tests.support.datasets import RECORDED_AT, write_dataset, write_jsonl
from tests.support.salesforce import settings_for

REAL_SAMPLES = Path(__file__).parents[1] / "data" / "real_samples"
LEAD_ID = "00Q4W00001WGXdDUAX"  # the lead of Airbyte's recorded LeadHistory rows
DELETED = [{"id": "00Q4W00001WGXaaUAX", "deletedDate": "2025-03-30T12:00:00.000+0000"},
           {"id": "00Q4W00001WGXabUAX", "deletedDate": "2025-03-05T12:00:00.000+0000"},
           {"id": "00Q4W00001WGXacUAX", "deletedDate": "2025-02-01T12:00:00.000+0000"}]  # past the 30 days


def real_lead_history() -> list[dict]:
    return [json.loads(line) for line in (REAL_SAMPLES / "airbyte_sf_LeadHistory.jsonl").read_text().splitlines()]


def bulk_lead() -> dict:
    """A Lead as a Bulk-API export has it: no attributes."""
    return {"Id": LEAD_ID, "IsDeleted": False, "LastName": "Doe", "Company": "Airbyte", "Status": "Open",
            "Email": "john@example.com", "IsConverted": False, "CreatedDate": "2021-11-01T00:00:00.000+0000",
            "LastModifiedDate": "2023-01-17T15:14:50.000+0000", "SystemModstamp": "2023-01-17T15:14:50.000+0000"}


@pytest.fixture
def dataset_dir(tmp_path) -> Path:
    root = write_dataset(tmp_path / "dataset", [], [], {"Lead": [bulk_lead()], "LeadHistory": real_lead_history()})
    write_jsonl(root / "salesforce" / "deleted" / "Lead.jsonl", DELETED)
    return root


@pytest.fixture
def api(dataset_dir):
    with FixtureAPI(dataset_dir) as server:
        yield server


def client(api: FixtureAPI) -> Salesforce:
    session = requests.Session()
    session.verify, session.trust_env = api.ca_file, False
    credentials = api.credentials
    token = session.post(f"{api.base_url}/services/oauth2/token", data={
        "grant_type": "password", "client_id": credentials.salesforce_client_id,
        "client_secret": credentials.salesforce_client_secret, "username": credentials.salesforce_username,
        "password": credentials.salesforce_password + credentials.salesforce_security_token}).json()
    return Salesforce(instance_url=api.base_url, session_id=token["access_token"], session=session, version="59.0")


def get_deleted(sf: Salesforce, start: str, end: str) -> requests.Response:
    return sf.session.get(f"{sf.base_url}sobjects/Lead/deleted/", params={"start": start, "end": end},
                          headers=sf.headers)


def test_contact_and_contact_roles_are_described_though_the_dataset_has_no_file(api):
    sf = client(api)
    roles = sf.restful("sobjects/OpportunityContactRole/describe")
    assert [field["name"] for field in roles["fields"]] == [
        "Id", "IsDeleted", "OpportunityId", "ContactId", "Role", "IsPrimary", "CreatedById", "CreatedDate",
        "LastModifiedDate", "SystemModstamp"]
    assert (roles["keyPrefix"], roles["replicateable"]) == ("00K", True)
    assert sf.restful("sobjects/LeadHistory/describe")["replicateable"] is False
    assert sf.query_all("SELECT Id, Email FROM Contact")["records"] == []


def test_rows_without_attributes_are_served_with_them_as_rest_always_does(api):
    records = client(api).query_all("SELECT Id, Field, NewValue FROM LeadHistory ORDER BY Id")["records"]
    assert records[0] == {"attributes": {"type": "LeadHistory",
                                         "url": "/services/data/v59.0/sobjects/LeadHistory/0174W00010EpxkSQAR"},
                          "Id": "0174W00010EpxkSQAR", "Field": "Title", "NewValue": "History Track"}


def test_real_bulk_rows_load_and_reach_raw_without_losing_a_used_field(api, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    sync_salesforce(settings_for(api), store, ["salesforce.Lead", "salesforce.LeadHistory"])
    rows = store.connection.execute(
        'SELECT Id, LeadId, Field, OldValue, NewValue, CreatedDate, IsDeleted, payload FROM '
        "raw_salesforce.lead_history ORDER BY Id").fetchall()
    expected = real_lead_history()
    assert [row[:5] for row in rows] == [
        (record["Id"], record["LeadId"], record["Field"], record["OldValue"], record["NewValue"])
        for record in expected]
    assert [row[5].isoformat() for row in rows] == ["2021-11-02T00:20:05+00:00", "2023-01-17T15:14:50+00:00",
                                                    "2023-01-17T15:14:50+00:00"]
    for row, record in zip(rows, expected, strict=True):
        assert {key: value for key, value in json.loads(row[7]).items() if key != "attributes"} == record
    assert store.connection.execute("SELECT Email FROM raw_salesforce.lead").fetchall() == [("john@example.com",)]


def test_the_real_account_export_with_a_compound_address_is_a_valid_record():
    account = json.loads((REAL_SAMPLES / "airbyte_sf_Account_address_subset.json").read_text())
    check_record("salesforce", "Account", {"Id": "0014W000027f6V3QAI", **account}, "sample")


def test_get_deleted_serves_the_last_30_days_and_refuses_older_starts(api):
    sf = client(api)
    response = get_deleted(sf, "2025-03-01T00:00:00+00:00", "2025-04-30T00:00:00+00:00")
    assert response.status_code == 200
    assert response.json() == {"deletedRecords": DELETED[:2], "earliestDateAvailable": "2025-03-01T00:00:00.000+0000",
                               "latestDateCovered": "2025-03-31T00:00:00.000+0000"}
    refused = get_deleted(sf, "2025-02-28T23:59:00+00:00", "2025-03-31T00:00:00+00:00")
    assert refused.status_code == 400
    assert refused.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"
    too_short = get_deleted(sf, "2025-03-30T00:00:30+00:00", "2025-03-30T00:01:59+00:00")
    assert too_short.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"
    assert parsedate_to_datetime(response.headers["Date"]) == RECORDED_AT  # the stand-in's clock


def test_a_deleted_file_of_the_wrong_shape_fails_the_load(dataset_dir):
    write_jsonl(dataset_dir / "salesforce" / "deleted" / "Lead.jsonl", [{"id": "00Q4W00001WGXaaUAX"}])
    with pytest.raises(ValueError, match="deleted record '00Q4W00001WGXaaUAX' without a 'deletedDate'"):
        Dataset.load(dataset_dir)
    write_jsonl(dataset_dir / "salesforce" / "deleted" / "Lead.jsonl", DELETED)
    write_jsonl(dataset_dir / "salesforce" / "deleted" / "LeadHistory.jsonl", [])
    with pytest.raises(ValueError, match="not a file of the dataset layout"):
        Dataset.load(dataset_dir)
