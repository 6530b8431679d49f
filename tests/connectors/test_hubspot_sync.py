"""The HubSpot connector against the fixture API: full load, incremental runs, ties, crashes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import SourceRejected
from connectors.hubspot import sync_hubspot
from connectors.hubspot.paging import epoch_ms
from connectors.raw_store import RawStore
from standin.generator import generate
from standin.generator.evolve import evolve
from tests.support.datasets import contact_record, deal_record, iso, write_dataset
from tests.support.hubspot import (
    expected_state,
    file_records,
    served,
    settings_for,
    stored_payloads,
    stored_state,
)


def test_full_load_equals_generated_dataset(tmp_path):
    dataset = tmp_path / "generated"
    generate(dataset, seed=11, persons=400)
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        reports = sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(dataset)
    contacts = file_records(dataset, "contacts")
    live = [r for r in contacts if not r.get("archived")]
    assert reports["hubspot.contacts"].mode == "full"
    assert reports["hubspot.contacts"].fetched == len(live)
    assert reports["hubspot.contacts"].inserted == len(live)
    newest = max(epoch_ms(datetime.fromisoformat(r["properties"]["lastmodifieddate"])) for r in live)
    assert reports["hubspot.contacts"].cursor_after["since_ms"] == newest - 600_000
    # high-water search + one list call per 50 contacts (property definitions are read before the streams)
    assert reports["hubspot.contacts"].api_calls == 1 + -(-len(live) // 50)


def test_full_load_flags_archived_records_and_keeps_history(make_dataset, tmp_path):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(dataset) as api:
        reports = sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(dataset)
    archived_ids = [str(1001 + 2 * i) for i in range(150) if i % 17 == 5]
    assert reports["hubspot.archived_contacts"].deleted == len(archived_ids) == 9
    flagged = store.connection.execute(
        "SELECT id, archived_at FROM raw_hubspot.contacts WHERE archived ORDER BY id"
    ).fetchall()
    assert [row[0] for row in flagged] == sorted(archived_ids)
    assert flagged[0][1] == datetime(2025, 1, 13, 9, tzinfo=UTC)  # contact 1011: modified day 11, archived a day later
    assert reports["hubspot.archived_deals"].deleted == 11
    assert reports["hubspot.deal_pipelines"].fetched == 4


def _evolved(tmp_path, contacts: int, deals: int) -> tuple:
    """Next recording: 5 contacts modified (one at the old newest timestamp), 3 added, 2 archived, 1 deal moved."""
    base = [contact_record(i) for i in range(contacts)]
    later = datetime(2025, 3, 20, 8, tzinfo=UTC)
    changed = {}
    for offset, index in enumerate((0, 1, 40, 41, 42)):
        record = json.loads(json.dumps(base[index]))
        record["properties"]["email"] = f"changed{index}@example.com"
        record["properties"]["lastmodifieddate"] = iso(later + timedelta(seconds=offset // 2))  # ties
        changed[record["id"]] = record
    for index in (60, 61):
        record = json.loads(json.dumps(base[index]))
        record |= {"archived": True, "archivedAt": iso(later)}
        changed[record["id"]] = record
    added = [contact_record(contacts + i) for i in range(3)]
    for record in added:
        record["archived"] = False
        record.pop("archivedAt", None)
        record["properties"]["lastmodifieddate"] = iso(later + timedelta(minutes=1))
    new_contacts = [changed.get(r["id"], r) for r in base] + added
    new_deals = [deal_record(i, contacts) for i in range(deals)]
    new_deals[0]["properties"] |= {"dealstage": "closedwon", "hs_lastmodifieddate": iso(later)}
    return write_dataset(tmp_path / "next", new_contacts, new_deals), changed, added


def test_incremental_run_fetches_only_changes_and_equals_next_recording(make_dataset, tmp_path):
    first = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        second, changed, added = _evolved(tmp_path, 150, 120)
        api.replace_dataset(second)
        calls_before = api.calls()
        reports = sync_hubspot(settings_for(api), store)
        calls = api.calls() - calls_before
    assert stored_state(store) == expected_state(second)
    contacts = reports["hubspot.contacts"]
    # 5 modified + 3 added + the overlap window: contacts 1297, 1299 (indices 148, 149) hold the old newest time
    assert _overlap_window_ids(first, "contacts", "lastmodifieddate") == ["1297", "1299"]
    assert contacts.mode == "incremental"
    assert contacts.fetched == 5 + 3 + 2
    assert contacts.inserted == 3
    # one range search page (the last), one batch read of 10 ids
    assert contacts.api_calls == 2
    assert reports["hubspot.archived_contacts"].deleted == 2
    # the moved deal + the live deals modified in the 10 minutes up to the first recording's newest deal
    assert _overlap_window_ids(first, "deals", "hs_lastmodifieddate") == ["9120"]
    assert reports["hubspot.deals"].fetched == 1 + 1
    # before any stream: the account details and one definitions call per object
    assert reports["hubspot.account"].api_calls == 1 + 2
    assert calls == sum(report.api_calls for report in reports.values())


def _overlap_window_ids(dataset, object_type: str, modified: str) -> list[str]:
    live = [r for r in file_records(dataset, object_type) if not r.get("archived")]
    stamps = {r["id"]: datetime.fromisoformat(r["properties"][modified]) for r in live}
    newest = max(stamps.values())
    return sorted(record_id for record_id, stamp in stamps.items() if stamp >= newest - timedelta(minutes=10))


def test_identical_timestamps_across_25000_contacts_sync_completely_through_search(tmp_path):
    stamp = "2025-02-01T00:00:00.000Z"
    contacts = []
    for index in range(25_000):
        record = contact_record(index) | {"archived": False, "propertiesWithHistory": {}}
        record["properties"] = {"hs_object_id": record["id"], "lastmodifieddate": stamp, "email": f"p{index}@x.jp"}
        contacts.append(record)
    dataset = write_dataset(tmp_path / "ties", contacts, [])
    store = RawStore(tmp_path / "wh.duckdb")
    since_ms = epoch_ms(datetime(2025, 1, 1, tzinfo=UTC))
    store.commit_page("hubspot.contacts", {}, {"since_ms": since_ms, "newest_ms": since_ms})
    with served(dataset) as api:
        report = sync_hubspot(settings_for(api), store, streams=["hubspot.contacts"])["hubspot.contacts"]
        searches = api.calls("/crm/v3/objects/contacts/search")
    assert store.connection.execute("SELECT count(*), count(DISTINCT id) FROM raw_hubspot.contacts").fetchone() == (
        25_000,
        25_000,
    )
    assert report.fetched == 25_000
    # one full range page that is all one timestamp, 125 full tie pages (the last without paging.next), a
    # final empty range page
    assert searches == 1 + 125 + 1
    assert report.api_calls == searches + 25_000 // 50  # the definitions call precedes the streams
    assert report.cursor_after == {
        "since_ms": epoch_ms(datetime(2025, 2, 1, tzinfo=UTC)) - 600_000,
        "since": "2025-01-31T23:50:00.000+00:00",
        "newest_ms": epoch_ms(datetime(2025, 2, 1, tzinfo=UTC)),
    }


@pytest.mark.parametrize("crash_on_page", [1, 3, 6])
def test_crash_after_page_k_then_rerun_gives_exact_dataset(make_dataset, tmp_path, monkeypatch, crash_on_page):
    dataset = make_dataset()
    store = RawStore(tmp_path / "wh.duckdb")
    commit_page = RawStore.commit_page
    pages = []

    def crashing(self, stream, *args, **kwargs):
        pages.append(stream)
        if len(pages) == crash_on_page:
            raise RuntimeError("power cut")
        return commit_page(self, stream, *args, **kwargs)

    with served(dataset) as api:
        monkeypatch.setattr(RawStore, "commit_page", crashing)
        with pytest.raises(RuntimeError, match="power cut"):
            sync_hubspot(settings_for(api), store)
        monkeypatch.setattr(RawStore, "commit_page", commit_page)
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(dataset)


def test_incremental_after_evolve_fetches_exactly_the_changed_records(tmp_path):
    first, second = tmp_path / "week1", tmp_path / "week2"
    generate(first, seed=5, persons=600)
    changes = evolve(first, second, seed=6, days=7)
    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(second)
        reports = sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(second)
    for object_type, modified in (("contacts", "lastmodifieddate"), ("deals", "hs_lastmodifieddate")):
        changed = changes[object_type]
        archived = {record["id"] for record in file_records(second, object_type) if record.get("archived")}
        # a deal moved to a merge's survivor is changed, but its modified date is not (see evolve_merges.py)
        moved_only = _same_modified(first, second, object_type, modified)
        touched = set(changed["added"]) | (set(changed.get("modified", [])) - moved_only)
        # search never returns archived records (some are even added archived), nor does the overlap window
        expected = (touched | set(_overlap_window_ids(first, object_type, modified))) - archived
        report = reports[f"hubspot.{object_type}"]
        assert report.fetched == len(expected)
        assert report.inserted == len(set(changed["added"]) - archived)
        newly_archived = set(changed.get("archived", [])) | (set(changed["added"]) & archived)
        assert reports[f"hubspot.archived_{object_type}"].deleted == len(newly_archived)


def _same_modified(first, second, object_type: str, modified: str) -> set[str]:
    before = {record["id"]: record["properties"][modified] for record in file_records(first, object_type)}
    return {record["id"] for record in file_records(second, object_type)
            if before.get(record["id"]) == record["properties"][modified]}


def test_extra_properties_are_stored_and_definitions_are_read_once_per_object(tmp_path):
    contacts = [contact_record(index) for index in range(60)]
    for record in contacts:
        record["properties"]["jobtitle"] = f"Title {record['id']}"
    deals = [deal_record(index, 60) for index in range(30)]
    for record in deals:
        record["properties"]["hs_priority"] = ("low", "medium", "high")[int(record["id"]) % 3]
    dataset = write_dataset(tmp_path / "extras", contacts, deals)
    store = RawStore(tmp_path / "wh.duckdb")
    settings = {"extra_contact_properties": ("jobtitle",), "extra_deal_properties": ("hs_priority",)}
    with served(dataset) as api:
        sync_hubspot(settings_for(api, **settings), store)
        definition_calls = {name: api.calls(f"/crm/v3/properties/{name}") for name in ("contacts", "deals")}
    assert definition_calls == {"contacts": 1, "deals": 1}  # shared by the live and the archived stream
    assert stored_state(store) == expected_state(dataset)
    for table, records, extra in (("contacts", contacts, "jobtitle"), ("deals", deals, "hs_priority")):
        stored = {(p["id"], p["properties"][extra]) for p in stored_payloads(store, f"raw_hubspot.{table}")}
        assert stored == {(record["id"], record["properties"][extra]) for record in records}


@pytest.mark.parametrize(
    ("setting", "names", "stream", "message"),
    [
        (
            "extra_contact_properties",
            ("jobtitel", "hs_lead_status"),
            "hubspot.contacts",
            "HubSpot hubspot.contacts: HubSpotSettings.extra_contact_properties (HUBSPOT_EXTRA_CONTACT_PROPERTIES) "
            "names contacts properties this portal does not define: jobtitel;",
        ),
        (
            "extra_deal_properties",
            ("priority", "Deal Type"),
            "hubspot.deals",
            "HubSpot hubspot.deals: HubSpotSettings.extra_deal_properties (HUBSPOT_EXTRA_DEAL_PROPERTIES) "
            "names deals properties this portal does not define: priority, Deal Type;",
        ),
    ],
)
def test_unknown_extra_property_is_rejected_naming_the_setting(make_dataset, tmp_path, setting, names, stream, message):
    store = RawStore(tmp_path / "wh.duckdb")
    with served(make_dataset(contacts=10, deals=5)) as api, pytest.raises(SourceRejected) as raised:
        sync_hubspot(settings_for(api, **{setting: names}), store, streams=[stream])
    assert str(raised.value) == message + (
        " use the properties' internal names (Settings > Properties > the property > internal name) "
        "or create them in HubSpot"
    )
    assert store.read_cursor(stream) is None
