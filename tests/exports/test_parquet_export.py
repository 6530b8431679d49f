"""The Parquet export: one file per table, read back with DuckDB, each replaced atomically."""

from __future__ import annotations

import duckdb
from dagster import materialize

from pipeline.assets.exports import parquet_export
from pipeline.exports import EXPORTED_SCHEMAS, write_parquet
from pipeline.resources import ExportTargetsResource, WarehouseResource
from tests.support.exports import duckdb_rows, warehouse_tables

PARQUET_TYPES = {"HUGEINT": "DOUBLE"}  # Parquet has no 128-bit integer; the marts have none either


def assert_same_tables(warehouse, directory):
    tables = warehouse_tables(warehouse, EXPORTED_SCHEMAS)
    files = sorted(path.name for path in directory.iterdir())  # no partial file left behind
    assert files == [f"{schema}.{table}.parquet" for schema, table in tables]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for schema, table in tables:
            source = f'SELECT * FROM "{schema}"."{table}"'
            exported = f"SELECT * FROM read_parquet('{directory / f'{schema}.{table}.parquet'}')"
            assert duckdb_rows(warehouse, exported) == duckdb_rows(warehouse, source), f"{schema}.{table}"
            types = connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {source})").fetchall()
            assert connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {exported})").fetchall() == [
                (name, PARQUET_TYPES.get(kind, kind)) for name, kind in types
            ], f"{schema}.{table}"


def test_every_table_reads_back_row_for_row_with_its_types(warehouse, tmp_path):
    report = write_parquet(warehouse, tmp_path / "exports")
    assert_same_tables(warehouse, tmp_path / "exports")
    assert report.rows["marts.kinds"] == 3 and report.rows["marts.empty"] == 0


def test_a_second_export_replaces_the_files(warehouse, tmp_path):
    write_parquet(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("DELETE FROM marts.kinds WHERE id = 1")
    report = write_parquet(warehouse, tmp_path / "exports")
    assert report.rows["marts.kinds"] == 2
    assert_same_tables(warehouse, tmp_path / "exports")  # and no partial file left behind


def test_the_asset_says_what_it_exported(warehouse, tmp_path):
    result = materialize([parquet_export], resources=resources(warehouse, str(tmp_path / "exports")))
    metadata = result.asset_materializations_for_node("exports__parquet")[0].metadata
    assert metadata["target"].value == str(tmp_path / "exports")
    assert metadata["rows"].value["marts.funnel_weekly"] == 3
    assert metadata["tables"].value == sorted(metadata["rows"].value)


def test_without_a_directory_the_asset_does_nothing_and_says_so(warehouse):
    result = materialize([parquet_export], resources=resources(warehouse, None))
    metadata = result.asset_materializations_for_node("exports__parquet")[0].metadata
    assert metadata["skipped"].value == "KPI_EXPORT_PARQUET_DIR is not set: nothing exported"


def resources(warehouse, directory):
    return {
        "duckdb": WarehouseResource(database=str(warehouse)),
        "exports": ExportTargetsResource(parquet_dir=directory),
    }
