"""python -m benchmarks.sync_and_transform [--sizes 10000 200000] [--work-dir DIR] [--skip-dbt]

For each size: a full sync of HubSpot and Salesforce from a generated recording, an incremental sync from
the recording a week later, then ``dbt build`` on the resulting warehouse. Prints records/s, API calls
against the minimum possible, and peak RSS; see benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from benchmarks import report
from benchmarks.datasets import dataset_pair, record_counts, recorded_at
from benchmarks.dbt_timing import DbtTiming, time_dbt_build
from benchmarks.fixture_server import FixtureServer
from benchmarks.measure import SyncMeasurement, raw_row_counts, run_sync_child
from benchmarks.minimum_calls import hubspot_minimums, salesforce_minimums

SOURCES = ("hubspot", "salesforce")
MINIMUMS = {"hubspot": hubspot_minimums, "salesforce": salesforce_minimums}


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _sync_round(persons: int, mode: str, dataset: Path, changes: dict | None, database: Path,
                log_dir: Path) -> list[SyncMeasurement]:
    """Both sources against one fixture API process serving ``dataset``."""
    counts = record_counts(dataset)
    measurements = []
    _progress(f"{persons:,} persons, {mode}: starting the fixture API on {dataset.name}")
    with FixtureServer(dataset, log_dir / f"fixture-api-p{persons}-{mode}.log") as server:
        for source in SOURCES:
            _progress(f"{persons:,} persons, {mode}: syncing {source}")
            server.take_requests()  # start counting from here
            child = run_sync_child(source, database, server)
            measurements.append(SyncMeasurement(
                persons=persons, source=source, mode=mode, seconds=child["seconds"],
                cpu_seconds=child["cpu_seconds"],
                peak_rss_kib=child["peak_rss_kib"], peak_rss_half_pages_kib=child["peak_rss_half_pages_kib"],
                rss_before_sync_kib=child["rss_before_sync_kib"],
                reports=child["reports"], minimums=MINIMUMS[source](counts, changes),
                requests=server.take_requests(), raw_rows=raw_row_counts(database, source, counts, changes),
            ))
    return measurements


def _benchmark_size(args: argparse.Namespace, persons: int) -> tuple[list[SyncMeasurement], DbtTiming | None]:
    _progress(f"{persons:,} persons: generating or reusing datasets under {args.work_dir}/datasets")
    pair = dataset_pair(args.work_dir, args.seed, persons, args.evolve_seed, args.days)
    database = args.work_dir / f"warehouse-p{persons}.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)  # a full load starts from an empty raw layer
    measurements = _sync_round(persons, "full", pair.base, None, database, args.work_dir)
    measurements += _sync_round(persons, "incremental", pair.evolved, pair.changes, database, args.work_dir)
    if args.skip_dbt:
        return measurements, None
    _progress(f"{persons:,} persons: dbt build")
    return measurements, time_dbt_build(database, recorded_at(pair.evolved), args.work_dir)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync_and_transform",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000], help="persons per dataset")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/kpi-bench"),
                        help="datasets (cached by seed and size), warehouses, logs (default: %(default)s)")
    parser.add_argument("--skip-dbt", action="store_true", help="measure the syncs only")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: %(default)s)")
    parser.add_argument("--evolve-seed", type=int, default=8, help="seed of the next recording (default: %(default)s)")
    parser.add_argument("--days", type=int, default=7, help="days between the two recordings (default: %(default)s)")
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error(f"--sizes must be positive, got {args.sizes}")
    args.work_dir = args.work_dir.resolve()
    return args


def _print_size(measurements: list[SyncMeasurement], timing: DbtTiming | None) -> None:
    print("Syncs (calls made = requests the fixture API answered; data calls = calls made - overhead calls)")
    print(report.sync_summary(measurements))
    print("\nPer stream (calls = the connector's SyncReport.api_calls)")
    print(report.stream_details(measurements))
    print("\nChecks")
    print(report.call_checks(measurements))
    if timing is not None:
        print("\ndbt build")
        print(report.dbt_summary({measurements[0].persons: timing}))
    print(flush=True)


def main(argv: list[str] | None = None) -> None:
    """Prints each size's tables as soon as it is done; results.json holds every size measured so far."""
    args = _parse_args(argv)
    measurements: list[SyncMeasurement] = []
    timings: dict[int, DbtTiming] = {}
    for persons in args.sizes:
        size_measurements, timing = _benchmark_size(args, persons)
        _print_size(size_measurements, timing)
        measurements += size_measurements
        if timing is not None:
            timings[persons] = timing
        results = {"syncs": [asdict(m) | {"requests": [[*key, count] for key, count in m.requests.items()]}
                             for m in measurements],
                   "dbt": {persons: asdict(timing) for persons, timing in timings.items()}}
        (args.work_dir / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    _progress(f"figures also written to {args.work_dir / 'results.json'}")


if __name__ == "__main__":
    main()
