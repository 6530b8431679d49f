"""Salesforce records purged from the recycle bin (getDeleted, else an Id sweep) and history past retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.raw_store import RawStore
from connectors.salesforce import STREAMS, sync_salesforce
from connectors.salesforce import purges as purges_module
from connectors.salesforce.shaping import SOBJECT_TABLES
from standin.api.dataset import parse_utc
from standin.api.server import FixtureAPI
from standin.generator import generate
from standin.generator.evolve import evolve
from tests.support.salesforce import assert_raw_equals_dataset, raw_payloads, read_records, settings_for

REPLICATEABLE = ("Lead", "Contact", "Opportunity", "OpportunityContactRole")
HISTORY = ("LeadHistory", "OpportunityHistory")
API = "/services/data/v59.0"


@pytest.fixture(scope="module")
def long_dataset(tmp_path_factory):
    """Two years and more of history, so that the next recording drops what is past 24 months."""
    root = tmp_path_factory.mktemp("purges") / "a"
    generate(root, 4, 900, weeks=120)
    return root


def deleted_at(store: RawStore, sobject: str) -> dict[str, datetime]:
    table = SOBJECT_TABLES[sobject].name
    rows = store.connection.execute(f"SELECT Id, deleted_at FROM {table} WHERE deleted_at IS NOT NULL").fetchall()
    return {record_id: moment.astimezone(UTC) for record_id, moment in rows}


def logged_deletions(root, sobject: str) -> dict[str, datetime]:
    path = root / "salesforce" / "deleted" / f"{sobject}.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []
    return {entry["id"]: parse_utc(entry["deletedDate"]) for entry in entries}


def absent_ids(changes: dict) -> dict[str, set[str]]:
    return {sobject: {*kinds.get("purged", []), *kinds.get("expired", [])} for sobject, kinds in changes.items()}


def sync_then_evolve(root, tmp_path, days: int):
    store = RawStore(tmp_path / "warehouse.duckdb")
    changes = evolve(root, tmp_path / "b", seed=8, days=days)
    with FixtureAPI(root) as api:
        sync_salesforce(settings_for(api), store)
        api.replace_dataset(tmp_path / "b")
        before = api.calls(API)
        reports = sync_salesforce(settings_for(api), store)
        calls = {path: api.calls(path) for path in _paths(api)}
        after = api.calls(API) - before
    return store, changes, reports, calls, after


def _paths(api: FixtureAPI) -> list[str]:
    deleted = [f"{API}/sobjects/{sobject}/deleted/" for sobject in (*REPLICATEABLE, *HISTORY)]
    return [*deleted, f"{API}/query/"]


def test_purged_records_are_flagged_with_getdeleteds_exact_date_and_expired_history_stays(long_dataset, tmp_path):
    store, changes, reports, calls, _ = sync_then_evolve(long_dataset, tmp_path, days=7)

    absent = absent_ids(changes)
    assert_raw_equals_dataset(store, tmp_path / "b", absent=absent)
    for sobject in REPLICATEABLE:
        purged = set(changes[sobject]["purged"])
        assert purged, sobject
        assert deleted_at(store, sobject) == {
            record_id: moment for record_id, moment in logged_deletions(tmp_path / "b", sobject).items()
            if record_id in purged
        }, sobject
        assert calls[f"{API}/sobjects/{sobject}/deleted/"] == 1, sobject
    # History rows of purged parents and rows past retention: kept in raw as they were, never flagged.
    for sobject in HISTORY:
        assert changes[sobject]["expired"], sobject
        assert calls[f"{API}/sobjects/{sobject}/deleted/"] == 0, sobject
        recorded_in_a = {record["Id"]: record for record in read_records(long_dataset, sobject)}
        stored = raw_payloads(store, sobject)
        assert {record_id: stored[record_id] for record_id in absent[sobject]} == {
            record_id: recorded_in_a[record_id] for record_id in absent[sobject]}, sobject
        assert "deleted_at" not in SOBJECT_TABLES[sobject].columns
    assert calls[f"{API}/query/"] == 0  # no Id sweep: every window was within getDeleted's reach
    for sobject in REPLICATEABLE:
        position = store.read_cursor(f"salesforce.{sobject}/deleted")
        assert parse_utc(position["through"]) == datetime(2025, 11, 24, 1, 0, tzinfo=UTC), sobject


def test_a_window_past_getdeleteds_reach_runs_an_id_sweep_that_flags_exactly_the_absent(long_dataset, tmp_path):
    store, changes, reports, calls, _ = sync_then_evolve(long_dataset, tmp_path, days=31)

    swept_at = datetime(2025, 11, 17, 1, 0, tzinfo=UTC) + timedelta(days=31)  # B's recorded_at: the Date header
    for sobject in REPLICATEABLE:
        assert calls[f"{API}/sobjects/{sobject}/deleted/"] == 0, sobject
        assert deleted_at(store, sobject) == dict.fromkeys(changes[sobject]["purged"], swept_at), sobject
        assert any("Id sweep" in note for note in reports[f"salesforce.{sobject}"].notes), sobject
    assert calls[f"{API}/query/"] == len(REPLICATEABLE)  # one SELECT Id page each, nothing else by query


def test_a_window_getdeleted_refuses_falls_back_to_the_sweep(long_dataset, tmp_path, monkeypatch):
    # A connector trusting a longer reach than the org's delete log has: the org's refusal decides.
    monkeypatch.setattr(purges_module, "GET_DELETED_REACH", timedelta(days=60))
    store, changes, reports, calls, _ = sync_then_evolve(long_dataset, tmp_path, days=40)

    for sobject in REPLICATEABLE:
        assert calls[f"{API}/sobjects/{sobject}/deleted/"] == 1, sobject
        assert set(deleted_at(store, sobject)) == set(changes[sobject]["purged"]), sobject
        notes = reports[f"salesforce.{sobject}"].notes
        assert any(f"getDeleted {sobject} refused its window" in note for note in notes), notes


def test_new_streams_sync_contacts_and_roles_parents_first(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        reports = sync_salesforce(settings_for(api), store)
    order = list(STREAMS)
    assert order.index("salesforce.Contact") < order.index("salesforce.OpportunityContactRole")
    assert order.index("salesforce.Opportunity") < order.index("salesforce.OpportunityContactRole")
    assert_raw_equals_dataset(store, generated_dataset)
    primaries = store.connection.execute(
        "SELECT OpportunityId FROM raw_salesforce.opportunity_contact_role WHERE IsPrimary "
        "GROUP BY 1 HAVING count(*) > 1").fetchall()
    assert primaries  # NPSP #1388: an opportunity with two primary contact roles
    converted = store.connection.execute(
        "SELECT count(*) FROM raw_salesforce.lead lead JOIN raw_salesforce.contact contact "
        "ON contact.Id = lead.ConvertedContactId AND contact.Email = lead.Email").fetchone()[0]
    assert converted == store.connection.execute(
        "SELECT count(*) FROM raw_salesforce.lead WHERE IsConverted").fetchone()[0] > 0
    assert reports["salesforce.Contact"].fetched > 0
