"""Publishing: the run's working DuckDB file becomes the analysts' file, whole, in one rename.

DuckDB lets one process write a file while no other holds it open; analysts' notebooks and CLIs would
block the run (and read half-built tables). So the run writes a private working file, and after it has
succeeded a copy of it replaces the published file with `os.replace`. A connection open on the old file
keeps reading the old inode; a new connection opens the new one. The published file is never written in
place: a failed or killed run leaves it exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

STAGING_SUFFIX = ".publishing"


@dataclass(frozen=True)
class Publication:
    path: Path
    size_mb: float
    seconds: float
    tables: dict[str, int]
    """Tables and views per schema in the snapshot."""


def seed_working_file(working: Path, published: Path) -> bool:
    """Start a missing working file from the published one: the last successful run's state, or a warehouse
    written before working files existed, so that its sync cursors carry on instead of a full reload."""
    if working.exists() or not published.is_file():
        return False
    working.parent.mkdir(parents=True, exist_ok=True)
    # Older versions wrote the published file directly: a write-ahead log beside it belongs to it.
    for source, target in ((published.with_name(published.name + ".wal"), working.with_name(working.name + ".wal")),
                           (published, working)):
        if source.is_file():
            staged = target.with_name(target.name + STAGING_SUFFIX)
            shutil.copyfile(source, staged)
            os.replace(staged, target)
    return True


def publish_snapshot(working: Path, published: Path) -> Publication:
    """Replace `published` by a snapshot of `working` (every schema), atomically and durably."""
    started = time.perf_counter()
    if not working.is_file():  # connecting would create an empty database, and publish it
        raise FileNotFoundError(f"no working warehouse to publish at {working}: run the weekly job first")
    published.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_copies(published)
    # The same directory as the published file, so that the rename never crosses file systems.
    handle, name = tempfile.mkstemp(prefix=f".{published.name}.", suffix=STAGING_SUFFIX, dir=published.parent)
    os.close(handle)
    staged = Path(name)
    try:
        # The write lock is held during the copy, so nothing can change the working file under it.
        with duckdb.connect(str(working)) as connection:
            # A checkpoint moves the WAL into the file: the file alone is then the whole database.
            # Measured faster than ATTACH + COPY FROM DATABASE (benchmarks/README.md).
            connection.execute("CHECKPOINT")
            tables = _tables_per_schema(connection)
            shutil.copyfile(working, staged)
        shutil.copymode(working, staged)  # mkstemp's file is private to the run's user; analysts must read it
        _fsync(staged)
        os.replace(staged, published)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    _fsync(published.parent)  # the rename itself survives a power loss
    return Publication(published, published.stat().st_size / 1e6, time.perf_counter() - started, tables)


def _tables_per_schema(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = connection.execute(
        "SELECT schema_name, count(*) FROM (SELECT database_name, schema_name FROM duckdb_tables() UNION ALL "
        "SELECT database_name, schema_name FROM duckdb_views() WHERE NOT internal) "
        "WHERE database_name = current_database() GROUP BY schema_name ORDER BY schema_name"
    ).fetchall()
    return dict(rows)


def _remove_stale_copies(published: Path) -> None:
    """Copies left by a run killed while publishing (runs are serialized: none is in progress)."""
    for stale in published.parent.glob(f".{published.name}.*{STAGING_SUFFIX}"):
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
