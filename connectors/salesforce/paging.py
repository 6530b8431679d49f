"""Keyset cursors over queryAll: the stored cursor, the SOQL that starts after it, the cursor of a record.

A run selects ``WHERE ts > :ts OR (ts = :ts AND Id > :id) ORDER BY ts, Id`` past the stored cursor
(or, with an overlap window, everything from ``cursor - overlap`` on, since Salesforce can commit a
timestamp after later ones became visible); connectors/salesforce/windows.py pages through it. The
cursor after a page is the (timestamp, Id) of its last record: data, never the client clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connectors.errors import RecordShapeError, SourceRejected, SyncError
from connectors.salesforce.shaping import parse_datetime

# History objects have no SystemModstamp: their rows are immutable apart from deletion.
CURSOR_FIELDS = ("SystemModstamp", "CreatedDate")
_RECORD_ID = re.compile(r"[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


@dataclass(frozen=True)
class Cursor:
    field: str
    timestamp: datetime
    record_id: str

    def as_dict(self) -> dict:
        return {"field": self.field, "timestamp": soql_datetime(self.timestamp), "id": self.record_id}

    @classmethod
    def from_dict(cls, stored: dict, stream: str) -> Cursor:
        try:
            cursor = cls(stored["field"], parse_datetime(stored["timestamp"]), stored["id"])
        except (KeyError, TypeError, ValueError):
            raise SyncError(f"Salesforce stream {stream}: stored cursor {stored!r} lacks field, timestamp "
                            "or id; delete its raw_meta.sync_state row for a full reload") from None
        if cursor.field not in CURSOR_FIELDS or not _RECORD_ID.match(cursor.record_id):
            raise SyncError(f"Salesforce stream {stream}: stored cursor {stored!r} names an unknown field or "
                            "a malformed Id; delete its raw_meta.sync_state row for a full reload")
        return cursor


def soql_id_list(record_ids: list[str]) -> str:
    """Quoted Ids for an IN (...) list; anything not shaped like an Id is refused, never interpolated."""
    malformed = [record_id for record_id in record_ids if not _RECORD_ID.match(record_id)]
    if malformed:
        raise SyncError(f"refusing to put malformed Salesforce Id(s) {malformed[:3]!r} into SOQL")
    return ", ".join(f"'{record_id}'" for record_id in record_ids)


def soql_datetime(value: datetime) -> str:
    """SOQL's unquoted UTC datetime literal, millisecond precision as Salesforce stores it."""
    utc = value.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def cursor_field(field_names: list[str], stream: str) -> str:
    for name in CURSOR_FIELDS:
        if name in field_names:
            return name
    raise SourceRejected(f"Salesforce stream {stream}: describe lists neither SystemModstamp nor CreatedDate, "
                         "so changes cannot be read incrementally; grant the integration user read access to "
                         "one of them")


def after_cursor(cursor: Cursor) -> str:
    """Rows strictly after ``cursor`` in (timestamp, Id) order."""
    field, at = cursor.field, soql_datetime(cursor.timestamp)
    return f"{field} > {at} OR ({field} = {at} AND Id > {soql_id_list([cursor.record_id])})"


def window_filter(cursor: Cursor | None, overlap: timedelta) -> str | None:
    """The WHERE clause of a run starting after ``cursor`` (None: full load)."""
    if cursor is None:
        return None
    if overlap:
        return f"{cursor.field} >= {soql_datetime(cursor.timestamp - overlap)}"
    return after_cursor(cursor)


def build_soql(sobject: str, fields: list[str], field: str, where: str | None) -> str:
    soql = f"SELECT {', '.join(fields)} FROM {sobject}"
    if where:
        soql += f" WHERE {where}"
    return f"{soql} ORDER BY {field}, Id"


def record_cursor(record: dict, field: str, stream: str) -> Cursor:
    record_id = record.get("Id")
    value = record.get(field)
    if not isinstance(value, str):
        raise RecordShapeError(f"Salesforce stream {stream}: record {record_id!r} has no {field} to page by")
    try:
        return Cursor(field, parse_datetime(value), record_id)
    except ValueError:
        raise RecordShapeError(f"Salesforce stream {stream}: record {record_id!r}: {field} {value!r} "
                               "is not a Salesforce datetime") from None
