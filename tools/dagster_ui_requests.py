"""The GraphQL requests the Dagster UI sends to launch runs, as the screenshot script and the queue test send them.

A run of the weekly job (Jobs > weekly_kpi > Materialize), of an asset from its page (the implicit job
`__ASSET_JOB` with an asset selection) and an asset backfill (the partition dialog with several weeks) are
the three ways a person starts a run in the UI; every one is submitted to the instance's run queue.
"""

from __future__ import annotations

REPOSITORY = "__repository__"  # the one repository of a Definitions object
ASSET_JOB = "__ASSET_JOB"  # the implicit job of an asset page's Materialize button

LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}
"""

LAUNCH_BACKFILL = """
mutation LaunchBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}
"""

RUN_STATUS = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { status } ... on Error { message } }
}
"""

BACKFILL_STATUS = """
query BackfillStatus($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill { status }
    ... on Error { message }
  }
}
"""

LOCATION_NAMES = """
query Locations {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name loadStatus locationOrLoadError { __typename } } }
  }
}
"""


def run_params(location: str, job: str, partition: str | None = None, assets: list[list[str]] | None = None) -> dict:
    """launchPipelineExecution's variables: a job's run, or with `assets` an asset page's run."""
    selector = {"repositoryLocationName": location, "repositoryName": REPOSITORY, "jobName": job}
    if assets is not None:
        selector["assetSelection"] = [{"path": path} for path in assets]
    tags = [{"key": "dagster/partition", "value": partition}] if partition else []
    return {"executionParams": {"selector": selector, "executionMetadata": {"tags": tags}, "mode": "default"}}


def backfill_params(assets: list[list[str]], partitions: list[str] | None = None) -> dict:
    """launchPartitionBackfill's variables: an asset backfill of `partitions` (None: all of them)."""
    params: dict = {"assetSelection": [{"path": path} for path in assets]}
    if partitions is None:
        params["allPartitions"] = True
    else:
        params["partitionNames"] = partitions
    return {"backfillParams": params}


def launched_run_id(data: dict) -> str:
    result = data["launchPipelineExecution"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"run not launched: {result}")
    return result["run"]["runId"]


def launched_backfill_id(data: dict) -> str:
    result = data["launchPartitionBackfill"]
    if result["__typename"] != "LaunchBackfillSuccess":
        raise RuntimeError(f"backfill not launched: {result}")
    return result["backfillId"]
