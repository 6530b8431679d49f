"""One measured sync: a fresh child process against a running fixture API, plus what the server saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from benchmarks import PROJECT_ROOT
from benchmarks.fixture_server import FixtureServer
from benchmarks.minimum_calls import StreamMinimum, endpoint, overhead_calls
from connectors.raw_schema import RAW_TABLES, tables_in

# Raw table -> the dataset file whose record count it must equal once a sync is done: every table of
# records (archived/deleted ones are flagged, not dropped), named by the stream that lists them.
RAW_TABLE_RECORDS = {
    source: {
        table.name: table.streams[0].split(".", 1)[1] for table in tables_in(f"raw_{source}") if table.deleted_flag
    }
    for source in ("hubspot", "salesforce")
}
STDERR_TAIL_CHARS = 2000


@dataclass
class SyncMeasurement:
    persons: int
    source: str
    mode: str  # "full" or "incremental"
    seconds: float
    cpu_seconds: float  # the connector process's own CPU time; the rest of ``seconds`` is waiting on the API
    peak_rss_kib: int
    peak_rss_half_pages_kib: int  # the peak once half the pages were stored
    rss_before_sync_kib: int
    reports: dict[str, dict]  # stream -> SyncReport fields
    minimums: list[StreamMinimum]
    requests: Counter[tuple[str, str, str]]  # (method, path, status) as logged by the fixture API
    raw_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (rows, dataset records)

    @property
    def fetched(self) -> int:
        return sum(report["fetched"] for report in self.reports.values())

    @property
    def connector_calls(self) -> int:
        return sum(report["api_calls"] for report in self.reports.values())

    @property
    def calls_by_endpoint(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (method, path, _status), count in self.requests.items():
            counts[endpoint(method, path)] += count
        return counts

    @property
    def server_calls(self) -> int:
        return sum(self.requests.values())

    @property
    def failed_calls(self) -> int:
        return sum(count for (_m, _p, status), count in self.requests.items() if not status.startswith("2"))

    @property
    def overhead_calls(self) -> int:
        return overhead_calls(self.calls_by_endpoint, self.mode == "full")

    @property
    def minimum_calls(self) -> int:
        return sum(minimum.calls for minimum in self.minimums)


def run_sync_child(source: str, database: Path, server: FixtureServer) -> dict:
    """The child's JSON result; a failed sync raises with the tail of the child's stderr."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.run_sync", "--source", source, "--db", str(database)],
        env={**os.environ, **server.env}, capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{source} sync on {server.dataset} failed (exit {completed.returncode}):\n"
            f"{completed.stderr[-STDERR_TAIL_CHARS:]}"
        )
    return json.loads(completed.stdout)


def raw_row_counts(database: Path, source: str, dataset_counts: dict[str, int],
                   changes: dict | None = None) -> dict[str, tuple[int, int]]:
    """(raw rows of records the dataset still holds, the records raw must hold): rows of merged-away records or
    of records deleted without a trace stay in the raw layer, flagged, though the dataset no longer has them;
    field history past Salesforce's retention, or of a purged parent, stays too, unflagged (history has no
    deletion log to flag it by; the warehouse drops it with its parent), so it counts on both sides."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: (connection.execute(f"SELECT count(*) FROM {table} WHERE {_still_held(table)}").fetchone()[0],
                    dataset_counts[name] + _kept_unflagged(table, (changes or {}).get(name) or {}))
            for table, name in RAW_TABLE_RECORDS[source].items()
        }


def _kept_unflagged(table: str, changes: dict[str, list[str]]) -> int:
    if RAW_TABLES[table].tracking_columns:
        return 0
    return len(changes.get("expired", [])) + len(changes.get("purged", []))


def _still_held(table: str) -> str:
    return " AND ".join(f"{column} IS NULL" for column in RAW_TABLES[table].tracking_columns) or "TRUE"
