"""The raw layer in DuckDB: page-by-page upserts committed together with the sync cursor.

A connector hands over one page of shaped rows and the cursor that is valid once that page is
stored; both land in one transaction, so a crash can never move a cursor past data that was not
stored, and re-running a page is idempotent (rows are keyed upserts).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from connectors.errors import SyncError
from connectors.raw_schema import RAW_TABLES, create_raw_tables

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


# A sync's memory must not grow with the warehouse. Two DuckDB defaults would make it:
# - its buffer pool keeps every block written or scanned (up to 80 % of RAM): a budget makes it evict them;
# - each checkpoint recompresses the row group being filled and merges row groups, holding several of
#   them uncompressed (~3 KB a row of raw payload): at 122,880 rows a group that is hundreds of MB,
#   at 2,048 (the smallest) a few MB.
# DuckDB's working memory also scales with its threads, so their number is fixed rather than the machine's
# core count: the budget was measured with 2. Figures in benchmarks/README.md.
DEFAULT_SYNC_MEMORY_LIMIT = "128MB"
# How an origin names an account; origins stored in any other form predate that (see RawStore.claim_origin).
ACCOUNT_ORIGINS = ("HubSpot portal ", "Salesforce org ")
SYNC_THREADS = 2
RAW_ROW_GROUP_SIZE = 2048
LIVE_IDS = "temp._live_ids"  # the ids a deletion sweep saw listed


def connect_warehouse(path: str | Path, memory_limit: str = DEFAULT_SYNC_MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file for syncs: a fixed memory budget, raw tables in small row groups."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Beyond the budget DuckDB spills to disk: next to the warehouse, not in whatever directory the run started in.
    connection = duckdb.connect(
        config={"memory_limit": memory_limit, "threads": SYNC_THREADS, "temp_directory": f"{path}.tmp"}
    )
    quoted = str(path).replace("'", "''")
    connection.execute(f"ATTACH '{quoted}' AS warehouse (ROW_GROUP_SIZE {RAW_ROW_GROUP_SIZE})")
    connection.execute("USE warehouse")
    return connection


class OriginMismatch(SyncError):
    """The warehouse was filled from another dataset or account than the one this run reads."""


class StoreOutOfMemory(SyncError):
    """Storing a page needed more than the sync's DuckDB memory budget."""


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    merged: int = 0  # stored rows newly marked merged into a survivor

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.merged += other.merged


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
        # Added since: warehouses synced before it get the column, NULL until their next claim.
        self.connection.execute(
            "ALTER TABLE raw_meta.source_origins ADD COLUMN IF NOT EXISTS record_url_base VARCHAR"
        )
        self._columns: dict[str, list[tuple[str, str]]] = {}

    def close(self) -> None:
        self.connection.close()

    def claim_origin(self, source: str, origin: str, record_url_base: str | None = None) -> None:
        """Tie this warehouse's `source` data (and its cursors) to one origin: a portal, an org.

        Incremental cursors of one origin are meaningless for another; mixing them would silently keep
        records of the first and skip most of the second. Warehouses synced before origins named the
        account recorded a host or a dataset directory, which proves no account: the first claim of an
        account replaces such an origin.

        ``record_url_base``: where the account's records open in a browser (no secret: a host and a path),
        refreshed by every successful claim, since an org's My Domain or a portal's region can change.
        """
        row = self.connection.execute(
            "SELECT origin FROM raw_meta.source_origins WHERE source = ?", [source]
        ).fetchone()
        if row is None:
            self.connection.execute(
                "INSERT INTO raw_meta.source_origins (source, origin, first_synced_at) VALUES (?, ?, ?)",
                [source, origin, datetime.now(UTC)],
            )
        elif not row[0].startswith(ACCOUNT_ORIGINS):
            self.connection.execute(
                "UPDATE raw_meta.source_origins SET origin = ? WHERE source = ?", [origin, source]
            )
        elif row[0] != origin:
            raise OriginMismatch(
                f"this warehouse holds {source} data synced from {row[0]}, but this run reads {origin}; "
                "point KPI_DUCKDB_PATH at a new file for a different dataset or account"
            )
        if record_url_base is not None:
            self.connection.execute(
                "UPDATE raw_meta.source_origins SET record_url_base = ? WHERE source = ?", [record_url_base, source]
            )

    def read_cursor(self, stream: str) -> dict | None:
        row = self.connection.execute(
            "SELECT cursor FROM raw_meta.sync_state WHERE stream = ?", [stream]
        ).fetchone()
        return json.loads(row[0]) if row else None

    def row_count(self, table: str, live_only: bool = False) -> int:
        """Rows of a raw table; with `live_only`, only those the source counts (not archived/deleted)."""
        condition = RAW_TABLES[table].live_rows if live_only else "TRUE"
        return self.connection.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()[0]

    def stored_keys(self, table: str) -> set[tuple]:
        """The key (RAW_TABLES) of every stored row."""
        columns = ", ".join(RAW_TABLES[table].key)
        return set(self.connection.execute(f"SELECT {columns} FROM {table}").fetchall())

    def flagged_among(self, table: str, ids: list[str], columns: tuple[str, ...]) -> list[tuple]:
        """`columns` of the rows among `ids` (by the table's one-column key) already flagged archived/deleted."""
        spec = RAW_TABLES[table]
        (key,) = spec.key
        # Ids travel as one JSON string: a bound Python list makes DuckDB probe for pandas per item.
        return self.connection.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {spec.deleted_flag} "
            f"AND {key} IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
            [json.dumps(ids)],
        ).fetchall()

    def live_json(self, table: str, path: str) -> dict[str, str | None]:
        """{key: the JSON at ``path`` of the payload, as text} of every live row (by the one-column key)."""
        spec = RAW_TABLES[table]
        (key,) = spec.key
        rows = self.connection.execute(
            f"SELECT {key}, json_extract(payload, ?)::VARCHAR FROM {table} WHERE {spec.live_rows}", [path]
        ).fetchall()
        return dict(rows)

    def payloads(self, table: str, ids: list[str]) -> list[dict]:
        """The stored payloads of the rows among ``ids`` (by the one-column key)."""
        (key,) = RAW_TABLES[table].key
        rows = self.connection.execute(
            f"SELECT payload FROM {table} WHERE {key} IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
            [json.dumps(ids)],
        ).fetchall()
        return [json.loads(payload) for (payload,) in rows]

    def parents_out_of_step(self, child_table: str, parent_key: str, parent_table: str) -> list[str]:
        """Parents whose deletion flag disagrees with their stored children's and that were stored after them."""
        return [row[0] for row in self.connection.execute(
            f"SELECT child.{parent_key} FROM {child_table} child "
            f"JOIN {parent_table} parent ON parent.Id = child.{parent_key} "
            f"GROUP BY child.{parent_key}, parent.IsDeleted, parent._synced_at "
            "HAVING bool_or(child.IsDeleted <> parent.IsDeleted) AND max(child._synced_at) < parent._synced_at "
            "ORDER BY 1"
        ).fetchall()]

    def flag_gone(self, table: str, deleted_at: dict[str, datetime], stream: str, position: dict) -> int:
        """Set deleted_at on the stored rows among `deleted_at`'s ids not flagged yet and write `position` as
        `stream`'s cursor, in one transaction. Returns how many of those rows were live (not IsDeleted)."""
        gone = [{"Id": record_id, "deleted_at": moment} for record_id, moment in deleted_at.items()]
        self.connection.execute(
            "CREATE OR REPLACE TEMP TABLE _gone AS SELECT gone.* FROM (SELECT unnest(from_json_strict(?, "
            """'[{"Id": "VARCHAR", "deleted_at": "TIMESTAMPTZ"}]')) AS gone)""",
            [json.dumps(gone, default=_json_default)],
        )
        return self._apply_gone(table, stream, position)

    def start_live_ids(self) -> None:
        """Begin a sweep: the ids the source lists as live are staged aside, page by page (add_live_ids), in a
        temp table, so that memory stays flat whatever the table's size."""
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {LIVE_IDS} (Id VARCHAR NOT NULL)")

    def add_live_ids(self, ids: list[str]) -> None:
        # Ids travel as one JSON string: a bound Python list makes DuckDB probe for pandas per item.
        if ids:
            self.connection.execute(f"INSERT INTO {LIVE_IDS} SELECT unnest(from_json(?, '[\"VARCHAR\"]'))",
                                    [json.dumps(ids)])

    def flag_absent(self, table: str, swept_at: datetime, stream: str, position: dict) -> int:
        """After an Id sweep: flag deleted_at = `swept_at` on the stored live rows the source no longer lists and
        write `position` as `stream`'s cursor, in one transaction. Returns how many rows were flagged."""
        self.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE _gone AS SELECT Id, ?::TIMESTAMPTZ AS deleted_at FROM {table} "
            f"WHERE NOT IsDeleted AND Id NOT IN (SELECT Id FROM {LIVE_IDS})",
            [swept_at],
        )
        return self._apply_gone(table, stream, position)

    def _apply_gone(self, table: str, stream: str, position: dict) -> int:
        unflagged = f"{table}.Id = _gone.Id AND {table}.deleted_at IS NULL"
        with self._transaction(stream):
            live = self.connection.execute(
                f"SELECT count(*) FROM {table}, _gone WHERE {unflagged} AND NOT {table}.IsDeleted"
            ).fetchone()[0]
            self.connection.execute(f"UPDATE {table} SET deleted_at = _gone.deleted_at FROM _gone WHERE {unflagged}")
            self._write_cursor(stream, position)
        return live

    @contextmanager
    def _transaction(self, stream: str) -> Iterator[None]:
        """One transaction: committed if the block completes, else rolled back; out of memory names the budget."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
            self.connection.execute("COMMIT")
        except duckdb.OutOfMemoryException as error:
            self.connection.execute("ROLLBACK")
            raise self._out_of_memory(stream) from error
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise

    def commit_page(
        self,
        stream: str,
        upserts: dict[str, list[dict]],
        cursor: dict | None,
        replace_children: dict[str, tuple[str, list[str]]] | None = None,
        merges: dict[str, list[tuple[str, str]]] | None = None,
    ) -> dict[str, UpsertCounts]:
        """Store one page atomically.

        ``upserts`` maps a raw table to rows, each replacing any stored row with the same key (RAW_TABLES);
        ``replace_children`` maps a child table to (parent key column, parent ids) whose rows are
        deleted first, for child rows that are always re-sent whole (e.g. a contact's history);
        ``merges`` maps a table to (merged-away id, survivor id) pairs the page's survivors list: those
        stored rows are marked ``merged_into`` the survivor, after the upserts.
        """
        with self._transaction(stream):
            pages = {table: self._load_page(table, index, rows) for index, (table, rows) in enumerate(upserts.items())}
            # Counted against the rows stored before the page, children re-sent whole included: a record sent
            # again unchanged (the incremental overlap, a re-read parent's history) is neither new nor updated.
            counts = {table: self._changes(table, page) for table, page in pages.items()}
            deleted = self._delete_children(replace_children or {})
            for table, page in pages.items():
                deleted += self._replace_rows(table, page)
            for table, pairs in (merges or {}).items():
                counts.setdefault(table, UpsertCounts()).merged = self._mark_merged(table, pairs)
                deleted += counts[table].merged
            if cursor is not None:
                self._write_cursor(stream, cursor)
        if deleted:
            # DuckDB holds a 256 KB block of delete markers for every row group a delete touched, until the
            # next checkpoint: updates spread over a large table would pile those up with the table's size.
            self.connection.execute("CHECKPOINT")
        return counts

    def flag_unswept(self, stream: str, table: str, swept_at: datetime, cursor: dict) -> tuple[int, int]:
        """Flag ``deleted_at`` on every live row (not archived, merged or deleted) whose id the sweep did not
        see, and clear it on flagged rows whose id it saw again (a listing that missed them once must not hide
        them for good); the sweep's cursor in the same transaction; rows are never removed.
        Returns (flagged, cleared)."""
        spec = RAW_TABLES[table]
        (key,) = spec.key
        with self._transaction(stream):
            flagged = self.connection.execute(
                f"UPDATE {table} SET deleted_at = ? WHERE {spec.live_rows} "
                f"AND {key} NOT IN (SELECT Id FROM {LIVE_IDS})",
                [swept_at],
            ).fetchone()[0]
            cleared = self.connection.execute(
                f"UPDATE {table} SET deleted_at = NULL WHERE deleted_at IS NOT NULL "
                f"AND {key} IN (SELECT Id FROM {LIVE_IDS})"
            ).fetchone()[0]
            self._write_cursor(stream, cursor)
        self.connection.execute(f"DROP TABLE IF EXISTS {LIVE_IDS}")
        if flagged or cleared:
            self.connection.execute("CHECKPOINT")  # as after a page's updates (see commit_page)
        return flagged, cleared

    def _delete_children(self, replace_children: dict[str, tuple[str, list[str]]]) -> int:
        deleted = 0
        for table, (column, parent_ids) in replace_children.items():
            if parent_ids:
                # Ids travel as one JSON string: a bound Python list makes DuckDB probe for pandas per item.
                deleted += self.connection.execute(
                    f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
                    [json.dumps(parent_ids)],
                ).fetchone()[0]
        return deleted

    def _mark_merged(self, table: str, pairs: list[tuple[str, str]]) -> int:
        """Point merged-away rows at their survivor; a merge is not a deletion, so a sweep's flag is cleared.

        The rows keep their data (and their children, e.g. lifecycle history): they are members of the
        survivor's person. A chain the survivor lists whole (hs_merged_object_ids is cumulative) points every
        row at the last survivor; one it does not (hs_calculated_merged_vids) leaves a link to follow.
        """
        if not pairs:
            return 0
        (key,) = RAW_TABLES[table].key
        return self.connection.execute(
            f"UPDATE {table} SET merged_into = merge.survivor, deleted_at = NULL "
            "FROM (SELECT unnest(from_json(?, '[{\"merged\": \"VARCHAR\", \"survivor\": \"VARCHAR\"}]'), "
            "recursive := true)) merge "
            f"WHERE {table}.{key} = merge.merged AND {table}.{key} <> merge.survivor "
            f"AND ({table}.merged_into IS DISTINCT FROM merge.survivor OR {table}.deleted_at IS NOT NULL)",
            # One survivor per merged-away id (the page's last word), or the update would be ambiguous.
            [json.dumps([{"merged": merged, "survivor": survivor} for merged, survivor in dict(pairs).items()])],
        ).fetchone()[0]

    def _out_of_memory(self, stream: str) -> StoreOutOfMemory:
        budget = self.connection.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        return StoreOutOfMemory(
            f"{stream}: storing a page needed more than the sync's DuckDB memory budget ({budget}); "
            "nothing of that page was stored and its cursor did not move. "
            "Raise KPI_SYNC_MEMORY_LIMIT (e.g. 512MB) and run again."
        )

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

    def _changes(self, table: str, page: str | None) -> UpsertCounts:
        """The page's rows new to the table, and those that differ from the stored row in more than _synced_at."""
        if page is None:
            return UpsertCounts()
        matches = " AND ".join(f"stored.{key} = page.{key}" for key in RAW_TABLES[table].key)
        compared = [name for name, _ in self._table_columns(table) if name != "_synced_at"]
        differs = " OR ".join(f"stored.{column} IS DISTINCT FROM page.{column}" for column in compared)
        inserted, updated = self.connection.execute(
            f"SELECT count(*) FILTER (WHERE stored.payload IS NULL), "
            f"count(*) FILTER (WHERE stored.payload IS NOT NULL AND ({differs})) "
            f"FROM {page} page LEFT JOIN {table} stored ON {matches}"
        ).fetchone()
        return UpsertCounts(inserted=inserted, updated=updated)

    def _replace_rows(self, table: str, page: str | None) -> int:
        """Write the page's rows over the stored rows of the same keys; returns how many stored rows it replaced."""
        if page is None:
            return 0
        matches_page = " AND ".join(f"{table}.{key} = {page}.{key}" for key in RAW_TABLES[table].key)
        replaced = self.connection.execute(f"DELETE FROM {table} USING {page} WHERE {matches_page}").fetchone()[0]
        self.connection.execute(f"INSERT INTO {table} SELECT * FROM {page}")
        self.connection.execute(f"DROP TABLE {page}")
        return replaced

    def _load_page(self, table: str, index: int, rows: list[dict]) -> str | None:
        """Stage the page's rows for `table` in a temp table, named after `index`; None for no rows.

        A record can appear twice in one page (it moved while we paged): the later version wins. The rows are
        bound as one JSON document (binding rows one by one is ~100x slower). from_json_strict, unlike
        read_json, needs no 32 MB read buffer per thread, and fails on a value that does not cast to its column
        instead of storing NULL.
        """
        if not rows:
            return None
        keys = RAW_TABLES[table].key
        rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
        page = f"_page_{index}"
        row_type = json.dumps([{name: kind for name, kind in self._table_columns(table)}])
        self.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {page} AS "
            "SELECT page.* FROM (SELECT unnest(from_json_strict(?, ?)) AS page)",
            [json.dumps(rows, default=_json_default, ensure_ascii=False), row_type],
        )
        return page
