"""`python -m pipeline run` end to end on a generated dataset: fixture API -> raw -> dbt -> weekly sheet."""

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import materialize

from pipeline.assets.exports import EXPORT_ASSETS
from pipeline.assets.reporting import build_kpi_sheet_asset
from pipeline.exports import EXPORTED_SCHEMAS
from pipeline.partitions import report_weeks
from pipeline.resources import ExportTargetsResource, KpiConfigResource, SheetOutputResource, WarehouseResource
from tests.support import REPO
from tests.support.exports import duckdb_rows, postgres_rows, warehouse_tables
from tests.support.pipeline_run import run_pipeline

REPORT_WEEK = "2025-06-23"
# KPI名 on the sheet -> (funnel_weekly column, factor from the mart's value to the sheet's)
ACTUAL_COLUMNS = {
    "新規リード獲得数": ("new_leads", 1),
    "MQL数": ("mqls", 1),
    "SQL数": ("sqls", 1),
    "商談数": ("opportunities", 1),
    "受注数": ("won_deals", 1),
    "MQL→SQL転換率(%)": ("mql_to_sql_rate", 100),
    "商談化率(%)": ("sql_to_opportunity_rate", 100),
    "受注率(%)": ("win_rate", 100),
    "受注金額(円)": ("won_amount", 1),
}


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("pipeline-run")
    subprocess.run(
        [sys.executable, "-m", "standin.generator", "--seed", "31", "--persons", "1200",
         "--out", str(workdir / "dataset")],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    result = run_pipeline(workdir, "--week", REPORT_WEEK)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert f"weekly_kpi for the week of {REPORT_WEEK} succeeded" in result.stdout
    return workdir


def query(workdir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def funnel_week(workdir: Path, week: str) -> dict:
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        cursor = connection.execute("SELECT * FROM marts.funnel_weekly WHERE week_start = ?", [week])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_run_writes_both_files_for_the_report_week(workdir):
    output = workdir / "output"
    assert sorted(path.name for path in output.iterdir()) == [
        f"kpi_sheet_{REPORT_WEEK}.csv", f"kpi_sheet_{REPORT_WEEK}.xlsx"
    ]
    assert (output / f"kpi_sheet_{REPORT_WEEK}.csv").read_bytes().startswith(b"\xef\xbb\xbfKPI\xe5\x90\x8d,")


def test_every_actual_on_the_sheet_equals_funnel_weekly(workdir):
    funnel = funnel_week(workdir, REPORT_WEEK)
    table = dict(query(workdir, f"SELECT kpi_name, actual FROM reporting.kpi_sheet WHERE week_start = '{REPORT_WEEK}'"))
    with (workdir / "output" / f"kpi_sheet_{REPORT_WEEK}.csv").open(encoding="utf-8-sig") as handle:
        sheet = {row["KPI名"]: row["実績値"] for row in csv.DictReader(handle)}
    assert funnel["new_leads"] > 0
    for name, (column, factor) in ACTUAL_COLUMNS.items():
        expected = None if funnel[column] is None else float(funnel[column]) * factor
        assert table[name] == pytest.approx(expected), name
        shown = "—" if expected is None else (f"{expected:.1f}" if factor == 100 else f"{expected:.0f}")
        assert sheet[name] == shown, name


def test_kpi_sheet_table_holds_every_week_of_the_funnel(workdir):
    weeks = query(workdir, "SELECT count(DISTINCT week_start) FROM reporting.kpi_sheet")[0][0]
    funnel_weeks = query(workdir, "SELECT count(*) FROM marts.funnel_weekly")[0][0]
    assert weeks == funnel_weeks > 40


def test_a_backfill_of_two_past_weeks_writes_two_more_sheets(workdir):
    """One run per partition of the sheet asset, as a backfill launched from the UI makes them."""
    kpi_sheet = build_kpi_sheet_asset(report_weeks("Asia/Tokyo"), "Asia/Tokyo")
    resources = {
        "duckdb": WarehouseResource(database=str(workdir / "work" / "kpi.duckdb")),
        "kpi_config": KpiConfigResource(path=str(REPO / "kpi.yaml")),
        "sheet_output": SheetOutputResource(path=str(workdir / "output")),
    }
    for week in ("2025-06-09", "2025-06-16"):
        assert materialize([kpi_sheet], partition_key=week, resources=resources).success
    names = sorted(path.name for path in (workdir / "output").glob("*.xlsx"))
    assert names == ["kpi_sheet_2025-06-09.xlsx", "kpi_sheet_2025-06-16.xlsx", f"kpi_sheet_{REPORT_WEEK}.xlsx"]


def test_the_exports_hold_every_mart_row_for_row(workdir, postgres_url, tmp_path):
    """Both exports of the run's warehouse, read back from PostgreSQL and from the Parquet files."""
    warehouse, parquet = workdir / "kpi.duckdb", tmp_path / "parquet"
    resources = {
        "duckdb": WarehouseResource(database=str(warehouse)),
        "exports": ExportTargetsResource(parquet_dir=str(parquet), postgres_url=postgres_url),
    }
    assert materialize(EXPORT_ASSETS, resources=resources).success
    tables = warehouse_tables(warehouse, EXPORTED_SCHEMAS)
    assert {("marts", "funnel_events"), ("reporting", "kpi_sheet"), ("reference", "industry_benchmarks")} <= set(tables)
    # The only tables a run on unchanged data leaves empty: no published week has been restated yet.
    restatements = {("reporting", "kpi_restatements"), ("reporting", "kpi_restatement_records")}
    assert restatements <= set(tables)
    for schema, table in tables:
        expected = duckdb_rows(warehouse, f'SELECT * FROM "{schema}"."{table}"')
        assert (len(expected[1]) == 0) == ((schema, table) in restatements), f"{schema}.{table}"
        assert postgres_rows(postgres_url, schema, table) == expected, f"{schema}.{table}"
        from_parquet = duckdb_rows(warehouse, f"SELECT * FROM read_parquet('{parquet / f'{schema}.{table}.parquet'}')")
        assert from_parquet == expected, f"{schema}.{table}"


def test_a_wrong_kpi_yaml_stops_before_anything_runs(workdir, tmp_path):
    config = tmp_path / "kpi.yaml"
    config.write_text("timezone: Asia/Tokyo\nwarehouse:\n  deals:\n    sources: [salesforce, pipedrive]\n")
    before = (workdir / "kpi.duckdb").stat().st_mtime_ns
    result = run_pipeline(workdir, "--week", REPORT_WEEK, config=config)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {config}: warehouse.deals.sources[1]: Input should be 'salesforce' or 'hubspot'\n"
    )
    assert (workdir / "kpi.duckdb").stat().st_mtime_ns == before


def test_a_sync_memory_budget_that_is_not_a_size_stops_before_anything_runs(workdir):
    before = (workdir / "kpi.duckdb").stat().st_mtime_ns
    result = run_pipeline(workdir, "--week", REPORT_WEEK, KPI_SYNC_MEMORY_LIMIT="lots")
    assert result.returncode == 2
    assert result.stderr == "error: KPI_SYNC_MEMORY_LIMIT must be a size such as 128MB or 1GB, not 'lots'\n"
    assert (workdir / "kpi.duckdb").stat().st_mtime_ns == before


def test_a_week_that_has_not_ended_by_the_recording_is_refused(workdir):
    first_week = query(workdir, "SELECT min(week_start) FROM marts.funnel_weekly")[0][0]
    result = run_pipeline(workdir, "--week", "2025-11-17")
    assert result.returncode == 2
    assert result.stderr == (
        "error: --week 2025-11-17: that week had not ended by 2025-11-17T01:00:00+00:00 (the data's as-of time); "
        f"the report weeks that exist are the Mondays from {first_week} to 2025-11-10\n"
    )


def test_a_warehouse_filled_from_another_account_is_refused_not_mixed(workdir, tmp_path):
    other = tmp_path / "other"
    (other / "dataset").mkdir(parents=True)
    for part in ("hubspot", "salesforce"):
        (other / "dataset" / part).symlink_to(workdir / "dataset" / part, target_is_directory=True)
    manifest = json.loads((workdir / "dataset" / "manifest.json").read_text(encoding="utf-8"))
    portal = manifest["hubspot"]["portalId"]
    other_manifest = manifest | {"hubspot": {"portalId": portal + 1}, "salesforce": {}}  # no org id: derived
    (other / "dataset" / "manifest.json").write_text(json.dumps(other_manifest), encoding="utf-8")
    result = run_pipeline(workdir, "--week", REPORT_WEEK, dataset=other / "dataset")
    assert result.returncode == 1
    expected = (
        f"this warehouse holds hubspot data synced from HubSpot portal {portal}, "
        f"but this run reads HubSpot portal {portal + 1}; "
        "point KPI_DUCKDB_PATH at a new file for a different dataset or account"
    )
    assert expected in result.stdout + result.stderr
    assert re.search(r"this warehouse holds salesforce data synced from Salesforce org 00D\w{15}, but this run "
                     r"reads Salesforce org 00D\w{15}; ", result.stdout + result.stderr)
    contacts = query(workdir, "SELECT count(*) FROM raw_hubspot.contacts")[0][0]
    assert contacts == len((workdir / "dataset" / "hubspot" / "contacts.jsonl").read_text().splitlines())
