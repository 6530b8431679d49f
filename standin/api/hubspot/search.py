"""POST /crm/v3/objects/{type}/search: filter groups, one sort, offset paging inside a 10,000-result window.

Matches are found on the dataset's sorted columns (hubspot_index): a group led by a range filter is a
bisect, and when the sort is on that same property the page is a slice of the column's order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from standin.api.hubspot.errors import validation_error
from standin.api.hubspot.index import HubSpotIndex, ObjectIndex, filterable_properties, typed_value
from standin.api.hubspot.records import RecordRenderer, RecordView
from standin.api.hubspot.schema import SEARCH_ALWAYS

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
_RANGES = {"EQ", "GT", "GTE", "LT", "LTE", "BETWEEN"}


@dataclass(frozen=True)
class Filter:
    property_name: str
    operator: str
    low: int | float | str | None
    high: int | float | str | None

    def keeps(self, value) -> bool:
        return _COMPARISONS[self.operator](value, self.low, self.high)


@dataclass(frozen=True)
class Sort:
    property_name: str
    descending: bool


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
                f"Too many filters in a group: {len(group)} (at most {MAX_FILTERS_PER_GROUP})"
            )
    total = sum(len(group) for group in parsed)
    if total > MAX_FILTERS:
        raise validation_error(f"Too many filters: {total} (at most {MAX_FILTERS} across all filterGroups)")
    return parsed


def parse_sort(sorts: list, known: frozenset[str]) -> Sort | None:
    if not sorts:
        return None
    if len(sorts) > 1:
        raise validation_error(f"At most one sort is supported, got {len(sorts)}")
    sort = sorts[0] if isinstance(sorts[0], dict) else {}
    name, direction = sort.get("propertyName"), sort.get("direction", "ASCENDING")
    if name not in known or direction not in ("ASCENDING", "DESCENDING"):
        raise validation_error(
            f"Invalid sort {sorts[0]}: needs a known propertyName and ASCENDING or DESCENDING"
        )
    return Sort(name, direction == "DESCENDING")


@dataclass(frozen=True)
class Matches:
    """The ordered matches as a window onto a sequence, so that a page never copies more than itself."""

    order: Sequence[int]
    start: int
    end: int

    @classmethod
    def of(cls, order: Sequence[int]) -> Matches:
        return cls(order, 0, len(order))

    def __len__(self) -> int:
        return self.end - self.start

    def page(self, offset: int, end: int) -> Sequence[int]:
        return self.order[self.start + offset : self.start + min(end, len(self))]


def ordered_matches(objects: ObjectIndex, groups: list[list[Filter]], sort: Sort | None) -> Matches:
    """Positions (in the live id-ordered list) of the matching records, in the order the search returns them."""
    if not groups or not all(groups):  # an empty group matches every record
        if sort is None:
            return Matches.of(range(len(objects.live)))
        return Matches.of(objects.column(sort.property_name).order[sort.descending])
    if len(groups) == 1 and sort is not None:
        window = _sorted_range(objects, groups[0], sort)
        if window is not None:
            return window
    matched: set[int] = set()
    for group in groups:
        matched.update(_group_matches(objects, group))
    if sort is None:
        return Matches.of(sorted(matched))
    rank = objects.column(sort.property_name).rank(sort.descending)
    return Matches.of(sorted(matched, key=rank.__getitem__))


def _sorted_range(objects: ObjectIndex, group: list[Filter], sort: Sort) -> Matches | None:
    """A lone range filter on the sort property: the matches are a contiguous part of that sort order."""
    only = group[0]
    if len(group) != 1 or only.operator not in _RANGES or only.property_name != sort.property_name:
        return None
    column = objects.column(sort.property_name)
    start, end = column.bounds(only.operator, only.low, only.high)
    if sort.descending:  # descending order holds the same values, counted from the other end
        start, end = column.present - end, column.present - start
    return Matches(column.order[sort.descending], start, end)


def _group_matches(objects: ObjectIndex, group: list[Filter]) -> Sequence[int]:
    """Bisect on the narrowest range filter of the group, then check the other filters on the candidates."""
    candidates: Sequence[int] = range(len(objects.live))
    driver = None
    for candidate in (f for f in group if f.operator in _RANGES):
        start, end = objects.column(candidate.property_name).bounds(candidate.operator, candidate.low, candidate.high)
        if end - start < len(candidates):
            driver, candidates = candidate, objects.column(candidate.property_name).order[False][start:end]
    for condition in group:
        if condition is not driver:
            values = objects.column(condition.property_name).values
            candidates = [position for position in candidates if condition.keeps(values[position])]
    return candidates


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
    if offset < 0:
        raise validation_error(f"after must not be negative, got {offset}")
    if offset >= RESULT_WINDOW:
        raise validation_error(
            f"Search results are limited to {RESULT_WINDOW:,} total results; after={offset}"
        )
    return limit, offset


def search(object_type: str, body: dict, index: HubSpotIndex, page_cap: int | None = None) -> dict:
    """``page_cap``: the most results a page holds whatever the limit (short pages that still page on)."""
    if not isinstance(body, dict):
        raise validation_error("The search request body must be a JSON object")
    if body.get("query"):
        raise validation_error(
            "Free-text 'query' search is not supported by the fixture API; use filterGroups"
        )
    objects = index.objects[object_type]
    groups = parse_filter_groups(object_type, body.get("filterGroups") or [])
    limit, offset = _limit_and_offset(body)
    matches = ordered_matches(objects, groups, parse_sort(body.get("sorts") or [], objects.known))
    # HubSpot serves no result past the 10,000th, and so never offers a next page that starts there.
    reachable = min(len(matches), RESULT_WINDOW)
    page_end = min(offset + min(limit, page_cap or limit), reachable)
    asked = tuple(body.get("properties") or ())
    # Asked-for properties come with a few HubSpot always returns; asking for none gives the defaults.
    renderer = RecordRenderer(RecordView(object_type, (*asked, *SEARCH_ALWAYS[object_type]) if asked else ()), index)
    response: dict = {
        "total": len(matches),
        "results": [renderer.render(objects.live[position]) for position in matches.page(offset, page_end)],
    }
    if page_end < reachable:
        response["paging"] = {"next": {"after": str(page_end)}}
    return response
