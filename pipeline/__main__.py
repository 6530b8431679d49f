"""`python -m pipeline run [--week YYYY-MM-DD]`: the scheduled weekly job, run once without the UI."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime

from dagster import DagsterInstance

from pipeline.definitions import bind_resources, build_definitions
from pipeline.environment import Environment
from pipeline.partitions import last_complete_week, parse_report_week
from pipeline.preflight import load_run_inputs


def _report_week(week_text: str | None, timezone: str, as_of: datetime) -> date:
    latest = last_complete_week(as_of, timezone)
    if week_text is None:
        return latest
    week = parse_report_week(week_text)
    if week > latest:
        raise ValueError(
            f"--week {week_text}: that week has not ended by {as_of.isoformat()} "
            f"(the data's as-of time); the latest complete week is {latest}"
        )
    return week


def run(week_text: str | None) -> int:
    try:
        env = Environment.from_environ()
        inputs = load_run_inputs(env.config_path)
        resources = bind_resources(env)
        week = _report_week(week_text, inputs.timezone, resources["kpi_config"].as_of())
    except ValueError as error:  # KpiConfigError, SpendCsvError and the dataset's errors are ValueErrors
        print(f"error: {error}", file=sys.stderr)
        return 2
    job = build_definitions(env, resources).resolve_job_def("weekly_kpi")
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    result = job.execute_in_process(partition_key=week.isoformat(), instance=instance, raise_on_error=False)
    status = "succeeded" if result.success else "FAILED"
    outcome = "published" if result.success else "left unchanged"
    print(f"weekly_kpi for the week of {week} {status} (run {result.run_id}); {env.duckdb_path} {outcome}")
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
