"""PostgreSQL column types for DuckDB's, so that every value keeps its type on the way.

Lists become PostgreSQL arrays of the element's type (varchar[] -> text[]): Looker Studio and Tableau show
them as text, and SQL can unnest them. Lists of lists and structs have no counterpart here and stop the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALARS = {
    "BOOLEAN": "bool",
    "TINYINT": "int2",
    "SMALLINT": "int2",
    "UTINYINT": "int2",
    "INTEGER": "int4",
    "USMALLINT": "int4",
    "BIGINT": "int8",
    "UINTEGER": "int8",
    "UBIGINT": "numeric",
    "HUGEINT": "numeric",
    "FLOAT": "float4",
    "DOUBLE": "float8",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "BLOB": "bytea",
}
DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")


@dataclass(frozen=True)
class PostgresType:
    ddl: str
    """As in CREATE TABLE, e.g. numeric(38,2)."""
    name: str
    """As psycopg names it for COPY, e.g. numeric."""


def postgres_type(duckdb_type: str) -> PostgresType:
    if duckdb_type.endswith("[]"):
        element = postgres_type(duckdb_type[:-2])
        if element.name.endswith("[]"):
            raise ValueError(f"DuckDB type {duckdb_type}: lists of lists have no PostgreSQL counterpart here")
        return PostgresType(f"{element.ddl}[]", f"{element.name}[]")
    if decimal := DECIMAL.fullmatch(duckdb_type):
        return PostgresType(f"numeric({decimal[1]},{decimal[2]})", "numeric")
    if duckdb_type not in SCALARS:
        raise ValueError(f"DuckDB type {duckdb_type} has no PostgreSQL counterpart here")
    return PostgresType(SCALARS[duckdb_type], SCALARS[duckdb_type])
