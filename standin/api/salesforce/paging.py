"""Query result snapshots ("cursors") and the 2,000-record pages served from them."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from standin.api.salesforce.oauth import salesforce_id

PAGE_SIZE = 2000
# Salesforce keeps at most 10 open query cursors per user and silently releases the oldest one.
MAX_OPEN_CURSORS = 10
_LOCATOR = re.compile(r"(01g[A-Za-z0-9]{15})-(\d+)$")


@dataclass(frozen=True)
class Snapshot:
    """The rows a query matched, rendered into API records only when a page of them is served."""

    rows: list[dict]
    render: Callable[[list[dict]], list[dict]]


class CursorStore:
    def __init__(self):
        self._cursors: OrderedDict[str, Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, snapshot: Snapshot) -> str:
        cursor_id = salesforce_id("01g")
        with self._lock:
            self._cursors[cursor_id] = snapshot
            while len(self._cursors) > MAX_OPEN_CURSORS:
                self._cursors.popitem(last=False)
        return cursor_id

    def resume(self, locator: str) -> tuple[str, Snapshot, int] | None:
        """(cursor id, snapshot, offset) for a ``<cursor>-<offset>`` locator, or None if unknown or stale."""
        match = _LOCATOR.match(locator)
        if match is None:
            return None
        cursor_id, offset = match.group(1), int(match.group(2))
        with self._lock:
            snapshot = self._cursors.get(cursor_id)
            if snapshot is not None:
                self._cursors.move_to_end(cursor_id)
        if snapshot is None or offset >= len(snapshot.rows):
            return None
        return cursor_id, snapshot, offset


def page(snapshot: Snapshot, offset: int, cursor_id: str | None, locator_base: str) -> dict:
    """One page of a snapshot; ``locator_base`` is the path the next page's locator is appended to."""
    end = offset + PAGE_SIZE
    body: dict = {"totalSize": len(snapshot.rows), "done": end >= len(snapshot.rows)}
    if not body["done"]:
        body["nextRecordsUrl"] = f"{locator_base}/{cursor_id}-{end}"
    body["records"] = snapshot.render(snapshot.rows[offset:end])
    return body
