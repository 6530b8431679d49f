"""The data's first week, known before the sync: the recording's first lead, the published warehouse's funnel."""

import json
from datetime import date

import duckdb

from pipeline.cli.data_weeks import data_first_week, warehouse_first_week
from pipeline.environment import Environment
from tests.support import REPO


def recording(root, contacts: list[str], leads: list[str]):
    (root / "hubspot").mkdir(parents=True)
    (root / "salesforce").mkdir()
    lines = [json.dumps({"id": str(n), "properties": {"createdate": created}}) for n, created in enumerate(contacts)]
    (root / "hubspot" / "contacts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = [json.dumps({"Id": f"00Q{n}", "CreatedDate": created}, indent=None, separators=(", ", ": "))
             for n, created in enumerate(leads)]
    (root / "salesforce" / "Lead.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_demo_recording_begins_in_the_week_of_2024_11_18():
    env = Environment.from_environ({"KPI_FIXTURES_DIR": str(REPO / "fixtures" / "demo"),
                                    "KPI_DUCKDB_PATH": "/nonexistent/kpi.duckdb"})
    assert data_first_week(env, "Asia/Tokyo") == date(2024, 11, 18)


def test_the_week_is_the_local_one_and_an_earlier_published_week_wins(tmp_path):
    # Sunday 2025-02-09 16:00 UTC is Monday 01:00 in Tokyo: the week of 02-10 there, of 02-03 in UTC.
    dataset = recording(tmp_path / "dataset", ["2025-02-09T16:00:00.000Z"], [])
    published = tmp_path / "kpi.duckdb"
    env = Environment.from_environ({"KPI_FIXTURES_DIR": str(dataset), "KPI_DUCKDB_PATH": str(published)})
    assert data_first_week(env, "Asia/Tokyo") == date(2025, 2, 10)
    assert data_first_week(env, "UTC") == date(2025, 2, 3)
    with duckdb.connect(str(published)) as connection:
        connection.execute("CREATE SCHEMA marts")
        connection.execute("CREATE TABLE marts.funnel_weekly AS SELECT DATE '2025-01-27' AS week_start")
    assert warehouse_first_week(published) == date(2025, 1, 27)
    assert data_first_week(env, "Asia/Tokyo") == date(2025, 1, 27)


def test_a_warehouse_without_marts_knows_no_first_week(tmp_path):
    published = tmp_path / "kpi.duckdb"
    duckdb.connect(str(published)).close()
    assert warehouse_first_week(published) is None
    assert warehouse_first_week(tmp_path / "absent.duckdb") is None
