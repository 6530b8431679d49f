"""Reading exported tables back, as comparable rows, from DuckDB, Parquet and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql


def comparable(rows: list) -> list[tuple]:
    """Rows in one order, with values made comparable across the drivers (lists, zones, integral numerics)."""

    def value(item):
        if isinstance(item, list | tuple):
            return tuple(value(element) for element in item)
        if isinstance(item, datetime) and item.tzinfo is not None:
            return item.astimezone(UTC).isoformat()
        if isinstance(item, Decimal) and item.as_tuple().exponent == 0:
            return int(item)  # PostgreSQL numeric for DuckDB's HUGEINT / UBIGINT
        return item

    return sorted((value(row) for row in rows), key=repr)


def warehouse_tables(database: Path, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE list_contains(?, table_schema) "
            "ORDER BY ALL",
            [list(schemas)],
        ).fetchall()


def duckdb_rows(database: Path, query: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(query)
        return [column[0] for column in cursor.description], comparable(cursor.fetchall())


def postgres_rows(url: str, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    with psycopg.connect(url) as connection:
        cursor = connection.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table)))
        return [column.name for column in cursor.description], comparable(cursor.fetchall())


def postgres_tables(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
