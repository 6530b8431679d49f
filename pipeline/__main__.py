"""`python -m pipeline run [--week YYYY-MM-DD] [--verbose]`: the scheduled weekly job, run once without the UI.

By default one line per step and a summary (the week's KPIs, the sheet, the published warehouse, warnings);
the full Dagster and dbt log goes to KPI_LOG_DIR/run-<run id>.log. Exit codes: 0 succeeded, 1 failed, 2 input
refused before anything ran.
"""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.weekly_run import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the weekly_kpi job once, in this process")
    run_parser.add_argument("--week", help="report week (its Monday, YYYY-MM-DD); default: the last complete week")
    run_parser.add_argument("--verbose", action="store_true", help="also show Dagster's and dbt's own logs")
    args = parser.parse_args(argv)
    return run(args.week, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
