"""Records purged from the recycle bin, which queryAll no longer returns: getDeleted, else an Id sweep.

queryAll sees a deleted record only while it is in the recycle bin (15 days); afterwards it is simply gone.
For each replicateable object (describe "replicateable"; field history objects are not), getDeleted lists
the deletions of the window since the last run, and their stored rows get ``deleted_at = deletedDate``,
never removed. The window's end is the org's clock (the latest response's Date header), and where the next
window starts (``latestDateCovered``) is stored, with the flags, under the stream's own sync-state row
"<stream>/deleted", so a crash repeats a window but never skips one.

getDeleted reaches back a limited time: the REST page says "no more than 15 days previous to the day the call
is executed", older SOAP pages 30, and past its reach the answer is INVALID_REPLICATION_DATE. A longer window
(or a refused one, or a warehouse without a stored position) falls back to an Id sweep: ``SELECT Id`` by
query (live records only) flags the stored live rows it does not list, at the sweep's time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from connectors.raw_store import RawStore
from connectors.salesforce.client import ReplicationWindowRefused, SalesforceClient
from connectors.salesforce.shaping import SOBJECT_TABLES, parse_datetime
from connectors.sync_report import SyncReport

# The worst documented reach of getDeleted (REST API "sObject Get Deleted": 15 days).
GET_DELETED_REACH = timedelta(days=15)
# "startDate must chronologically precede endDate by more than one minute" (SOAP getDeleted() rules).
SHORTEST_WINDOW = timedelta(minutes=2)


def position_stream(stream: str) -> str:
    return f"{stream}/deleted"


def track_purges(client: SalesforceClient, store: RawStore, report: SyncReport, sobject: str, describe: dict,
                 load_began: datetime | None) -> None:
    """After the stream's pages: flag this window's purged records (see the module docstring)."""
    # Only tables that can carry deleted_at: field history is never swept, whatever describe says.
    trackable = "deleted_at" in SOBJECT_TABLES[sobject].tracking_columns
    if not (trackable and describe.get("replicateable", False)) or load_began is None:
        return
    stored = store.read_cursor(position_stream(report.stream))
    if stored is None and report.mode == "full":
        # The full load just read every record the org still has; deletions from its start on come next run.
        store.flag_gone(SOBJECT_TABLES[sobject].name, {}, position_stream(report.stream), _position(load_began))
        return
    start = parse_datetime(stored["through"]) if stored else None
    now = client.server_time
    if start is not None and now - start <= SHORTEST_WINDOW:
        return
    if start is not None and now - start <= GET_DELETED_REACH:
        try:
            _flag_deleted(client, store, report, sobject, start, now)
            return
        except ReplicationWindowRefused as refused:
            report.notes.append(f"{refused}; swept live ids instead")
    _sweep_ids(client, store, report, sobject, start)


def _position(through: datetime) -> dict:
    return {"through": through.isoformat()}


def _flag_deleted(client: SalesforceClient, store: RawStore, report: SyncReport, sobject: str, start: datetime,
                  end: datetime) -> None:
    result = client.get_deleted(report.stream, sobject, start, end)
    deleted = {entry["id"]: parse_datetime(entry["deletedDate"]) for entry in result["deletedRecords"]}
    covered = parse_datetime(result["latestDateCovered"])
    flagged = store.flag_gone(SOBJECT_TABLES[sobject].name, deleted, position_stream(report.stream),
                              _position(covered))
    report.deleted += flagged
    if flagged:
        report.notes.append(f"getDeleted since {start.isoformat()}: {flagged} stored record(s) purged")


def _sweep_ids(client: SalesforceClient, store: RawStore, report: SyncReport, sobject: str,
               start: datetime | None) -> None:
    swept_at = client.server_time
    store.start_live_ids()
    result = client.query(report.stream, f"SELECT Id FROM {sobject}")
    while True:
        store.add_live_ids([record["Id"] for record in result["records"]])
        if result["done"]:
            break
        result = client.query_more(report.stream, result["nextRecordsUrl"])
    flagged = store.flag_absent(SOBJECT_TABLES[sobject].name, swept_at, position_stream(report.stream),
                                _position(swept_at))
    report.deleted += flagged
    since = f"since {start.isoformat()}" if start else "without a stored getDeleted position"
    report.notes.append(f"getDeleted cannot cover the window {since}: an Id sweep flagged {flagged} stored "
                        "record(s) the org no longer lists")
