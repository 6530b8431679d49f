"""Runs started from the UI queue behind one another: the job, an asset page and a backfill alike.

The runs are launched with the UI's own GraphQL requests against the code location that `dagster dev`
loads (workspace.yaml, in its own code server), on an instance configured by dagster_home/dagster.yaml; the
backfill daemon and the run queue daemon then take one step at a time. A stub run launcher stands in for
the run worker, so nothing runs: what is checked is which runs the queue lets start.
"""

import logging

import pytest
import yaml
from dagster import DagsterEvent, DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon
from dagster_graphql.test.utils import execute_dagster_graphql

from pipeline.resources import WAREHOUSE_POOL
from tests.support import REPO
from tools.dagster_ui_requests import (
    ASSET_JOB,
    LAUNCH_BACKFILL,
    LAUNCH_RUN,
    backfill_params,
    launched_backfill_id,
    launched_run_id,
    run_params,
)

POOL_TAG = f".dagster/pool/{WAREHOUSE_POOL}"  # what the queue stores for a run holding the pool
ACTIVE = (DagsterRunStatus.STARTING, DagsterRunStatus.STARTED)


def project_instance(home, shared: bool = False) -> DagsterInstance:
    """An instance with the project's dagster.yaml; `shared`: as on an instance serving other code too, without
    the run limit and with the pool's limit set explicitly, as the README says."""
    settings = yaml.safe_load((REPO / "dagster_home" / "dagster.yaml").read_text())
    settings["run_launcher"] = {"module": "dagster._core.test_utils", "class": "MockedRunLauncher"}
    if shared:
        del settings["concurrency"]["runs"]
    (home / "dagster.yaml").write_text(yaml.safe_dump(settings))
    instance = DagsterInstance.from_config(str(home))
    if shared:
        instance.event_log_storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
    return instance


@pytest.fixture(params=["project instance", "shared instance"])
def instance(request, tmp_path):
    with project_instance(tmp_path, shared=request.param == "shared instance") as instance:
        yield instance


def graphql(context, query: str, variables: dict) -> dict:
    result = execute_dagster_graphql(context, query, variables)
    assert not result.errors, result.errors
    return result.data


@pytest.mark.slow
def test_the_job_an_asset_page_and_a_backfill_start_one_run_at_a_time(instance, monkeypatch):
    monkeypatch.chdir(REPO)
    target = WorkspaceFileTarget(paths=[str(REPO / "workspace.yaml")])
    with create_test_daemon_workspace_context(target, instance) as workspace:
        context = workspace.create_request_context()
        (location,) = context.code_location_names
        job_run = launched_run_id(graphql(context, LAUNCH_RUN, run_params(location, "weekly_kpi", "2025-11-10")))
        asset_run = launched_run_id(
            graphql(context, LAUNCH_RUN, run_params(location, ASSET_JOB, assets=[["reporting", "published_warehouse"]]))
        )
        two_weeks = backfill_params([["reporting", "kpi_sheet"]], ["2025-11-03", "2025-11-10"])
        backfill = launched_backfill_id(graphql(context, LAUNCH_BACKFILL, two_weeks))
        backfill_runs = _backfill_runs(instance, workspace, backfill, expected=2)

        queued = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.QUEUED]))
        assert {run.run_id for run in queued} == {job_run, asset_run, *backfill_runs}
        # No tag needs setting on any path: the instance derives each run's pools from the steps it executes,
        # stores them as the run's hidden pool tag, and the queue counts a run holding one as its one slot.
        assert all(run.run_op_concurrency.all_pools == {WAREHOUSE_POOL} for run in queued)
        tagged = instance.get_runs(RunsFilter(tags={POOL_TAG: "true"}))
        assert {run.run_id for run in tagged} == {run.run_id for run in queued}

        started = _dequeue_one_by_one(instance, workspace, len(queued))
    assert started[:2] == [job_run, asset_run]  # first in, first out
    assert set(started) == {job_run, asset_run, *backfill_runs}


def _backfill_runs(instance, workspace, backfill_id: str, expected: int) -> set[str]:
    """The backfill daemon's iterations until it has submitted its runs."""
    for _ in range(10):
        list(execute_backfill_iteration(workspace, logging.getLogger("backfill")))
        runs = instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill_id}))
        if len(runs) == expected:
            return {run.run_id for run in runs}
    raise AssertionError(f"the backfill submitted {len(runs)} runs, not {expected}")


def _dequeue_one_by_one(instance, workspace, count: int) -> list[str]:
    """Run the queue daemon; each time exactly one run may start, and only once the one before has ended."""
    daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
    started = []
    for _ in range(count):
        for _ in range(2):  # a second pass launches nothing more while a run holds the pool
            list(daemon.run_iteration(workspace))
            active = instance.get_runs(RunsFilter(statuses=list(ACTIVE)))
            assert len(active) == 1, [run.run_id for run in active]
        (run,) = active
        started.append(run.run_id)
        instance.report_dagster_event(
            DagsterEvent(event_type_value=DagsterEventType.RUN_SUCCESS.value, job_name=run.job_name), run.run_id
        )
    list(daemon.run_iteration(workspace))
    assert instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.QUEUED, *ACTIVE])) == []
    return started
