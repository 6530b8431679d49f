"""The analysts' file is a snapshot published after each successful run: held connections never block a run
and keep their snapshot, and a run killed halfway publishes nothing."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from standin.generator.evolve import evolve
from tests.support import REPO
from tests.support.analyst import Analyst
from tests.support.pipeline_run import pipeline_command, run_log, run_pipeline

CONTACTS = "SELECT count(*) FROM raw_hubspot.contacts"
DBT_MODEL_LINE = re.compile(r"^\d+ of \d+ START sql \w+ model ", re.MULTILINE)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> list[Path]:
    """Three weekly recordings of one CRM, each with more contacts than the one before."""
    root = tmp_path_factory.mktemp("published")
    subprocess.run(
        [sys.executable, "-m", "standin.generator", "--seed", "53", "--persons", "600", "--out", str(root / "A")],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    evolve(root / "A", root / "B", seed=5, days=7)
    evolve(root / "B", root / "C", seed=6, days=7)
    return [root / "A", root / "B", root / "C"]


def _weekly_run(workdir: Path, dataset: Path) -> None:
    result = run_pipeline(workdir, dataset=dataset)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    log = run_log(result).read_text(encoding="utf-8")
    # Succeeding after a lock error and a retry would still have made the run wait on the analyst.
    assert "lock" not in log.lower() and "STEP_UP_FOR_RETRY" not in log


def _fresh_count(published: Path) -> int:
    with duckdb.connect(str(published), read_only=True) as connection:
        return connection.execute(CONTACTS).fetchone()[0]


def test_connections_held_by_analysts_neither_block_runs_nor_see_them(recordings, tmp_path):
    published = tmp_path / "kpi.duckdb"
    _weekly_run(tmp_path, recordings[0])
    counts = [_fresh_count(published)]
    # The duckdb CLI's default: read-write. It holds an exclusive lock on the file it opened.
    read_write = Analyst(published, "read_write")
    try:
        _weekly_run(tmp_path, recordings[1])
        counts.append(_fresh_count(published))
        read_only = Analyst(published, "read_only")
        try:
            _weekly_run(tmp_path, recordings[2])
            counts.append(_fresh_count(published))
            assert counts == sorted(set(counts)), "each recording must be told apart by its count"
            assert read_write.query(CONTACTS) == [[counts[0]]]
            assert read_only.query(CONTACTS) == [[counts[1]]]
            assert read_only.query("SELECT count(*) FROM marts.funnel_weekly")[0][0] > 0
        finally:
            read_only.close()
    finally:
        read_write.close()
    assert _fresh_count(published) == counts[2]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_run_killed_during_dbt_publishes_nothing_and_the_next_run_publishes(recordings, tmp_path):
    published = tmp_path / "kpi.duckdb"
    _weekly_run(tmp_path, recordings[0])
    before, contacts_before = _sha256(published), _fresh_count(published)
    run = subprocess.Popen(
        **pipeline_command(tmp_path, "--verbose", dataset=recordings[1]),  # dbt's own lines, as they come
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    output = ""
    try:
        while not DBT_MODEL_LINE.search(output):
            line = run.stdout.readline()
            assert line, f"the run ended before dbt built a model:\n{output[-4000:]}"
            output += line
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the CLI and its dbt child
        run.wait(timeout=60)
    assert _sha256(published) == before
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []

    _weekly_run(tmp_path, recordings[1])
    assert _fresh_count(published) > contacts_before
