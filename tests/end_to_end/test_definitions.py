"""The Dagster definitions as an ops engineer sees them in the UI, and the weekly schedule."""

import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dagster import AssetKey, DagsterInstance, DefaultScheduleStatus, build_schedule_context
from dagster._core.definitions.metadata import normalize_metadata
from dagster._core.execution.api import create_execution_plan
from dagster._core.instance.config import PoolGranularity
from dagster._core.op_concurrency_limits_counter import compute_run_op_concurrency_info_for_snapshot
from dagster._core.snap import snapshot_from_execution_plan
from dagster._utils.schedules import cron_string_iterator

from pipeline.definitions import defs as load_definitions
from pipeline.kpi_config import KpiConfigError
from pipeline.partitions import last_complete_week
from pipeline.resources import WAREHOUSE_POOL
from tests.support import REPO

TOKYO = ZoneInfo("Asia/Tokyo")
RAW = {
    "raw_hubspot": ["contacts", "contact_lifecycle_history", "deals", "deal_pipeline_stages", "owners"],
    "raw_salesforce": [
        "lead", "lead_history", "opportunity", "opportunity_history", "contact", "opportunity_contact_role", "user",
    ],
}
MARTS = [
    "funnel_weekly", "funnel_events", "persons", "cohort_conversion", "funnel_weekly_by_channel", "deal_stage_history",
    "funnel_event_records",
    "source_records",
]


STAGING = [
    "stg_hubspot__contacts", "stg_hubspot__contact_lifecycle_dates", "stg_hubspot__contact_lifecycle_history",
    "stg_hubspot__deals", "stg_hubspot__deal_contacts",
    "stg_hubspot__deal_pipeline_stages", "stg_salesforce__leads", "stg_salesforce__lead_history",
    "stg_salesforce__opportunities", "stg_salesforce__opportunity_history", "stg_salesforce__contacts",
    "stg_salesforce__opportunity_contact_roles", "stg_hubspot__owners", "stg_salesforce__users",
    "stg_raw_meta__source_origins",
]
# Written by the connectors' bookkeeping, not by an asset: dbt reads it as a source (the record link bases).
EXTERNAL = {"raw_meta/source_origins"}


@pytest.fixture(scope="session")
def defs():
    return load_definitions()


@pytest.fixture(scope="session")
def graph(defs):
    return defs.resolve_asset_graph()


def test_every_raw_mart_and_report_asset_is_defined_in_its_group(graph):
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    for schema, tables in RAW.items():
        for table in tables:
            assert groups[AssetKey([schema, table])] == schema.removeprefix("raw_")
    for mart in MARTS:
        assert groups[AssetKey(["marts", mart])] == "warehouse"
    assert groups[AssetKey(["reporting", "kpi_sheet"])] == "reporting"


def test_the_asset_graph_is_exactly_the_documented_layers(graph):
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    expected = (
        {f"{schema}/{table}" for schema, tables in RAW.items() for table in tables}
        | {f"staging/{model}" for model in STAGING}
        | {f"marts/{mart}" for mart in MARTS}
        | {"reference/industry_benchmarks", "reporting/kpi_sheet", "reporting/published_warehouse"}
        | {"exports/parquet", "exports/postgres"}
        | EXTERNAL
    )
    assert expected <= keys
    assert {key for key in keys - expected if not key.startswith("intermediate/int_")} == set()


def test_every_asset_and_check_is_in_the_warehouse_pool_so_any_run_queues(defs, graph):
    """Runs of the job, of one asset page or of a backfill all carry the pool, not only the job's runs."""
    executable = [assets_def for assets_def in graph.assets_defs if assets_def.is_executable]  # not EXTERNAL
    assert {assets_def.node_def.pool for assets_def in executable} == {WAREHOUSE_POOL}
    assert {key.to_user_string() for assets_def in graph.assets_defs if not assets_def.is_executable
            for key in assets_def.keys} == EXTERNAL
    check_nodes = {check.node_def.pool for check in defs.asset_checks or []}
    assert check_nodes == {WAREHOUSE_POOL}


def test_a_run_of_any_one_asset_holds_the_warehouse_pool(defs):
    """What the run queue reads from a run launched from an asset page: the pools of the steps it executes."""
    job = defs.resolve_implicit_global_asset_job_def()
    for assets_def in defs.assets:
        subset = job.get_subset(asset_selection={next(iter(assets_def.keys))})
        plan = snapshot_from_execution_plan(create_execution_plan(subset), subset.get_job_snapshot_id())
        assert compute_run_op_concurrency_info_for_snapshot(plan).all_pools == {WAREHOUSE_POOL}, assets_def.keys


def test_the_instance_gives_the_pool_one_slot_per_run(tmp_path):
    # A copy: loading an instance creates its storage next to dagster.yaml.
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
    assert (config.pool_config.pool_granularity, config.pool_config.default_pool_limit) == (PoolGranularity.RUN, 1)
    # What holds on a new DAGSTER_HOME, before the queue has first seen the pool (dagster_home/dagster.yaml).
    assert config.run_queue_config.max_concurrent_runs == 1


def test_the_last_asset_publishes_after_the_sheet(graph):
    published = graph.get(AssetKey(["reporting", "published_warehouse"]))
    assert published.parent_keys == {AssetKey(["reporting", "kpi_sheet"])}
    assert published.description and published.kinds == {"duckdb"} and published.group_name == "reporting"


def test_every_source_total_check_is_defined(graph):
    names = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    counted = {
        f"{schema}/{table}" for schema, tables in RAW.items() for table in tables
    } - {"raw_hubspot/contact_lifecycle_history", "raw_hubspot/owners"}
    assert {asset for asset, name in names if name == "row_count_matches_source"} == counted


def test_dbt_sources_are_the_raw_assets_so_lineage_is_unbroken(graph):
    upstream = graph.get(AssetKey(["staging", "stg_hubspot__contacts"])).parent_keys
    assert upstream == {AssetKey(["raw_hubspot", "contacts"])}
    assert graph.get(AssetKey(["raw_hubspot", "contacts"])).is_materializable


def test_assets_carry_descriptions_kinds_and_owners(graph):
    for key in [AssetKey(["raw_salesforce", "lead"]), AssetKey(["reporting", "kpi_sheet"])]:
        node = graph.get(key)
        assert node.description
        assert node.owners
        assert node.kinds


def test_checks_include_dbt_tests_and_the_pipeline_checks(graph):
    names = {(tuple(key.asset_key.path), key.name) for key in graph.asset_check_keys}
    assert (("marts", "funnel_weekly"), "new_leads_week_over_week") in names
    for rule in ("values_between_zero_and_one", "weeks_without_gaps"):
        assert any(path == ("marts", "funnel_weekly") and rule in name for path, name in names), rule
    assert any(path == ("marts", "funnel_weekly") and name.startswith("not_null") for path, name in names)


# The asset page's metadata keys that the UI hides (dagster-ui's HIDDEN_METADATA_ENTRY_LABELS): dagster-dbt
# keeps the manifest and the translator there for its runs, and the UI never shows them.
UI_HIDDEN_METADATA = {"dagster_dbt/manifest", "dagster_dbt/dagster_dbt_translator"}


def test_no_asset_shows_an_unserializable_or_empty_metadata_value(graph):
    for key in graph.get_all_asset_keys():
        shown = {name: value for name, value in graph.get(key).metadata.items() if name not in UI_HIDDEN_METADATA}
        for name, value in normalize_metadata(shown, allow_invalid=True).items():
            text = getattr(value, "value", None)
            assert not (isinstance(text, str) and "(unserializable)" in text), (key.to_user_string(), name, text)
            assert text not in ("", [], {}), (key.to_user_string(), name)


def test_descriptions_render_as_written_and_cite_no_issue(graph):
    """The UI renders descriptions as Markdown, which drops <week> as an unknown HTML tag."""
    for key in graph.get_all_asset_keys():
        description = graph.get(key).description or ""
        prose = re.sub(r"```.*?```|`[^`\n]*`", "", description, flags=re.DOTALL)  # code shows <...> as written
        assert not re.search(r"<[a-z_]+>", prose), (key.to_user_string(), prose)
        assert not re.search(r"\(issues? \d+", description, re.IGNORECASE), key.to_user_string()
    sheet = graph.get(AssetKey(["reporting", "kpi_sheet"])).description
    assert "`KPI_OUTPUT_DIR/kpi_sheet_{week}.xlsx`" in sheet


def test_every_raw_table_must_have_been_synced_within_8_days(graph):
    for schema, tables in RAW.items():
        for table in tables:
            policy = graph.get(AssetKey([schema, table])).freshness_policy
            assert policy.fail_window.to_timedelta() == timedelta(days=8), table


def test_weekly_job_is_partitioned_by_report_week_in_tokyo(defs):
    job = defs.resolve_job_def("weekly_kpi")
    partitions = job.partitions_def
    assert partitions.timezone == "Asia/Tokyo"
    assert "2025-06-23" in partitions.get_partition_keys(current_time=datetime(2025, 7, 1, tzinfo=TOKYO))


@pytest.mark.parametrize(
    ("now", "expected_tick", "expected_week"),
    [
        # Wednesday: next tick is the coming Monday 09:00, for the week that ended that morning.
        ("2025-06-25T15:00:00+09:00", "2025-06-30T09:00:00+09:00", "2025-06-23"),
        # Monday 08:59 Tokyo (Sunday 23:59 UTC): the tick is one minute away.
        ("2025-06-30T08:59:00+09:00", "2025-06-30T09:00:00+09:00", "2025-06-23"),
        # Monday 09:00 exactly: the next tick is a week later.
        ("2025-06-30T09:00:00+09:00", "2025-07-07T09:00:00+09:00", "2025-06-30"),
    ],
)
def test_schedule_next_tick_is_monday_0900_tokyo_for_the_week_just_ended(defs, now, expected_tick, expected_week):
    schedule = defs.resolve_schedule_def("weekly_kpi_schedule")
    assert schedule.execution_timezone == "Asia/Tokyo"
    start = datetime.fromisoformat(now)
    # The daemon's own cron iterator; +1 s because it yields `start` itself when that is a tick.
    tick = next(cron_string_iterator(start.timestamp() + 1, schedule.cron_schedule, schedule.execution_timezone))
    assert tick == datetime.fromisoformat(expected_tick)
    result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    assert [request.partition_key for request in result.run_requests] == [expected_week]


def test_last_complete_week_is_bucketed_in_local_time():
    # Sunday 23:30 Tokyo is still inside the week of 06-23; Monday 00:30 Tokyo ends it.
    assert last_complete_week(datetime.fromisoformat("2025-06-29T23:30:00+09:00"), "Asia/Tokyo") == date(2025, 6, 16)
    assert last_complete_week(datetime.fromisoformat("2025-06-29T15:30:00+00:00"), "Asia/Tokyo") == date(2025, 6, 23)


def test_the_demos_report_weeks_are_exactly_the_weeks_its_data_fills(defs):
    """From the week of the recording's first contact to the last week complete at its recorded_at."""
    weeks = defs.resolve_job_def("weekly_kpi").partitions_def.get_partition_keys()
    assert (weeks[0], weeks[-1], len(weeks)) == ("2024-11-18", "2025-11-10", 52)


def test_a_configured_first_week_starts_the_partitions(tmp_path, monkeypatch):
    config = tmp_path / "kpi.yaml"
    config.write_text("reporting:\n  first_week: 2025-01-06\n", encoding="utf-8")
    monkeypatch.setenv("KPI_CONFIG", str(config))
    weeks = load_definitions().resolve_job_def("weekly_kpi").partitions_def.get_partition_keys()
    assert (weeks[0], weeks[-1]) == ("2025-01-06", "2025-11-10")


def test_a_first_week_before_the_recording_stops_the_code_location(tmp_path, monkeypatch):
    config = tmp_path / "kpi.yaml"
    config.write_text("reporting:\n  first_week: 2024-11-04\n", encoding="utf-8")
    monkeypatch.setenv("KPI_CONFIG", str(config))
    with pytest.raises(KpiConfigError) as error:
        load_definitions()
    assert str(error.value) == (
        f"{config}: reporting.first_week: 2024-11-04 is before the data's first week, 2024-11-18 (its earliest "
        "contact or lead); weeks before it could never be filled. Set reporting.first_week to 2024-11-18 or later, "
        f"or remove it to start at the data's first week (recording {REPO / 'fixtures' / 'demo'})"
    )


def test_the_schedule_says_what_it_does_and_is_off_until_started(defs):
    schedule = defs.resolve_schedule_def("weekly_kpi_schedule")
    assert schedule.default_status == DefaultScheduleStatus.STOPPED
    assert "Every Monday at 09:00 (Asia/Tokyo)" in schedule.description
    assert "dagster schedule start weekly_kpi_schedule" in schedule.description


def test_importing_the_definitions_changes_no_environment_variable_and_writes_nothing(tmp_path):
    """Run in a fresh interpreter: PATH included, and no warehouse directory, manifest or run folder appears."""
    script = (
        "import os; before = dict(os.environ); import pipeline.definitions; "
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())"
    )
    env = {"PATH": "/usr/bin:/bin", "KPI_DUCKDB_PATH": str(tmp_path / "data" / "kpi.duckdb"),
           "KPI_OUTPUT_DIR": str(tmp_path / "output"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_wrong_kpi_yaml_stops_the_code_location_naming_the_key(tmp_path, monkeypatch):
    config = tmp_path / "kpi.yaml"
    config.write_text("reporting:\n  language: fr\n", encoding="utf-8")
    monkeypatch.setenv("KPI_CONFIG", str(config))
    with pytest.raises(KpiConfigError) as error:
        load_definitions()
    assert str(error.value) == f"{config}: reporting.language: Input should be 'ja' or 'en'"
