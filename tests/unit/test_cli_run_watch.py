"""The CLI follows a run through Dagster's log records: a line per step, the warnings, the failures."""

import io

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSpec,
    Definitions,
    Failure,
    MaterializeResult,
    asset,
    asset_check,
    define_asset_job,
    multi_asset,
)

from pipeline.cli.console import Console
from pipeline.cli.run_watch import RunWatch, listening_logger
from pipeline.cli.steps import job_steps

SYNC_REPORT = {"mode": "incremental", "rows_fetched": 1200, "rows_inserted": 3, "rows_updated": 2, "rows_deleted": 1,
               "api_calls": 14, "duration_s": 0.8}


@multi_asset(specs=[AssetSpec(["raw_crm", name], group_name="crm") for name in ("leads", "deals")])
def crm_raw():
    yield MaterializeResult(asset_key=["raw_crm", "leads"], metadata=SYNC_REPORT)
    yield MaterializeResult(asset_key=["raw_crm", "deals"], metadata=SYNC_REPORT | {"rows_fetched": 7})


@asset(key=["reporting", "sheet"], deps=[AssetKey(["raw_crm", "leads"])], group_name="reporting")
def sheet(context):
    context.log.warning("explicit targets imply a revenue 12% below the KGI")
    for week in ("2025-11-03", "2025-10-27"):
        context.log.warning(f"restated week {week} new_leads: 60 → 61 (+1.7%), preliminary; reasons late_sync")
    return MaterializeResult(metadata={"xlsx": "/o/s.xlsx", "csv": "/o/s.csv", "kpi_sheet_rows": 11,
                                       "frozen_as": "preliminary", "restatements": 2})


@asset_check(asset=["reporting", "sheet"])
def sheet_holds():
    return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)


@asset(key=["reporting", "published"], deps=[AssetKey(["reporting", "sheet"])], group_name="reporting")
def published():
    raise Failure("the published file is locked; close it and run again")


@asset(key=["exports", "files"], deps=[AssetKey(["reporting", "published"])], group_name="exports")
def exports():
    return MaterializeResult()


def watched_run() -> tuple[RunWatch, str]:
    definitions = Definitions(assets=[crm_raw, sheet, published, exports], asset_checks=[sheet_holds],
                              jobs=[define_asset_job("job")])
    stream = io.StringIO()
    watch = RunWatch(Console(stream, live=True), job_steps(definitions))
    job = definitions.resolve_job_def("job").with_logger_defs({"cli": listening_logger(watch)})
    assert not job.execute_in_process(run_config={"loggers": {"cli": {}}}, raise_on_error=False).success
    return watch, stream.getvalue()


def test_each_step_is_a_line_and_a_failure_is_told_by_its_description():
    watch, output = watched_run()
    lines = output.splitlines()
    assert len(lines) == 4, output
    assert lines[0].split() == ["crm", "raw_crm/leads", "1,200", "fetched", "3", "inserted", "2", "updated", "1",
                                "deleted", "14", "API", "calls", "0.8", "s", "(incremental)"]
    assert lines[1].startswith("crm        raw_crm/deals ")
    assert lines[2].startswith("reporting  reporting/sheet ")
    assert "sheet written; 11 rows in reporting.kpi_sheet, frozen: preliminary, 2 restatements" in lines[2]
    assert lines[3].startswith("reporting  reporting/published FAILED after ")
    (failure,) = watch.failures
    assert (failure.step, failure.cause) == ("reporting/published", "the published file is locked; close it and run "
                                                                    "again")
    assert watch.not_run() == ["exports/files"]
    assert watch.metadata_of(AssetKey(["reporting", "sheet"]))["xlsx"] == "/o/s.xlsx"


def test_the_warnings_are_the_assets_own_the_checks_that_did_not_pass_and_the_restatements_in_one():
    watch, _ = watched_run()
    assert watch.warnings() == [
        "explicit targets imply a revenue 12% below the KGI",
        "check sheet_holds on reporting/sheet did not pass (WARN)",
        "2 published values restated, e.g. week 2025-11-03 new_leads: 60 → 61 (+1.7%), preliminary; reasons "
        "late_sync (all in reporting.kpi_restatements)",
    ]
