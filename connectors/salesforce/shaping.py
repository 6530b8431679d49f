"""Salesforce records -> rows of the raw_salesforce tables (pure functions).

A row holds the typed columns its table declares in connectors/raw_schema.py (types and NOT NULL decide
the parsing and the fields a record must carry), the record as received (``attributes`` included) as
``payload``, and ``_synced_at``.
"""

from __future__ import annotations

from datetime import date, datetime

from connectors.errors import RecordShapeError
from connectors.raw_schema import RawTable, tables_in

# SObject -> its raw table, from the streams ("salesforce.<SObject>") that write each table.
SOBJECT_TABLES: dict[str, RawTable] = {
    stream.split(".", 1)[1]: table for table in tables_in("raw_salesforce") for stream in table.streams
}
_PARSERS = {"TIMESTAMPTZ": "datetime", "DATE": "date", "BOOLEAN": "boolean", "DOUBLE": "number"}


def parse_datetime(text: str) -> datetime:
    """Salesforce's ``2025-01-06T09:15:00.000+0000`` (or ``...Z``) as an aware datetime.

    fromisoformat is fifty times faster than strptime here; a value without a zone is refused.
    """
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return parsed


def _typed(name: str, declared: str, value, where: str):
    kind = _PARSERS.get(declared.removesuffix(" NOT NULL"))
    if value is None or kind is None:
        return value
    try:
        if kind == "datetime":
            return parse_datetime(value)
        if kind == "date":
            return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordShapeError(f"{where}: field {name} {value!r} is not a Salesforce {kind}") from None
    if kind == "boolean" and not isinstance(value, bool):
        raise RecordShapeError(f"{where}: field {name} {value!r} is not a boolean")
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise RecordShapeError(f"{where}: field {name} {value!r} is not a number")
    return value


def shape_record(sobject: str, record: dict, synced_at: datetime, stream: str) -> dict:
    record_id = record.get("Id")
    if not isinstance(record_id, str) or not record_id:
        raise RecordShapeError(f"Salesforce stream {stream}: a {sobject} record has no Id "
                               f"(fields: {', '.join(sorted(record)[:12])})")
    where = f"Salesforce stream {stream}: record {record_id}"
    declared = SOBJECT_TABLES[sobject].typed_columns
    for name, kind in declared.items():
        if kind.endswith("NOT NULL") and record.get(name) is None:
            raise RecordShapeError(f"{where}: required field {name} is missing")
    row = {name: _typed(name, kind, record.get(name), where) for name, kind in declared.items()}
    row |= dict.fromkeys(SOBJECT_TABLES[sobject].tracking_columns)
    row["payload"] = record
    row["_synced_at"] = synced_at
    return row


def shape_page(sobject: str, records: list[dict], synced_at: datetime, stream: str) -> list[dict]:
    return [shape_record(sobject, record, synced_at, stream) for record in records]
