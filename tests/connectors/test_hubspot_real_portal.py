"""Issue 10: what a real portal does that the recordings did not, against the stand-in that now does it.

Mirrored deals' integration property, paged associations, associations added without touching the deal,
short search pages that still page on, the real search 429, the deal's own channel, and the portal as
the warehouse's origin.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest

from connectors.errors import SourceRejected
from connectors.hubspot import sync, sync_hubspot
from connectors.hubspot.client import HubSpotClient
from connectors.raw_store import OriginMismatch, RawStore
from standin.api.dataset import Dataset
from standin.api.faults import Fault
from standin.api.server import FixtureAPI
from standin.generator import generate
from standin.generator.evolve import evolve
from tests.support.datasets import contact_record, deal_record, iso, write_dataset
from tests.support.hubspot import expected_state, file_records, served, settings_for, stored_payloads, stored_state

LATER = datetime(2025, 7, 1, 8, tzinfo=UTC)  # after every modification of the hand-written recordings


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated recording (it has the Salesforce integration) and its next week, evolved."""
    root = tmp_path_factory.mktemp("generated")
    generate(root / "week1", seed=31, persons=500)
    changes = evolve(root / "week1", root / "week2", seed=32, days=7)
    return root / "week1", root / "week2", changes


def _stored_contacts_of(store: RawStore) -> dict[str, list[str]]:
    return {
        payload["id"]: sorted(link["id"] for link in (payload.get("associations") or {})["contacts"]["results"])
        for payload in stored_payloads(store, "raw_hubspot.deals")
    }


# --- point 2: deals mirrored from Salesforce ----------------------------------------------------------------


def test_mirrored_deals_reach_the_raw_layer_with_the_opportunity_they_mirror(generated, tmp_path):
    week1, _, _ = generated
    store = RawStore(tmp_path / "wh.duckdb")
    with served(week1) as api:
        sync_hubspot(settings_for(api), store)
    opportunities = {line["Id"] for line in map(json.loads, (week1 / "salesforce" / "Opportunity.jsonl").open())}
    mirrored = {
        payload["id"]: payload["properties"]["hs_salesforceopportunityid"]
        for payload in stored_payloads(store, "raw_hubspot.deals")
        if payload["properties"].get("hs_salesforceopportunityid")
    }
    in_file = {
        record["id"]: record["properties"]["hs_salesforceopportunityid"]
        for record in file_records(week1, "deals")
        if record["properties"].get("hs_salesforceopportunityid")
    }
    assert mirrored == in_file and mirrored
    assert set(mirrored.values()) <= opportunities


def test_an_explicit_mirror_property_the_portal_lacks_stops_the_sync_before_anything_is_stored(generated, tmp_path):
    week1, _, _ = generated
    store = RawStore(tmp_path / "wh.duckdb")
    with served(week1) as api, pytest.raises(SourceRejected) as refused:
        sync_hubspot(settings_for(api, mirror_property="salesforceopportunityid", mirror_property_explicit=True), store)
    assert str(refused.value) == (
        "HubSpot hubspot.deals: kpi.yaml warehouse.deals.hubspot_mirror_property names the deal property "
        "'salesforceopportunityid', which this portal does not define, so mirrored deals could not be told apart "
        "and would count twice; its deal properties with 'salesforce' in their name are: "
        "hs_salesforceopportunityid. Set the key to the property the HubSpot-Salesforce integration fills, or to "
        "null when HubSpot deals are not synced from Salesforce"
    )
    for table in ("raw_hubspot.contacts", "raw_hubspot.deals", "raw_hubspot.deal_pipeline_stages"):
        assert store.row_count(table) == 0
    assert store.connection.execute("SELECT count(*) FROM raw_meta.sync_state").fetchone() == (0,)


def test_the_default_mirror_property_missing_from_a_portal_without_the_integration_is_no_error(tmp_path):
    contacts, deals = [contact_record(i) for i in range(20)], [deal_record(i, 20) for i in range(8)]
    dataset = write_dataset(tmp_path / "plain", contacts, deals)
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        sync_hubspot(settings_for(api), store)
        with pytest.raises(SourceRejected, match="it defines no deal property with 'salesforce' in its name"):
            sync_hubspot(settings_for(api, mirror_property_explicit=True), RawStore(tmp_path / "other.duckdb"))
    assert stored_state(store) == expected_state(dataset)


# --- point 5: associations are paginated --------------------------------------------------------------------


def _crowded_deals(contacts_per_deal: int) -> tuple[list[dict], list[dict]]:
    contacts = [contact_record(i) | {"archived": False} for i in range(40)]
    deals = [deal_record(i, 40) | {"archived": False} for i in range(6)]
    for position, deal in enumerate(deals):
        chosen = [contacts[(position * 3 + k) % 40]["id"] for k in range(contacts_per_deal - position)]
        deal["associations"]["contacts"]["results"] = [{"id": c, "type": "deal_to_contact"} for c in chosen]
    return contacts, deals


def test_associations_past_a_page_reach_the_raw_layer_whole_in_full_loads_and_searches(tmp_path):
    contacts, deals = _crowded_deals(contacts_per_deal=9)
    first = write_dataset(tmp_path / "first", contacts, deals)
    for deal in deals:  # the next recording: every deal modified, two more contacts on the first
        deal["properties"]["hs_lastmodifieddate"] = deal["updatedAt"] = iso(LATER)
    deals[0]["associations"]["contacts"]["results"] += [{"id": contacts[39]["id"], "type": "deal_to_contact"},
                                                        {"id": contacts[38]["id"], "type": "deal_to_contact"}]
    second = write_dataset(tmp_path / "second", contacts, deals)
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(first, association_page_size=2) as api:
        sync_hubspot(settings_for(api), store)
        assert stored_state(store) == expected_state(first)
        assert [len(ids) for ids in _stored_contacts_of(store).values()] == [9, 8, 7, 6, 5, 4]
        api.replace_dataset(second)
        reports = sync_hubspot(settings_for(api), store)
    assert reports["hubspot.deals"].fetched == 6
    assert stored_state(store) == expected_state(second)
    assert len(_stored_contacts_of(store)[deals[0]["id"]]) == 11


def test_an_association_added_without_touching_the_deal_reaches_the_raw_layer_within_one_run(generated, tmp_path):
    week1, week2, changes = generated
    associated = changes["deals"]["associated"]
    assert associated
    before = {record["id"]: record for record in file_records(week1, "deals")}
    after = {record["id"]: record for record in file_records(week2, "deals")}
    for deal_id in associated:  # the worst case: the deal's own modification date did not move
        old, new = before[deal_id], after[deal_id]
        assert new["properties"]["hs_lastmodifieddate"] == old["properties"]["hs_lastmodifieddate"]
        assert new["updatedAt"] == old["updatedAt"]
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(week1) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(week2)
        reports = sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(week2)
    # A merge moves deals to the survivor the same way (their dates unchanged): those of deals live when the run
    # began count too (the re-read covers the stored live deals; the archived listing stores archived ones whole).
    def unmodified_with_other_contacts(old: dict, new: dict) -> bool:
        return (not old.get("archived") and new.get("associations") != old.get("associations")
                and new["properties"]["hs_lastmodifieddate"] == old["properties"]["hs_lastmodifieddate"])

    silently_changed = [
        deal_id for deal_id, new in after.items()
        if deal_id in before and unmodified_with_other_contacts(before[deal_id], new)
    ]
    assert set(associated) <= set(silently_changed)
    assert f"{len(silently_changed)} deal(s) whose contacts changed without the deal being modified" in (
        reports["hubspot.deals"].notes
    )


# --- point 6: search paging and the real search 429 ---------------------------------------------------------


def test_short_search_pages_that_still_have_a_next_cursor_do_not_end_the_incremental_run(generated, tmp_path):
    week1, week2, changes = generated
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(week1) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(week2)
        api.search_page_cap = 7  # every search page holds 7 results, with paging.next while more match
        reports = sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(week2)
    assert reports["hubspot.contacts"].fetched >= len(changes["contacts"]["added"]) > 7


def test_the_real_secondly_429_of_search_is_survived_with_our_own_backoff(generated, tmp_path, monkeypatch):
    week1, week2, _ = generated
    store = RawStore(tmp_path / "wh.duckdb")
    slept = []
    with FixtureAPI(week1) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(week2)
        monkeypatch.setattr(sync, "HubSpotClient", lambda settings: HubSpotClient(settings, sleep=slept.append))
        api.faults.inject(Fault("secondly_limit", "/crm/v3/objects/deals/search", times=2, method="POST"))
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(week2)
    assert slept == [0.01, 0.02]  # no Retry-After: the settings' exponential backoff


# --- point 7: the deal's own channel ------------------------------------------------------------------------


def test_the_deals_own_channel_reaches_the_raw_layer(generated, tmp_path):
    week1, _, _ = generated
    store = RawStore(tmp_path / "wh.duckdb")
    with served(week1) as api:
        sync_hubspot(settings_for(api), store)
    stored = dict(store.connection.execute("SELECT id, hs_analytics_source FROM raw_hubspot.deals").fetchall())
    in_file = {record["id"]: record["properties"]["hs_analytics_source"] for record in file_records(week1, "deals")}
    assert stored == in_file
    assert None not in stored.values() and len(set(stored.values())) > 2


# --- point 8: the origin is the portal ----------------------------------------------------------------------


def test_two_portals_never_mix_in_one_warehouse(tmp_path):
    contacts, deals = [contact_record(i) for i in range(20)], [deal_record(i, 20) for i in range(8)]
    portal_x = write_dataset(tmp_path / "x", contacts, deals, portal_id=11_111_111)
    portal_y = write_dataset(tmp_path / "y", [contact_record(i) for i in range(30)], deals, portal_id=22_222_222)
    store = RawStore(tmp_path / "wh.duckdb")
    with served(portal_x) as api:
        sync_hubspot(settings_for(api), store)
    state, cursors = stored_state(store), store.connection.execute("SELECT * FROM raw_meta.sync_state").fetchall()
    with served(portal_y) as api, pytest.raises(OriginMismatch) as refused:
        sync_hubspot(settings_for(api), store)
    assert str(refused.value) == (
        "this warehouse holds hubspot data synced from HubSpot portal 11111111, but this run reads HubSpot portal "
        "22222222; point KPI_DUCKDB_PATH at a new file for a different dataset or account"
    )
    assert stored_state(store) == state
    assert store.connection.execute("SELECT * FROM raw_meta.sync_state").fetchall() == cursors


def test_the_same_portal_recorded_in_another_directory_is_the_same_origin(tmp_path):
    """Without ids in its manifest, a dataset is a portal of its own; evolve() keeps the portal it was served as."""
    dataset = write_dataset(tmp_path / "a", [contact_record(i) for i in range(20)], [])
    manifest = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))
    del manifest["hubspot"]
    (dataset / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    copy = shutil.copytree(dataset, tmp_path / "copy")
    assert Dataset.load(copy).hubspot_portal_id != Dataset.load(dataset).hubspot_portal_id
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        sync_hubspot(settings_for(api), store)
    with served(copy) as api, pytest.raises(OriginMismatch):
        sync_hubspot(settings_for(api), store)


def test_evolve_writes_the_portal_it_was_served_as_into_the_next_recording(generated, tmp_path):
    week1, week2, _ = generated
    served_as = Dataset.load(week1).hubspot_portal_id
    assert json.loads((week2 / "manifest.json").read_text())["hubspot"] == {"portalId": served_as}
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(week1) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(week2)
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(week2)


def test_evolve_mirrors_at_least_one_more_opportunity(generated):
    week1, week2, changes = generated
    new_ids = set(changes["deals"]["added"])
    added = {record["id"]: record for record in file_records(week2, "deals") if record["id"] in new_ids}
    mirrors = [record["properties"]["hs_salesforceopportunityid"] for record in added.values()
               if record["properties"].get("hs_salesforceopportunityid")]
    opportunities = {line["Id"]: line for line in map(json.loads, (week2 / "salesforce" / "Opportunity.jsonl").open())}
    assert mirrors and all(not opportunities[opportunity_id]["IsDeleted"] for opportunity_id in mirrors)
    already = {record["properties"].get("hs_salesforceopportunityid") for record in file_records(week1, "deals")}
    assert not already & set(mirrors)
