"""The drill-down tab as Excel reads it back (openpyxl): header, record rows, links, the empty week."""

from __future__ import annotations

from datetime import UTC, date, datetime

import openpyxl
import xlsxwriter

from pipeline.sheet.xlsx_drilldown import write_drilldown_sheet
from pipeline.sheet.xlsx_formats import Formats

WEEK = date(2025, 3, 3)
HUBSPOT_URL = "https://app.hubspot.com/contacts/2519445/record/0-1/1000241"
SALESFORCE_URL = "https://kpi-demo.my.salesforce.com/0065g00000A1b2cAAB"


def record(event_type: str, system: str, record_type: str, record_id: str, local: datetime, **extra) -> dict:
    """A row of marts.funnel_event_records as the caller reads it."""
    return {"event_id": f"{event_type}:{record_id}", "event_type": event_type, "week_start": WEEK,
            "event_at": local.replace(tzinfo=UTC), "event_local_at": local, "source_system": system,
            "source_record_id": record_id, "record_type": record_type, "channel": None, "person_id": None,
            "owner_id": None, "owner_name": None, "record_url": None, **extra}


HUBSPOT_MQL = record("mql", "hubspot", "contact", "1000241", datetime(2025, 3, 4, 17, 6),
                     channel="ORGANIC_SEARCH", owner_id="70000002", owner_name="奈々 三浦", record_url=HUBSPOT_URL)
SALESFORCE_WON = record("won", "salesforce", "opportunity", "0065g00000A1b2cAAB", datetime(2025, 3, 7),
                        channel="Web", owner_id="0055g00000000G9AAI", owner_name="高木 正人", record_url=SALESFORCE_URL)
EARLIER_MQL = record("mql", "salesforce", "lead", "00Q5g00000000HoEAI", datetime(2025, 3, 3, 9, 30))
NEW_LEAD = record("new_lead", "hubspot", "contact", "1000240", datetime(2025, 3, 8, 23, 59))
LOST = record("lost", "hubspot", "deal", "5000001", datetime(2025, 3, 5))


# The sheet's count KPIs by event type, labelled as kpi.yaml names them, in its order.
KPI_LABELS = {
    "ja": {"new_lead": "新規リード獲得数", "mql": "MQL数", "sql": "SQL数", "opportunity": "商談数", "won": "受注数"},
    "en": {"new_lead": "New leads", "mql": "MQLs", "sql": "SQLs", "opportunity": "Opportunities", "won": "Won deals"},
}


def written(tmp_path, records: list[dict], language: str = "ja", kpi_labels: dict | None = None):
    path = tmp_path / "drilldown.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_drilldown_sheet(workbook, workbook.add_worksheet("明細"), Formats(workbook), records,
                          kpi_labels or KPI_LABELS[language], language)
    workbook.close()
    return openpyxl.load_workbook(path).worksheets[0]


def values(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_records_in_kpi_order_then_by_time_with_links_that_open_them(tmp_path):
    sheet = written(tmp_path, [SALESFORCE_WON, LOST, HUBSPOT_MQL, NEW_LEAD, EARLIER_MQL])

    assert values(sheet) == [
        ("KPI", "種別", "システム", "レコードID", "担当者", "チャネル", "日時", "リンク"),
        ("新規リード獲得数", "人", "HubSpot", "1000240", "—", "—", datetime(2025, 3, 8, 23, 59), "—"),
        ("MQL数", "人", "Salesforce", "00Q5g00000000HoEAI", "—", "—", datetime(2025, 3, 3, 9, 30), "—"),
        ("MQL数", "人", "HubSpot", "1000241", "奈々 三浦", "ORGANIC_SEARCH", datetime(2025, 3, 4, 17, 6),
         "HubSpotで開く"),
        ("受注数", "商談", "Salesforce", "0065g00000A1b2cAAB", "高木 正人", "Web", datetime(2025, 3, 7),
         "Salesforceで開く"),
    ]  # the lost deal is no count KPI of the sheet
    assert sheet["H4"].hyperlink.target == HUBSPOT_URL
    assert sheet["H5"].hyperlink.target == SALESFORCE_URL
    assert sheet["H2"].hyperlink is None
    assert sheet["D2"].data_type == "s"  # a HubSpot id stays text
    assert sheet["G4"].number_format == "yyyy-mm-dd hh:mm"


def test_the_tab_prints_landscape_with_a_frozen_filtered_header(tmp_path):
    sheet = written(tmp_path, [HUBSPOT_MQL, SALESFORCE_WON])

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"  # the header on every printed page


def test_english_labels(tmp_path):
    sheet = written(tmp_path, [HUBSPOT_MQL, SALESFORCE_WON], language="en")

    assert values(sheet)[0] == ("KPI", "Kind", "System", "Record ID", "Owner", "Channel", "Time", "Link")
    assert values(sheet)[1][:3] == ("MQLs", "person", "HubSpot")
    assert (sheet["A3"].value, sheet["B3"].value, sheet["H2"].value, sheet["H3"].value) == (
        "Won deals", "deal", "Open in HubSpot", "Open in Salesforce")


def test_an_empty_week_writes_the_header_and_a_note(tmp_path):
    japanese = written(tmp_path, [])
    english = written(tmp_path, [LOST], language="en")

    assert values(japanese) == [("KPI", "種別", "システム", "レコードID", "担当者", "チャネル", "日時", "リンク"),
                                ("対象週に該当するレコードはありません。", *[None] * 7)]
    assert values(english)[1][0] == "No records for this week."
    assert japanese.auto_filter.ref == "A1:H1"


def test_only_the_sheets_count_kpis_appear_under_their_configured_names(tmp_path):
    sheet = written(tmp_path, [HUBSPOT_MQL, SALESFORCE_WON, NEW_LEAD], kpi_labels={"won": "受注件数", "mql": "MQL"})

    assert [row[0] for row in values(sheet)[1:]] == ["受注件数", "MQL"]
