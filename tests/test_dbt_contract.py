"""The dbt warehouse against the KPI contract: funnel_weekly equals the independent oracle, week by week.

One `dbt build` per dataset (session-scoped): dbt is slow on two cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from contract_oracle import COUNT_COLUMNS, ContractSettings, funnel_weekly, person_entries
from warehouse_helpers import build_raw_warehouse

from pipeline.config import KpiConfig
from pipeline.config.warehouse import dbt_vars

REPO = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"
GENERATED_SEEDS = (11, 23, 47)
NARROWED_KPI = {
    "warehouse": {
        "hubspot": {"sql_evidence_stages": ["customer"]},
        "deals": {"sources": ["hubspot"], "hubspot_mirror_property": "salesforceopportunityid"},
    }
}


@dataclass(frozen=True)
class BuiltWarehouse:
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


def _recorded_at(dataset: Path) -> datetime:
    text = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))["recorded_at"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _settings(config: KpiConfig, as_of: datetime) -> ContractSettings:
    warehouse = config.warehouse
    return ContractSettings(
        as_of=as_of,
        timezone=config.timezone,
        hubspot_mql_stages=warehouse.hubspot.mql_stages,
        hubspot_sql_stages=warehouse.hubspot.sql_stages,
        hubspot_sql_evidence_stages=warehouse.hubspot.sql_evidence_stages,
        salesforce_mql_statuses=warehouse.salesforce.mql_statuses,
        salesforce_sql_statuses=warehouse.salesforce.sql_statuses,
        deal_sources=warehouse.deals.sources,
        hubspot_deal_pipelines=warehouse.deals.hubspot_pipelines,
        hubspot_deal_mirror_property=warehouse.deals.hubspot_mirror_property,
    )


def build_warehouse(dataset: Path, workdir: Path, config: KpiConfig) -> BuiltWarehouse:
    duckdb_path = workdir / "kpi.duckdb"
    build_raw_warehouse(dataset, duckdb_path)
    as_of = _recorded_at(dataset)
    result = subprocess.run(
        [str(DBT), "build", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--vars", json.dumps(dbt_vars(config, as_of))],
        cwd=REPO, env={**os.environ, "KPI_DUCKDB_PATH": str(duckdb_path)},
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, f"dbt build failed for {dataset}:\n{result.stdout[-6000:]}"
    assert " ERROR=0 " in result.stdout and " WARN=0 " in result.stdout, result.stdout[-3000:]
    return BuiltWarehouse(dataset, duckdb_path, _settings(config, as_of))


def _generate(seed: int, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "connectors.fixture_gen",
         "--seed", str(seed), "--persons", "1500", "--out", str(out)],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    return out


@pytest.fixture(scope="session", params=["demo", *(f"seed{seed}" for seed in GENERATED_SEEDS), "narrowed"])
def warehouse(request, tmp_path_factory) -> BuiltWarehouse:
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "demo":
        return build_warehouse(REPO / "fixtures" / "demo", workdir, KpiConfig())
    if request.param == "narrowed":
        dataset = _generate(GENERATED_SEEDS[0], workdir / "dataset")
        return build_warehouse(dataset, workdir, KpiConfig.model_validate(NARROWED_KPI))
    dataset = _generate(int(request.param.removeprefix("seed")), workdir / "dataset")
    return build_warehouse(dataset, workdir, KpiConfig())


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


def test_channel_breakdown_and_cohorts_add_up_to_the_weekly_funnel(warehouse):
    weekly = warehouse.funnel_weekly()
    by_channel = warehouse.query(
        "SELECT week_start, sum(new_leads), sum(mqls), sum(sqls), sum(opportunities), sum(won_deals),"
        " sum(lost_deals), sum(won_amount) FROM marts.funnel_weekly_by_channel GROUP BY week_start"
    )
    cohorts = dict(warehouse.query("SELECT mql_week_start, mqls FROM marts.cohort_conversion"))

    for week, *sums in by_channel:
        row = weekly[week]
        assert sums == [*(row[column] for column in COUNT_COLUMNS), row["won_amount"]], f"week {week}"
    assert cohorts == {week: row["mqls"] for week, row in weekly.items() if row["mqls"]}
