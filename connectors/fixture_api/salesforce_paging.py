"""Query result snapshots ("cursors") and the 2,000-record pages served from them."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from connectors.fixture_api.salesforce_oauth import salesforce_id

PAGE_SIZE = 2000
# Salesforce keeps at most 10 open query cursors per user and silently releases the oldest one.
MAX_OPEN_CURSORS = 10
_LOCATOR = re.compile(r"(01g[A-Za-z0-9]{15})-(\d+)$")


class CursorStore:
    def __init__(self):
        self._cursors: OrderedDict[str, list[dict]] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, records: list[dict]) -> str:
        cursor_id = salesforce_id("01g")
        with self._lock:
            self._cursors[cursor_id] = records
            while len(self._cursors) > MAX_OPEN_CURSORS:
                self._cursors.popitem(last=False)
        return cursor_id

    def resume(self, locator: str) -> tuple[str, list[dict], int] | None:
        """(cursor id, snapshot, offset) for a ``<cursor>-<offset>`` locator, or None if unknown or stale."""
        match = _LOCATOR.match(locator)
        if match is None:
            return None
        cursor_id, offset = match.group(1), int(match.group(2))
        with self._lock:
            records = self._cursors.get(cursor_id)
            if records is not None:
                self._cursors.move_to_end(cursor_id)
        if records is None or offset >= len(records):
            return None
        return cursor_id, records, offset


def page(records: list[dict], offset: int, cursor_id: str | None, locator_base: str) -> dict:
    """One page of a snapshot; ``locator_base`` is the path the next page's locator is appended to."""
    end = offset + PAGE_SIZE
    body: dict = {"totalSize": len(records), "done": end >= len(records)}
    if not body["done"]:
        body["nextRecordsUrl"] = f"{locator_base}/{cursor_id}-{end}"
    body["records"] = records[offset:end]
    return body
