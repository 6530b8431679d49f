"""The PostgreSQL export against a real server that the tests start (tests/support/postgres.py)."""

from __future__ import annotations

import threading
import time

import duckdb
import psycopg
import pytest
from dagster import materialize

from pipeline.assets.exports import postgres_export
from pipeline.exports import EXPORTED_SCHEMAS, copy_to_postgres, redact
from pipeline.exports.postgres import PostgresExportError
from pipeline.resources import ExportTargetsResource, WarehouseResource
from tests.support.exports import duckdb_rows, postgres_rows, postgres_tables, warehouse_tables
from tests.support.postgres import PASSWORD


def assert_same_tables(warehouse, url):
    tables = warehouse_tables(warehouse, EXPORTED_SCHEMAS)
    assert postgres_tables(url) == tables
    for schema, table in tables:
        expected = duckdb_rows(warehouse, f'SELECT * FROM "{schema}"."{table}"')
        assert postgres_rows(url, schema, table) == expected, f"{schema}.{table}"


def test_every_table_reads_back_row_for_row(warehouse, postgres_url):
    report = copy_to_postgres(warehouse, postgres_url)
    assert_same_tables(warehouse, postgres_url)
    assert report.rows == {
        "marts.empty": 0, "marts.funnel_weekly": 3, "marts.kinds": 3,
        "reference.industry_benchmarks": 1, "reporting.kpi_sheet": 1,
    }
    assert PASSWORD not in report.target


def test_columns_get_postgres_types_mapped_from_duckdb(warehouse, postgres_url):
    copy_to_postgres(warehouse, postgres_url)
    with psycopg.connect(postgres_url) as connection:
        types = dict(connection.execute(
            "SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns "
            "JOIN pg_attribute ON attrelid = 'marts.kinds'::regclass AND attname = column_name "
            "WHERE table_schema = 'marts' AND table_name = 'kinds'"
        ).fetchall())
    assert types == {
        "id": "integer", "tiny": "smallint", "whole": "integer", "huge_unsigned": "numeric", "huge": "numeric",
        "single": "real", "double": "double precision", "amount": "numeric(38,2)", "label": "text",
        "flag": "boolean", "day": "date", "instant": "timestamp with time zone",
        "naive": "timestamp without time zone", "clock": "time without time zone", "span": "interval",
        "uid": "uuid", "raw": "bytea", "tags": "text[]", "counts": "integer[]",
    }


def test_a_second_export_replaces_every_table(warehouse, postgres_url):
    copy_to_postgres(warehouse, postgres_url)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("DELETE FROM marts.kinds WHERE id = 1")
        connection.execute("INSERT INTO marts.funnel_weekly VALUES (DATE '2025-06-23', 30), (DATE '2025-06-30', 40)")
    report = copy_to_postgres(warehouse, postgres_url)
    assert report.rows["marts.kinds"] == 2 and report.rows["marts.funnel_weekly"] == 5
    assert_same_tables(warehouse, postgres_url)  # the same tables: no duplicates, no tables left "__loading"


def test_a_failed_load_leaves_every_old_table_intact(warehouse, postgres_url):
    copy_to_postgres(warehouse, postgres_url)
    before = {table: postgres_rows(postgres_url, "marts", table) for table in ("funnel_weekly", "kinds")}
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("DELETE FROM marts.funnel_weekly")
        # PostgreSQL's text refuses NUL, so the load of marts.kinds fails after marts.funnel_weekly loaded.
        connection.execute("INSERT INTO marts.kinds (id, label) VALUES (4, 'nul' || chr(0))")
    with pytest.raises(PostgresExportError) as failure:
        copy_to_postgres(warehouse, postgres_url)
    assert str(failure.value).startswith(f"PostgreSQL export to {redact(postgres_url)} failed: ")
    assert PASSWORD not in str(failure.value)
    assert {table: postgres_rows(postgres_url, "marts", table) for table in before} == before
    assert ("marts", "kinds__loading") not in postgres_tables(postgres_url)


def test_a_reader_inside_a_transaction_keeps_the_old_table_until_the_export_commits(warehouse, postgres_url):
    copy_to_postgres(warehouse, postgres_url)
    _, old = postgres_rows(postgres_url, "marts", "funnel_weekly")
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("INSERT INTO marts.funnel_weekly VALUES (DATE '2025-06-23', 30)")
    with psycopg.connect(postgres_url) as reader:  # not autocommit: its first query opens a transaction
        assert len(reader.execute("SELECT * FROM marts.funnel_weekly").fetchall()) == len(old)
        export = threading.Thread(target=copy_to_postgres, args=(warehouse, postgres_url))
        export.start()
        with psycopg.connect(postgres_url, autocommit=True) as observer:  # a fresh view of the activity each query
            deadline = time.monotonic() + 30
            # Every table is loaded; the swap waits for the reader's lock on the old table.
            while not observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DROP TABLE%'"
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the export never reached the swap"
                time.sleep(0.05)
        assert len(reader.execute("SELECT * FROM marts.funnel_weekly").fetchall()) == len(old)
        reader.commit()
        export.join(timeout=30)
        assert len(reader.execute("SELECT * FROM marts.funnel_weekly").fetchall()) == len(old) + 1


def test_urls_are_shown_without_their_password():
    assert redact("postgresql://bi:pa%40ss@db.example.com:6543/kpi?sslmode=require") == (
        "postgresql://bi@db.example.com:6543/kpi"
    )
    assert redact("host=db.example.com user=bi password=secret dbname=kpi") == "postgresql://bi@db.example.com/kpi"
    with pytest.raises(PostgresExportError) as failure:
        redact("host=db password secret")
    assert "secret" not in str(failure.value)


def test_the_asset_says_what_it_exported_and_never_the_password(warehouse, postgres_url):
    result = materialize([postgres_export], resources=resources(warehouse, postgres_url))
    metadata = result.asset_materializations_for_node("exports__postgres")[0].metadata
    assert metadata["target"].value == redact(postgres_url)
    assert metadata["rows"].value["marts.kinds"] == 3
    assert metadata["tables"].value == sorted(metadata["rows"].value)
    assert PASSWORD not in repr(result.all_events)


def test_a_failing_server_fails_the_asset_without_the_password(warehouse, postgres_server):
    closed = postgres_server.url().replace(f":{postgres_server.port}/", ":1/")
    result = materialize([postgres_export], resources=resources(warehouse, closed), raise_on_error=False)
    assert not result.success
    assert "PostgreSQL export to postgresql://postgres@127.0.0.1:1/postgres failed" in repr(result.all_events)
    assert PASSWORD not in repr(result.all_events)


def test_without_a_url_the_asset_does_nothing_and_says_so(warehouse):
    result = materialize([postgres_export], resources=resources(warehouse, None))
    metadata = result.asset_materializations_for_node("exports__postgres")[0].metadata
    assert metadata["skipped"].value == "KPI_EXPORT_POSTGRES_URL is not set: nothing exported"


def resources(warehouse, url):
    return {"duckdb": WarehouseResource(database=str(warehouse)), "exports": ExportTargetsResource(postgres_url=url)}
