"""Merged contacts and deletions that leave no trace, from the stand-in into the raw layer.

A merged-away contact keeps its row and its history, pointing at its last survivor (merged_into); a
record gone from every listing (GDPR / permanent deletion) keeps its row, flagged deleted_at by the
id sweep; and a merge seen after such a flag clears it (a merge is not a deletion).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from connectors.hubspot import sync_hubspot
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.objects import merged_pairs
from connectors.hubspot.shaping import contact_row
from connectors.hubspot.totals import source_totals
from connectors.raw_store import RawStore
from standin.generator.evolve import evolve
from tests.support.datasets import contact_record, deal_record, iso, write_dataset
from tests.support.hubspot import expected_state, file_records, served, settings_for, stored_state

REAL_SAMPLES = Path(__file__).resolve().parents[1] / "data" / "real_samples"
LATER = datetime(2025, 7, 1, 8, tzinfo=UTC)  # after every modification in contact_record's datasets
CONTACTS = "/crm/v3/objects/contacts"


def tracked_rows(store: RawStore) -> list[tuple]:
    return store.connection.execute(
        "SELECT id, merged_into, deleted_at FROM raw_hubspot.contacts "
        "WHERE merged_into IS NOT NULL OR deleted_at IS NOT NULL ORDER BY id"
    ).fetchall()


def history_of(store: RawStore, ids: list[str]) -> list[tuple]:
    return sorted(store.connection.execute(
        "SELECT contact_id, changed_at, value FROM raw_hubspot.contact_lifecycle_history "
        "WHERE contact_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
    ).fetchall())


def listed_merged_ids(record: dict) -> list[str]:
    return [part for part in (record["properties"].get("hs_merged_object_ids") or "").split(";") if part]


def test_sync_after_evolve_marks_merges_and_flags_deletions_exactly(generated_dataset, tmp_path):
    second = tmp_path / "second"
    changes = evolve(generated_dataset, second, seed=3)
    merged, gdpr = changes["contacts"]["merged"], changes["contacts"]["gdpr_deleted"]
    store = RawStore(tmp_path / "wh.duckdb")
    with served(generated_dataset) as api:
        sync_hubspot(settings_for(api), store)
        history_before = history_of(store, merged)
        api.replace_dataset(second)
        started = datetime.now(UTC)
        reports = sync_hubspot(settings_for(api), store)
        finished = datetime.now(UTC)
        totals = source_totals(settings_for(api), ["raw_hubspot.contacts", "raw_hubspot.deals"])

    survivor_of = {merged_id: record["id"] for record in file_records(second, "contacts")
                   for merged_id in listed_merged_ids(record)}
    rows = tracked_rows(store)
    assert [(row[0], row[1]) for row in rows] == sorted(
        [(merged_id, survivor_of[merged_id]) for merged_id in merged] + [(gone, None) for gone in gdpr])
    assert all(row[2] is None for row in rows if row[1] is not None)  # a merge is not a deletion
    swept_at = {row[2] for row in rows if row[1] is None}
    assert len(swept_at) == 1 and started <= swept_at.pop() <= finished
    assert history_of(store, merged) == history_before and history_before  # merged-away history is kept
    deals_gone = store.connection.execute(
        "SELECT id FROM raw_hubspot.deals WHERE deleted_at IS NOT NULL ORDER BY id").fetchall()
    assert [row[0] for row in deals_gone] == sorted(changes["deals"]["gdpr_deleted"])
    # survivors, new records included, are stored as the second recording holds them
    assert stored_state(store) == expected_state(second)
    assert reports["hubspot.contact_ids"].deleted == len(gdpr)
    assert reports["hubspot.deal_ids"].deleted == len(changes["deals"]["gdpr_deleted"])
    assert f"{len(merged)} stored records newly marked merged into their survivor" in reports["hubspot.contacts"].notes
    for table in ("raw_hubspot.contacts", "raw_hubspot.deals"):  # what the pipeline's count checks compare
        assert store.row_count(table, live_only=True) == totals[table], table


def contacts_at(count: int = 20) -> dict[str, dict]:
    """contact_record's contacts by id (1001, 1003, ...; 1011 archived)."""
    return {record["id"]: record for record in (contact_record(index) for index in range(count))}


def recording(root: Path, contacts: dict[str, dict]) -> Path:
    return write_dataset(root, list(contacts.values()), [deal_record(index, 20) for index in range(6)])


def modified(record: dict, hours: int, **merged_properties: str) -> None:
    record["properties"] |= {"lastmodifieddate": iso(LATER + timedelta(hours=hours)), **merged_properties}


def test_merges_resolve_chains_and_clear_a_sweeps_deletion_flag(tmp_path):
    contacts = contacts_at()
    first = recording(tmp_path / "r1", contacts)
    # 1003 merges into 1005 between the contacts stream and the sweep: the sweep sees it gone first
    del contacts["1003"]
    second = recording(tmp_path / "r2", contacts)
    # the next run sees 1005 list it; 1013 merges into 1015, which lists it only in the older property
    modified(contacts["1005"], 1, hs_merged_object_ids="1003")
    del contacts["1013"]
    modified(contacts["1015"], 2, hs_calculated_merged_vids="1013:1751360400000")
    third = recording(tmp_path / "r3", contacts)
    # chains: 1005 into 1007, listed only by the non-cumulative property, so 1003 keeps pointing at 1005;
    # 1015 into 1017, whose cumulative hs_merged_object_ids names both 1013 and 1015
    del contacts["1005"], contacts["1015"]
    modified(contacts["1007"], 3, hs_calculated_merged_vids="1005:1751364000000")
    modified(contacts["1017"], 4, hs_merged_object_ids="1013;1015")
    fourth = recording(tmp_path / "r4", contacts)

    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        history = history_of(store, ["1003", "1005", "1013", "1015"])
        api.replace_dataset(second)
        reports = sync_hubspot(settings_for(api), store)
        assert [(row[0], row[1]) for row in tracked_rows(store)] == [("1003", None)]
        assert reports["hubspot.contact_ids"].deleted == 1
        api.replace_dataset(third)
        sync_hubspot(settings_for(api), store)
        assert [row for row in tracked_rows(store)] == [("1003", "1005", None), ("1013", "1015", None)]
        api.replace_dataset(fourth)
        reports = sync_hubspot(settings_for(api), store)
    assert tracked_rows(store) == [
        ("1003", "1005", None), ("1005", "1007", None), ("1013", "1017", None), ("1015", "1017", None)]
    assert reports["hubspot.contact_ids"].deleted == 0
    assert history_of(store, ["1003", "1005", "1013", "1015"]) == history
    stored, expected = stored_state(store), expected_state(fourth)
    for part in ("contacts", "history", "contact_properties"):  # these deals were left linking merged ids
        assert stored[part] == expected[part], part


def test_a_survivor_returned_for_a_merged_away_id_is_stored_under_its_own_id(tmp_path, monkeypatch):
    contacts = contacts_at()
    first = recording(tmp_path / "r1", contacts)
    original_1003 = dict(contacts["1003"]["properties"])
    modified(contacts["1003"], 1)
    second = recording(tmp_path / "r2", contacts)  # the search finds 1003 changed ...
    del contacts["1003"]
    modified(contacts["1007"], 2, hs_merged_object_ids="1003")
    third = recording(tmp_path / "r3", contacts)  # ... and 1003 is merged into 1007 before the batch read

    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(second)
        batch_read = HubSpotClient.batch_read

        def merged_meanwhile(self, stream, object_type, body):
            api.replace_dataset(third)
            return batch_read(self, stream, object_type, body)

        monkeypatch.setattr(HubSpotClient, "batch_read", merged_meanwhile)
        sync_hubspot(settings_for(api), store)
    stored = store.connection.execute(
        "SELECT id, payload->>'$.id', email, lastmodifieddate, merged_into, merged_object_ids "
        "FROM raw_hubspot.contacts WHERE id IN ('1003', '1007') ORDER BY id"
    ).fetchall()
    assert stored == [
        ("1003", "1003", original_1003["email"], datetime.fromisoformat(original_1003["lastmodifieddate"]),
         "1007", []),
        ("1007", "1007", None, LATER + timedelta(hours=2), None, ["1003"]),  # contact 1007 has no email
    ]


def list_calls(api) -> int:
    """GET /crm/v3/objects/contacts (the list endpoint, live or archived), not search or batch read."""
    return api.calls(CONTACTS) - api.calls(CONTACTS + "/")


def test_the_sweep_keeps_to_its_interval(make_dataset, tmp_path):
    dataset = make_dataset()  # 141 live and 9 archived contacts
    store = RawStore(tmp_path / "wh.duckdb")
    settings = {"deletion_sweep_interval": timedelta(days=7)}
    with served(dataset) as api:
        first = sync_hubspot(settings_for(api, **settings), store)
        assert first["hubspot.contact_ids"].api_calls == 3 and first["hubspot.contact_ids"].fetched == 150
        shrunk = tmp_path / "shrunk"
        records = [record for record in file_records(dataset, "contacts") if record["id"] != "1001"]
        write_dataset(shrunk, records, file_records(dataset, "deals"))
        api.replace_dataset(shrunk)
        before = list_calls(api)
        second = sync_hubspot(settings_for(api, **settings), store)
        assert list_calls(api) - before == 1  # the archived stream's one page; no sweep within 7 days
        assert second["hubspot.contact_ids"].api_calls == 0 and second["hubspot.contact_ids"].deleted == 0
        assert second["hubspot.contact_ids"].notes[0].startswith("deletion sweep skipped: last swept ")
        assert tracked_rows(store) == []
        swept_at = datetime.fromisoformat(first["hubspot.contact_ids"].cursor_after["swept_at"])
        store.connection.execute(
            "UPDATE raw_meta.sync_state SET cursor = ? WHERE stream = 'hubspot.contact_ids'",
            [f'{{"swept_at": "{(swept_at - timedelta(days=7)).isoformat()}"}}'],
        )
        before = list_calls(api)
        third = sync_hubspot(settings_for(api, **settings), store)
        assert list_calls(api) - before == 1 + 3  # archived stream, then 2 pages of live ids and 1 of archived
    assert third["hubspot.contact_ids"].deleted == 1
    assert [(row[0], row[1]) for row in tracked_rows(store)] == [("1001", None)]
    assert store.row_count("raw_hubspot.contacts") == 150  # flagged, never removed


def test_a_record_listed_again_loses_the_flag_an_earlier_sweep_gave_it(tmp_path):
    contacts = contacts_at()
    first = recording(tmp_path / "r1", contacts)
    missing = recording(tmp_path / "r2", {key: record for key, record in contacts.items() if key != "1019"})
    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(missing)
        sync_hubspot(settings_for(api), store)
        assert [(row[0], row[1]) for row in tracked_rows(store)] == [("1019", None)]
        api.replace_dataset(first)  # 1019 is listed again, unchanged: no search would ever return it
        reports = sync_hubspot(settings_for(api), store)
    assert tracked_rows(store) == []
    assert reports["hubspot.contact_ids"].notes == [
        "1 records flagged deleted by an earlier sweep are listed again: unflagged"]


def real_contacts() -> list[dict]:
    """Fivetran's HubSpot contact seed: a survivor and, still present, the three contacts merged into it."""
    with (REAL_SAMPLES / "fivetran_dbt_hubspot_source_contact_data.csv").open(encoding="utf-8") as lines:
        rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return [
        {"id": row["id"], "properties": {
            "email": row["property_email"], "createdate": row["property_createdate"],
            "hs_calculated_merged_vids": row["property_hs_calculated_merged_vids"] or None}}
        for row in rows
    ]


def test_real_merged_vids_parse_and_mark_the_merged_away_contacts():
    now = datetime.now(UTC)
    rows = [contact_row("hubspot.contacts", record, now) for record in real_contacts()]
    assert {row["id"]: row["merged_object_ids"] for row in rows} == {
        "78971951": ["76340251", "46897301", "76226001"], "76340251": [], "46897301": [], "76226001": []}
    store = RawStore(duckdb.connect())
    counts = store.commit_page("hubspot.contacts", {"raw_hubspot.contacts": rows}, None,
                               merges={"raw_hubspot.contacts": merged_pairs(rows)})
    assert counts["raw_hubspot.contacts"].merged == 3
    assert tracked_rows(store) == [("46897301", "78971951", None), ("76226001", "78971951", None),
                                   ("76340251", "78971951", None)]
    assert store.row_count("raw_hubspot.contacts", live_only=True) == 1


def test_a_merged_row_is_never_removed_and_survives_a_rerun_of_its_survivors_page(tmp_path):
    contacts = contacts_at()
    first = recording(tmp_path / "r1", contacts)
    del contacts["1009"]
    modified(contacts["1019"], 1, hs_merged_object_ids="1009")
    second = recording(tmp_path / "r2", contacts)
    store = RawStore(tmp_path / "wh.duckdb")
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
        api.replace_dataset(second)
        sync_hubspot(settings_for(api), store)
        sync_hubspot(settings_for(api), store)  # the overlap window reads 1019 again
    assert tracked_rows(store) == [("1009", "1019", None)]
    assert store.row_count("raw_hubspot.contacts") == 20
