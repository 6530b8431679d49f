"""The exported tables copied into PostgreSQL with psycopg 3 (COPY FROM STDIN), each replaced in one transaction.

DuckDB's postgres extension would do this in SQL, but DuckDB downloads it from extensions.duckdb.org at first
use, which machines without internet access cannot reach; psycopg's wheels carry their own libpq.
The PostgreSQL schemas and tables have the warehouse's names (marts.funnel_weekly, ...).
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from pipeline.exports.postgres_types import postgres_type
from pipeline.exports.tables import ExportReport, exported_tables, open_read_only, quoted

BATCH_ROWS = 10_000
LOADING_SUFFIX = "__loading"


class PostgresExportError(RuntimeError):
    """An export that failed; its message never holds the URL's password."""


def copy_to_postgres(database: str | Path, url: str) -> ExportReport:
    """Replace the exported tables in the PostgreSQL database at `url` with the warehouse's, in one transaction.

    Every table is first loaded under a new name, with no lock on the old ones, and only then are all swapped
    in: readers keep reading the old tables until the commit (waiting at most for the swap, not the load), see
    every table of one run together, and a failed load rolls back and leaves every old table as it was.
    """
    started = time.monotonic()
    report = ExportReport(target=redact(url))
    failure = None
    try:
        with open_read_only(database) as warehouse, psycopg.connect(url, autocommit=True, connect_timeout=30) as pg:
            tables = exported_tables(warehouse)
            with pg.transaction(), pg.cursor() as cursor:
                for schema, table in tables:
                    report.rows[f"{schema}.{table}"] = _load(warehouse, cursor, schema, table)
                for schema, table in tables:
                    _swap(cursor, schema, table)
    except psycopg.Error as error:
        failure = f"PostgreSQL export to {report.target} failed: {_scrub(str(error), url)}"
    if failure:  # raised outside the except block, so that the driver's error is not chained to it
        raise PostgresExportError(failure)
    report.seconds = time.monotonic() - started
    return report


def _load(warehouse: duckdb.DuckDBPyConnection, cursor: psycopg.Cursor, schema: str, table: str) -> int:
    """Copy one table into a new table <table>__loading, with PostgreSQL types mapped from DuckDB's."""
    columns = [
        (name, postgres_type(duckdb_type))
        for name, duckdb_type, *_ in warehouse.execute(f"DESCRIBE SELECT * FROM {quoted(schema, table)}").fetchall()
    ]
    loading = sql.Identifier(schema, table + LOADING_SUFFIX)
    definition = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind.ddl)) for name, kind in columns
    )
    cursor.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    cursor.execute(sql.SQL("CREATE TABLE {} ({})").format(loading, definition))
    rows = 0
    with cursor.copy(sql.SQL("COPY {} FROM STDIN").format(loading)) as copy:
        copy.set_types([kind.name for _, kind in columns])
        result = warehouse.execute(f"SELECT * FROM {quoted(schema, table)}")
        while batch := result.fetchmany(BATCH_ROWS):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    return rows


def _swap(cursor: psycopg.Cursor, schema: str, table: str) -> None:
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(schema, table)))
    cursor.execute(
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(
            sql.Identifier(schema, table + LOADING_SUFFIX), sql.Identifier(table)
        )
    )


def redact(url: str) -> str:
    """The URL (or libpq connection string) as it may be shown: user, host, port and database, no password."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        # The driver's message quotes the string, password and all.
        raise PostgresExportError("KPI_EXPORT_POSTGRES_URL is not a PostgreSQL URL or connection string") from None
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


def _scrub(message: str, url: str) -> str:
    password = conninfo_to_dict(url).get("password")
    if not password:
        return message
    return message.replace(password, "***").replace(quote(password, safe=""), "***")
