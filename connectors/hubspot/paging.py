"""Keyset paging over HubSpot search, immune to its 10,000-result cap and to ties in the sort key.

Search sorts on one property only and returns records that share a timestamp in no useful order, and
offset paging (``after``) both shifts when records change mid-sync and stops at 10,000 results. So no
offset is ever used: every page is a fresh query from the position reached so far.

* Range step: ``modified >= since`` sorted ascending, one page. A page without ``paging.next`` holds
  everything that is left. Otherwise every record older than the page's newest timestamp is complete
  (all of that timestamp's records sort before the newest), so those are stored and the next step
  starts at the newest timestamp. Such a page that shares one timestamp switches to tie steps.
* Tie step: ``modified == ts and hs_object_id > last id`` sorted by id, until a page without
  ``paging.next``; then the range resumes at ``ts + 1 ms`` (HubSpot timestamps have millisecond
  resolution).

Only the absence of ``paging.next`` ends a step, never a page shorter than the limit: HubSpot may return
a short page that still has a next cursor (the hypothesis Airbyte's source-hubspot works on,
unit_tests/test_crm_search_pagination_boundaries.py, PR 80745). Each page is a prefix of the sort order,
so the keyset position is still exact after a short page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connectors.errors import RecordShapeError

SEARCH_PAGE_SIZE = 200


@dataclass(frozen=True)
class SearchPosition:
    since_ms: int  # every record modified before this instant is stored
    tie_after_id: int | None = None  # in a tie step: records at since_ms with ids up to this one are stored


@dataclass(frozen=True)
class SearchStep:
    store: list[dict]  # records of the page that are complete and go to the raw layer now
    next_position: SearchPosition | None  # None once the search is exhausted


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def modified_ms(record: dict, modified_property: str) -> int:
    raw = (record.get("properties") or {}).get(modified_property)
    try:
        return int(raw) if raw.isdigit() else epoch_ms(datetime.fromisoformat(raw))
    except (AttributeError, TypeError, ValueError):
        raise RecordShapeError(
            f"HubSpot search result {record.get('id')!r} has no usable '{modified_property}': {raw!r}"
        ) from None


def search_body(position: SearchPosition, modified_property: str, properties: list[str]) -> dict:
    if position.tie_after_id is None:
        filters = [{"propertyName": modified_property, "operator": "GTE", "value": str(position.since_ms)}]
        sort_by = modified_property
    else:
        filters = [
            {"propertyName": modified_property, "operator": "EQ", "value": str(position.since_ms)},
            {"propertyName": "hs_object_id", "operator": "GT", "value": str(position.tie_after_id)},
        ]
        sort_by = "hs_object_id"
    return {
        "filterGroups": [{"filters": filters}],
        "sorts": [{"propertyName": sort_by, "direction": "ASCENDING"}],
        "properties": properties,
        "limit": SEARCH_PAGE_SIZE,
    }


def high_water_body(modified_property: str) -> dict:
    """The single most recently modified record: where the incremental cursor stands after a full load."""
    return {
        "sorts": [{"propertyName": modified_property, "direction": "DESCENDING"}],
        "properties": [modified_property],
        "limit": 1,
    }


def has_next_page(body: dict) -> bool:
    return bool(((body.get("paging") or {}).get("next") or {}).get("after"))


def next_step(position: SearchPosition, results: list[dict], modified_property: str, more: bool) -> SearchStep:
    """``more``: the page came with ``paging.next``. An empty page ends its step whatever it says, since
    a keyset position cannot move past nothing."""
    last_page = not more or not results
    if position.tie_after_id is not None:
        if last_page:
            return SearchStep(results, SearchPosition(position.since_ms + 1))
        last_id = max(int(record["id"]) for record in results)
        return SearchStep(results, SearchPosition(position.since_ms, last_id))
    if last_page:
        return SearchStep(results, None)
    stamps = [modified_ms(record, modified_property) for record in results]
    newest = max(stamps)
    older = [record for record, stamp in zip(results, stamps, strict=True) if stamp < newest]
    if not older:
        return SearchStep([], SearchPosition(newest, tie_after_id=0))
    return SearchStep(older, SearchPosition(newest))


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def incremental_start(cursor: dict) -> tuple[SearchPosition, int | None]:
    """Where this run's search begins, and the newest modification time stored so far."""
    resume = cursor.get("resume")
    if resume:  # a run stopped part-way: carry on exactly where its last stored page ended
        return SearchPosition(resume["since_ms"], resume.get("tie_after_id")), cursor.get("newest_ms")
    return SearchPosition(cursor["since_ms"]), cursor.get("newest_ms")


def in_progress_cursor(run_since_ms: int, position: SearchPosition, newest_ms: int | None) -> dict:
    resume = {"since_ms": position.since_ms, "tie_after_id": position.tie_after_id}
    return {"since_ms": run_since_ms, "since": _iso(run_since_ms), "newest_ms": newest_ms, "resume": resume}


def completed_cursor(newest_ms: int | None, fallback_since_ms: int, overlap: timedelta) -> dict:
    """The next run searches from the newest stored modification minus the overlap window."""
    since_ms = fallback_since_ms if newest_ms is None else newest_ms - int(overlap.total_seconds() * 1000)
    return {"since_ms": since_ms, "since": _iso(since_ms), "newest_ms": newest_ms}


def full_load_cursor(after: str | None, high_water_ms: int | None) -> dict:
    return {"full_load": {"after": after, "high_water_ms": high_water_ms}}
