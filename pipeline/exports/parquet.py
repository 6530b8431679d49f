"""The exported tables as Parquet files, written by DuckDB's own Parquet writer."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.exports.tables import ExportReport, exported_tables, open_read_only, quoted


def write_parquet(database: str | Path, directory: str | Path) -> ExportReport:
    """Write each exported table to `directory`/<schema>.<table>.parquet, replacing the file of the last run.

    Each file is written under a hidden temporary name in the same directory and renamed over the old one
    (atomic on one file system), so a reader sees the old file or the new one, never half a file.
    """
    started = time.monotonic()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(target=str(directory))
    with open_read_only(database) as connection:
        for schema, table in exported_tables(connection):
            name = f"{schema}.{table}"
            final = directory / f"{name}.parquet"
            partial = directory / f".{name}.parquet.{os.getpid()}.partial"
            try:
                # COPY answers with the number of rows it wrote.
                (report.rows[name],) = connection.execute(
                    f"COPY (SELECT * FROM {quoted(schema, table)}) TO '{_literal(partial)}' (FORMAT parquet)"
                ).fetchone()
                os.replace(partial, final)
            finally:
                partial.unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    return report


def _literal(path: Path) -> str:
    """A path inside a SQL string literal (COPY's target cannot be a prepared parameter)."""
    return str(path).replace("'", "''")
