"""Storing pages of contacts and deals: how records become rows, and which calls complete them."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.hubspot import associations, shaping
from connectors.hubspot.stream_run import StreamRun, synced_now
from connectors.raw_schema import HUBSPOT_CONTACTS, HUBSPOT_DEALS, HUBSPOT_LIFECYCLE_HISTORY

BATCH_READ_SIZE = 50  # HubSpot's cap on batch/read with propertiesWithHistory


@dataclass(frozen=True)
class ObjectKind:
    object_type: str
    modified_property: str
    table: str
    list_page_size: int  # the list endpoint's maximum for the parts we ask for

    def list_query(self, properties: list[str]) -> dict:
        query: dict = {"limit": self.list_page_size, "properties": properties}
        if self.object_type == "contacts":
            query["properties_with_history"] = ["lifecyclestage"]
        else:
            query["associations"] = ["contacts"]
        return query


CONTACTS = ObjectKind("contacts", "lastmodifieddate", HUBSPOT_CONTACTS.name, 50)
DEALS = ObjectKind("deals", "hs_lastmodifieddate", HUBSPOT_DEALS.name, 100)


def store_records(run: StreamRun, kind: ObjectKind, records: list[dict], cursor: dict | None) -> list[dict]:
    """Store complete records (as the list endpoint returns them) together with the stream cursor."""
    synced_at = synced_now()
    if kind is DEALS:
        rows = [shaping.deal_row(run.name, record, synced_at) for record in records]
        run.commit(kind.table, {kind.table: rows}, cursor)
        return rows
    rows = [shaping.contact_row(run.name, record, synced_at) for record in records]
    history = [
        entry for record in records for entry in shaping.lifecycle_history_rows(run.name, record, synced_at)
    ]
    run.commit(
        kind.table,
        {kind.table: rows, HUBSPOT_LIFECYCLE_HISTORY.name: history},
        cursor,
        {HUBSPOT_LIFECYCLE_HISTORY.name: ("contact_id", [row["id"] for row in rows])},
        {kind.table: merged_pairs(rows)},
    )
    return rows


def merged_pairs(rows: list[dict]) -> list[tuple[str, str]]:
    """(merged-away id, survivor id) for every id a stored survivor lists.

    A merged-away contact is never served again (HubSpot answers its id with the survivor), so the
    survivor's arrival is the only moment the merge can be seen.
    """
    return [(merged_id, row["id"]) for row in rows for merged_id in row["merged_object_ids"] if merged_id != row["id"]]


def complete_search_results(
    run: StreamRun, kind: ObjectKind, found: list[dict], properties: list[str]
) -> list[dict]:
    """Search returns neither history nor associations: fetch what the list endpoint would have included."""
    if not found:
        return []
    if kind is DEALS:
        links = associations.contact_links(run, [str(record["id"]) for record in found])
        return [shaping.with_v4_associations(record, "contacts", links[str(record["id"])]) for record in found]
    records = []
    for start in range(0, len(found), BATCH_READ_SIZE):
        chunk = found[start : start + BATCH_READ_SIZE]
        body = {
            "inputs": [{"id": str(record["id"])} for record in chunk],
            "properties": properties,
            "propertiesWithHistory": ["lifecyclestage"],
        }
        # Records archived since the search are missing here; the archived stream flags them.
        records.extend(run.client.batch_read(run.name, "contacts", body).get("results", []))
    return records
