"""`python -m pipeline run` in a subprocess, on a fixture dataset, as the scheduled job runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPO


def run_pipeline(
    workdir: Path, *args: str, config: Path | None = None, dataset: Path | None = None, **settings: str
) -> subprocess.CompletedProcess:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("HUBSPOT_", "SALESFORCE_"))},
        "KPI_FIXTURES_DIR": str(dataset or workdir / "dataset"),
        "KPI_DUCKDB_PATH": str(workdir / "kpi.duckdb"),
        "KPI_OUTPUT_DIR": str(workdir / "output"),
        "KPI_CONFIG": str(config or REPO / "kpi.yaml"),
        **settings,
    }
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
