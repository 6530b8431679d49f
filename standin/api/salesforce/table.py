"""One SObject's records with what queries derive from them, built once per dataset.

The field catalog is built when the table is; each field's comparable values (parsed date-times, dates,
decimals, case-folded text) are parsed the first time a query filters or sorts on it and kept, so a
query is one pass over the records plus a sort.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from standin.api.dataset import Dataset, DatasetError, parse_utc
from standin.api.salesforce.fields import STANDARD_FIELDS
from standin.api.salesforce.schema import NUMERIC_TYPES, FieldInfo, sobject_fields

EXACT_STRING_TYPES = {"id", "reference"}  # record ids are case-sensitive; other text compares case-blind


class SObjectTable:
    def __init__(self, name: str, records: list[dict]):
        self.name = name
        self.records = records
        self.fields = sobject_fields(name, records)
        self._by_name = {field.name.lower(): field for field in self.fields}
        self.deleted = [record.get("IsDeleted") is True for record in records]
        self._columns: dict[str, list] = {}
        self._lock = threading.Lock()

    def field(self, name: str) -> FieldInfo | None:
        """A field looked up case-insensitively, as SOQL does."""
        return self._by_name.get(name.lower())

    def column(self, field: FieldInfo) -> list:
        """The field's comparable value of every record, in record order (None for null)."""
        with self._lock:
            if field.name not in self._columns:
                self._columns[field.name] = [self._comparable(field, record) for record in self.records]
            return self._columns[field.name]

    def _comparable(self, field: FieldInfo, record: dict):
        value = record.get(field.name)
        if value is None:
            return None
        try:
            if field.type == "datetime":
                return parse_utc(value)
            if field.type == "date":
                return date.fromisoformat(value)
            if field.type in NUMERIC_TYPES:
                return Decimal(str(value))
        except (AttributeError, TypeError, ValueError):
            raise DatasetError(f"salesforce/{self.name}.jsonl: record {record.get('Id')!r}: field {field.name!r}: "
                               f"{value!r} is not a {field.type}") from None
        if field.type in EXACT_STRING_TYPES or field.type == "boolean":
            return value
        return str(value).casefold()


def tables_of(sobjects: Mapping[str, list[dict]]) -> dict[str, SObjectTable]:
    """The dataset's objects, and every standard one it lacks as an empty table: an org always has them."""
    absent = {name: [] for name in STANDARD_FIELDS if name not in sobjects}
    return {name: SObjectTable(name, records) for name, records in {**sobjects, **absent}.items()}


def salesforce_tables(dataset: Dataset) -> dict[str, SObjectTable]:
    return dataset.derived("salesforce", lambda current: tables_of(current.salesforce))
