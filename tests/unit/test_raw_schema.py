"""Each raw table is declared once (connectors/raw_schema.py): what else names its columns must agree."""

from datetime import UTC, datetime

import duckdb
import pytest
import yaml

from connectors.hubspot.shaping import (
    contact_row,
    deal_row,
    lifecycle_history_rows,
    owner_row,
    pipeline_stage_rows,
)
from connectors.raw_schema import RAW_TABLES, create_raw_tables
from connectors.salesforce.shaping import shape_record
from tests.support import REPO
from tests.support.datasets import PIPELINES, contact_record, deal_record

SYNCED_AT = datetime(2025, 3, 31, tzinfo=UTC)
DUCKDB_TYPE_NAMES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}
SOURCES_YML = {
    "raw_hubspot": REPO / "dbt_project/models/staging/hubspot/_hubspot__sources.yml",
    "raw_salesforce": REPO / "dbt_project/models/staging/salesforce/_salesforce__sources.yml",
}


def dbt_source_tables() -> dict[str, dict]:
    tables = {}
    for schema, path in SOURCES_YML.items():
        (source,) = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        assert source["schema"] == schema, path
        tables |= {f"{schema}.{table['name']}": table for table in source["tables"]}
    return tables


def test_the_dbt_sources_are_the_declared_raw_tables_column_by_column():
    sources = dbt_source_tables()
    assert sorted(sources) == sorted(RAW_TABLES)
    for name, table in RAW_TABLES.items():
        assert sources[name]["description"] == table.description, name
        declared = {column: kind.removesuffix(" NOT NULL").lower() for column, kind in table.columns.items()}
        assert {column["name"]: column["data_type"] for column in sources[name]["columns"]} == declared, name


def test_the_created_tables_have_exactly_the_declared_columns_and_types():
    connection = duckdb.connect()
    create_raw_tables(connection)
    for name, table in RAW_TABLES.items():
        schema, table_name = name.split(".")
        created = connection.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table_name],
        ).fetchall()
        declared = [
            (column, DUCKDB_TYPE_NAMES.get(kind := declared_kind.removesuffix(" NOT NULL"), kind),
             "NO" if declared_kind.endswith("NOT NULL") else "YES")
            for column, declared_kind in table.columns.items()
        ]
        assert created == declared, name


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        ("raw_hubspot.contacts", lambda: [contact_row("hubspot.contacts", contact_record(1), SYNCED_AT)]),
        ("raw_hubspot.contact_lifecycle_history",
         lambda: lifecycle_history_rows("hubspot.contacts", contact_record(1), SYNCED_AT)),
        ("raw_hubspot.deals", lambda: [deal_row("hubspot.deals", deal_record(2, 10), SYNCED_AT)]),
        ("raw_hubspot.deal_pipeline_stages",
         lambda: pipeline_stage_rows("hubspot.deal_pipelines", PIPELINES, SYNCED_AT)),
        ("raw_hubspot.owners", lambda: [owner_row("hubspot.owners", {"id": "7", "archived": False}, SYNCED_AT)]),
    ],
)
def test_hubspot_shaping_fills_exactly_the_declared_columns(table, rows):
    shaped = rows()
    assert shaped
    for row in shaped:
        assert set(row) == set(RAW_TABLES[table].columns)


def test_salesforce_shaping_fills_exactly_the_declared_columns():
    record = {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA", "IsDeleted": False,
              "Email": "a@example.com", "CreatedDate": "2025-01-06T09:15:00.000+0000"}
    row = shape_record("Lead", record, SYNCED_AT, "salesforce.Lead")
    assert set(row) == set(RAW_TABLES["raw_salesforce.lead"].columns)
    assert row["CreatedDate"] == datetime(2025, 1, 6, 9, 15, tzinfo=UTC)
    assert row["Status"] is None


def test_an_archived_owner_keeps_its_user_id_and_a_user_is_shaped_without_is_deleted():
    archived = {"id": "70000002", "email": "a@example.com", "firstName": "奈々", "lastName": "三浦", "userId": None,
                "userIdIncludingInactive": 2000002, "archived": True}
    user = {"attributes": {"type": "User"}, "Id": "0055g00000000G9AAI", "Name": "高木 正人", "IsActive": False,
            "SystemModstamp": "2023-04-03T00:30:00.000+0000"}

    owner = owner_row("hubspot.owners", archived, SYNCED_AT)
    row = shape_record("User", user, SYNCED_AT, "salesforce.User")

    assert (owner["user_id"], owner["first_name"], owner["archived"]) == (2000002, "奈々", True)
    assert set(row) == set(RAW_TABLES["raw_salesforce.user"].columns)
    assert (row["Name"], row["IsActive"], row["Email"]) == ("高木 正人", False, None)
