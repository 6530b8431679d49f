"""HubSpot streams: contacts and deals (full load, then incremental search), archived listings, pipelines."""

from __future__ import annotations

from datetime import timedelta

from connectors.hubspot import associations, paging, shaping
from connectors.hubspot.objects import DEALS, ObjectKind, complete_search_results, store_records
from connectors.hubspot.stream_run import StreamRun, synced_now
from connectors.raw_schema import HUBSPOT_PIPELINE_STAGES


def sync_object(run: StreamRun, kind: ObjectKind, properties: list[str], overlap: timedelta) -> None:
    if run.cursor is None or "full_load" in run.cursor:
        full_load(run, kind, properties, overlap)
    else:
        incremental(run, kind, properties, overlap)


def full_load(run: StreamRun, kind: ObjectKind, properties: list[str], overlap: timedelta) -> None:
    """Page through the list endpoint; the cursor afterwards is the high-water mark taken before starting."""
    run.report.mode = "full"
    state = (run.cursor or {}).get("full_load") or {"after": None, "high_water_ms": _high_water_ms(run, kind)}
    after, high_water_ms = state["after"], state["high_water_ms"]
    while True:
        body = run.client.list_page(run.name, kind.object_type, after=after, **kind.list_query(properties))
        after = ((body.get("paging") or {}).get("next") or {}).get("after")
        results = body.get("results", [])
        if kind is DEALS:
            results = associations.with_all_contacts(run, results)
        run.report.fetched += len(results)
        done = after is None
        cursor = (
            paging.completed_cursor(high_water_ms, 0, overlap)
            if done
            else paging.full_load_cursor(after, high_water_ms)
        )
        store_records(run, kind, results, cursor)
        if done:
            return


def _high_water_ms(run: StreamRun, kind: ObjectKind) -> int | None:
    body = run.client.search(run.name, kind.object_type, paging.high_water_body(kind.modified_property))
    results = body.get("results", [])
    return paging.modified_ms(results[0], kind.modified_property) if results else None


def incremental(run: StreamRun, kind: ObjectKind, properties: list[str], overlap: timedelta) -> None:
    position, newest_ms = paging.incremental_start(run.cursor)
    run_since_ms = run.cursor["since_ms"]
    # Contacts are re-read whole by batch/read (for their history), so search only needs the sort key.
    search_properties = properties if kind is DEALS else [kind.modified_property]
    while position is not None:
        body = paging.search_body(position, kind.modified_property, search_properties)
        page = run.client.search(run.name, kind.object_type, body)
        step = paging.next_step(position, page.get("results", []), kind.modified_property, paging.has_next_page(page))
        run.report.fetched += len(step.store)
        stamps = [paging.modified_ms(record, kind.modified_property) for record in step.store]
        if stamps:
            newest_ms = max([newest_ms or 0, *stamps])
        position = step.next_position
        cursor = (
            paging.completed_cursor(newest_ms, run_since_ms, overlap)
            if position is None
            else paging.in_progress_cursor(run_since_ms, position, newest_ms)
        )
        store_records(run, kind, complete_search_results(run, kind, step.store, properties), cursor)
    if kind is DEALS:
        associations.refresh_live_deals(run)


def sync_archived(run: StreamRun, kind: ObjectKind, properties: list[str]) -> None:
    """The archived listing cannot be filtered by time: read it whole, store what is newly archived."""
    run.report.mode = "full"
    after = (run.cursor or {}).get("after")
    while True:
        body = run.client.list_page(
            run.name, kind.object_type, after=after, archived=True, **kind.list_query(properties)
        )
        after = ((body.get("paging") or {}).get("next") or {}).get("after")
        results = body.get("results", [])
        run.report.fetched += len(results)
        fresh = _not_yet_flagged(run, kind, results)
        store_records(run, kind, fresh, {"after": after})
        run.report.deleted += len(fresh)
        if after is None:
            return


def _not_yet_flagged(run: StreamRun, kind: ObjectKind, records: list[dict]) -> list[dict]:
    ids = [str(shaping.required(run.name, record, "id")) for record in records]
    known = set(run.store.flagged_among(kind.table, ids, ("id", "archived_at")))
    return [
        record
        for record_id, record in zip(ids, records, strict=True)
        if (record_id, shaping.parse_time(run.name, record, "archivedAt", record.get("archivedAt")))
        not in known
    ]


def sync_pipelines(run: StreamRun) -> None:
    """Pipelines are few and small: replace every stored stage with the current definition each run."""
    run.report.mode = "full"
    body = run.client.pipelines(run.name, "deals")
    rows = shaping.pipeline_stage_rows(run.name, body, synced_now())
    table = HUBSPOT_PIPELINE_STAGES.name
    stored = run.store.stored_keys(table)
    current = {(row["pipeline_id"], row["stage_id"]) for row in rows}
    pipeline_ids = sorted(
        {pipeline_id for pipeline_id, _ in stored} | {pipeline_id for pipeline_id, _ in current}
    )
    run.report.fetched = len(rows)
    run.report.deleted = len(stored - current)
    run.commit(table, {table: rows}, {"stages": len(rows)}, {table: ("pipeline_id", pipeline_ids)})
