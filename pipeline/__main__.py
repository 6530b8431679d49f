"""`python -m pipeline run [--week YYYY-MM-DD]`: the scheduled weekly job, run once without the UI."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from dagster import DagsterInstance

from pipeline import settings
from pipeline.config import KpiConfigError, load_kpi_config
from pipeline.partitions import last_complete_week, parse_report_week


def _default_week(timezone: str):
    if settings.fixture_mode():
        from connectors.fixture_api.dataset import Dataset

        as_of = Dataset.read_recorded_at(settings.fixtures_dir())
    else:
        as_of = datetime.now(UTC)
    return last_complete_week(as_of, timezone)


def run(week_text: str | None) -> int:
    try:
        config = load_kpi_config(settings.config_path())
        week = parse_report_week(week_text) if week_text else _default_week(config.timezone)
    except (KpiConfigError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from pipeline.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    job = defs.resolve_job_def("weekly_kpi")
    result = job.execute_in_process(partition_key=week.isoformat(), instance=instance, raise_on_error=False)
    status = "succeeded" if result.success else "FAILED"
    print(f"weekly_kpi for the week of {week} {status} (run {result.run_id})")
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the weekly_kpi job once, in this process")
    run_parser.add_argument("--week", help="report week (its Monday, YYYY-MM-DD); default: the last complete week")
    args = parser.parse_args(argv)
    return run(args.week)


if __name__ == "__main__":
    sys.exit(main())
