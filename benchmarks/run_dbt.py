"""python -m benchmarks.run_dbt --db PATH --as-of ISO --work-dir DIR: one measured ``dbt build`` (a child).

dbt runs in this fresh process through its programmatic runner (the same code path as the ``dbt`` CLI), so
the peak RSS read at the end is dbt's own. dbt's console output goes to stdout; the figures go to
``<work-dir>/dbt-result.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path

from benchmarks import PROJECT_ROOT
from benchmarks.memory import peak_rss_kib
from pipeline.kpi_config import load_kpi_config
from pipeline.kpi_config.funnel_mapping import dbt_vars

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
RESULT_FILE = "dbt-result.json"


def dbt_build_args(database: Path, as_of: str, work_dir: Path) -> list[str]:
    """The pipeline's own build: kpi.yaml's mappings as dbt vars, the dataset's recording time as as_of."""
    variables = dbt_vars(load_kpi_config(PROJECT_ROOT / "kpi.yaml"), datetime.fromisoformat(as_of))
    variables["warehouse_path"] = str(database)  # read by dbt_project/profiles.yml
    # Target and log paths under the work directory: the benchmark never writes into dbt_project/.
    return [
        "build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(work_dir / "dbt-target"), "--log-path", str(work_dir / "dbt-logs"),
        "--vars", json.dumps(variables),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_dbt", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="DuckDB warehouse file with the raw layer")
    parser.add_argument("--as-of", required=True, help="the dataset's recorded_at (dbt var as_of)")
    parser.add_argument("--work-dir", required=True, type=Path)
    args = parser.parse_args(argv)
    from dbt.cli.main import dbtRunner  # imported here: its import is part of dbt's cost

    started = time.perf_counter()
    outcome = dbtRunner().invoke(dbt_build_args(args.db, args.as_of, args.work_dir))
    seconds = time.perf_counter() - started
    results = outcome.result.results if outcome.result is not None and hasattr(outcome.result, "results") else []
    figures = {
        "seconds": seconds,
        "peak_rss_kib": peak_rss_kib(),
        "success": outcome.success,
        "exception": None if outcome.exception is None else repr(outcome.exception),
        "nodes": [
            {"unique_id": result.node.unique_id, "status": str(result.status), "seconds": result.execution_time,
             "message": result.message}
            for result in results
        ],
    }
    (args.work_dir / RESULT_FILE).write_text(json.dumps(figures, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
