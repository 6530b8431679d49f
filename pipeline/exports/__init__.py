"""Exports of the warehouse for BI tools (Looker Studio, Tableau), which cannot read a DuckDB file.

Each export reads a DuckDB file read-only and writes every table of the schemas in EXPORTED_SCHEMAS:
as Parquet files (parquet.py) or into PostgreSQL (postgres.py).
"""

from pipeline.exports.parquet import write_parquet
from pipeline.exports.postgres import copy_to_postgres, redact
from pipeline.exports.tables import EXPORTED_SCHEMAS, ExportReport

__all__ = ["EXPORTED_SCHEMAS", "ExportReport", "copy_to_postgres", "redact", "write_parquet"]
