"""Field metadata of an SObject: its standard fields (salesforce_fields) and what its records show.

A dataset holds records, not metadata, so the types of fields outside the standard tables (custom
fields, objects without a table) are read off the values and, where values cannot tell (picklists,
currency, e-mail, ...), off Salesforce's standard field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from standin.api.salesforce.fields import KEY_PREFIXES, NOT_REPLICATEABLE, STANDARD_FIELDS

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


def infer_fields(records: list[dict], always: tuple[str, ...] = ("Id", "IsDeleted")) -> list[FieldInfo]:
    """Every field the records show (and the ``always`` ones, which every SObject has), in one pass.

    A field's type comes from its first non-null value; values of another JSON type make it anyType.
    """
    names: dict[str, None] = dict.fromkeys(always)
    first_values: dict[str, object] = {}
    json_types: dict[str, set[type]] = {}
    present: dict[str, int] = {}
    for record in records:
        for name, value in record.items():
            names.setdefault(name)
            if value is not None:
                first_values.setdefault(name, value)
                json_types.setdefault(name, set()).add(float if type(value) is int else type(value))
                present[name] = present.get(name, 0) + 1
    names.pop("attributes", None)
    return [_inferred(name, first_values, json_types, present.get(name, 0), len(records)) for name in names]


def _inferred(name: str, first_values: dict, json_types: dict, present: int, total: int) -> FieldInfo:
    if len(json_types.get(name, ())) > 1:
        field_type = "anyType"
    elif name in first_values:
        field_type = _value_kind(name, first_values[name])
    else:
        field_type = {"Id": "id", "IsDeleted": "boolean"}.get(name, "string")
    return FieldInfo(name, field_type, field_type not in {"boolean", "id"} and present < total)


def sobject_fields(sobject: str, records: list[dict]) -> list[FieldInfo]:
    """The standard fields of a known SObject (salesforce_fields), then the fields only its records show."""
    standard = [FieldInfo(*field) for field in STANDARD_FIELDS.get(sobject, ())]
    known = {field.name.lower() for field in standard}
    if not standard:
        return infer_fields(records)
    return standard + [field for field in infer_fields(records, always=()) if field.name.lower() not in known]


def describe_sobject(sobject: str, fields: list[FieldInfo], records: list[dict], version: str) -> dict:
    ids = [record["Id"] for record in records[:1] if isinstance(record.get("Id"), str)]
    return {
        "name": sobject,
        "label": sobject,
        "labelPlural": f"{sobject}s",
        "keyPrefix": ids[0][:3] if ids else KEY_PREFIXES.get(sobject),
        "custom": sobject.endswith("__c"),
        "queryable": True,
        "retrieveable": True,
        "replicateable": sobject not in NOT_REPLICATEABLE,
        "fields": [field.describe() for field in fields],
        "urls": {"sobject": f"/services/data/v{version}/sobjects/{sobject}",
                 "describe": f"/services/data/v{version}/sobjects/{sobject}/describe"},
    }
