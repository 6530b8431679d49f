"""What `python -m pipeline run` prints: a line per step and a summary, the reason of a failure with its log, and
refusals of bad input before anything runs, each naming what to change (slow, as end_to_end/ is: see conftest)."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from connectors.raw_schema import RAW_TABLES
from tests.support import REPO
from tests.support.pipeline_run import run_log, run_pipeline

DEMO = REPO / "fixtures" / "demo"
WEEK = "2025-11-10"  # the demo's last complete week
WEEKS_THAT_EXIST = "the report weeks that exist are the Mondays from 2024-11-18 to 2025-11-10"
SYNC_LINE = re.compile(r"^(hubspot|salesforce) +(raw_\w+/\w+) +([\d,]+) fetched +([\d,]+) inserted +([\d,]+) updated "
                       r"+([\d,]+) deleted +(\d+) API calls +[\d.]+ s \((full|incremental)\)$")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The demo run twice into one warehouse: as scheduled, then again on the same (unchanged) data, verbose."""
    workdir = tmp_path_factory.mktemp("cli")
    first = run_pipeline(workdir, dataset=DEMO)
    second = run_pipeline(workdir, "--verbose", dataset=DEMO)
    for result in (first, second):
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return workdir, first, second


def sync_lines(output: str) -> dict[str, re.Match]:
    return {match[2]: match for match in map(SYNC_LINE.match, output.splitlines()) if match}


def test_a_run_says_in_a_few_plain_lines_what_it_did_and_where_things_are(runs):
    workdir, first, _ = runs
    lines = first.stdout.splitlines()
    assert len(lines) <= 40, first.stdout
    assert "\x1b" not in first.stdout and first.stderr == ""
    assert set(sync_lines(first.stdout)) == {name.replace(".", "/") for name in RAW_TABLES}
    assert all(match[8] == "full" for match in sync_lines(first.stdout).values())
    output, published = workdir / "output", workdir / "kpi.duckdb"
    sheet, csv = output / f"kpi_sheet_{WEEK}.xlsx", output / f"kpi_sheet_{WEEK}.csv"
    assert f"Sheet      {sheet}" in lines and f"           {csv}" in lines
    assert f"Warehouse  {published} (published for analysts)" in lines
    assert ("Warnings   - check values_between_zero_and_one_funnel_weekly_sql_to_opportunity_rate on "
            "marts/funnel_weekly did not pass (WARN)") in lines
    run_id = run_log(first).stem.removeprefix("run-")
    assert lines[-1] == f"weekly_kpi for the week of {WEEK} succeeded (run {run_id}); {published} published"


def test_the_summary_shows_each_kpi_of_the_week_with_its_attainment(runs):
    workdir, first, _ = runs
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        kpis = connection.execute(
            "SELECT kpi_name, attainment_pct FROM reporting.kpi_sheet WHERE week_start = ?", [WEEK]
        ).fetchall()
    assert len(kpis) == 11
    for name, attainment in kpis:
        (line,) = [line for line in first.stdout.splitlines() if line.startswith(f"  {name} ")]
        assert line.split()[-2] == ("—" if attainment is None else f"{attainment:.1f}%"), line


def test_the_run_log_holds_dagsters_and_dbts_whole_log_without_colours(runs):
    _, first, _ = runs
    log = run_log(first).read_text(encoding="utf-8")
    assert "STEP_START" in log and "ASSET_CHECK_EVALUATION" in log
    assert "Done. PASS=" in log  # dbt's own summary
    assert "\x1b" not in log


def test_a_rerun_on_unchanged_data_stores_nothing_new(runs):
    _, _, second = runs
    lines = sync_lines(second.stdout)
    assert len(lines) == len(RAW_TABLES)
    for match in lines.values():
        assert (match[4], match[5], match[6]) == ("0", "0", "0"), match[0]


def test_verbose_shows_dagsters_and_dbts_own_logs_too(runs):
    _, first, second = runs
    assert "STEP_START" in second.stderr and "Done. PASS=" in second.stdout
    assert len((second.stdout + second.stderr).splitlines()) > 10 * len(first.stdout.splitlines())
    assert "\x1b" not in second.stdout + second.stderr  # dbt's colours too, off a terminal
    assert second.stdout.splitlines()[-1].startswith(f"weekly_kpi for the week of {WEEK} succeeded")


@pytest.mark.parametrize(
    ("week", "reason"),
    [
        ("2023-06-05", "before the data's first week (2024-11-18)"),
        ("2025-11-17", "that week had not ended by 2025-11-17T01:00:00+00:00 (the data's as-of time)"),
        ("2025-11-12", "not a Monday (report weeks start on Monday; 2025-11-12 is in the week of 2025-11-10)"),
        ("2025/11/10", "not a date (expected YYYY-MM-DD, a Monday)"),
    ],
)
def test_a_bad_week_is_refused_before_anything_runs_naming_the_weeks_that_exist(tmp_path, week, reason):
    result = run_pipeline(tmp_path, "--week", week, dataset=DEMO)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: --week {week}: {reason}; {WEEKS_THAT_EXIST}\n"
    assert list(tmp_path.iterdir()) == []  # no warehouse, no log


def test_a_failed_run_names_the_step_the_cause_and_the_log_holding_the_trace(tmp_path):
    dataset = tmp_path / "dataset"
    shutil.copytree(DEMO, dataset)
    deals = dataset / "hubspot" / "deals.jsonl"
    lines = deals.read_text(encoding="utf-8").splitlines()
    lines[2] = '{"id": "5000003",'
    deals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_pipeline(tmp_path, dataset=dataset)
    assert result.returncode == 1
    cause = (
        f"KPI_FIXTURES_DIR={dataset}: {deals}:3: not a JSON object: Expecting property name enclosed in double "
        "quotes; fix the recording or point KPI_FIXTURES_DIR at another one (layout: fixtures/README.md)"
    )
    blank, paragraph, pointer = result.stderr.splitlines()
    assert blank == ""
    assert paragraph.startswith(
        f"FAILED: hubspot_raw (raw_hubspot/*: 5 assets) and salesforce_raw (raw_salesforce/*: 7 assets): {cause}. "
        "Not run: warehouse_dbt (34 assets), reporting/kpi_sheet, "
    )
    log = run_log(result)
    assert pointer == f"The full log, with the trace: {log}"
    trace = log.read_text(encoding="utf-8")
    assert "Stack Trace:" in trace and "standin.api.dataset_files.DatasetError" in trace
    assert result.stdout.splitlines()[-1] == (
        f"weekly_kpi for the week of {WEEK} FAILED (run {log.stem.removeprefix('run-')}); {tmp_path / 'kpi.duckdb'} "
        "left unchanged"
    )
    assert "retrying" not in result.stdout  # a malformed recording is not synced again


def test_a_missing_fixtures_directory_is_named_with_its_variable(tmp_path):
    result = run_pipeline(tmp_path, dataset=tmp_path / "absent")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: KPI_FIXTURES_DIR={tmp_path / 'absent'}: no such directory (the recorded dataset served when no "
        "HubSpot or Salesforce credential is set; see README)\n"
    )


def test_a_missing_kpi_yaml_is_named_with_its_variable(tmp_path):
    result = run_pipeline(tmp_path, config=tmp_path / "kpi.yaml", dataset=DEMO)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: KPI_CONFIG={tmp_path / 'kpi.yaml'}: no such file (the KPI configuration; see README)\n"
    )


def test_a_log_directory_that_cannot_be_made_is_named_with_its_variable(tmp_path):
    (tmp_path / "taken").write_text("a file, not a directory")
    result = run_pipeline(tmp_path, dataset=DEMO, KPI_LOG_DIR=str(tmp_path / "taken"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: KPI_LOG_DIR={tmp_path / 'taken'}: the run's log cannot be written there (File exists)\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]
