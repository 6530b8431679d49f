"""One page of records into the raw layer, counted for the stream's SyncReport."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.raw_schema import RAW_TABLES
from connectors.raw_store import RawStore
from connectors.salesforce.paging import Cursor
from connectors.salesforce.shaping import shape_page
from connectors.sync_report import SyncReport


def store_page(
    store: RawStore, report: SyncReport, sobject: str, table: str, records: list[dict], cursor: Cursor | None
) -> None:
    """Shape and commit one page with the cursor valid after it (None: leave the cursor alone)."""
    rows = shape_page(sobject, records, datetime.now(UTC), report.stream)
    newly_deleted = count_newly_deleted(store, table, rows)
    counts = store.commit_page(report.stream, {table: rows}, cursor.as_dict() if cursor else None)
    report.fetched += len(records)
    report.deleted += newly_deleted
    if table in counts:
        report.inserted += counts[table].inserted
        report.updated += counts[table].updated


def count_newly_deleted(store: RawStore, table: str, rows: list[dict]) -> int:
    flag = RAW_TABLES[table].deleted_flag  # User has none: users are deactivated, never deleted
    if flag is None:
        return 0
    deleted_ids = list({row["Id"] for row in rows if row[flag]})
    if not deleted_ids:
        return 0
    return len(deleted_ids) - len(store.flagged_among(table, deleted_ids, ("Id",)))
