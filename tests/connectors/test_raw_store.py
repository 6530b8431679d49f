"""The raw layer's page commit: keyed upserts, counts, atomicity with the cursor, and the memory budget."""

from datetime import UTC, date, datetime

import pytest

from connectors.raw_store import OriginMismatch, RawStore, StoreOutOfMemory, connect_warehouse

SYNCED = datetime(2025, 11, 17, 1, 0, tzinfo=UTC)


def contact(contact_id: str, stage: str = "lead", padding: int = 0) -> dict:
    return {
        "id": contact_id, "email": f"{contact_id}@example.jp", "createdate": SYNCED, "lastmodifieddate": SYNCED,
        "lifecyclestage": stage, "hs_lead_status": None, "hs_analytics_source": None, "archived": False,
        "archived_at": None, "salesforceleadid": None, "salesforcecontactid": None, "merged_object_ids": [],
        "merged_into": None, "deleted_at": None,
        "payload": {"id": contact_id, "note": "x" * padding}, "_synced_at": SYNCED,
    }


def history(contact_id: str, value: str, changed_at: str) -> dict:
    return {
        "contact_id": contact_id, "value": value, "changed_at": changed_at, "source_type": "CRM_UI",
        "source_id": None, "payload": {"value": value, "timestamp": changed_at}, "_synced_at": SYNCED,
    }


def stages(store: RawStore) -> list[tuple[str, str]]:
    return store.connection.execute("SELECT id, lifecyclestage FROM raw_hubspot.contacts ORDER BY id").fetchall()


@pytest.fixture
def store(tmp_path):
    raw_store = RawStore(tmp_path / "warehouse.duckdb")
    yield raw_store
    raw_store.close()


def test_a_page_inserts_new_keys_and_replaces_known_ones(store):
    store.commit_page("s", {"raw_hubspot.contacts": [contact("1"), contact("2"), contact("3")]}, {"page": 1})
    counts = store.commit_page("s", {"raw_hubspot.contacts": [contact("2", "customer"), contact("4")]}, {"page": 2})
    assert (counts["raw_hubspot.contacts"].inserted, counts["raw_hubspot.contacts"].updated) == (1, 1)
    assert stages(store) == [("1", "lead"), ("2", "customer"), ("3", "lead"), ("4", "lead")]
    assert store.read_cursor("s") == {"page": 2}


def test_a_record_sent_again_unchanged_is_neither_inserted_nor_updated(store):
    """The incremental overlap and a re-read contact's history re-send stored records: that is no change."""
    history_rows = [history("1", "lead", "2025-01-06T00:00:00Z"), history("1", "mql", "2025-02-03T00:00:00Z")]
    page = {"raw_hubspot.contacts": [contact("1"), contact("2")], "raw_hubspot.contact_lifecycle_history": history_rows}
    store.commit_page("s", page, None)
    later = datetime(2025, 11, 24, 1, 0, tzinfo=UTC)
    again = {table: [row | {"_synced_at": later} for row in rows] for table, rows in page.items()}
    children = {"raw_hubspot.contact_lifecycle_history": ("contact_id", ["1"])}
    counts = store.commit_page("s", again, None, replace_children=children)
    assert {table: (count.inserted, count.updated) for table, count in counts.items()} == {
        "raw_hubspot.contacts": (0, 0), "raw_hubspot.contact_lifecycle_history": (0, 0)
    }
    assert store.connection.execute("SELECT count(*) FROM raw_hubspot.contact_lifecycle_history").fetchone() == (2,)


def test_a_record_twice_in_one_page_keeps_its_later_version(store):
    counts = store.commit_page("s", {"raw_hubspot.contacts": [contact("7", "lead"), contact("7", "opportunity")]}, None)
    assert (counts["raw_hubspot.contacts"].inserted, counts["raw_hubspot.contacts"].updated) == (1, 0)
    assert stages(store) == [("7", "opportunity")]


def test_a_composite_key_tells_apart_rows_that_share_part_of_it(store):
    rows = [history("1", "lead", "2025-01-06T00:00:00Z"), history("1", "", "2025-01-06T00:00:00Z"),
            history("1", "lead", "2025-02-03T00:00:00Z")]
    store.commit_page("s", {"raw_hubspot.contact_lifecycle_history": rows}, None)
    counts = store.commit_page("s", {"raw_hubspot.contact_lifecycle_history": [rows[0] | {"source_type": "FORM"}]},
                               None)
    assert (counts["raw_hubspot.contact_lifecycle_history"].inserted,
            counts["raw_hubspot.contact_lifecycle_history"].updated) == (0, 1)
    assert store.connection.execute("SELECT count(*) FROM raw_hubspot.contact_lifecycle_history").fetchone() == (3,)


def test_a_warehouse_made_with_primary_keys_still_takes_upserts(tmp_path):
    """Warehouses created before the keys moved out of the DDL keep their PRIMARY KEY constraints."""
    path = tmp_path / "older.duckdb"
    connection = connect_warehouse(path)
    connection.execute("CREATE SCHEMA raw_hubspot")
    connection.execute(
        "CREATE TABLE raw_hubspot.contacts (id VARCHAR PRIMARY KEY, email VARCHAR, createdate TIMESTAMPTZ, "
        "lastmodifieddate TIMESTAMPTZ, lifecyclestage VARCHAR, hs_lead_status VARCHAR, hs_analytics_source VARCHAR, "
        "archived BOOLEAN NOT NULL, archived_at TIMESTAMPTZ, payload JSON NOT NULL, _synced_at TIMESTAMPTZ NOT NULL)"
    )
    store = RawStore(connection)
    store.commit_page("s", {"raw_hubspot.contacts": [contact("1"), contact("2")]}, None)
    store.commit_page("s", {"raw_hubspot.contacts": [contact("1", "customer")]}, None)
    assert stages(store) == [("1", "customer"), ("2", "lead")]
    store.close()


def test_a_page_beyond_the_memory_budget_stops_with_the_setting_named_and_keeps_what_was_stored(tmp_path):
    store = RawStore(connect_warehouse(tmp_path / "small.duckdb", memory_limit="8MB"))
    store.commit_page("hubspot.contacts", {"raw_hubspot.contacts": [contact("1"), contact("2")]}, {"page": 1})
    too_big = [contact(str(n), padding=100_000) for n in range(3, 303)]  # ~30 MB of payload
    with pytest.raises(StoreOutOfMemory) as raised:
        store.commit_page("hubspot.contacts", {"raw_hubspot.contacts": too_big}, {"page": 2})
    assert str(raised.value) == (
        "hubspot.contacts: storing a page needed more than the sync's DuckDB memory budget (7.6 MiB); "
        "nothing of that page was stored and its cursor did not move. "
        "Raise KPI_SYNC_MEMORY_LIMIT (e.g. 512MB) and run again."
    )
    assert stages(store) == [("1", "lead"), ("2", "lead")]
    assert store.read_cursor("hubspot.contacts") == {"page": 1}
    store.close()


def test_a_warehouse_synced_before_a_column_was_declared_gains_it_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    connection = connect_warehouse(path)
    connection.execute("CREATE SCHEMA raw_hubspot")
    connection.execute("CREATE TABLE raw_hubspot.contacts (id VARCHAR NOT NULL, email VARCHAR, createdate TIMESTAMPTZ, "
                       "lastmodifieddate TIMESTAMPTZ, lifecyclestage VARCHAR, hs_lead_status VARCHAR, "
                       "hs_analytics_source VARCHAR, archived BOOLEAN NOT NULL, archived_at TIMESTAMPTZ, "
                       "payload JSON NOT NULL, _synced_at TIMESTAMPTZ NOT NULL)")
    connection.execute("INSERT INTO raw_hubspot.contacts (id, archived, payload, _synced_at) "
                       "VALUES ('9', false, '{}', now())")
    store = RawStore(connection)
    store.commit_page("s", {"raw_hubspot.contacts": [contact("1")]}, None)
    assert store.connection.execute(
        "SELECT id, merged_into, deleted_at FROM raw_hubspot.contacts ORDER BY id").fetchall() == [
        ("1", None, None), ("9", None, None)]
    store.close()


def test_a_salesforce_column_declared_since_is_filled_from_the_stored_payloads(tmp_path):
    connection = connect_warehouse(tmp_path / "old.duckdb")
    connection.execute("CREATE SCHEMA raw_salesforce")
    connection.execute("CREATE TABLE raw_salesforce.opportunity (Id VARCHAR NOT NULL, IsDeleted BOOLEAN NOT NULL, "
                       "payload JSON NOT NULL, _synced_at TIMESTAMPTZ NOT NULL)")
    connection.execute("INSERT INTO raw_salesforce.opportunity VALUES "
                       "('006A', false, '{\"OwnerId\": \"005A\", \"CloseDate\": \"2025-03-01\"}', now()), "
                       "('006B', false, '{}', now())")
    store = RawStore(connection)
    RawStore(connection)  # the next sync: nothing left to add, nothing filled again
    assert store.connection.execute(
        "SELECT Id, OwnerId, CloseDate, deleted_at FROM raw_salesforce.opportunity ORDER BY Id").fetchall() == [
        ("006A", "005A", date(2025, 3, 1), None), ("006B", None, None, None)]
    store.close()


def test_an_origin_recorded_before_origins_named_accounts_is_replaced_then_kept(store):
    store.connection.execute("INSERT INTO raw_meta.source_origins (source, origin, first_synced_at) "
                             "VALUES ('hubspot', 'fixture dataset /x', now())")
    store.claim_origin("hubspot", "HubSpot portal 40000003")
    with pytest.raises(OriginMismatch) as error:
        store.claim_origin("hubspot", "HubSpot portal 7")
    assert str(error.value) == (
        "this warehouse holds hubspot data synced from HubSpot portal 40000003, but this run reads HubSpot portal 7; "
        "point KPI_DUCKDB_PATH at a new file for a different dataset or account"
    )
