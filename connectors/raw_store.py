"""The raw layer in DuckDB: page-by-page upserts committed together with the sync cursor.

A connector hands over one page of shaped rows and the cursor that is valid once that page is
stored; both land in one transaction, so a crash can never move a cursor past data that was not
stored, and re-running a page is idempotent (rows are keyed upserts).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from connectors.errors import SyncError
from connectors.raw_schema import create_raw_tables

ORIGINS_DDL = """
CREATE TABLE IF NOT EXISTS raw_meta.source_origins (
    source VARCHAR PRIMARY KEY,
    origin VARCHAR NOT NULL,
    first_synced_at TIMESTAMPTZ NOT NULL
)"""
SYNC_STATE_DDL = """
CREATE TABLE IF NOT EXISTS raw_meta.sync_state (
    stream VARCHAR PRIMARY KEY,
    cursor JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)"""


# DuckDB recompresses the row group being filled at every checkpoint: with its default 122,880 rows of
# ~3 KB raw payloads a sync would hold ~350 MB for that alone. Small row groups keep a sync's memory near
# the pages in flight (measured: 200,000 contacts, peak 563 MiB -> 271 MiB).
RAW_ROW_GROUP_SIZE = 8192


def connect_warehouse(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file that writes raw tables in small row groups."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    quoted = str(path).replace("'", "''")
    connection.execute(f"ATTACH '{quoted}' AS warehouse (ROW_GROUP_SIZE {RAW_ROW_GROUP_SIZE})")
    connection.execute("USE warehouse")
    return connection


class OriginMismatch(SyncError):
    """The warehouse was filled from another dataset or account than the one this run reads."""


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in the raw layer")


class RawStore:
    """Owns one DuckDB connection to the warehouse file and the raw schemas in it."""

    def __init__(self, database: str | Path | duckdb.DuckDBPyConnection):
        if isinstance(database, duckdb.DuckDBPyConnection):
            self.connection = database
        else:
            self.connection = connect_warehouse(database)
        create_raw_tables(self.connection)
        self.connection.execute("CREATE SCHEMA IF NOT EXISTS raw_meta")
        self.connection.execute(SYNC_STATE_DDL)
        self.connection.execute(ORIGINS_DDL)
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self._keys: dict[str, list[str]] = {}

    def close(self) -> None:
        self.connection.close()

    def claim_origin(self, source: str, origin: str) -> None:
        """Tie this warehouse's `source` data (and its cursors) to one origin: a dataset, a portal, an org.

        Incremental cursors of one origin are meaningless for another; mixing them would silently keep
        records of the first and skip most of the second.
        """
        row = self.connection.execute(
            "SELECT origin FROM raw_meta.source_origins WHERE source = ?", [source]
        ).fetchone()
        if row is None:
            self.connection.execute(
                "INSERT INTO raw_meta.source_origins VALUES (?, ?, ?)", [source, origin, datetime.now(UTC)]
            )
        elif row[0] != origin:
            raise OriginMismatch(
                f"this warehouse holds {source} data synced from {row[0]}, but this run reads {origin}; "
                "point KPI_DUCKDB_PATH at a new file for a different dataset or account"
            )

    def read_cursor(self, stream: str) -> dict | None:
        row = self.connection.execute(
            "SELECT cursor FROM raw_meta.sync_state WHERE stream = ?", [stream]
        ).fetchone()
        return json.loads(row[0]) if row else None

    def commit_page(
        self,
        stream: str,
        upserts: dict[str, list[dict]],
        cursor: dict | None,
        replace_children: dict[str, tuple[str, list[str]]] | None = None,
    ) -> dict[str, UpsertCounts]:
        """Store one page atomically.

        ``upserts`` maps a raw table to rows keyed by the table's primary key;
        ``replace_children`` maps a child table to (parent key column, parent ids) whose rows are
        deleted first, for child rows that are always re-sent whole (e.g. a contact's history).
        """
        counts: dict[str, UpsertCounts] = {}
        self.connection.execute("BEGIN TRANSACTION")
        try:
            for table, (column, parent_ids) in (replace_children or {}).items():
                if parent_ids:
                    # Ids travel as one JSON string: a bound Python list makes DuckDB probe for pandas per item.
                    self.connection.execute(
                        f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
                        [json.dumps(parent_ids)],
                    )
            for table, rows in upserts.items():
                counts[table] = self._upsert(table, rows)
            if cursor is not None:
                self._write_cursor(stream, cursor)
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        return counts

    def _write_cursor(self, stream: str, cursor: dict) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO raw_meta.sync_state VALUES (?, ?, ?)",
            [stream, json.dumps(cursor, default=_json_default), datetime.now(UTC)],
        )

    def _table_columns(self, table: str) -> list[tuple[str, str]]:
        if table not in self._columns:
            schema, name = table.split(".")
            self._columns[table] = self.connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [schema, name],
            ).fetchall()
        return self._columns[table]

    def _key_columns(self, table: str) -> list[str]:
        if table not in self._keys:
            schema, name = table.split(".")
            row = self.connection.execute(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE schema_name = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
                [schema, name],
            ).fetchone()
            self._keys[table] = list(row[0])
        return self._keys[table]

    def _upsert(self, table: str, rows: list[dict]) -> UpsertCounts:
        if not rows:
            return UpsertCounts()
        keys = self._key_columns(table)
        # A record can appear twice in one page (it moved while we paged): the later version wins.
        rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
        self._load_page(table, rows)
        existing = self.connection.execute(
            f"SELECT count(*) FROM {table} JOIN _page USING ({', '.join(keys)})"
        ).fetchone()[0]
        self.connection.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM _page")
        return UpsertCounts(inserted=len(rows) - existing, updated=existing)

    def _load_page(self, table: str, rows: list[dict]) -> None:
        """Stage the page in a temp table through DuckDB's JSON reader (binding rows one by one is ~100x slower)."""
        columns = ", ".join(f"'{name}': '{kind}'" for name, kind in self._table_columns(table))
        with tempfile.NamedTemporaryFile("w", suffix=".ndjson", encoding="utf-8", delete=False) as page:
            for row in rows:
                page.write(json.dumps(row, default=_json_default, ensure_ascii=False))
                page.write("\n")
        try:
            self.connection.execute(
                "CREATE OR REPLACE TEMP TABLE _page AS SELECT * FROM "
                f"read_json(?, format='newline_delimited', columns={{{columns}}})",
                [page.name],
            )
        finally:
            os.unlink(page.name)
