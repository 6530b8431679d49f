"""HubSpot owners: both listings (active, archived) read whole and stored in place of the last run's.

A portal has a few hundred owners at most, so a full refresh costs a handful of calls. Owners are optional
to the funnel: a token without crm.objects.owners.read leaves the stored owners as they were and the sync
report says so as a warning, instead of failing the whole sync.
"""

from __future__ import annotations

from connectors.errors import MissingScopes
from connectors.hubspot import shaping
from connectors.hubspot.stream_run import StreamRun, synced_now
from connectors.raw_schema import HUBSPOT_OWNERS

OWNERS_PAGE_SIZE = 100  # HubSpot's default page; it allows up to 500


def sync_owners(run: StreamRun) -> None:
    run.report.mode = "full"
    try:
        records = [*_listing(run, archived=False), *_listing(run, archived=True)]
    except MissingScopes as refused:
        run.report.warnings.append(
            f"{refused}. Owners were not synced (stored ones are kept): the drill-down shows no HubSpot owner names"
        )
        return
    table = HUBSPOT_OWNERS.name
    rows = [shaping.owner_row(run.name, record, synced_now()) for record in records]
    gone = sorted({stored_id for (stored_id,) in run.store.stored_keys(table)} - {row["id"] for row in rows})
    archived = [row["id"] for row in rows if row["archived"]]
    already = {owner_id for (owner_id,) in run.store.flagged_among(table, archived, ("id",))} if archived else set()
    run.report.fetched = len(rows)
    run.report.deleted = len(gone) + len(set(archived) - already)
    run.commit(table, {table: rows}, {"owners": len(rows)}, {table: ("id", gone)})


def _listing(run: StreamRun, archived: bool) -> list[dict]:
    records, after = [], None
    while True:
        body = run.client.owners_page(run.name, OWNERS_PAGE_SIZE, after, archived)
        records += body.get("results", [])
        after = ((body.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            return records
