"""The deletion sweep: records deleted without a trace are found by listing the ids that still exist.

A GDPR delete or a permanent deletion removes a contact or deal from every listing, archived included
(real-world-behaviour.md), so neither the search nor the archived stream ever hears of it. The sweep
lists every live and archived id, with no extra properties (HubSpot then sends only its defaults: the
cheapest listing there is), and flags each stored row that is still counted live but was not listed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.hubspot import shaping
from connectors.hubspot.objects import ObjectKind
from connectors.hubspot.stream_run import StreamRun

ID_PAGE_SIZE = 100  # the list endpoint's maximum


def sync_deletion_sweep(run: StreamRun, kind: ObjectKind, interval: timedelta) -> None:
    now = datetime.now(UTC)
    last = (run.cursor or {}).get("swept_at")
    if last is not None and now - datetime.fromisoformat(last) < interval:
        due = datetime.fromisoformat(last) + interval
        run.report.notes.append(
            f"deletion sweep skipped: last swept {last}, next due after {due.isoformat()} "
            "(HubSpotSettings.deletion_sweep_interval)"
        )
        return
    run.report.mode = "full"
    run.store.start_live_ids()
    for archived in (False, True):
        _list_ids(run, kind, archived)
    cursor = {"swept_at": now.isoformat()}
    run.report.deleted, cleared = run.store.flag_unswept(run.name, kind.table, now, cursor)
    if cleared:
        run.report.notes.append(f"{cleared} records flagged deleted by an earlier sweep are listed again: unflagged")
    run.cursor = cursor


def _list_ids(run: StreamRun, kind: ObjectKind, archived: bool) -> None:
    after = None
    while True:
        body = run.client.list_page(run.name, kind.object_type, after=after, archived=archived, limit=ID_PAGE_SIZE)
        results = body.get("results", [])
        run.store.add_live_ids([str(shaping.required(run.name, record, "id")) for record in results])
        run.report.fetched += len(results)
        after = ((body.get("paging") or {}).get("next") or {}).get("after")
        if after is None:
            return
