"""The metadata of one weekly run on the demo recording, as the asset pages show it."""

import re

import pytest
from dagster import DagsterInstance, JsonMetadataValue, TableMetadataValue

from pipeline.definitions import build_definitions
from pipeline.environment import Environment

WEEK = "2025-11-10"  # the demo's last complete week
EPOCH_MS = re.compile(r"\b1\d{12}\b")


@pytest.fixture(scope="module")
def materializations(tmp_path_factory):
    """The latest materialization of every asset after the weekly job's run for WEEK."""
    root = tmp_path_factory.mktemp("run-metadata")
    env = Environment.from_environ({
        "KPI_DUCKDB_PATH": str(root / "kpi.duckdb"),
        "KPI_WORKING_DUCKDB_PATH": str(root / "working" / "kpi.duckdb"),
        "KPI_OUTPUT_DIR": str(root / "output"),
    })
    defs = build_definitions(env)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("weekly_kpi").execute_in_process(partition_key=WEEK, instance=instance)
        assert result.success
        keys = defs.resolve_asset_graph().get_all_asset_keys()
        events = {key: instance.get_latest_materialization_event(key) for key in keys}
    return {key.to_user_string(): event.asset_materialization.metadata for key, event in events.items() if event}


@pytest.mark.slow
def test_sync_cursors_read_as_timestamps(materializations):
    for table in ("raw_hubspot/contacts", "raw_salesforce/lead"):
        cursor = materializations[table]["cursor_after"].value
        assert not EPOCH_MS.search(cursor), cursor
        assert re.search(r"`20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ`", cursor), cursor
        before = materializations[table]["cursor_before"].value.splitlines()
        assert before and all(line.endswith(": none (full load)") for line in before), before


@pytest.mark.slow
def test_every_dbt_model_and_seed_carries_its_row_count(materializations):
    for name in ("staging/stg_hubspot__contacts", "intermediate/int_person_records", "marts/funnel_weekly",
                 "reference/industry_benchmarks"):
        assert materializations[name]["dagster/row_count"].value > 0, name
    assert materializations["marts/funnel_weekly"]["dagster/row_count"].value == 52


@pytest.mark.slow
def test_the_sheet_shows_a_table_and_rounded_rates(materializations):
    sheet = materializations["reporting/kpi_sheet"]
    assert isinstance(sheet["preview"], TableMetadataValue)
    assert sheet["preview"].records[0].data["KPI名"].replace("\u2060", "") == "新規リード獲得数"
    funnel = sheet["funnel_row"].data
    assert all(len(repr(value).split(".")[-1]) <= 4 for value in funnel.values() if isinstance(value, float))
    assert isinstance(funnel["won_amount"], int | float)
    assert {"frozen_as", "restatements"} <= set(sheet)  # the week close's own keys stay


@pytest.mark.slow
def test_the_published_warehouse_shows_the_newest_week(materializations):
    published = materializations["reporting/published_warehouse"]
    assert published["newest_report_week"].value == WEEK
    assert isinstance(published["newest_week_sheet"], TableMetadataValue)


@pytest.mark.slow
def test_no_run_metadata_is_unserializable_or_empty(materializations):
    for asset, metadata in materializations.items():
        for name, value in metadata.items():
            shown = value.data if isinstance(value, JsonMetadataValue) else getattr(value, "value", None)
            assert shown not in ("", [], {}), (asset, name)
            assert "(unserializable)" not in str(shown), (asset, name)
