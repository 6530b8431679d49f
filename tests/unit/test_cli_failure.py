"""A failed step is reported by its cause (the innermost meaningful message) and, when known, what to do."""

from dagster._utils.error import SerializableErrorInfo

from pipeline.cli.failure import StepFailure, failure_paragraphs, remedy
from pipeline.environment import Environment

ENV = Environment.from_environ({"KPI_DUCKDB_PATH": "/srv/kpi/kpi.duckdb", "KPI_OUTPUT_DIR": "/srv/kpi/out"})
WRAPPER = 'dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op "x":\n'


def error(message: str, cls_name: str, cause: SerializableErrorInfo | None = None) -> SerializableErrorInfo:
    return SerializableErrorInfo(message, ["  File ...\n"], cls_name, cause)


def test_a_failure_is_told_by_its_description_alone_when_it_says_what_its_cause_said():
    dataset_error = error("standin.api.dataset_files.DatasetError: /d/hubspot/deals.jsonl:3: not a JSON object\n",
                          "DatasetError")
    failure = error("dagster._core.definitions.events.Failure: KPI_FIXTURES_DIR=/d: /d/hubspot/deals.jsonl:3: not a "
                    "JSON object; fix the recording\n", "Failure", dataset_error)
    step = StepFailure("hubspot_raw", failure, "KPI_FIXTURES_DIR=/d: /d/hubspot/deals.jsonl:3: not a JSON object; "
                       "fix the recording")
    assert step.cause == "KPI_FIXTURES_DIR=/d: /d/hubspot/deals.jsonl:3: not a JSON object; fix the recording"


def test_dagsters_wrapper_is_skipped_and_each_cause_that_says_more_is_kept_built_ins_by_their_name():
    os_error = error("FileNotFoundError: [Errno 2] No such file or directory: '/srv/kpi/out/x.xlsx'\n",
                     "FileNotFoundError")
    wrapped = error(WRAPPER, "DagsterExecutionStepExecutionError",
                    error("RuntimeError: writing the sheet failed\n", "RuntimeError", os_error))
    assert StepFailure("reporting/kpi_sheet", wrapped, None).cause == (
        "RuntimeError: writing the sheet failed; caused by FileNotFoundError: [Errno 2] No such file or directory: "
        "'/srv/kpi/out/x.xlsx'"
    )


def test_a_dbt_failure_is_told_by_the_errors_dbt_logged():
    message = (
        "dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command\n\n`dbt build --vars {}`\n\n"
        "failed with exit code `1`. Check the stdout in the Dagster compute logs for the full information about the "
        "error.\n\nErrors parsed from dbt logs:\n\nRuntime Error in model funnel_weekly (models/marts/funnel_weekly"
        ".sql)\n  Binder Error: column x not found\n"
    )
    wrapped = error(WRAPPER, "DagsterExecutionStepExecutionError", error(message, "DagsterDbtCliRuntimeError"))
    assert StepFailure("warehouse_dbt", wrapped, None).cause == (
        "dbt build failed: Runtime Error in model funnel_weekly (models/marts/funnel_weekly.sql) Binder Error: "
        "column x not found"
    )


def test_a_path_of_the_environment_in_an_os_error_names_its_variable():
    assert remedy("PermissionError: [Errno 13] Permission denied: '/srv/kpi/out/kpi_sheet_2025-11-10.xlsx'", ENV) == (
        "check KPI_OUTPUT_DIR=/srv/kpi/out (where the weekly sheets are written) or point KPI_OUTPUT_DIR elsewhere"
    )
    assert remedy("IO Error: Could not set lock on file \"/srv/kpi/working/kpi.duckdb\"", ENV).startswith(
        "another process holds the warehouse file open for writing"
    )
    assert remedy("this warehouse holds hubspot data synced from HubSpot portal 1", ENV) is None


def test_steps_failed_of_one_cause_share_a_paragraph_and_what_did_not_run_follows():
    same = error("connectors.errors.SourceRejected: the portal refused the token\n", "SourceRejected")
    paragraphs = failure_paragraphs(
        [StepFailure("hubspot_raw (raw_hubspot/*: 4 assets)", same, None),
         StepFailure("salesforce_raw (raw_salesforce/*: 6 assets)", same, None)],
        ["warehouse_dbt (29 assets)", "reporting/kpi_sheet"],
        ENV,
    )
    assert paragraphs == [
        "FAILED: hubspot_raw (raw_hubspot/*: 4 assets) and salesforce_raw (raw_salesforce/*: 6 assets): the portal "
        "refused the token. Not run: warehouse_dbt (29 assets), reporting/kpi_sheet."
    ]
