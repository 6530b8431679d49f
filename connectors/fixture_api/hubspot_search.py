"""POST /crm/v3/objects/{type}/search: filter groups, one sort, offset paging capped at 10,000."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from connectors.fixture_api.dataset import parse_utc
from connectors.fixture_api.hubspot_errors import validation_error
from connectors.fixture_api.hubspot_records import RecordRenderer, RecordView, record_position
from connectors.fixture_api.hubspot_schema import LAST_MODIFIED_PROPERTY, known_properties, property_type

MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_LIMIT = 200
DEFAULT_LIMIT = 10
RESULT_WINDOW = 10_000

_COMPARISONS: dict[str, Callable] = {
    "EQ": lambda value, low, high: value is not None and value == low,
    "NEQ": lambda value, low, high: value is None or value != low,
    "GT": lambda value, low, high: value is not None and value > low,
    "GTE": lambda value, low, high: value is not None and value >= low,
    "LT": lambda value, low, high: value is not None and value < low,
    "LTE": lambda value, low, high: value is not None and value <= low,
    "BETWEEN": lambda value, low, high: value is not None and low <= value <= high,
    "HAS_PROPERTY": lambda value, low, high: value is not None,
    "NOT_HAS_PROPERTY": lambda value, low, high: value is None,
}
_VALUELESS = {"HAS_PROPERTY", "NOT_HAS_PROPERTY"}


@functools.lru_cache(maxsize=1_000_000)  # every search re-reads every record's value
def typed_value(name: str, raw) -> int | float | str | None:
    """Dates compare as epoch milliseconds (given as epoch-ms or ISO strings), numbers numerically."""
    if raw is None:
        return None
    text = str(raw).strip()
    kind = property_type(name)
    if kind == "datetime":
        return int(text) if text.lstrip("-").isdigit() else int(parse_utc(text).timestamp() * 1000)
    if kind == "number":
        return float(text)
    return text


@dataclass(frozen=True)
class Filter:
    property_name: str
    operator: str
    low: int | float | str | None
    high: int | float | str | None

    def matches(self, record: dict) -> bool:
        value = typed_value(self.property_name, record.get("properties", {}).get(self.property_name))
        return _COMPARISONS[self.operator](value, self.low, self.high)


def filterable_properties(object_type: str) -> tuple[str, ...]:
    return ("createdate", "hs_object_id", LAST_MODIFIED_PROPERTY[object_type])


def parse_filter(object_type: str, raw: dict) -> Filter:
    name, operator = raw.get("propertyName"), raw.get("operator")
    allowed = filterable_properties(object_type)
    if name not in allowed:
        raise validation_error(
            f"Filter propertyName '{name}' is not supported here (supported: {', '.join(allowed)})"
        )
    if operator not in _COMPARISONS:
        raise validation_error(f"Filter operator '{operator}' on '{name}' is not supported")
    if operator in _VALUELESS:
        return Filter(name, operator, None, None)
    keys = ("value", "highValue") if operator == "BETWEEN" else ("value",)
    if any(raw.get(key) is None for key in keys):
        raise validation_error(f"Filter {operator} on '{name}' needs {' and '.join(keys)}")
    try:
        bounds = [typed_value(name, raw[key]) for key in keys]
    except ValueError:
        raise validation_error(f"Filter on '{name}' has an unparsable value: {raw}") from None
    return Filter(name, operator, bounds[0], bounds[-1])


def parse_filter_groups(object_type: str, groups: list) -> list[list[Filter]]:
    if len(groups) > MAX_GROUPS:
        raise validation_error(f"Too many filterGroups: {len(groups)} (at most {MAX_GROUPS})")
    parsed = [[parse_filter(object_type, raw) for raw in group.get("filters", [])] for group in groups]
    for group in parsed:
        if len(group) > MAX_FILTERS_PER_GROUP:
            raise validation_error(
                f"Too many filters in a filterGroup: {len(group)} (at most {MAX_FILTERS_PER_GROUP})"
            )
    total = sum(len(group) for group in parsed)
    if total > MAX_FILTERS:
        raise validation_error(f"Too many filters: {total} (at most {MAX_FILTERS} across all filterGroups)")
    return parsed


def tie_order(record: dict) -> int:
    """HubSpot guarantees no order among equal sort values: a hash of the id is stable but not id-ordered."""
    return zlib.crc32(str(record["id"]).encode())


def sort_records(records: list[dict], sorts: list, known: set[str]) -> list[dict]:
    if not sorts:
        return sorted(records, key=record_position)
    if len(sorts) > 1:
        raise validation_error(f"At most one sort is supported, got {len(sorts)}")
    sort = sorts[0] if isinstance(sorts[0], dict) else {}
    name, direction = sort.get("propertyName"), sort.get("direction", "ASCENDING")
    if name not in known or direction not in ("ASCENDING", "DESCENDING"):
        raise validation_error(
            f"Invalid sort {sorts[0]}: needs a known propertyName and ASCENDING or DESCENDING"
        )
    keyed = [(typed_value(name, record.get("properties", {}).get(name)), record) for record in records]
    with_value = sorted((pair for pair in keyed if pair[0] is not None), key=lambda pair: tie_order(pair[1]))
    with_value.sort(key=lambda pair: pair[0], reverse=direction == "DESCENDING")
    return [record for _, record in with_value] + [record for value, record in keyed if value is None]


def _limit_and_offset(body: dict) -> tuple[int, int]:
    try:
        limit = int(body.get("limit") or DEFAULT_LIMIT)
        offset = int(body.get("after") or 0)
    except (TypeError, ValueError):
        raise validation_error(
            f"limit and after must be integers, got {body.get('limit')!r}, {body.get('after')!r}"
        ) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_error(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset >= RESULT_WINDOW:
        raise validation_error(
            f"Search results are limited to {RESULT_WINDOW:,} total results; after={offset}"
        )
    return limit, offset


def search(object_type: str, body: dict, hubspot: dict[str, list[dict]]) -> dict:
    if not isinstance(body, dict):
        raise validation_error("The search request body must be a JSON object")
    if body.get("query"):
        raise validation_error(
            "Free-text 'query' search is not supported by the fixture API; use filterGroups"
        )
    records = hubspot.get(object_type, [])
    groups = parse_filter_groups(object_type, body.get("filterGroups") or [])
    limit, offset = _limit_and_offset(body)
    matched = [
        record
        for record in records
        if not record.get("archived")
        and (not groups or any(all(f.matches(record) for f in g) for g in groups))
    ]
    ordered = sort_records(matched, body.get("sorts") or [], known_properties(object_type, records))
    renderer = RecordRenderer(RecordView(object_type, tuple(body.get("properties") or ())), hubspot)
    response: dict = {
        "total": len(ordered),
        "results": [renderer.render(r) for r in ordered[offset : offset + limit]],
    }
    if offset + limit < len(ordered):
        response["paging"] = {"next": {"after": str(offset + limit)}}
    return response
