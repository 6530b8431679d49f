"""Metadata values as the Dagster UI prints them: instants as timestamps, rates rounded, no empty JSON."""

from datetime import date
from decimal import Decimal

from dagster import TableMetadataValue, TextMetadataValue

from pipeline.assets.metadata import lines, markdown_safe, readable_cursors, rounded, text_table


def test_cursors_show_utc_timestamps_not_epoch_milliseconds():
    cursors = {
        "hubspot.contacts": {"newest_ms": 1763341199000, "since": "2025-11-17T00:49:59.000+00:00",
                             "since_ms": 1763340599000},
        "salesforce.Lead": {"field": "SystemModstamp", "id": "00Q1", "timestamp": "2025-11-17T00:59:59.000+0000"},
        "hubspot.contact_ids": {"swept_at": "2026-12-02T10:07:48.428535+00:00"},
        "hubspot.archived_contacts": {"after": None},
        "hubspot.deals": None,
    }
    assert readable_cursors(cursors, empty="none (full load)").value == "\n".join([
        "- hubspot.archived_contacts: after `none`",
        "- hubspot.contact_ids: swept_at `2026-12-02T10:07:48.428Z`",
        # since and since_ms are one instant: shown once
        "- hubspot.contacts: newest `2025-11-17T00:59:59Z`, since `2025-11-17T00:49:59Z`",
        "- hubspot.deals: none (full load)",
        "- salesforce.Lead: field `SystemModstamp`, id `00Q1`, timestamp `2025-11-17T00:59:59Z`",
    ])


def test_no_cursor_at_all_reads_as_a_word():
    assert readable_cursors({}, empty="none (full load)") == TextMetadataValue("none (full load)")


def test_rates_are_rounded_to_four_digits_and_amounts_are_numbers():
    row = {"week_start": date(2025, 11, 10), "mqls": 35, "mql_to_sql_rate": 0.45714285714285713,
           "won_amount": Decimal("1200000.00"), "win_rate": None, "rates": [0.13793103448275862]}
    assert rounded(row) == {"week_start": "2025-11-10", "mqls": 35, "mql_to_sql_rate": 0.4571,
                            "won_amount": 1200000, "win_rate": None, "rates": [0.1379]}


def test_an_empty_list_of_messages_says_none():
    assert lines([]) == TextMetadataValue("none")
    assert lines(["a", "b"]).value == "- a\n- b"


def test_a_text_table_has_a_schema_and_one_record_per_row():
    table = text_table(["KPI名", "実績値"], [["新規リード獲得数", "60"]])
    assert isinstance(table, TableMetadataValue)
    assert [column.name for column in table.schema.columns] == ["KPI名", "実績値"]
    assert table.records[0].data == {"KPI名": "新規リード獲得数", "実績値": "60"}


def test_placeholders_in_descriptions_become_code_outside_code_only():
    text = (
        "Written as KPI_OUTPUT_DIR/kpi_sheet_<week>.xlsx, from hs_v2_date_entered_<stage>) and `a <b>`.\n"
        "```sql\n<x>\n```"
    )
    assert markdown_safe(text) == (
        "Written as `KPI_OUTPUT_DIR/kpi_sheet_<week>.xlsx`, from `hs_v2_date_entered_<stage>`) and `a <b>`.\n"
        "```sql\n<x>\n```"
    )
