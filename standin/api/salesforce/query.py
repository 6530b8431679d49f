"""Running a parsed SOQL query against an SObject's recorded records."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from standin.api.salesforce.schema import LITERAL_TYPE_NAMES, NUMERIC_TYPES, FieldInfo
from standin.api.salesforce.soql import BoolOp, Comparison, Condition, Literal, Name, Query
from standin.api.salesforce.table import EXACT_STRING_TYPES, SObjectTable

Predicate = Callable[[int], bool]  # on a record's position in its table
_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_LITERAL_KIND_BY_TYPE = {"datetime": "datetime", "date": "date", "boolean": "boolean",
                         **dict.fromkeys(NUMERIC_TYPES, "number")}


@dataclass(frozen=True)
class Selection:
    sobject: str  # canonical name, as in the dataset
    fields: tuple[str, ...]  # canonical names in SELECT order; empty for COUNT()
    records: list[dict]
    matched: int  # rows the WHERE matched, before LIMIT: the rows the query had to read and sort


def run_query(query: Query, tables: Mapping[str, SObjectTable], include_deleted: bool) -> Selection:
    """Filter, order and limit the records of the queried SObject (raises SoqlError as Salesforce would)."""
    table = _resolve_sobject(query, tables)
    selected = tuple(_resolve_field(query, table, name).name for name in query.fields)
    matches = _compile(query, table, query.where) if query.where else None
    deleted = table.deleted
    positions = [
        position for position in range(len(table.records))
        if (include_deleted or not deleted[position]) and (matches is None or matches(position))
    ]
    for item in reversed(query.order_by):  # stable sorts, last key first
        column = table.column(_resolve_field(query, table, item.field))
        positions = _sorted(positions, column, item.descending, item.nulls_last)
    matched = len(positions)
    if query.limit is not None:
        positions = positions[: query.limit]
    return Selection(table.name, selected, [table.records[position] for position in positions], matched)


def _resolve_sobject(query: Query, tables: Mapping[str, SObjectTable]) -> SObjectTable:
    wanted = query.sobject.text.lower()
    for name, table in tables.items():
        if name.lower() == wanted:
            return table
    raise query.error(query.sobject, "INVALID_TYPE",
                      f"sObject type '{query.sobject.text}' is not supported. If you are attempting to use a "
                      "custom object, be sure to append the '__c' after the entity name. Please reference "
                      "your WSDL or the describe call for the appropriate names.")


def _resolve_field(query: Query, table: SObjectTable, name: Name) -> FieldInfo:
    field = table.field(name.text)
    if field is None:
        raise query.error(name, "INVALID_FIELD",
                          f"No such column '{name.text}' on entity '{table.name}'. If you are attempting to use "
                          "a custom field, be sure to append the '__c' after the custom field name. Please "
                          "reference your WSDL or the describe call for the appropriate names.")
    return field


def _literal_value(query: Query, field: FieldInfo, literal: Literal):
    expected = _LITERAL_KIND_BY_TYPE.get(field.type, "string")
    if literal.kind not in (expected, "null"):
        quoting = "be enclosed in quotes" if expected == "string" else "not be enclosed in quotes"
        type_name = LITERAL_TYPE_NAMES.get(field.type, "string")
        raise query.error(literal, "INVALID_FIELD", f"value of filter criterion for field '{field.name}' "
                                                    f"must be of type {type_name} and should {quoting}")
    if expected == "string" and field.type not in EXACT_STRING_TYPES and literal.value is not None:
        return literal.value.casefold()
    return literal.value


def _compile(query: Query, table: SObjectTable, condition: Condition) -> Predicate:
    if isinstance(condition, BoolOp):
        parts = [_compile(query, table, operand) for operand in condition.operands]
        if condition.operator == "AND":
            return lambda position: all(part(position) for part in parts)
        return lambda position: any(part(position) for part in parts)
    if not isinstance(condition, Comparison):  # Not
        inner = _compile(query, table, condition.operand)
        return lambda position: not inner(position)
    field = _resolve_field(query, table, condition.field)
    values = [_literal_value(query, field, literal) for literal in condition.values]
    column = table.column(field)
    if condition.operator in ("IN", "NOT IN"):
        negate = condition.operator == "NOT IN"
        return lambda position: (column[position] in values) != negate
    expected = values[0]
    if condition.operator == "=":
        return lambda position: column[position] == expected
    if condition.operator == "!=":
        return lambda position: column[position] != expected
    compare = _ORDERING[condition.operator]
    return lambda position: expected is not None and (actual := column[position]) is not None and compare(
        actual, expected)


def _sorted(positions: list[int], column: list, descending: bool, nulls_last: bool) -> list[int]:
    nulls = [position for position in positions if column[position] is None]
    present = [position for position in positions if column[position] is not None]
    present.sort(key=column.__getitem__, reverse=descending)
    return present + nulls if nulls_last else nulls + present
