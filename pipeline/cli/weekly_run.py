"""One run of the weekly job in this process: inputs checked, the run reported step by step, then summed up.

Exit codes: 0 the run succeeded, 1 it failed (the reason, and the log holding the trace, are printed), 2 the
input was refused before anything ran (kpi.yaml, the environment, --week).
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import date

from dagster import AssetKey, DagsterInstance, ExecuteInProcessResult, JobDefinition, colored_console_logger

from pipeline.cli.console import Console
from pipeline.cli.data_weeks import available_weeks
from pipeline.cli.failure import StepFailure, failure_paragraphs, log_pointer
from pipeline.cli.run_log import RunLog
from pipeline.cli.run_watch import RunWatch, listening_logger
from pipeline.cli.steps import job_steps
from pipeline.cli.summary import RunSummary, read_kpis
from pipeline.cli.weeks import WeekRefused, choose_report_week
from pipeline.definitions import bind_resources, build_definitions
from pipeline.environment import Environment
from pipeline.preflight import RunInputs, load_run_inputs

JOB = "weekly_kpi"
KPI_SHEET = AssetKey(["reporting", "kpi_sheet"])
PUBLISHED = AssetKey(["reporting", "published_warehouse"])


def run(week_text: str | None, verbose: bool) -> int:
    try:
        env = Environment.from_environ()
        inputs = load_run_inputs(env.config_path)
        resources = bind_resources(env)
    except ValueError as error:  # KpiConfigError, SpendCsvError and the dataset's errors are ValueErrors
        return _refuse(str(error))
    definitions = build_definitions(env, resources)  # parses the dbt project if it changed (quietly)
    job = definitions.resolve_job_def(JOB)
    as_of = resources["kpi_config"].as_of()
    try:
        week = choose_report_week(week_text, available_weeks(env, inputs.timezone, as_of, job.partitions_def))
    except WeekRefused as error:
        return _refuse(str(error))
    run_id = str(uuid.uuid4())
    try:
        log = RunLog(env.log_dir, run_id)
    except OSError as error:
        return _refuse(f"KPI_LOG_DIR={env.log_dir}: the run's log cannot be written there ({error.strerror})")

    console = Console(sys.stdout, live=not verbose)
    watch = RunWatch(console, job_steps(definitions))
    console.line(f"{JOB} for the week of {week}: {_sources(env, as_of.isoformat())}; full log: {log.path}")
    try:
        with console.running(), log.capturing_output(echo=verbose):
            succeeded = _execute(job, week, run_id, [log.record, watch], verbose).success
    finally:
        log.close()
    if succeeded:
        _print_summary(console, env, inputs, week, watch)
    else:
        _print_failure(env, watch, log)
    outcome = "published" if watch.metadata_of(PUBLISHED) is not None else "left unchanged"
    status = "succeeded" if succeeded else "FAILED"
    console.line(f"{JOB} for the week of {week} {status} (run {run_id}); {env.duckdb_path} {outcome}")
    return 0 if succeeded else 1


def _refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _sources(env: Environment, as_of: str) -> str:
    if env.recorded:
        return f"fixture mode, {env.fixtures_dir} as recorded at {as_of}"
    return "HubSpot and Salesforce (live)"


def _execute(job: JobDefinition, week: date, run_id: str, listeners: list, verbose: bool) -> ExecuteInProcessResult:
    """The job in this process; its records go to `listeners`, and with `verbose` to Dagster's console too."""

    def hand_on(record) -> None:
        for listener in listeners:
            listener(record)

    loggers = {"cli": listening_logger(hand_on)}
    logger_config: dict = {"cli": {}}
    if verbose:
        loggers["console"] = colored_console_logger
        logger_config["console"] = {"config": {"log_level": "DEBUG"}}
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    return job.with_logger_defs(loggers).execute_in_process(
        run_config={"loggers": logger_config},
        partition_key=week.isoformat(),
        instance=instance,
        run_id=run_id,
        raise_on_error=False,
    )


def _print_summary(console: Console, env: Environment, inputs: RunInputs, week: date, watch: RunWatch) -> None:
    sheet = watch.metadata_of(KPI_SHEET) or {}
    published = watch.metadata_of(PUBLISHED) or {}
    summary = RunSummary(
        week=week,
        timezone=inputs.timezone,
        language=inputs.config.reporting.language,
        kpis=read_kpis(env.working_duckdb_path, week, inputs.config.reporting),
        xlsx=str(sheet.get("xlsx", "")),
        csv=str(sheet.get("csv", "")),
        published=str(published.get("path", env.duckdb_path)),
        warnings=watch.warnings(),
    )
    console.line("")
    for line in summary.lines():
        console.line(line)


def _print_failure(env: Environment, watch: RunWatch, log: RunLog) -> None:
    failures = watch.failures or [StepFailure("the run", None, watch.run_failure)]
    print("", file=sys.stderr)
    for paragraph in failure_paragraphs(failures, watch.not_run(), env):
        print(paragraph, file=sys.stderr)
    print(log_pointer(log.path), file=sys.stderr)
