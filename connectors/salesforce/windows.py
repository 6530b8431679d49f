"""Pages of a stream's queryAll, in time windows on the cursor field that adapt to what Salesforce can answer.

One unbounded ``SELECT … ORDER BY SystemModstamp, Id`` over a big object times out on real orgs (HTTP 400
QUERY_TIMEOUT; Airbyte #17503 and #27969 fixed it with narrower date windows). A run first asks for
everything past its start in one query, which is all a small object needs. Once Salesforce answers
QUERY_TIMEOUT, the run loads in windows ``lower <= cursor field < upper``: a timeout halves the window
and asks again from the last record read, a window whose query came back quickly doubles the next one,
and the window reaching the present is open-ended, so rows stamped during the run are not missed.
Below SalesforceSettings.min_query_window the run stops, naming the object and the window.

The keyset semantics of paging.py hold throughout: each page yields the cursor valid once it is stored
(never behind the run's start), a lost query locator is re-queried from the last record read, and the
overlap of an incremental run is re-read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connectors.errors import SyncError
from connectors.salesforce.client import QueryLocatorExpired, QueryTimeout
from connectors.salesforce.paging import Cursor, after_cursor, record_cursor, soql_datetime, window_filter

# Where the window arithmetic of a full load begins (Salesforce went live in 1999); the first window has
# no lower bound, so rows stamped earlier still come.
EARLIEST = datetime(1999, 1, 1, tzinfo=UTC)
# A window whose query was answered within this many seconds doubles: far from the minutes after which
# Salesforce gives up on a query.
FAST_QUERY_S = 10.0


@dataclass(frozen=True)
class WindowPolicy:
    first: timedelta  # the window after the unbounded query timed out
    minimum: timedelta  # a timeout on a narrower window than this stops the run


@dataclass(frozen=True)
class _Scan:
    """Where the next query starts: its lower-bound condition and the instant it starts at (None: the beginning)."""

    condition: str | None
    at: datetime | None


@dataclass(frozen=True)
class WindowedQuery:
    stream: str
    sobject: str
    field: str
    query: Callable[[str | None], dict]  # WHERE clause (None: everything) -> first page
    query_more: Callable[[str], dict]  # nextRecordsUrl -> next page
    policy: WindowPolicy
    notes: list[str]  # the stream's SyncReport notes: each narrowing is recorded there
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    clock: Callable[[], float] = time.monotonic


def windowed_pages(
    spec: WindowedQuery, start: Cursor | None, overlap: timedelta
) -> Iterator[tuple[list[dict], Cursor | None]]:
    """Yield (records, cursor once they are stored) page by page, window by window."""
    scan = _Scan(window_filter(start, overlap), start.timestamp - overlap if start else None)
    committed, window = start, None  # window None: one query for everything past the scan's start
    while True:
        upper = _upper(scan, window, spec.now())
        try:
            began = spec.clock()
            result = spec.query(_where(scan, spec.field, upper))
            fast = spec.clock() - began < FAST_QUERY_S
            while True:
                records = result["records"]
                if records:
                    last = record_cursor(records[-1], spec.field, spec.stream)
                    scan = _Scan(after_cursor(last), last.timestamp)
                    if committed is None or last.timestamp >= committed.timestamp:
                        committed = last
                yield records, committed
                if result["done"]:
                    break
                try:
                    result = spec.query_more(result["nextRecordsUrl"])
                except QueryLocatorExpired:
                    result = spec.query(_where(scan, spec.field, upper))
        except QueryTimeout:
            window = _narrower(spec, scan, window, upper or spec.now())
            continue
        if upper is None:
            return
        scan = _Scan(f"{spec.field} >= {soql_datetime(upper)}", upper)
        window = window * 2 if fast else window


def _upper(scan: _Scan, window: timedelta | None, now: datetime) -> datetime | None:
    """The window's exclusive end; None when it reaches the present (open-ended)."""
    if window is None:
        return None
    upper = (scan.at or EARLIEST) + window
    return None if upper > now else upper


def _where(scan: _Scan, field: str, upper: datetime | None) -> str | None:
    if upper is None:
        return scan.condition
    before = f"{field} < {soql_datetime(upper)}"
    return f"({scan.condition}) AND {before}" if scan.condition else before


def _narrower(spec: WindowedQuery, scan: _Scan, window: timedelta | None, end: datetime) -> timedelta:
    """Half the span the timed-out query covered (up to ``end``, now for an open-ended one)."""
    lower = "the beginning" if scan.at is None else soql_datetime(scan.at)
    span = f"{spec.field} from {lower} to {soql_datetime(end)}"
    narrower = spec.policy.first if window is None else min(window, end - (scan.at or EARLIEST)) / 2
    if narrower < spec.policy.minimum:
        raise SyncError(
            f"Salesforce stream {spec.stream}: the {spec.sobject} query over {span} timed out (QUERY_TIMEOUT) "
            f"although that window is the narrowest allowed (SalesforceSettings min_query_window="
            f"{spec.policy.minimum}); pages stored so far are kept with their cursor. Re-run when the org is "
            f"less busy, or ask Salesforce support for an index on {spec.sobject}.{spec.field}")
    spec.notes.append(f"QUERY_TIMEOUT on {span}: asked again in windows of {narrower}")
    return narrower
