"""Which tables are exported, and the report an export gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# The marts, the sheet's table and the benchmarks: what dashboards chart. The sheet and reference tables
# are a few hundred rows, so they cost nothing; raw, staging and intermediate stay in the warehouse.
EXPORTED_SCHEMAS = ("marts", "reporting", "reference")


@dataclass
class ExportReport:
    target: str
    """Where the tables went: a directory, or a PostgreSQL URL without its password."""
    rows: dict[str, int] = field(default_factory=dict)
    """Rows written per table, by qualified name (schema.table)."""
    seconds: float = 0.0


def open_read_only(database: str | Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(database), read_only=True)
    # Timestamps with time zone leave in UTC, whatever the machine's zone, so both targets hold the same instants.
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def quoted(schema: str, table: str) -> str:
    """schema.table as DuckDB SQL, whatever characters the names hold."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in (schema, table))


def exported_tables(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, table) of every table and view in EXPORTED_SCHEMAS, in a stable order."""
    return connection.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND list_contains(?, table_schema) ORDER BY ALL",
        [list(EXPORTED_SCHEMAS)],
    ).fetchall()
