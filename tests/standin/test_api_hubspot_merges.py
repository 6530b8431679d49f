"""Merged-away contacts in the stand-in, as HubSpot serves them: listed nowhere, read as their survivor.

The dataset holds contacts 1001 <- 1003 (classic: 1003 merged into 1001 and listed by it), a chain
1005 -> 1007 -> 1009 that only the non-cumulative hs_calculated_merged_vids spells out link by link,
and an archived survivor 1011 of 1013.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import hubspot
import pytest

from standin.api.server import FixtureAPI
from tests.support.datasets import contact_record, write_dataset

MERGED_AWAY = {"1003": "1001", "1005": "1009", "1007": "1009", "1013": "1011"}


def merged_dataset(root):
    contacts = [contact_record(index) for index in range(10)]  # ids 1001 .. 1019, 1011 archived
    by_id = {record["id"]: record for record in contacts}
    by_id["1001"]["properties"]["hs_merged_object_ids"] = "1003"
    by_id["1007"]["properties"]["hs_calculated_merged_vids"] = "1005:1735722000000"
    by_id["1009"]["properties"]["hs_calculated_merged_vids"] = "1007:1735808400000"
    by_id["1011"]["properties"]["hs_merged_object_ids"] = "1013"
    return write_dataset(root, contacts, [])


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with FixtureAPI(merged_dataset(tmp_path_factory.mktemp("merges") / "dataset")) as served:
        yield served


@pytest.fixture
def client(api) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token=api.credentials.hubspot_token, host=api.base_url, ssl_ca_cert=api.ca_file)


def test_merged_away_contacts_are_in_no_listing_and_no_search_total(client):
    live = [contact.id for contact in client.crm.contacts.get_all()]
    archived = [contact.id for contact in client.crm.contacts.get_all(archived=True)]
    found = client.crm.contacts.search_api.do_search(public_object_search_request={"limit": 200})

    assert live == ["1001", "1009", "1015", "1017", "1019"]
    assert archived == ["1011"]
    assert found.total == 5 and [contact.id for contact in found.results] == live


@pytest.mark.parametrize(("asked", "served"), sorted(MERGED_AWAY.items()))
def test_get_of_a_merged_away_id_returns_the_last_survivor(client, asked, served):
    archived = served == "1011"
    contact = client.crm.contacts.basic_api.get_by_id(asked, properties=["email"], archived=archived)

    assert contact.id == served
    assert contact.properties["email"] == f"person{(int(served) - 1001) // 2}@example.com"


def batch_read(api: FixtureAPI, ids: list[str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{api.base_url}/crm/v3/objects/contacts/batch/read",
        data=json.dumps({"inputs": [{"id": i} for i in ids], "properties": ["email"]}).encode(),
        headers={"Authorization": f"Bearer {api.credentials.hubspot_token}", "Content-Type": "application/json"},
        method="POST",
    )
    context = ssl.create_default_context(cafile=api.ca_file)
    try:
        with urllib.request.urlopen(request, context=context) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_batch_read_answers_merged_away_ids_with_their_survivor_and_unknown_ids_with_an_error(api):
    status, body = batch_read(api, ["1003", "1005", "1015", "1009", "4242"])

    assert status == 207
    assert [record["id"] for record in body["results"]] == ["1001", "1009", "1015", "1009"]
    assert body["numErrors"] == 1
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert body["errors"][0]["context"] == {"ids": ["4242"]}
    assert body["errors"][0]["message"] == (
        "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid."
    )


def test_batch_read_of_live_and_merged_ids_only_is_complete(api):
    status, body = batch_read(api, ["1007", "1017"])

    assert status == 200 and "errors" not in body
    assert [record["id"] for record in body["results"]] == ["1009", "1017"]
