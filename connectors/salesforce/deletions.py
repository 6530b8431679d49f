"""History rows whose deletion the incremental window cannot see.

LeadHistory has no SystemModstamp: deleting (or undeleting) a lead flags its history rows without
changing their CreatedDate, so the keyset window never re-reads them. After the window, the history
of every parent whose IsDeleted disagrees with its history rows, and which was stored after them,
is read again by parent id. Derived from the store, this survives a crash between the parent and
history streams; requiring the parent to be newer re-reads a lasting disagreement once, not forever.
"""

from __future__ import annotations

from connectors.raw_store import RawStore
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.paging import soql_id_list
from connectors.salesforce.raw_pages import store_page
from connectors.salesforce.shaping import SOBJECT_TABLES
from connectors.sync_report import SyncReport

# History object -> (its parent's key field, the parent's SObject).
PARENTS = {"LeadHistory": ("LeadId", "Lead")}
# Ids travel in the GET URL, which Salesforce caps at 16,384 characters.
PARENT_IDS_PER_QUERY = 200


def reconcile_children(
    client: SalesforceClient, store: RawStore, report: SyncReport, sobject: str, fields: list[str]
) -> None:
    if sobject not in PARENTS or "SystemModstamp" in fields:
        return
    parent_key, parent = PARENTS[sobject]
    table = SOBJECT_TABLES[sobject].name
    parent_ids = store.parents_out_of_step(table, parent_key, SOBJECT_TABLES[parent].name)
    for start in range(0, len(parent_ids), PARENT_IDS_PER_QUERY):
        batch = parent_ids[start:start + PARENT_IDS_PER_QUERY]
        result = client.query_all(report.stream, f"SELECT {', '.join(fields)} FROM {sobject} "
                                                 f"WHERE {parent_key} IN ({soql_id_list(batch)})")
        while True:
            store_page(store, report, sobject, table, result["records"], None)
            if result["done"]:
                break
            result = client.query_more(report.stream, result["nextRecordsUrl"])
    if parent_ids:
        report.notes.append(f"re-read the history of {len(parent_ids)} record(s) deleted or restored since "
                            "their history was stored")
