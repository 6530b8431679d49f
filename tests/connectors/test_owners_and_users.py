"""Who owns the records: HubSpot owners and Salesforce users in the raw layer, and where records open."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from connectors.hubspot import sync_hubspot
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from connectors.salesforce.totals import source_totals
from standin.api.faults import Fault
from standin.api.server import FixtureAPI
from tests.support.datasets import OWNERS, PORTAL_ID, USERS, user_record, write_jsonl
from tests.support.hubspot import settings_for as hubspot_settings
from tests.support.salesforce import settings_for as salesforce_settings
from tests.support.salesforce import write_records

OWNER_STREAM = ["hubspot.owners"]
USER_STREAM = ["salesforce.User"]


@pytest.fixture
def dataset(make_dataset):
    root = make_dataset(contacts=3, deals=2, salesforce={"User": USERS})
    write_jsonl(root / "hubspot" / "owners.jsonl", OWNERS)
    return root


def origins(store: RawStore) -> dict[str, str | None]:
    return dict(store.connection.execute("SELECT source, record_url_base FROM raw_meta.source_origins").fetchall())


def owner_rows(store: RawStore) -> list[tuple]:
    return store.connection.execute(
        "SELECT id, email, first_name, last_name, user_id, archived FROM raw_hubspot.owners ORDER BY id").fetchall()


def test_owners_are_synced_whole_active_and_archived(dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(dataset) as api:
        reports = sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)
        calls = api.calls("/crm/v3/owners")

    report = reports["hubspot.owners"]
    assert (report.mode, report.fetched, report.inserted, report.updated, report.deleted) == ("full", 7, 7, 0, 2)
    assert (report.api_calls, calls, report.warnings) == (2, 2, [])  # one page of each listing
    assert owner_rows(store) == [
        (o["id"], o["email"], o["firstName"], o["lastName"], o["userId"], o["archived"]) for o in OWNERS]
    assert store.row_count("raw_hubspot.owners", live_only=True) == 5


def test_a_second_run_replaces_the_owners_newly_archived_and_gone_ones_counted(dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(dataset) as api:
        sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)
        changed = [{**OWNERS[0], "archived": True, "lastName": "Retired"}, *OWNERS[1:-1]]  # the last one gone
        write_jsonl(dataset / "hubspot" / "owners.jsonl", changed)
        api.replace_dataset(dataset)
        report = sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)["hubspot.owners"]

    # Only the changed owner is an update: the unchanged ones, sent again, count as neither.
    assert (report.fetched, report.inserted, report.updated, report.deleted) == (6, 0, 1, 2)
    assert [row[0] for row in owner_rows(store)] == [o["id"] for o in OWNERS[:-1]]
    assert owner_rows(store)[0][3:] == ("Retired", 2000001, True)  # userIdIncludingInactive kept


def test_a_token_without_the_owners_scope_syncs_everything_else_and_warns(dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(dataset) as api:
        api.faults.inject(Fault("missing_scopes", "/crm/v3/owners", times=5))
        reports = sync_hubspot(hubspot_settings(api), store)
        calls = api.calls("/crm/v3/owners")

    report = reports["hubspot.owners"]
    assert report.warnings == [
        "HubSpot rejected a request while syncing hubspot.owners (HTTP 403 MISSING_SCOPES: This app hasn't been "
        "granted all required scopes to make this call. Read more about required scopes here: "
        "https://developers.hubspot.com/scopes.); grant the private app the scope(s) crm.objects.owners.read and "
        "re-run. Owners were not synced (stored ones are kept): the drill-down shows no HubSpot owner names"]
    assert (calls, report.fetched, report.cursor_after) == (1, 0, None)  # refused once, never retried
    assert owner_rows(store) == []
    assert store.row_count("raw_hubspot.contacts") == 3 and reports["hubspot.deals"].fetched == 2


def test_users_are_synced_by_system_modstamp_and_match_the_orgs_count(dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(dataset) as api:
        first = sync_salesforce(salesforce_settings(api), store, USER_STREAM)["salesforce.User"]
        write_records(dataset, "User", [*USERS[:3], {**user_record(4, active=False),
                                                     "SystemModstamp": "2025-03-01T00:00:00.000+0000"}])
        api.replace_dataset(dataset)
        second = sync_salesforce(salesforce_settings(api, overlap=timedelta(0)), store, USER_STREAM)["salesforce.User"]
        totals = source_totals(salesforce_settings(api), ["raw_salesforce.user"])

    assert (first.mode, first.fetched, first.inserted, first.deleted) == ("full", 4, 4, 0)
    assert (second.mode, second.fetched, second.inserted, second.updated) == ("incremental", 1, 0, 1)
    assert second.cursor_after == {"field": "SystemModstamp", "timestamp": "2025-03-01T00:00:00.000Z",
                                   "id": USERS[3]["Id"]}
    rows = store.connection.execute('SELECT Id, Name, Email, IsActive FROM raw_salesforce."user" ORDER BY Id')
    assert rows.fetchall() == [(u["Id"], u["Name"], u["Email"], u["Id"] not in (USERS[2]["Id"], USERS[3]["Id"]))
                               for u in USERS]
    assert totals == {"raw_salesforce.user": 4} == {"raw_salesforce.user": store.row_count("raw_salesforce.user")}


def test_where_records_open_is_stored_per_source_and_refreshed_by_each_claim(dataset, tmp_path):
    store = RawStore(tmp_path / "wh.duckdb")
    with FixtureAPI(dataset) as api:
        sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)
        sync_salesforce(salesforce_settings(api), store, USER_STREAM)
        first_base = api.base_url
    assert origins(store) == {"hubspot": f"https://app.hubspot.com/contacts/{PORTAL_ID}",
                              "salesforce": first_base}
    store.connection.execute("UPDATE raw_meta.source_origins SET record_url_base = 'https://old.example'")

    with FixtureAPI(dataset) as api:  # the same org on another port: its instance URL moved
        sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)
        sync_salesforce(salesforce_settings(api), store, USER_STREAM)
        assert api.base_url != first_base
        assert origins(store) == {"hubspot": f"https://app.hubspot.com/contacts/{PORTAL_ID}",
                                  "salesforce": api.base_url}


def test_a_warehouse_from_before_record_links_gets_them_on_its_next_sync(dataset, tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE SCHEMA raw_meta")
        old.execute("CREATE TABLE raw_meta.source_origins (source VARCHAR PRIMARY KEY, origin VARCHAR NOT NULL, "
                    "first_synced_at TIMESTAMPTZ NOT NULL)")
        old.execute(f"INSERT INTO raw_meta.source_origins VALUES ('hubspot', 'HubSpot portal {PORTAL_ID}', now())")
    store = RawStore(path)
    assert origins(store) == {"hubspot": None}

    with FixtureAPI(dataset) as api:
        sync_hubspot(hubspot_settings(api), store, OWNER_STREAM)

    assert origins(store) == {"hubspot": f"https://app.hubspot.com/contacts/{PORTAL_ID}"}
