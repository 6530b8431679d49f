"""Running a parsed SOQL query against an SObject's recorded records."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connectors.fixture_api.dataset import DatasetError, parse_utc
from connectors.fixture_api.salesforce_schema import (
    LITERAL_TYPE_NAMES,
    NUMERIC_TYPES,
    FieldCatalog,
    FieldInfo,
)
from connectors.fixture_api.soql import BoolOp, Comparison, Condition, Literal, Name, Query

Predicate = Callable[[dict], bool]
_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_LITERAL_KIND_BY_TYPE = {"datetime": "datetime", "date": "date", "boolean": "boolean",
                         **dict.fromkeys(NUMERIC_TYPES, "number")}
_EXACT_STRING_TYPES = {"id", "reference"}  # record ids are case-sensitive; other text compares case-blind


@dataclass(frozen=True)
class Selection:
    sobject: str  # canonical name, as in the dataset
    fields: tuple[str, ...]  # canonical names in SELECT order; empty for COUNT()
    records: list[dict]


def run_query(query: Query, sobjects: dict[str, list[dict]], include_deleted: bool) -> Selection:
    """Filter, order and limit the records of the queried SObject (raises SoqlError as Salesforce would)."""
    sobject = _resolve_sobject(query, sobjects)
    records = sobjects[sobject]
    fields = FieldCatalog(records)
    selected = tuple(_resolve_field(query, fields, sobject, name).name for name in query.fields)
    matches = _compile(query, fields, sobject, query.where) if query.where else None
    rows = [
        record for record in records
        if (include_deleted or record.get("IsDeleted") is not True) and (matches is None or matches(record))
    ]
    for item in reversed(query.order_by):  # stable sorts, last key first
        field = _resolve_field(query, fields, sobject, item.field)
        rows = _sorted(rows, field, sobject, item.descending, item.nulls_last)
    if query.limit is not None:
        rows = rows[: query.limit]
    return Selection(sobject, selected, rows)


def _resolve_sobject(query: Query, sobjects: dict[str, list[dict]]) -> str:
    wanted = query.sobject.text.lower()
    for name in sobjects:
        if name.lower() == wanted:
            return name
    raise query.error(query.sobject, "INVALID_TYPE",
                      f"sObject type '{query.sobject.text}' is not supported. If you are attempting to use a "
                      "custom object, be sure to append the '__c' after the entity name. Please reference "
                      "your WSDL or the describe call for the appropriate names.")


def _resolve_field(query: Query, fields: FieldCatalog, sobject: str, name: Name) -> FieldInfo:
    field = fields.get(name.text)
    if field is None:
        raise query.error(name, "INVALID_FIELD",
                          f"No such column '{name.text}' on entity '{sobject}'. If you are attempting to use "
                          "a custom field, be sure to append the '__c' after the custom field name. Please "
                          "reference your WSDL or the describe call for the appropriate names.")
    return field


def _comparable(field: FieldInfo, sobject: str, record: dict):
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
    except (TypeError, ValueError):
        raise DatasetError(f"salesforce/{sobject}.jsonl: record {record.get('Id')!r}: field {field.name!r}: "
                           f"{value!r} is not a {field.type}") from None
    if field.type in _EXACT_STRING_TYPES or field.type == "boolean":
        return value
    return str(value).casefold()


def _literal_value(query: Query, field: FieldInfo, literal: Literal):
    expected = _LITERAL_KIND_BY_TYPE.get(field.type, "string")
    if literal.kind not in (expected, "null"):
        quoting = "be enclosed in quotes" if expected == "string" else "not be enclosed in quotes"
        type_name = LITERAL_TYPE_NAMES.get(field.type, "string")
        raise query.error(literal, "INVALID_FIELD", f"value of filter criterion for field '{field.name}' "
                                                    f"must be of type {type_name} and should {quoting}")
    if expected == "string" and field.type not in _EXACT_STRING_TYPES and literal.value is not None:
        return literal.value.casefold()
    return literal.value


def _compile(query: Query, fields: FieldCatalog, sobject: str, condition: Condition) -> Predicate:
    if isinstance(condition, BoolOp):
        parts = [_compile(query, fields, sobject, operand) for operand in condition.operands]
        if condition.operator == "AND":
            return lambda record: all(part(record) for part in parts)
        return lambda record: any(part(record) for part in parts)
    if not isinstance(condition, Comparison):  # Not
        inner = _compile(query, fields, sobject, condition.operand)
        return lambda record: not inner(record)
    field = _resolve_field(query, fields, sobject, condition.field)
    values = [_literal_value(query, field, literal) for literal in condition.values]

    def value_of(record: dict):
        return _comparable(field, sobject, record)

    if condition.operator in ("IN", "NOT IN"):
        negate = condition.operator == "NOT IN"
        return lambda record: (value_of(record) in values) != negate
    expected = values[0]
    if condition.operator == "=":
        return lambda record: value_of(record) == expected
    if condition.operator == "!=":
        return lambda record: value_of(record) != expected
    compare = _ORDERING[condition.operator]
    return lambda record: expected is not None and (actual := value_of(record)) is not None and compare(
        actual, expected)


def _sorted(rows: list[dict], field: FieldInfo, sobject: str, descending: bool, nulls_last: bool) -> list:
    keyed = [(_comparable(field, sobject, row), row) for row in rows]
    nulls = [row for key, row in keyed if key is None]
    present = [(key, row) for key, row in keyed if key is not None]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    ordered = [row for _, row in present]
    return ordered + nulls if nulls_last else nulls + ordered
