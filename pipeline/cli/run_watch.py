"""The run as it happens, from Dagster's log records: a line per step on the console, a status line while a step
runs, and what the summary or the failure report needs (the sheet, the warnings, the failures)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from dagster import AssetKey, DagsterEvent, DagsterEventType, LoggerDefinition, logger

from pipeline.cli.console import Console
from pipeline.cli.failure import StepFailure
from pipeline.cli.step_lines import is_sync_report, metadata_values, step_line, sync_line
from pipeline.cli.steps import Step

RESTATED = "restated "  # how the sheet asset logs each restatement (pipeline/week_close/report.py)


def listening_logger(handle: Callable[[logging.LogRecord], None]) -> LoggerDefinition:
    """A Dagster logger handing every record of the run, events and the assets' own log lines, to `handle`."""

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handle(record)

    @logger(description="Hands the run's records to the CLI: its console lines and the run's log file.")
    def cli_logger(_init_context):
        python_logger = logging.Logger("dagster", logging.DEBUG)
        python_logger.addHandler(_Handler())
        return python_logger

    return cli_logger


class RunWatch:
    def __init__(self, console: Console, steps: dict[str, Step]):
        self.console = console
        self.steps = steps
        self.started: dict[str, float] = {}
        self.materialized: dict[str, list[tuple[AssetKey, dict[str, Any]]]] = defaultdict(list)
        self.check_results: dict[str, list[bool]] = defaultdict(list)
        self.not_passed: list[str] = []
        self.logged_warnings: list[str] = []
        self.failures: list[StepFailure] = []
        self.run_failure: str | None = None
        self._handlers = {
            DagsterEventType.STEP_START.value: self._step_started,
            DagsterEventType.STEP_RESTARTED.value: self._step_started,
            DagsterEventType.ASSET_MATERIALIZATION.value: self._materialized,
            DagsterEventType.ASSET_CHECK_EVALUATION.value: self._checked,
            DagsterEventType.STEP_SUCCESS.value: self._step_succeeded,
            DagsterEventType.STEP_FAILURE.value: self._step_failed,
            DagsterEventType.STEP_UP_FOR_RETRY.value: self._step_retried,
            DagsterEventType.RUN_FAILURE.value: self._run_failed,
        }

    def __call__(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event: DagsterEvent | None = meta.get("dagster_event")
        if event is None:
            # A running step's own warning; Dagster's about a step it skips come before any start.
            if record.levelno >= logging.WARNING and meta.get("step_key") in self.started:
                self.logged_warnings.append(meta.get("orig_message") or record.getMessage())
            return
        handler = self._handlers.get(event.event_type_value)
        if handler is not None:
            handler(event, record.created)

    def metadata_of(self, key: AssetKey) -> dict[str, Any] | None:
        """What the asset reported, if it was materialized in this run."""
        for materialized in self.materialized.values():
            for asset_key, metadata in materialized:
                if asset_key == key:
                    return metadata
        return None

    def warnings(self) -> list[str]:
        """The assets' warnings, checks that did not pass, and the restatements (one item for all of them)."""
        restated = [line.removeprefix(RESTATED) for line in self.logged_warnings if line.startswith(RESTATED)]
        items = [line for line in self.logged_warnings if not line.startswith(RESTATED)] + self.not_passed
        if restated:
            items.append(
                f"{len(restated)} published value{'s' if len(restated) > 1 else ''} restated, e.g. {restated[0]} "
                "(all in reporting.kpi_restatements)"
            )
        return items

    def not_run(self) -> list[str]:
        """The steps with assets that never started (after a failure upstream)."""
        return [step.name for key, step in self.steps.items() if step.group and key not in self.started]

    def _step(self, event: DagsterEvent) -> Step:
        return self.steps.get(event.step_key) or Step(event.step_key, None, (), 0)

    def _step_started(self, event: DagsterEvent, at: float) -> None:
        step = self._step(event)
        self.started[step.key] = at
        self.console.status(step.key if len(step.assets) > 1 else step.name, self._counter(step))

    def _materialized(self, event: DagsterEvent, _at: float) -> None:
        step = self._step(event)
        metadata = metadata_values(event.event_specific_data.materialization.metadata)
        self.materialized[step.key].append((event.asset_key, metadata))
        if is_sync_report(metadata):
            self.console.line(sync_line(step, event.asset_key, metadata))
        self.console.count(self._counter(step))

    def _checked(self, event: DagsterEvent, _at: float) -> None:
        step = self._step(event)
        evaluation = event.event_specific_data
        self.check_results[step.key].append(evaluation.passed)
        if not evaluation.passed:
            self.not_passed.append(
                f"check {evaluation.check_name} on {evaluation.asset_key.to_user_string()} did not pass "
                f"({evaluation.severity.value})"
            )
        self.console.count(self._counter(step))

    def _step_succeeded(self, event: DagsterEvent, at: float) -> None:
        step = self._step(event)
        materialized = self.materialized[step.key]
        if step.group and not any(is_sync_report(metadata) for _, metadata in materialized):
            results = self.check_results[step.key]
            checks = (results.count(True), results.count(False))
            self.console.status(None)
            self.console.line(step_line(step, materialized, checks, at - self.started.get(step.key, at)))
        self.console.status(None)

    def _step_failed(self, event: DagsterEvent, at: float) -> None:
        step = self._step(event)
        data = event.event_specific_data
        description = data.user_failure_data.description if data.user_failure_data else None
        self.failures.append(StepFailure(step.name, data.error, description))
        seconds = at - self.started.get(step.key, at)
        self.console.status(None)
        self.console.line(f"{step.group or 'check':<11}{step.name} FAILED after {seconds:.1f} s (see below)")

    def _step_retried(self, event: DagsterEvent, _at: float) -> None:
        step = self._step(event)
        data = event.event_specific_data
        cause = StepFailure(step.name, data.error, None).cause
        wait = f" in {data.seconds_to_wait:.0f} s" if data.seconds_to_wait else ""
        self.console.line(f"{step.group or '':<11}{step.name} failed, retrying{wait}: {cause}")
        self.console.status(f"{step.name}: waiting to retry")

    def _run_failed(self, event: DagsterEvent, _at: float) -> None:
        self.run_failure = event.message

    def _counter(self, step: Step) -> str:
        if step.events <= 1:
            return ""
        return f"{len(self.materialized[step.key]) + len(self.check_results[step.key])}/{step.events}"
