"""Objects with hundreds of custom fields: the query URL must stay within Salesforce's 16,384 bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceGeneralError

from connectors.errors import SourceRejected
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from connectors.salesforce.client import http_session
from connectors.salesforce.field_list import HEADER_ALLOWANCE, MAX_URI_AND_HEADERS, query_uri_length, select_fields
from connectors.salesforce.shaping import SOBJECT_TABLES
from standin.api.server import FixtureAPI
from tests.support.salesforce import raw_payloads, settings_for

CUSTOM_FIELDS = [f"Custom_Field_Name_{index:03d}__c" for index in range(600)]
SAMPLES = Path(__file__).parents[1] / "data" / "real_samples"
LEAD_STAMP = "2025-03-0{}T09:00:00.000+0000"


def wide_lead(index: int) -> dict:
    lead_id = f"00Q5g00000000{index:03d}AA"
    return {
        "attributes": {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{lead_id}"},
        "Id": lead_id, "IsDeleted": False, "LastName": f"Person {index}", "Company": "ACME",
        "Email": f"person{index}@example.com", "Status": "Open - Not Contacted", "IsConverted": False,
        "CreatedDate": LEAD_STAMP.format(index + 1), "LastModifiedDate": LEAD_STAMP.format(index + 1),
        "SystemModstamp": LEAD_STAMP.format(index + 1),
        **{name: f"value {index}" for name in CUSTOM_FIELDS},
    }


@pytest.fixture
def wide_dataset(make_dataset) -> Path:
    """Leads whose describe lists 600 custom fields (from the records, as a recording's custom fields are)."""
    return make_dataset(contacts=0, deals=0, salesforce={"Lead": [wide_lead(index) for index in range(3)]})


def test_the_stand_in_answers_414_past_the_limit_as_the_front_end_does(wide_dataset):
    with FixtureAPI(wide_dataset) as api:
        session = http_session(api.ca_file)
        token = session.post(f"{api.base_url}/services/oauth2/token", data={
            "grant_type": "client_credentials", "client_id": api.credentials.salesforce_client_id,
            "client_secret": api.credentials.salesforce_client_secret}).json()["access_token"]
        sf = Salesforce(instance_url=api.base_url, session_id=token, session=session, version="59.0")
        fields = [field["name"] for field in sf.restful("sobjects/Lead/describe")["fields"]]
        with pytest.raises(SalesforceGeneralError) as caught:
            sf.query_all(f"SELECT {', '.join(fields)} FROM Lead")
        assert sf.query_all(f"SELECT {', '.join(fields[:300])} FROM Lead")["totalSize"] == 3
    assert len(fields) > 600
    assert (caught.value.status, caught.value.content) == (
        414, "<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>")


def test_a_lead_with_600_custom_fields_syncs_the_fields_the_warehouse_uses_and_notes_the_rest(wide_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    extra = "Custom_Field_Name_007__c"
    with FixtureAPI(wide_dataset) as api:
        reports = sync_salesforce(settings_for(api, extra_fields=(f"Lead.{extra}",)), store, ["salesforce.Lead"])
        described = len(api.salesforce.tables()["Lead"].fields)
    kept = [*SOBJECT_TABLES["Lead"].typed_columns, extra]  # fields a record lacks come as null
    assert raw_payloads(store, "Lead") == {
        lead["Id"]: {name: lead.get(name) for name in ["attributes", *kept]}
        for lead in map(wide_lead, range(3))
    }
    report = reports["salesforce.Lead"]
    assert (report.fetched, report.inserted) == (3, 3)
    selected = len(kept)
    full = int(report.notes[0].split("query URL of ")[1].split(" characters")[0].replace(",", ""))
    assert full > MAX_URI_AND_HEADERS
    assert report.notes == [
        f"{described - selected} of the {described} fields describe lists for Lead were left out: selecting all "
        f"makes a query URL of {full:,} characters, over Salesforce's 16,384-byte limit; selected the {selected} "
        "the warehouse uses and SalesforceSettings extra_fields (SALESFORCE_EXTRA_FIELDS) names, so payloads "
        "hold only those"]


def test_an_extra_field_the_describe_does_not_list_stops_the_stream_naming_it(wide_dataset, tmp_path):
    with FixtureAPI(wide_dataset) as api, pytest.raises(SourceRejected) as error:
        sync_salesforce(settings_for(api, extra_fields=("Lead.Regoin__c", "Opportunity.Regoin__c")),
                        RawStore(tmp_path / "warehouse.duckdb"), ["salesforce.Lead"])
    assert str(error.value) == (
        "Salesforce stream salesforce.Lead: SalesforceSettings extra_fields (SALESFORCE_EXTRA_FIELDS) names "
        "Regoin__c, which the Lead describe does not list; check the spelling (custom fields end in __c) and the "
        "integration user's field-level security")


def test_the_real_59_field_lead_describe_still_selects_every_field():
    sample = json.loads((SAMPLES / "salesforce_v42_lead_describe_fields.json").read_text())
    fields = [field["name"] for field in sample["body"]["fields"]]
    assert len(fields) == 59
    selected, note = select_fields("salesforce.Lead", "Lead", fields, "SystemModstamp", (), "59.0")
    assert (selected, note) == (fields, None)
    assert query_uri_length("Lead", fields, "SystemModstamp", "59.0") < MAX_URI_AND_HEADERS - HEADER_ALLOWANCE


def test_no_dbt_model_reads_a_salesforce_payload_field_the_narrowed_query_would_leave_out():
    models = Path(__file__).parents[2] / "dbt_project" / "models"
    readers = [path for path in models.rglob("*.sql")
               if "source('salesforce'" in path.read_text() and "payload" in path.read_text()]
    assert readers == []  # else select_fields must keep the payload fields they read


def test_a_uri_that_fits_only_without_its_headers_is_refused_with_431(wide_dataset):
    with FixtureAPI(wide_dataset) as api:
        session = http_session(api.ca_file)
        url = f"{api.base_url}/services/data/v59.0/queryAll/?q=SELECT+Id+FROM+Lead"
        answer = session.get(url, headers={"X-Padding": "x" * (MAX_URI_AND_HEADERS - 100)})
        fits = session.get(url, headers={"X-Padding": "x" * 1000})
    assert (answer.status_code, answer.text) == (
        431, "<h1>Bad Message 431</h1><pre>reason: Request Header Fields Too Large</pre>")
    assert fits.status_code == 401  # past the front end: the API asks for a session
