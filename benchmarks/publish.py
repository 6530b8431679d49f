"""python -m benchmarks.publish [WAREHOUSE ...]: seconds and MB of publishing a working warehouse file.

Each file is first copied into a scratch directory (publishing checkpoints the working file, and the input
is left untouched). Measured: pipeline.publish.publish_snapshot (CHECKPOINT, file copy, fsync, rename), and
for comparison the other way to snapshot a DuckDB file, ATTACH + COPY FROM DATABASE into a new file.
Default input: the demo's working file, data/working/kpi.duckdb, left by `python -m pipeline run`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from pipeline.environment import PROJECT_ROOT
from pipeline.publish import publish_snapshot

DEMO_WORKING_FILE = PROJECT_ROOT / "data" / "working" / "kpi.duckdb"


def _copy_from_database_seconds(working: Path, target: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect(":memory:") as connection:
        connection.execute(f"ATTACH '{working}' AS working (READ_ONLY)")
        connection.execute(f"ATTACH '{target}' AS snapshot")
        connection.execute("COPY FROM DATABASE working TO snapshot")
    return time.perf_counter() - started


def measure(warehouse: Path, scratch: Path) -> str:
    working = scratch / "work" / warehouse.name
    working.parent.mkdir(parents=True)
    shutil.copyfile(warehouse, working)
    publication = publish_snapshot(working, scratch / warehouse.name)
    copied = scratch / f"copy-{warehouse.name}"
    seconds = _copy_from_database_seconds(working, copied)
    return (
        f"| {warehouse} | {publication.size_mb:.1f} | {publication.seconds:.3f} | {sum(publication.tables.values())} "
        f"| {seconds:.3f} | {copied.stat().st_size / 1e6:.1f} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.publish", description=__doc__.splitlines()[0])
    parser.add_argument("warehouses", type=Path, nargs="*", default=[DEMO_WORKING_FILE])
    args = parser.parse_args(argv)
    print("| warehouse | MB | publish s | tables and views | COPY FROM DATABASE s | its MB |")
    print("|---|---|---|---|---|---|")
    for warehouse in args.warehouses:
        with tempfile.TemporaryDirectory(prefix="kpi-publish-") as scratch:
            print(measure(warehouse.resolve(), Path(scratch)), flush=True)


if __name__ == "__main__":
    main()
