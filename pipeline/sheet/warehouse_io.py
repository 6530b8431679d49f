"""Small reads and writes of warehouse tables through Dagster's DuckDBResource."""

from __future__ import annotations

import json
from datetime import date, datetime

from dagster_duckdb import DuckDBResource


def fetch_dicts(duckdb: DuckDBResource, sql: str, parameters: list | None = None) -> list[dict]:
    with duckdb.get_connection() as connection:
        cursor = connection.execute(sql, parameters or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _json_default(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return float(value)  # Decimal


def replace_table(duckdb: DuckDBResource, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    """Replace `table` by `rows` (dicts keyed by the column names), typed as `columns` says, atomically."""
    selects = ", ".join(f"CAST(j->>'{name}' AS {kind}) AS {name}" for name, kind in columns.items())
    schema = table.split(".")[0]
    with duckdb.get_connection() as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {selects} "
            "FROM (SELECT unnest(from_json(?::JSON, '[\"json\"]')) AS j)",
            [json.dumps(rows, default=_json_default, ensure_ascii=False)],
        )
