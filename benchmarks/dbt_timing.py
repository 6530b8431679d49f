"""Times ``dbt build`` on a synced warehouse in a child process (benchmarks.run_dbt) and reads its figures."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import PROJECT_ROOT
from benchmarks.run_dbt import RESULT_FILE, dbt_build_args

SLOWEST_NODES_SHOWN = 5
FAILED_STATUSES = ("error", "fail", "runtime error")


@dataclass
class DbtTiming:
    command: str  # the equivalent dbt CLI command
    seconds: float  # dbt build itself
    process_seconds: float  # the whole child, interpreter and dbt imports included
    peak_rss_kib: int
    success: bool
    statuses: dict[str, int]  # node status -> count
    failures: list[str] = field(default_factory=list)  # nodes that errored or failed, with dbt's message
    slowest: list[tuple[str, float]] = field(default_factory=list)  # (node, seconds)
    log_file: str = ""


def time_dbt_build(database: Path, as_of: str, work_dir: Path) -> DbtTiming:
    result_file, log_file = work_dir / RESULT_FILE, work_dir / "dbt-build.log"
    result_file.unlink(missing_ok=True)  # a stale one would report another run
    started = time.perf_counter()
    with log_file.open("w") as output:
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.run_dbt", "--db", str(database), "--as-of", as_of,
             "--work-dir", str(work_dir)],
            stdout=output, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
        )
    process_seconds = time.perf_counter() - started
    if not result_file.is_file():
        raise RuntimeError(f"dbt child exited with {completed.returncode} and no figures; see {log_file}")
    figures = json.loads(result_file.read_text(encoding="utf-8"))
    nodes = figures["nodes"]
    build_args = dbt_build_args(database, as_of, work_dir)
    return DbtTiming(
        command=f".venv/bin/dbt {' '.join(build_args[:-1])} '{build_args[-1]}'",
        seconds=figures["seconds"], process_seconds=process_seconds, peak_rss_kib=figures["peak_rss_kib"],
        success=figures["success"], statuses=dict(Counter(node["status"] for node in nodes)),
        failures=[f"{node['unique_id']}: {node['status']}: {(node['message'] or '').strip()}"
                  for node in nodes if node["status"] in FAILED_STATUSES]
        + ([f"dbt raised {figures['exception']}"] if figures["exception"] else []),
        slowest=[(node["unique_id"], node["seconds"])
                 for node in sorted(nodes, key=lambda node: -node["seconds"])[:SLOWEST_NODES_SHOWN]],
        log_file=str(log_file),
    )
