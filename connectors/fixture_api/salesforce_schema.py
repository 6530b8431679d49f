"""Field metadata of an SObject, inferred from its recorded records.

A dataset holds records, not metadata, so the types a describe call reports (and that SOQL type-checks
filter values against) are read off the values and, where values cannot tell (picklists, currency,
e-mail, ...), off Salesforce's standard field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_RECORD_ID = re.compile(r"[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")
_PICKLISTS = {
    "Status", "LeadSource", "Industry", "Rating", "Salutation", "StageName", "Type", "ForecastCategory",
    "ForecastCategoryName", "Field", "DataType", "LeadStatus",
}
_STRING_TYPES_BY_NAME = {"Email": "email", "Phone": "phone", "MobilePhone": "phone", "Fax": "phone",
                         "Description": "textarea"}
_NUMBER_TYPES_BY_NAME = {"Amount": "currency", "ExpectedRevenue": "currency", "AnnualRevenue": "currency",
                         "Probability": "percent"}
NUMERIC_TYPES = frozenset({"double", "currency", "percent"})
# SOQL's name for the literal a filter on each field type needs (used in INVALID_FIELD messages).
LITERAL_TYPE_NAMES = {"datetime": "dateTime", "date": "date", "boolean": "boolean", **dict.fromkeys(
    NUMERIC_TYPES, "double")}


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: str
    nillable: bool

    @property
    def label(self) -> str:
        base = self.name[:-3] if self.name.endswith("__c") else self.name
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base).replace("_", " ")

    def describe(self) -> dict:
        return {"name": self.name, "label": self.label, "type": self.type, "nillable": self.nillable,
                "custom": self.name.endswith("__c"), "filterable": True, "sortable": self.type != "textarea",
                "length": 255 if self.type in {"string", "picklist", "email", "phone", "textarea"} else 0}


def _value_kind(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return _NUMBER_TYPES_BY_NAME.get(name, "double")
    if not isinstance(value, str):
        return "anyType"
    if _DATETIME.match(value):
        return "datetime"
    if _DATE.match(value):
        return "date"
    if name == "Id":
        return "id"
    if name.endswith("Id") and _RECORD_ID.match(value):
        return "reference"
    if name in _PICKLISTS:
        return "picklist"
    return _STRING_TYPES_BY_NAME.get(name, "string")


def _canonical_name(records: list[dict], wanted: str) -> str | None:
    for record in records:
        for name in record:
            if name.lower() == wanted and name != "attributes":
                return name
    return {"id": "Id", "isdeleted": "IsDeleted"}.get(wanted)  # every SObject has these


def infer_field(records: list[dict], name: str) -> FieldInfo | None:
    """One field of an SObject, looked up case-insensitively (as SOQL does); None if no record has it.

    The type comes from the first non-null value; values of another JSON type make it anyType.
    """
    canonical = _canonical_name(records, name.lower())
    if canonical is None:
        return None
    values = [value for record in records if (value := record.get(canonical)) is not None]
    json_types = {float if type(value) is int else type(value) for value in values}
    if len(json_types) > 1:
        field_type = "anyType"
    elif values:
        field_type = _value_kind(canonical, values[0])
    else:
        field_type = {"Id": "id", "IsDeleted": "boolean"}.get(canonical, "string")
    nillable = field_type not in {"boolean", "id"} and len(values) < len(records)
    return FieldInfo(canonical, field_type, nillable)


class FieldCatalog:
    """The fields of one SObject, each inferred when a query first names it (a query names few)."""

    def __init__(self, records: list[dict]):
        self._records = records
        self._known: dict[str, FieldInfo | None] = {}

    def get(self, name: str) -> FieldInfo | None:
        key = name.lower()
        if key not in self._known:
            self._known[key] = infer_field(self._records, key)
        return self._known[key]


def infer_fields(records: list[dict]) -> list[FieldInfo]:
    names = dict.fromkeys(["Id", "IsDeleted", *(name for record in records for name in record)])
    return [infer_field(records, name) for name in names if name != "attributes"]


def describe_sobject(sobject: str, records: list[dict], version: str) -> dict:
    ids = [record["Id"] for record in records if isinstance(record.get("Id"), str)]
    return {
        "name": sobject,
        "label": sobject,
        "labelPlural": f"{sobject}s",
        "keyPrefix": ids[0][:3] if ids else None,
        "custom": sobject.endswith("__c"),
        "queryable": True,
        "retrieveable": True,
        "fields": [field.describe() for field in infer_fields(records)],
        "urls": {"sobject": f"/services/data/v{version}/sobjects/{sobject}",
                 "describe": f"/services/data/v{version}/sobjects/{sobject}/describe"},
    }
