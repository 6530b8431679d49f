"""`python -m pipeline run` in a subprocess, on a fixture dataset, as the scheduled job runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPO


def pipeline_command(
    workdir: Path, *args: str, config: Path | None = None, dataset: Path | None = None, **settings: str
) -> dict:
    """Popen's arguments for a run on `dataset`: the published file workdir/kpi.duckdb, the working one in work/."""
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("HUBSPOT_", "SALESFORCE_"))},
        "KPI_FIXTURES_DIR": str(dataset or workdir / "dataset"),
        "KPI_DUCKDB_PATH": str(workdir / "kpi.duckdb"),
        "KPI_WORKING_DUCKDB_PATH": str(workdir / "work" / "kpi.duckdb"),
        "KPI_OUTPUT_DIR": str(workdir / "output"),
        "KPI_CONFIG": str(config or REPO / "kpi.yaml"),
        **settings,
    }
    env.pop("DAGSTER_HOME", None)
    return {"args": [sys.executable, "-m", "pipeline", "run", *args], "cwd": REPO, "env": env, "text": True}


def run_pipeline(workdir: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(**pipeline_command(workdir, *args, **options), capture_output=True, timeout=900)


def run_log(result: subprocess.CompletedProcess) -> Path:
    """The run's full log, which the first line of the CLI's output names."""
    first_line = result.stdout.splitlines()[0]
    return Path(first_line.rsplit("; full log: ", 1)[1])
