"""A small warehouse file holding every column type the exports map, and awkward values of each.

The HUGEINT is 2**100: Parquet has no 128-bit integer, DuckDB writes HUGEINT as DOUBLE, exact for this value.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

KINDS = """
CREATE TABLE marts.kinds AS SELECT * FROM (VALUES
    (1, 1::TINYINT, 7::INTEGER, 18446744073709551615::UBIGINT, 1267650600228229401496703205376::HUGEINT,
     0.5::FLOAT, 0.1::DOUBLE, 1234567.89::DECIMAL(38,2), 'tab\there, "quoted", back\\slash, 日本語', true,
     DATE '2025-06-23', TIMESTAMPTZ '2025-06-23 09:00:00+09', TIMESTAMP '2025-06-22 23:59:59.123456',
     TIME '12:34:56', INTERVAL '2 days 03:04:05', uuid(), '\\x00\\xffbytes'::BLOB,
     ['a', 'b,c', 'd"e', '{f}', NULL, ''], [1, NULL, 3]),
    (2, NULL, NULL, NULL, NULL, NULL, 'inf'::DOUBLE, -0.01, E'line\\nbreak\\r\\n', false,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, [], NULL),
    (3, -128, -2147483648, 0, -1, -1.25, -1e-300, NULL, '', NULL,
     DATE '1970-01-01', TIMESTAMPTZ '1999-12-31 23:59:59.999999+00', NULL, NULL, NULL, NULL, ''::BLOB, NULL, [])
) AS rows(id, tiny, whole, huge_unsigned, huge, single, double, amount, label, flag,
          day, instant, naive, clock, span, uid, raw, tags, counts)
"""


def build_warehouse(path: Path, funnel_weeks: int = 3) -> Path:
    with duckdb.connect(str(path)) as connection:
        for schema in ("marts", "reporting", "reference", "staging"):
            connection.execute(f"CREATE SCHEMA {schema}")
        connection.execute(KINDS)
        connection.execute(
            "CREATE TABLE marts.funnel_weekly AS SELECT DATE '2025-06-02' + 7 * i::INTEGER AS week_start, "
            f"i AS new_leads FROM range({funnel_weeks}) AS t(i)"
        )
        connection.execute("CREATE TABLE marts.empty (id BIGINT, names VARCHAR[])")
        connection.execute("CREATE TABLE reporting.kpi_sheet AS SELECT 'MQL数' AS kpi_name, 12.5 AS actual")
        connection.execute("CREATE TABLE reference.industry_benchmarks AS SELECT 'win_rate' AS metric, 0.2 AS value")
        connection.execute("CREATE TABLE staging.not_exported AS SELECT 1 AS id")
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "kpi.duckdb")
