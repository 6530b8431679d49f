"""Who owns the records: HubSpot's owners API and Salesforce's User object, through the real clients."""

from __future__ import annotations

import json

import hubspot
import pytest
import requests
from hubspot.crm.owners import ApiException
from simple_salesforce import Salesforce

from standin.api.faults import Fault
from standin.api.server import FixtureAPI
from tests.support.datasets import OWNERS, USER_STAMP, USERS, write_dataset, write_jsonl


@pytest.fixture
def api(tmp_path):
    root = write_dataset(tmp_path / "dataset", [], [], {"User": USERS})
    write_jsonl(root / "hubspot" / "owners.jsonl", OWNERS)
    with FixtureAPI(root) as server:
        yield server


def hubspot_client(api: FixtureAPI) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token=api.credentials.hubspot_token, host=api.base_url, ssl_ca_cert=api.ca_file)


def salesforce_client(api: FixtureAPI) -> Salesforce:
    session = requests.Session()
    session.verify, session.trust_env = api.ca_file, False
    credentials = api.credentials
    token = session.post(f"{api.base_url}/services/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": credentials.salesforce_client_id,
        "client_secret": credentials.salesforce_client_secret}).json()
    return Salesforce(instance_url=api.base_url, session_id=token["access_token"], session=session, version="59.0")


def test_owners_page_by_limit_with_an_opaque_after_and_archived_ones_apart(api):
    owners_api = hubspot_client(api).crm.owners.owners_api

    first = owners_api.get_page(limit=2)
    second = owners_api.get_page(limit=2, after=first.paging.next.after)
    last = owners_api.get_page(limit=2, after=second.paging.next.after)
    archived = owners_api.get_page(archived=True)

    assert [page_ids(page) for page in (first, second, last)] == [
        ["70000001", "70000003"], ["70000004", "70000005"], ["70000007"]]
    assert not first.paging.next.after.isdigit()  # a token, as HubSpot's, not an id to compute with
    assert last.paging is None
    assert page_ids(archived) == ["70000002", "70000006"] and archived.paging is None
    gone = archived.results[0]
    assert (gone.archived, gone.user_id, gone.user_id_including_inactive) == (True, None, 2000002)
    active = first.results[0]
    assert (active.email, active.first_name, active.last_name, active.user_id, active.type, active.teams) == (
        "rep1@example.co.jp", "Rep1", "Sales", 2000001, "PERSON", [])
    assert api.calls("/crm/v3/owners") == 4


def page_ids(page) -> list[str]:
    return [result.id for result in page.results]


def test_the_clients_get_all_reads_every_active_owner(api):
    owners = hubspot_client(api).crm.owners.get_all()

    assert [result.id for result in owners] == [o["id"] for o in OWNERS if not o["archived"]]


def test_a_limit_over_500_is_refused_as_hubspot_does(api):
    with pytest.raises(ApiException) as raised:
        hubspot_client(api).crm.owners.owners_api.get_page(limit=501)

    assert raised.value.status == 400
    assert json.loads(raised.value.body)["category"] == "VALIDATION_ERROR"


def test_a_token_without_the_owners_scope_gets_the_real_403_body(api):
    api.faults.inject(Fault("missing_scopes", "/crm/v3/owners"))

    with pytest.raises(ApiException) as raised:
        hubspot_client(api).crm.owners.owners_api.get_page()

    body = json.loads(raised.value.body)
    assert (raised.value.status, body["category"]) == (403, "MISSING_SCOPES")
    assert body["errors"][0]["context"] == {"requiredGranularScopes": ["crm.objects.owners.read"]}


def test_a_dataset_without_owners_or_users_serves_empty_lists(tmp_path):
    with FixtureAPI(write_dataset(tmp_path / "bare", [], [])) as api:
        owners = hubspot_client(api).crm.owners.owners_api.get_page()
        users = salesforce_client(api).query_all("SELECT Id, Name FROM User")

    assert (owners.results, owners.paging) == ([], None)
    assert (users["totalSize"], users["records"]) == (0, [])


def test_users_come_through_soql_by_system_modstamp_with_attributes_and_no_is_deleted(api):
    sf = salesforce_client(api)

    result = sf.query_all("SELECT Id, Name, Email, IsActive, SystemModstamp FROM User "
                          "WHERE SystemModstamp >= 2024-04-01T00:30:00.000Z ORDER BY SystemModstamp, Id")
    every = sf.query_all("SELECT Id FROM User", include_deleted=True)
    inactive = sf.query("SELECT Name FROM User WHERE IsActive = false")
    described = [field["name"] for field in sf.User.describe()["fields"]]

    assert [record["Id"] for record in result["records"]] == [u["Id"] for u in USERS]
    assert result["records"][0] == {**{key: USERS[0][key] for key in ("Id", "Name", "Email", "IsActive")},
                                    "SystemModstamp": USER_STAMP, "attributes": USERS[0]["attributes"]}
    assert every["totalSize"] == len(USERS)
    assert [record["Name"] for record in inactive["records"]] == ["営業 3"]
    assert "IsDeleted" not in described and {"Id", "Name", "Email", "IsActive", "SystemModstamp"} <= set(described)
