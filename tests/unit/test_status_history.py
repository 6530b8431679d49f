"""An org without Lead Status history: the asset check warns and the sheet's データソース cell says so."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from dagster import AssetCheckSeverity, build_asset_check_context
from dagster_duckdb import DuckDBResource

from connectors.raw_schema import create_raw_tables
from pipeline.checks import lead_status_history_tracked
from pipeline.sheet.formatting import row_cells
from pipeline.sheet.rows import WeeklySheets
from pipeline.status_history import lead_status_history
from tests.unit.test_sheet_rows import guide_config, guide_funnel

LEAD = ("INSERT INTO raw_salesforce.lead (Id, IsDeleted, payload, _synced_at) "
        "VALUES (?, false, '{}', now())")
HISTORY = ("INSERT INTO raw_salesforce.lead_history (Id, LeadId, Field, IsDeleted, payload, _synced_at) "
           "VALUES (?, '00Q000000000001', ?, false, '{}', now())")


def warehouse(tmp_path, leads: int, history_fields: list[str]) -> DuckDBResource:
    path = str(tmp_path / "kpi.duckdb")
    with duckdb.connect(path) as connection:
        create_raw_tables(connection)
        for index in range(leads):
            connection.execute(LEAD, [f"00Q00000000000{index}"])
        for index, field in enumerate(history_fields):
            connection.execute(HISTORY, [f"01700000000000{index}", field])
    return DuckDBResource(database=path)


@pytest.mark.parametrize(("leads", "fields", "passed"), [
    (2, ["created", "Owner"], False),  # leads, history, but never a Status row
    (2, ["created", "Status"], True),
    (0, [], True),  # no Salesforce data at all: nothing to warn about
])
def test_the_check_warns_when_leads_have_no_status_history(tmp_path, leads, fields, passed):
    result = lead_status_history_tracked(build_asset_check_context(), warehouse(tmp_path, leads, fields))
    assert result.passed is passed
    assert result.severity == AssetCheckSeverity.WARN
    assert result.metadata["leads"].value == leads
    assert result.metadata["status_history_rows"].value == fields.count("Status")


def test_a_warehouse_never_synced_from_salesforce_has_nothing_missing():
    with duckdb.connect() as connection:
        assert lead_status_history(connection).missing is False


@pytest.mark.parametrize(("language", "note"), [
    ("ja", "(Salesforce ステータス履歴なし: 作成日で代用)"),
    ("en", "(no Salesforce Status history: creation date used)"),
])
def test_the_sheet_names_the_fallback_in_the_data_source_of_the_kpis_it_dates(language, note):
    kpi_ids = ("new_leads", "mqls", "sqls", "mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate")
    config = guide_config(language=language, kpis=[{"id": kpi_id} for kpi_id in kpi_ids])
    week = date(2025, 6, 9)
    plain = {row.kpi.id: row_cells(row, language)[5] for row in WeeklySheets(guide_funnel(), config).rows(week)}
    noted = {row.kpi.id: row_cells(row, language)[5]
             for row in WeeklySheets(guide_funnel(), config, no_status_history=True).rows(week)}
    dated_by_status = {"mqls", "sqls", "mql_to_sql_rate", "sql_to_opportunity_rate"}
    for kpi_id, cell in noted.items():
        assert cell == (f"{plain[kpi_id]} {note}" if kpi_id in dated_by_status else plain[kpi_id]), kpi_id
    assert set(noted) == set(kpi_ids)
