"""The dbt warehouse against the KPI contract: funnel_weekly equals the independent oracle, week by week.

One `dbt build` per dataset (session-scoped): dbt is slow on two cores.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.kpi_config import KpiConfig, load_kpi_config
from pipeline.kpi_config.funnel_mapping import dbt_vars
from tests.support import REPO
from tests.support.contract_oracle import (
    COUNT_COLUMNS,
    ContractSettings,
    contract_settings,
    deals_in_scope,
    funnel_weekly,
    person_entries,
    recorded_at,
    resolved_persons,
)
from tests.support.warehouse import build_raw_warehouse

DBT = Path(sys.executable).parent / "dbt"
DEMO = REPO / "fixtures" / "demo"
GENERATED_SEEDS = (11, 23, 47)
# HubSpot deals of one pipeline only (the demo has two); without Salesforce deals the mirrors count.
NARROWED_KPI = {
    "warehouse": {
        "hubspot": {"sql_evidence_stages": ["customer"]},
        "deals": {"sources": ["hubspot"], "hubspot_pipelines": ["default"]},
    }
}
# Deals in scope per build, counted from each dataset's files (non-archived / non-deleted records):
# (system, HubSpot pipeline, carries hs_salesforceopportunityid) -> deals.
def expected_deal_scope(warehouse) -> dict:
    """Deals counted per (system, HubSpot pipeline, is a mirror), straight from the dataset files."""
    settings, counts = warehouse.settings, Counter()
    if "salesforce" in settings.deal_sources:
        for opportunity in _records(warehouse.dataset / "salesforce" / "Opportunity.jsonl"):
            counts[("salesforce", None, False)] += not opportunity["IsDeleted"]
    drop_mirrors = bool(settings.hubspot_deal_mirror_property) and "salesforce" in settings.deal_sources
    for deal in _records(warehouse.dataset / "hubspot" / "deals.jsonl"):
        pipeline = deal["properties"]["pipeline"]
        mirror = bool(deal["properties"].get("hs_salesforceopportunityid"))
        pipelines = settings.hubspot_deal_pipelines
        if (deal.get("archived") or "hubspot" not in settings.deal_sources
                or (pipelines and pipeline not in pipelines) or (mirror and drop_mirrors)):
            continue
        counts[("hubspot", pipeline, mirror)] += 1
    return {key: count for key, count in counts.items() if count}


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class BuiltWarehouse:
    name: str
    dataset: Path
    duckdb_path: Path
    settings: ContractSettings

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def funnel_weekly(self) -> dict:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            cursor = connection.execute("SELECT * FROM marts.funnel_weekly ORDER BY week_start")
            names = [column[0] for column in cursor.description]
            return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


PERIOD_RATIO_TESTS = {
    "values_between_zero_and_one_funnel_weekly_mql_to_sql_rate",
    "values_between_zero_and_one_funnel_weekly_sql_to_opportunity_rate",
}


def _dbt_build(dataset: Path, workdir: Path, config: KpiConfig) -> subprocess.CompletedProcess:
    duckdb_path = workdir / "kpi.duckdb"
    build_raw_warehouse(dataset, duckdb_path)
    return subprocess.run(
        [str(DBT), "build", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--vars", json.dumps(dbt_vars(config, recorded_at(dataset)))],
        cwd=REPO, env={**os.environ, "KPI_DUCKDB_PATH": str(duckdb_path)},
        capture_output=True, text=True, timeout=900,
    )


def build_warehouse(name: str, dataset: Path, workdir: Path, config: KpiConfig) -> BuiltWarehouse:
    result = _dbt_build(dataset, workdir, config)
    assert result.returncode == 0, f"dbt build failed for {dataset}:\n{result.stdout[-6000:]}"
    assert " ERROR=0 " in result.stdout, result.stdout[-3000:]
    # Only the period ratios may exceed 1 (docs/kpi-contract.md §7): opportunities on contacts have no SQL.
    warned = set(re.findall(r" WARN \d+ (\S+) ", result.stdout))
    assert warned <= PERIOD_RATIO_TESTS, result.stdout[-3000:]
    return BuiltWarehouse(name, dataset, workdir / "kpi.duckdb", contract_settings(config, recorded_at(dataset)))


def _with_properties(path: Path, changes: dict[str, dict]) -> None:
    """Rewrite a HubSpot JSONL file with `changes` (record id -> properties) applied."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record["properties"].update(changes.get(record["id"], {}))
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")


def _generate(seed: int, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "standin.generator",
         "--seed", str(seed), "--persons", "1500", "--out", str(out)],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    return out


# One build per configuration and test process, whatever order the tests run in (pytest would tear a
# parametrized session fixture down whenever the next test wants another parameter).
_BUILT: dict[str, BuiltWarehouse] = {}


@pytest.fixture(params=["demo", "shipped", *(f"seed{seed}" for seed in GENERATED_SEEDS), "narrowed"])
def warehouse(request, tmp_path_factory) -> BuiltWarehouse:
    if request.param not in _BUILT:
        _BUILT[request.param] = _build_configuration(request.param, tmp_path_factory.mktemp(request.param))
    return _BUILT[request.param]


def _build_configuration(name: str, workdir: Path) -> BuiltWarehouse:
    if name == "demo":
        return build_warehouse(name, DEMO, workdir, KpiConfig())
    if name == "shipped":
        return build_warehouse(name, DEMO, workdir, load_kpi_config(REPO / "kpi.yaml"))
    if name == "narrowed":
        return build_warehouse(name, DEMO, workdir, KpiConfig.model_validate(NARROWED_KPI))
    dataset = _generate(int(name.removeprefix("seed")), workdir / "dataset")
    return build_warehouse(name, dataset, workdir, KpiConfig())


def test_funnel_weekly_equals_the_oracle_for_every_week_and_column(warehouse):
    expected = funnel_weekly(warehouse.dataset, warehouse.settings)
    actual = warehouse.funnel_weekly()

    assert sum(week["new_leads"] for week in expected.values()) > 0, "the dataset must exercise the funnel"
    assert list(actual) == list(expected)
    for week, expected_row in expected.items():
        assert actual[week] == expected_row, f"week {week}"


def test_every_weekly_number_is_a_count_or_sum_of_funnel_events(warehouse):
    counts: Counter = Counter()
    amounts: Counter = Counter()
    event_types = ("new_lead", "mql", "sql", "opportunity", "won", "lost")
    column_of = dict(zip(event_types, COUNT_COLUMNS, strict=True))
    events = warehouse.query("SELECT week_start, event_type, amount FROM marts.funnel_events")
    for week, event_type, amount in events:
        counts[(week, column_of[event_type])] += 1
        amounts[week] += amount if event_type == "won" else Decimal(0)

    for week, row in warehouse.funnel_weekly().items():
        assert {column: row[column] for column in COUNT_COLUMNS} == {
            column: counts[(week, column)] for column in COUNT_COLUMNS
        }, f"week {week}"
        assert row["won_amount"] == amounts[week], f"week {week}"


def test_persons_are_the_oracles_resolved_identities(warehouse):
    [(persons, with_mql, with_sql)] = warehouse.query(
        "SELECT count(*), count(mql_at), count(sql_at) FROM marts.persons"
    )
    oracle = person_entries(warehouse.dataset, warehouse.settings)

    assert (persons, with_mql, with_sql) == (
        len(oracle), sum(p.mql is not None for p in oracle), sum(p.sql is not None for p in oracle)
    )


def test_each_person_has_exactly_the_oracles_member_records(warehouse):
    rows = warehouse.query(
        "SELECT hubspot_contact_ids, salesforce_lead_ids, salesforce_contact_ids FROM marts.persons"
    )
    actual = sorted(
        sorted([*(f"hubspot:{id_}" for id_ in contacts), *(f"salesforce:{id_}" for id_ in leads + people)])
        for contacts, leads, people in rows
    )

    expected = resolved_persons(warehouse.dataset, warehouse.settings).values()
    assert actual == sorted(sorted(members) for members in expected)


def test_channel_breakdown_and_cohorts_add_up_to_the_weekly_funnel(warehouse):
    weekly = warehouse.funnel_weekly()
    by_channel = warehouse.query(
        "SELECT week_start, sum(new_leads), sum(mqls), sum(sqls), sum(opportunities), sum(won_deals),"
        " sum(lost_deals), sum(won_amount) FROM marts.funnel_weekly_by_channel GROUP BY week_start"
    )
    cohorts = dict(warehouse.query("SELECT mql_week_start, mqls FROM marts.cohort_conversion"))

    # The breakdown holds only weeks with events, and every one of them.
    assert {week: sums for week, *sums in by_channel} == {
        week: [*(row[column] for column in COUNT_COLUMNS), row["won_amount"]]
        for week, row in weekly.items() if any(row[column] for column in COUNT_COLUMNS)
    }
    assert cohorts == {week: row["mqls"] for week, row in weekly.items() if row["mqls"]}


def test_deals_in_scope_are_the_oracles(warehouse):
    keys = {key for (key,) in warehouse.query("SELECT deal_key FROM intermediate.int_deals_unioned")}

    assert keys == {deal.key for deal in deals_in_scope(warehouse.dataset, warehouse.settings)}


def test_deal_scope_of_each_configuration(warehouse):
    scope = warehouse.query(
        "SELECT deals.source_system, deals.pipeline_id,"
        " coalesce(hubspot.properties ->> 'hs_salesforceopportunityid', '') <> '' AS is_mirror, count(*)"
        " FROM intermediate.int_deals_unioned AS deals LEFT JOIN staging.stg_hubspot__deals AS hubspot"
        " ON deals.source_system = 'hubspot' AND hubspot.deal_id = deals.deal_id GROUP BY ALL"
    )

    assert {(system, pipeline, is_mirror): count for system, pipeline, is_mirror, count in scope} == (
        expected_deal_scope(warehouse)
    )


def test_funnel_events_name_every_record_behind_each_event(warehouse):
    members = {
        person_id: [*(f"hubspot:{id_}" for id_ in contacts), *sorted(f"salesforce:{id_}" for id_ in leads + people)]
        for person_id, contacts, leads, people in warehouse.query(
            "SELECT person_id, hubspot_contact_ids, salesforce_lead_ids, salesforce_contact_ids FROM marts.persons"
        )
    }
    events = warehouse.query(
        "SELECT event_id, event_type, person_id, source_system || ':' || source_record_id, source_record_ids"
        " FROM marts.funnel_events"
    )
    person_event_types = ("new_lead", "mql", "sql")

    assert {event_id: record_ids for event_id, _, _, _, record_ids in events} == {
        event_id: members[person_id] if event_type in person_event_types else [source_record]
        for event_id, event_type, person_id, source_record, _ in events
    }
    assert all(source_record in record_ids for _, _, _, source_record, record_ids in events)


def test_bad_input_fails_the_build_naming_its_records(tmp_path):
    dataset = tmp_path / "dataset"
    shutil.copytree(DEMO, dataset)
    contacts = _records(dataset / "hubspot" / "contacts.jsonl")
    archived = next(contact["id"] for contact in contacts if contact.get("archived"))
    live = [contact["id"] for contact in contacts if not contact.get("archived")][:2]
    assert live == ["1000001", "1000002"]
    _with_properties(dataset / "hubspot" / "contacts.jsonl", {
        "1000001": {"hs_v2_date_entered_marketingqualifiedlead": "yesterday"},
        "1000002": {"hs_lifecyclestage_customer_date": "2025-02-30T00:00:00.000Z"},
        archived: {"hs_v2_date_entered_lead": "garbage"},  # archived: out of scope, not checked
    })
    _with_properties(dataset / "hubspot" / "deals.jsonl", {
        "5000001": {"dealstage": "retiredstage"},  # closed lost in a stage the pipelines API no longer lists
        "5000002": {"createdate": None},
    })

    result = _dbt_build(dataset, tmp_path, KpiConfig())
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)

    assert result.returncode == 1, output[-3000:]
    # dbt runs two threads: the order of the reports varies.
    assert sorted(re.findall(r"(Failure|Warning) in test (\w+) .*\n.*(Got .*)", output)) == [
        ("Failure", "hubspot_lifecycle_dates_are_timestamps", "Got 2 results, configured to fail if != 0"),
        ("Failure", "not_null_stg_hubspot__deals_created_at", "Got 1 result, configured to fail if != 0"),
        ("Warning", "hubspot_deal_stages_are_known", "Got 1 result, configured to warn if != 0"),
    ]
    with duckdb.connect(str(tmp_path / "kpi.duckdb"), read_only=True) as connection:
        failures = connection.execute(
            "SELECT contact_id, property, raw_value FROM dbt_test__audit.hubspot_lifecycle_dates_are_timestamps"
            " ORDER BY contact_id"
        ).fetchall()
    assert failures == [
        ("1000001", "hs_v2_date_entered_marketingqualifiedlead", "yesterday"),
        ("1000002", "hs_lifecyclestage_customer_date", "2025-02-30T00:00:00.000Z"),
    ]


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> BuiltWarehouse:
    """The demo built with the contract defaults, for tests that corrupt copies of it."""
    return build_warehouse("demo", DEMO, tmp_path_factory.mktemp("demo-quality"), KpiConfig())


def _dbt_test_funnel_weekly(duckdb_path: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """`dbt test --select funnel_weekly` against `duckdb_path`: the result and the names of the failed tests."""
    result = subprocess.run(
        [str(DBT), "test", "--select", "funnel_weekly", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        cwd=REPO, env={**os.environ, "KPI_DUCKDB_PATH": str(duckdb_path)},
        capture_output=True, text=True, timeout=900,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    return result, set(re.findall(r"Failure in test (\w+) ", output))


def test_funnel_quality_tests_fail_naming_the_bad_week(demo_warehouse, tmp_path):
    untouched, corrupted = tmp_path / "untouched.duckdb", tmp_path / "corrupted.duckdb"
    shutil.copyfile(demo_warehouse.duckdb_path, untouched)
    shutil.copyfile(demo_warehouse.duckdb_path, corrupted)
    weeks = sorted(demo_warehouse.funnel_weekly())
    # A middle week with events, and another one whose win rate becomes 1.5.
    [(missing_week,)] = demo_warehouse.query(
        f"SELECT min(week_start) FROM marts.funnel_events WHERE week_start > DATE '{weeks[len(weeks) // 2]}'"
    )
    bad_rate_week = weeks[1]
    assert weeks[0] < bad_rate_week < missing_week < weeks[-1]
    with duckdb.connect(str(corrupted)) as connection:
        connection.execute("UPDATE marts.funnel_weekly SET win_rate = 1.5 WHERE week_start = ?", [bad_rate_week])
        connection.execute("DELETE FROM marts.funnel_weekly WHERE week_start = ?", [missing_week])

    passed, passed_failures = _dbt_test_funnel_weekly(untouched, tmp_path / "untouched")
    failed, failures = _dbt_test_funnel_weekly(corrupted, tmp_path / "corrupted")

    assert passed.returncode == 0 and passed_failures == set(), passed.stdout[-3000:]
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert failures == {
        "values_between_zero_and_one_funnel_weekly_win_rate",
        "weeks_without_gaps_funnel_weekly_week_start",
        # funnel_events of the deleted week point at no funnel_weekly row.
        "relationships_funnel_events_week_start__week_start__ref_funnel_weekly_",
    }, failed.stdout[-3000:]
    with duckdb.connect(str(corrupted), read_only=True) as connection:
        out_of_bounds = connection.execute(
            "SELECT week_start, win_rate FROM dbt_test__audit.values_between_zero_and_one_funnel_weekly_win_rate"
        ).fetchall()
        gaps = connection.execute(
            "SELECT week_start, problem FROM dbt_test__audit.weeks_without_gaps_funnel_weekly_week_start"
        ).fetchall()
    assert out_of_bounds == [(bad_rate_week, 1.5)]
    assert gaps == [(missing_week, "missing")]
