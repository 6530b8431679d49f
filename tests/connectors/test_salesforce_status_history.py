"""A stand-in org whose admin never tracked Lead Status: synced, the warehouse knows it lacks Status history."""

from __future__ import annotations

from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from pipeline.status_history import lead_status_history
from standin.api.server import FixtureAPI
from standin.generator import generate
from standin.generator.evolve import evolve
from tests.support.salesforce import read_records, settings_for


def test_an_org_without_status_history_is_recognised_after_a_sync_and_stays_so(tmp_path):
    generate(tmp_path / "a", 3, 400, status_history=False)
    evolve(tmp_path / "a", tmp_path / "b", seed=2)
    for root in (tmp_path / "a", tmp_path / "b"):
        history = read_records(root, "LeadHistory")
        assert history and not [row for row in history if row["Field"] == "Status"], root
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(tmp_path / "b") as api:
        sync_salesforce(settings_for(api), store)
    status = lead_status_history(store.connection)
    assert status.missing and status.leads == sum(
        not (lead["IsDeleted"]) for lead in read_records(tmp_path / "b", "Lead"))


def test_a_default_org_tracks_status_history(tmp_path):
    generate(tmp_path / "a", 3, 400)
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(tmp_path / "a") as api:
        sync_salesforce(settings_for(api), store)
    assert not lead_status_history(store.connection).missing
