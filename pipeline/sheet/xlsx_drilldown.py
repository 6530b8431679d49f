"""The drill-down tab: for the report week, the records behind each count KPI, with a link that opens each.

`records` are rows of marts.funnel_event_records of one week, as dicts; `kpi_labels` maps the event type of
each count KPI on the sheet to that KPI's label, in the sheet's order. Times are `event_local_at`, the
wall-clock time in kpi.yaml's time zone: the mart's `event_at` is an instant, and a spreadsheet cell holds no
time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.kpi_config.sheet_config import KpiDefinition
from pipeline.sheet.formatting import kpi_label
from pipeline.sheet.labels import (
    DRILLDOWN_COLUMNS,
    DRILLDOWN_NOTES,
    OPEN_RECORD,
    RECORD_KINDS,
    SYSTEM_NAMES,
    UNDEFINED,
)
from pipeline.sheet.xlsx_formats import Formats

# The count KPIs that list their records, by the funnel_events type they count.
COUNT_KPI_EVENTS = {"new_leads": "new_lead", "mqls": "mql", "sqls": "sql", "opportunities": "opportunity",
                    "won_deals": "won"}
_PERSON_RECORDS = {"contact", "lead"}
_COLUMN_WIDTHS = (18, 10, 12, 22, 18, 22, 17, 20)
_TIME_COLUMN, _LINK_COLUMN = 6, 7


def drilldown_labels(kpis: Sequence[KpiDefinition], language: str) -> dict[str, str]:
    """Event type -> label of the sheet's count KPIs, in the sheet's order."""
    return {COUNT_KPI_EVENTS[kpi.id]: kpi_label(kpi, language) for kpi in kpis if kpi.id in COUNT_KPI_EVENTS}


def write_drilldown_sheet(workbook, sheet, formats: Formats, records: Sequence[Mapping],
                          kpi_labels: Mapping[str, str], language: str) -> None:
    """Header, then one row per record in KPI order and by time; a note row when there is none.

    Events of no count KPI on the sheet (lost deals, a KPI left out of kpi.yaml) are left out.
    """
    order = list(kpi_labels)
    rows = sorted(
        (record for record in records if record["event_type"] in kpi_labels),
        key=lambda record: (order.index(record["event_type"]), record["event_local_at"], record["event_id"]),
    )
    sheet.write_row(0, 0, DRILLDOWN_COLUMNS[language], formats.header)
    for column, width in enumerate(_COLUMN_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)  # a long week prints on several pages, each with the header
    for number, record in enumerate(rows, start=1):
        _write_record(sheet, formats, number, record, kpi_labels, language)
    sheet.autofilter(0, 0, len(rows), len(_COLUMN_WIDTHS) - 1)
    if not rows:
        sheet.write_string(1, 0, DRILLDOWN_NOTES[language]["empty"], formats.note)


def _write_record(sheet, formats: Formats, number: int, record: Mapping, kpi_labels: Mapping[str, str],
                  language: str) -> None:
    system = record["source_system"]
    kind = "person" if record["record_type"] in _PERSON_RECORDS else "deal"
    texts = (
        kpi_labels[record["event_type"]],
        RECORD_KINDS[language][kind],
        SYSTEM_NAMES[system],
        record["source_record_id"],  # as text: HubSpot ids are digits, and must not become numbers
        record.get("owner_name") or UNDEFINED,
        record.get("channel") or UNDEFINED,
    )
    for column, text in enumerate(texts):
        sheet.write_string(number, column, text, formats.text)
    sheet.write_datetime(number, _TIME_COLUMN, record["event_local_at"], formats.datetime)
    url = record.get("record_url")
    if url:
        sheet.write_url(number, _LINK_COLUMN, url, formats.link, string=OPEN_RECORD[language][system])
    else:
        sheet.write_string(number, _LINK_COLUMN, UNDEFINED, formats.undefined)
