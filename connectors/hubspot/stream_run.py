"""One stream's run: its stored cursor, its page commits and the figures reported for it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from connectors.hubspot.client import HubSpotClient
from connectors.raw_store import RawStore
from connectors.sync_report import SyncReport


class StreamRun:
    def __init__(self, name: str, client: HubSpotClient, store: RawStore):
        self.name = name
        self.client = client
        self.store = store
        self.cursor = store.read_cursor(name)
        self.report = SyncReport(stream=name, mode="full" if self.cursor is None else "incremental")
        self.report.cursor_before = self.cursor
        self._calls_before = client.api_calls
        self.merged = 0  # stored rows newly marked merged into a survivor
        self._started = time.monotonic()

    def commit(
        self,
        main_table: str,
        upserts: dict[str, list[dict]],
        cursor: dict | None,
        replace_children: dict[str, tuple[str, list[str]]] | None = None,
        merges: dict[str, list[tuple[str, str]]] | None = None,
    ) -> None:
        counts = self.store.commit_page(self.name, upserts, cursor, replace_children, merges)
        if main_table in counts:
            self.report.inserted += counts[main_table].inserted
            self.report.updated += counts[main_table].updated
            self.merged += counts[main_table].merged
        if cursor is not None:
            self.cursor = cursor

    def finish(self) -> SyncReport:
        self.report.cursor_after = self.cursor
        if self.merged:
            self.report.notes.append(f"{self.merged} stored records newly marked merged into their survivor")
        self.report.api_calls = self.client.api_calls - self._calls_before
        self.report.api_budget_remaining = self.client.budget_remaining
        self.report.duration_s = round(time.monotonic() - self._started, 3)
        return self.report


def synced_now() -> datetime:
    """When a page is stored: the local clock suits _synced_at (never cursors: those come from data)."""
    return datetime.now(UTC)
