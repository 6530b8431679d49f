"""The real hubspot-api-client against the fixture API: listing, paging, properties, search, metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import hubspot
import pytest
from hubspot.crm.contacts import ApiException
from hubspot.crm.pipelines.exceptions import NotFoundException

from standin.api.dataset import Dataset, parse_utc, read_jsonl
from standin.api.faults import Fault
from standin.api.server import FixtureAPI
from tests.support.datasets import contact_record, write_dataset


@pytest.fixture
def client(fixture_api: FixtureAPI) -> hubspot.HubSpot:
    return hubspot.HubSpot(
        access_token=fixture_api.credentials.hubspot_token,
        host=fixture_api.base_url,
        ssl_ca_cert=fixture_api.ca_file,
    )


def stored(api: FixtureAPI, object_type: str) -> list[dict]:
    return read_jsonl(api.dataset.root / "hubspot" / f"{object_type}.jsonl")


def live_ids(records: list[dict], archived: bool = False) -> list[str]:
    return sorted((r["id"] for r in records if r["archived"] == archived), key=int)


def epoch_ms(text: str) -> int:
    return int(parse_utc(text).timestamp() * 1000)


def test_get_all_contacts_with_history_pages_by_50_and_returns_each_live_contact_once(fixture_api, client):
    contacts = stored(fixture_api, "contacts")
    expected = live_ids(contacts)
    assert len(expected) == 141  # 150 minus the 9 archived ones

    results = client.crm.contacts.get_all(
        properties=["email", "firstname"], properties_with_history=["lifecyclestage"]
    )

    assert [c.id for c in results] == expected
    assert fixture_api.calls("/crm/v3/objects/contacts") == 3  # 50 + 50 + 41
    by_id = {r["id"]: r for r in contacts}
    for contact in results:
        source = by_id[contact.id]
        assert contact.properties == {
            "email": source["properties"]["email"],
            "firstname": source["properties"].get("firstname"),
        }
        history = contact.properties_with_history["lifecyclestage"]
        assert [(h.value, h.source_type) for h in history] == [
            (h["value"], h["sourceType"]) for h in source["propertiesWithHistory"]["lifecyclestage"]
        ]
    assert by_id["1001"]["properties"].get("firstname") is None and results[0].properties["firstname"] is None


def test_get_all_deals_with_associations_pages_by_100(fixture_api, client):
    deals = stored(fixture_api, "deals")

    results = client.crm.deals.get_all(properties=["dealstage", "amount"], associations=["contacts"])

    assert [d.id for d in results] == live_ids(deals)
    assert len(results) == 109 and fixture_api.calls("/crm/v3/objects/deals") == 2
    by_id = {r["id"]: r for r in deals}
    for deal in results:
        expected = [a["id"] for a in by_id[deal.id]["associations"]["contacts"]["results"]]
        assert [a.id for a in deal.associations["contacts"].results] == expected
        assert set(deal.properties) == {"dealstage", "amount"}


def test_contact_associations_to_deals_are_derived_from_live_deals(fixture_api, client):
    page = client.crm.contacts.basic_api.get_page(limit=1, associations=["deals"])

    linked = [
        d["id"]
        for d in stored(fixture_api, "deals")
        if not d["archived"] and any(a["id"] == "1001" for a in d["associations"]["contacts"]["results"])
    ]
    assert linked == ["9001", "9031", "9061", "9091"]
    assert [(a.id, a.type) for a in page.results[0].associations["deals"].results] == [
        (deal_id, "contact_to_deal") for deal_id in linked
    ]
    assert client.crm.contacts.basic_api.get_page(limit=1).results[0].associations is None


def test_default_properties_and_comma_separated_names(client):
    default = client.crm.deals.basic_api.get_page(limit=1).results[0]
    assert set(default.properties) == {
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    }
    named = client.crm.contacts.basic_api.get_page(limit=1, properties=["email,lastname", "no_such_property"])
    assert named.results[0].properties == {"email": "person0@example.com", "lastname": "Family0"}


def test_archived_records_only_with_archived_true(fixture_api, client):
    contacts = stored(fixture_api, "contacts")

    archived = client.crm.contacts.get_all(archived=True)

    assert [c.id for c in archived] == live_ids(contacts, archived=True)
    assert len(archived) == 9 and all(c.archived and c.archived_at is not None for c in archived)


def test_list_cursor_is_an_id_position_stable_under_inserts(fixture_api, client):
    basic_api = client.crm.contacts.basic_api
    first = basic_api.get_page(limit=50)
    fixture_api.dataset.hubspot["contacts"] += [contact_record(-1), contact_record(500)]  # ids 999 and 2001

    second = basic_api.get_page(limit=50, after=first.paging.next.after)

    assert first.paging.next.after == "1106"  # last id of page one (1105) + 1
    assert second.results[0].id == "1107"
    rest = client.crm.contacts.get_all()
    assert "999" in [c.id for c in rest] and "2001" in [c.id for c in rest]


def test_replace_dataset_makes_new_and_changed_records_visible(fixture_api, client, make_dataset):
    changed = make_dataset(contacts=160, name="second")
    dataset = Dataset.load(changed)
    dataset.hubspot["contacts"][0]["properties"]["email"] = "changed@example.com"

    fixture_api.replace_dataset(dataset)

    contacts = client.crm.contacts.get_all(properties=["email"])
    assert len(contacts) == 150 and contacts[0].properties["email"] == "changed@example.com"
    assert contacts[-1].id == "1319"


def search(client, body: dict, object_type: str = "contacts") -> list[str]:
    """All ids of a search, following paging."""
    ids, after = [], None
    while True:
        page = getattr(client.crm, object_type).search_api.do_search({**body, "limit": 200, "after": after})
        ids += [r.id for r in page.results]
        if page.paging is None:
            return ids
        after = page.paging.next.after


MODIFIED = "2025-01-25T09:00:00.000Z"  # lastmodifieddate shared by contacts 60..63


@pytest.mark.parametrize(
    ("operator", "keep"),
    [
        ("EQ", lambda v: v == epoch_ms(MODIFIED)),
        ("NEQ", lambda v: v != epoch_ms(MODIFIED)),
        ("GT", lambda v: v > epoch_ms(MODIFIED)),
        ("GTE", lambda v: v >= epoch_ms(MODIFIED)),
        ("LT", lambda v: v < epoch_ms(MODIFIED)),
        ("LTE", lambda v: v <= epoch_ms(MODIFIED)),
    ],
)
def test_search_comparison_operators_on_dates(fixture_api, client, operator, keep):
    contacts = stored(fixture_api, "contacts")
    expected = [
        c["id"] for c in contacts if not c["archived"] and keep(epoch_ms(c["properties"]["lastmodifieddate"]))
    ]
    filters = [{"propertyName": "lastmodifieddate", "operator": operator, "value": str(epoch_ms(MODIFIED))}]

    assert search(client, {"filterGroups": [{"filters": filters}]}) == expected
    assert len(expected) > 0


def test_search_between_with_iso_values_and_or_of_groups(fixture_api, client):
    contacts = [c for c in stored(fixture_api, "contacts") if not c["archived"]]
    low, high = "2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z"
    in_range = [
        c["id"]
        for c in contacts
        if epoch_ms(low) <= epoch_ms(c["properties"]["createdate"]) <= epoch_ms(high)
    ]
    groups = [
        {"filters": [{"propertyName": "createdate", "operator": "BETWEEN", "value": low, "highValue": high}]},
        {
            "filters": [
                {"propertyName": "hs_object_id", "operator": "GTE", "value": "1250"},
                {"propertyName": "hs_object_id", "operator": "LT", "value": "1260"},
            ]
        },
    ]

    ids = search(client, {"filterGroups": groups})

    assert ids == sorted(set(in_range) | {c["id"] for c in contacts if 1250 <= int(c["id"]) < 1260}, key=int)
    assert len(in_range) == 23 and len(ids) == 28  # 25 hours minus 2 archived; + odd ids 1251..1259


def test_search_has_property_and_excludes_archived(fixture_api, client):
    fixture_api.dataset.hubspot["contacts"][1]["properties"]["createdate"] = None
    fixture_api.dataset.touch()
    has = [{"filters": [{"propertyName": "createdate", "operator": "HAS_PROPERTY"}]}]
    lacks = [{"filters": [{"propertyName": "createdate", "operator": "NOT_HAS_PROPERTY"}]}]

    assert search(client, {"filterGroups": lacks}) == ["1003"]
    has_ids = search(client, {"filterGroups": has})
    assert len(has_ids) == 140 and "1003" not in has_ids and "1011" not in has_ids  # 1011 is archived


def test_search_sort_descending_pages_with_stable_unordered_ties(fixture_api, client):
    body = {
        "sorts": [{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}],
        "properties": ["email"],
    }
    contacts = [c for c in stored(fixture_api, "contacts") if not c["archived"]]

    first, second = search(client, body), search(client, body)

    assert first == second and sorted(first, key=int) == [c["id"] for c in contacts]
    modified = {c["id"]: c["properties"]["lastmodifieddate"] for c in contacts}
    assert [modified[i] for i in first] == sorted(modified.values(), reverse=True)
    tie_groups = [[i for i in first if modified[i] == value] for value in sorted(set(modified.values()))]
    assert any(group != sorted(group, key=int) for group in tie_groups if len(group) > 1)
    page = client.crm.contacts.search_api.do_search({**body, "limit": 2})
    assert (
        page.total == 141 and page.paging.next.after == "2"
        # as real search answers (grouparoo's recordings): these three come unasked
        and set(page.results[0].properties) == {"email", "createdate", "hs_object_id", "lastmodifieddate"}
    )


@pytest.mark.parametrize("operator", ["EQ", "GT", "GTE", "LT", "LTE", "BETWEEN"])
@pytest.mark.parametrize("sort_by", ["lastmodifieddate", "createdate"])
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_search_range_filter_with_sort_pages_through_exactly_the_matches(
    fixture_api, client, operator, sort_by, direction
):
    low, high = epoch_ms("2025-01-20T09:00:00.000Z"), epoch_ms(MODIFIED)
    keep = {
        "EQ": lambda v: v == low, "GT": lambda v: v > low, "GTE": lambda v: v >= low,
        "LT": lambda v: v < low, "LTE": lambda v: v <= low, "BETWEEN": lambda v: low <= v <= high,
    }[operator]
    contacts = [c for c in stored(fixture_api, "contacts") if not c["archived"]]
    expected = {c["id"] for c in contacts if keep(epoch_ms(c["properties"]["lastmodifieddate"]))}
    sort_value = {c["id"]: epoch_ms(c["properties"][sort_by]) for c in contacts}
    condition = {"propertyName": "lastmodifieddate", "operator": operator, "value": str(low), "highValue": str(high)}
    body = {"filterGroups": [{"filters": [condition]}], "sorts": [{"propertyName": sort_by, "direction": direction}]}

    ids = search(client, body)

    assert len(ids) == len(expected) and set(ids) == expected and 0 < len(expected) < 141
    descending = direction == "DESCENDING"
    assert [sort_value[i] for i in ids] == sorted((sort_value[i] for i in expected), reverse=descending)
    first = client.crm.contacts.search_api.do_search({**body, "limit": 3})
    assert first.total == len(expected) and [c.id for c in first.results] == ids[:3]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"limit": 201}, "limit must be between 1 and 200, got 201"),
        (
            {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "x"}]}]},
            "Filter propertyName 'email' is not supported here "
            "(supported: createdate, hs_object_id, lastmodifieddate)",
        ),
        (
            {"filterGroups": [{"filters": [{"propertyName": "createdate", "operator": "IN", "value": "1"}]}]},
            "Filter operator 'IN' on 'createdate' is not supported",
        ),
        ({"filterGroups": [{"filters": []}] * 6}, "Too many filterGroups: 6 (at most 5)"),
        (
            {"sorts": [{"propertyName": "createdate"}, {"propertyName": "hs_object_id"}]},
            "At most one sort is supported, got 2",
        ),
    ],
)
def test_search_validation_errors(client, body, message):
    with pytest.raises(ApiException) as raised:
        client.crm.contacts.search_api.do_search(body)

    assert raised.value.status == 400
    error = json.loads(raised.value.body)
    assert (error["status"], error["category"], error["message"]) == ("error", "VALIDATION_ERROR", message)


def live_contact(index: int) -> dict:
    record = contact_record(index)
    record.pop("archivedAt", None)
    return record | {"archived": False}


def test_search_serves_exactly_the_first_ten_thousand_results_then_answers_400(tmp_path):
    contacts = [live_contact(index) for index in range(10_050)]
    dataset = Dataset(root=tmp_path, recorded_at=datetime(2025, 3, 31, tzinfo=UTC), hubspot={"contacts": contacts})
    with FixtureAPI(dataset) as api:
        search_api = hubspot.HubSpot(
            access_token=api.credentials.hubspot_token, host=api.base_url, ssl_ca_cert=api.ca_file
        ).crm.contacts.search_api
        ids, after, totals = [], None, set()
        while True:
            page = search_api.do_search({"limit": 200, "after": after})
            ids += [record.id for record in page.results]
            totals.add(page.total)
            if page.paging is None:
                break
            after = page.paging.next.after
        straddling = search_api.do_search({"limit": 200, "after": "9900"})
        with pytest.raises(ApiException) as raised:
            search_api.do_search({"limit": 200, "after": "10000"})
        searches = api.calls("/crm/v3/objects/contacts/search")

    assert len(ids) == len(set(ids)) == 10_000 and ids == [str(1001 + 2 * index) for index in range(10_000)]
    assert (totals, after, searches) == ({10_050}, "9800", 52)  # 50 pages, the straddling one, the refused one
    assert [record.id for record in straddling.results] == ids[9900:] and straddling.paging is None
    error = json.loads(raised.value.body)
    assert raised.value.status == 400 and {key: error[key] for key in ("status", "category", "message")} == {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": "Search results are limited to 10,000 total results; after=10000",
    }


def test_properties_are_inferred_from_the_dataset(client):
    properties = {p.name: p for p in client.crm.properties.core_api.get_all("deals").results}

    assert {
        name: properties[name].type
        for name in ("amount", "closedate", "dealstage", "hs_is_closed_won", "dealname")
    } == {
        "amount": "number",
        "closedate": "datetime",
        "dealstage": "enumeration",
        "hs_is_closed_won": "bool",
        "dealname": "string",
    }
    assert [(o.value, o.label) for o in properties["dealstage"].options] == [
        ("appointmentscheduled", "Appointment Scheduled"),
        ("closedlost", "Closed Lost"),
        ("closedwon", "Closed Won"),
        ("contractsent", "Contract Sent"),
    ]
    contact_names = {p.name for p in client.crm.properties.core_api.get_all("contacts").results}
    assert {"firstname", "hs_lead_status", "lifecyclestage", "lastmodifieddate"} <= contact_names


def test_pipelines(client):
    pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert [(s.id, s.metadata["isClosed"]) for s in pipelines[0].stages] == [
        ("appointmentscheduled", "false"),
        ("contractsent", "false"),
        ("closedwon", "true"),
        ("closedlost", "true"),
    ]
    assert client.crm.pipelines.pipelines_api.get_by_id("deals", "default").label == "Sales Pipeline"
    with pytest.raises(NotFoundException):
        client.crm.pipelines.pipelines_api.get_by_id("deals", "missing")


REAL_SAMPLES = Path(__file__).parents[1] / "data" / "real_samples"


def test_account_details_name_the_manifests_portal_or_one_derived_from_the_dataset_path(fixture_api, tmp_path):
    api_client = hubspot.HubSpot(
        access_token=fixture_api.credentials.hubspot_token, host=fixture_api.base_url, ssl_ca_cert=fixture_api.ca_file
    ).crm.properties.core_api.api_client
    response = api_client.call_api("/account-info/v3/details", "GET", auth_settings=["oauth2"], _preload_content=False)
    body = json.loads(response.data)
    assert body["portalId"] == 2519445  # tests/support/datasets.py writes it into the manifest
    assert set(body) >= {"portalId", "timeZone", "companyCurrency", "utcOffset", "uiDomain", "dataHostingLocation"}
    manifest = json.loads((fixture_api.dataset.root / "manifest.json").read_text())
    del manifest["hubspot"]
    (fixture_api.dataset.root / "manifest.json").write_text(json.dumps(manifest))
    derived = Dataset.load(fixture_api.dataset.root).hubspot_portal_id
    assert derived == Dataset.load(fixture_api.dataset.root).hubspot_portal_id and 0 < derived < 2**31


def test_integration_properties_are_defined_only_where_the_integration_left_a_trace(make_dataset, client):
    def names(dataset, object_type):
        with FixtureAPI(dataset) as api:
            body = hubspot.HubSpot(access_token=api.credentials.hubspot_token, host=api.base_url,
                                   ssl_ca_cert=api.ca_file).crm.properties.core_api.get_all(object_type)
            return {p.name for p in body.results}

    plain = make_dataset(name="plain")
    assert "hs_salesforceopportunityid" not in names(plain, "deals")
    contacts = [contact_record(i) for i in range(5)]
    contacts[0]["properties"]["salesforceleadid"] = "00Q5g00000000AbEAI"
    integrated = write_dataset(plain.parent / "integrated", contacts, [])
    assert "hs_salesforceopportunityid" in names(integrated, "deals")
    assert {"salesforceleadid", "salesforcecontactid"} <= names(integrated, "contacts")


def test_search_returns_the_properties_real_search_returns_unasked(fixture_api):
    real = json.loads((REAL_SAMPLES / "hubspot_v3_contact_search_200.jsonl").read_text(encoding="utf-8"))
    assert real["request"]["body"]["properties"] == ["email"]
    client = _client(fixture_api)
    page = client.crm.contacts.search_api.do_search({"properties": ["email"], "limit": 1})
    assert set(page.results[0].properties) == set(real["body"]["results"][0]["properties"])


def _client(api: FixtureAPI) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token=api.credentials.hubspot_token, host=api.base_url, ssl_ca_cert=api.ca_file)


def test_search_pages_can_be_short_yet_offer_a_next_page(fixture_api):
    fixture_api.search_page_cap = 3
    sort = {"propertyName": "hs_object_id", "direction": "ASCENDING"}
    body = {"limit": 200, "properties": ["email"], "sorts": [sort]}
    page = _client(fixture_api).crm.contacts.search_api.do_search(body)
    assert len(page.results) == 3 and page.paging.next.after == "3" and page.total == 141


def _crowded(make_dataset) -> Path:
    dataset = make_dataset(contacts=20, deals=2)
    deals = read_jsonl(dataset / "hubspot" / "deals.jsonl")
    deals[0]["associations"]["contacts"]["results"] = [
        {"id": str(1001 + 2 * index), "type": "deal_to_contact"} for index in range(7)
    ]
    (dataset / "hubspot" / "deals.jsonl").write_text("".join(json.dumps(deal) + "\n" for deal in deals))
    return dataset


def test_associations_are_paged_embedded_in_v4_batch_reads_and_on_the_continuation_endpoint(make_dataset):
    with FixtureAPI(_crowded(make_dataset), association_page_size=3) as api:
        client = _client(api)
        listed = client.crm.deals.basic_api.get_page(associations=["contacts"], _preload_content=False)
        embedded = json.loads(listed.data)["results"][0]["associations"]["contacts"]
        assert [link["id"] for link in embedded["results"]] == ["1001", "1003", "1005"]
        after = embedded["paging"]["next"]["after"]
        link = f"{api.base_url}/crm/v4/objects/deals/9001/associations/contacts?after={after}"
        assert embedded["paging"]["next"]["link"] == link
        rest = client.crm.associations.v4.basic_api.get_page("deals", "9001", "contacts", after=after, limit=500)
        assert [link.to_object_id for link in rest.results] == ["1007", "1009", "1011"]
        last = client.crm.associations.v4.basic_api.get_page("deals", "9001", "contacts", after=rest.paging.next.after)
        assert [link.to_object_id for link in last.results] == ["1013"] and last.paging is None
        batch = client.crm.associations.v4.batch_api.get_page(
            "deals", "contacts", batch_input_public_fetch_associations_batch_request={"inputs": [{"id": "9001"}]},
            _preload_content=False,
        )
        result = json.loads(batch.data)["results"][0]
        assert len(result["to"]) == 3 and result["paging"]["next"]["after"] == after
        again = client.crm.associations.v4.batch_api.get_page(
            "deals", "contacts",
            batch_input_public_fetch_associations_batch_request={"inputs": [{"id": "9001", "after": after}]},
            _preload_content=False,
        )
        assert [link["toObjectId"] for link in json.loads(again.data)["results"][0]["to"]] == [1007, 1009, 1011]


def test_the_real_secondly_429_is_served_without_policy_name_or_retry_after(fixture_api):
    real = json.loads((REAL_SAMPLES / "hubspot_v3_search_429.jsonl").read_text(encoding="utf-8"))
    fixture_api.faults.inject(Fault("secondly_limit", "/crm/v3/objects/contacts/search"))
    with pytest.raises(ApiException) as refused:
        _client(fixture_api).crm.contacts.search_api.do_search({"limit": 1})
    body = json.loads(refused.value.body)
    assert refused.value.status == 429 and set(body) == set(real["body"])
    assert body["message"] == real["body"]["message"] and body["category"] == "RATE_LIMITS"
    assert "Retry-After" not in refused.value.headers
    assert {name for name in refused.value.headers if "RateLimit" in name} == {
        name for name in real["headers"] if "RateLimit" in name
    }
