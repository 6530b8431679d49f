"""What the HubSpot handlers derive from a dataset, built once per dataset so that a page costs O(page).

Records are kept in id order per archived flag (the list cursor is a bisect), with the known property
names, the association indexes, and for search one sorted column per property (a range filter is a
bisect, a sort a slice).
"""

from __future__ import annotations

import threading
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from standin.api.dataset import HUBSPOT_OBJECTS, Dataset, DatasetError, parse_utc
from standin.api.hubspot.merges import resolve, survivor_links
from standin.api.hubspot.schema import (
    LAST_MODIFIED_PROPERTY,
    has_salesforce_integration,
    known_properties,
    property_definitions,
    property_type,
)

FILTERABLE = ("createdate", "hs_object_id")  # plus each object's last-modified property
_SINGULAR = {"contacts": "contact", "deals": "deal", "companies": "company"}


def filterable_properties(object_type: str) -> tuple[str, ...]:
    return (*FILTERABLE, LAST_MODIFIED_PROPERTY[object_type])


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


def tie_order(record_id: str) -> int:
    """HubSpot guarantees no order among equal sort values: a hash of the id is stable but not id-ordered."""
    return zlib.crc32(record_id.encode())


def record_position(record: dict) -> int:
    """Records are ordered by numeric id, as HubSpot's list endpoint orders them."""
    try:
        return int(record["id"])
    except (KeyError, TypeError, ValueError):
        raise DatasetError(f"HubSpot record without a numeric 'id': {str(record)[:120]}") from None


@dataclass(frozen=True)
class RecordList:
    """Records of one object type and archived flag, in id order."""

    records: list[dict]
    ids: list[int]
    by_id: dict[str, dict]

    @classmethod
    def of(cls, records: list[dict]) -> RecordList:
        ordered = sorted(records, key=record_position)
        return cls(ordered, [int(record["id"]) for record in ordered], {record["id"]: record for record in ordered})

    def from_id(self, resume_at: int) -> int:
        return bisect_left(self.ids, resume_at)


class SortedColumn:
    """One property's typed values over the live records (positions = indexes into the id-ordered list)."""

    def __init__(self, object_type: str, name: str, live: list[dict]):
        self.values = [_typed(object_type, name, record) for record in live]
        present = [position for position, value in enumerate(self.values) if value is not None]
        ties = [tie_order(record["id"]) for record in live]
        ascending = sorted(present, key=lambda position: (self.values[position], ties[position]))
        descending = sorted(present, key=lambda position: ties[position])
        descending.sort(key=self.values.__getitem__, reverse=True)  # stable: ties stay in hash order
        nulls = [position for position, value in enumerate(self.values) if value is None]
        self.present = len(present)
        self.ascending_values = [self.values[position] for position in ascending]
        self.order = {False: ascending + nulls, True: descending + nulls}  # keyed by "descending"
        self._ranks: dict[bool, list[int]] = {}
        self._lock = threading.Lock()

    def bounds(self, operator: str, low, high) -> tuple[int, int]:
        """The [start, end) of the ascending order whose values pass a range operator."""
        values, end = self.ascending_values, self.present
        if operator == "EQ":
            return bisect_left(values, low), bisect_right(values, low)
        if operator == "GT":
            return bisect_right(values, low), end
        if operator == "GTE":
            return bisect_left(values, low), end
        if operator == "LT":
            return 0, bisect_left(values, low)
        if operator == "LTE":
            return 0, bisect_right(values, low)
        start = bisect_left(values, low)  # BETWEEN
        return start, max(start, bisect_right(values, high))

    def rank(self, descending: bool) -> list[int]:
        """Position -> place in the sorted order, for sorting a scattered set of positions."""
        with self._lock:
            if descending not in self._ranks:
                ranks = [0] * len(self.values)
                for place, position in enumerate(self.order[descending]):
                    ranks[position] = place
                self._ranks[descending] = ranks
            return self._ranks[descending]


def _typed(object_type: str, name: str, record: dict):
    raw = record.get("properties", {}).get(name)
    try:
        return typed_value(name, raw)
    except ValueError:
        raise DatasetError(
            f"hubspot/{object_type}.jsonl: record {record['id']!r}: property {name!r}: "
            f"{raw!r} is not a {property_type(name)}"
        ) from None


class ObjectIndex:
    def __init__(self, dataset: Dataset, object_type: str):
        records = dataset.hubspot.get(object_type, [])
        self.object_type = object_type
        self.survivor_links = survivor_links(records)
        # Merged-away records are in no listing, live or archived (see standin/api/hubspot/merges.py).
        listed = [record for record in records if record["id"] not in self.survivor_links]
        self.lists = {
            archived: RecordList.of([r for r in listed if bool(r.get("archived", False)) == archived])
            for archived in (False, True)
        }
        self.live = self.lists[False].records
        self._integrated = has_salesforce_integration(dataset.hubspot)
        self.known = frozenset(known_properties(object_type, records, self._integrated))
        self._pipelines = dataset.hubspot_pipelines
        self._lazy: dict[str, object] = {}
        self._lock = threading.Lock()
        for name in filterable_properties(object_type):
            self.column(name)

    def _cached(self, key: str, build: Callable[[], object]):
        with self._lock:
            if key not in self._lazy:
                self._lazy[key] = build()
            return self._lazy[key]

    def resolve(self, record_id: str) -> str:
        """The id a read of ``record_id`` is answered with: its last survivor if it was merged away."""
        return resolve(record_id, self.survivor_links)

    def column(self, name: str) -> SortedColumn:
        return self._cached(f"column:{name}", lambda: SortedColumn(self.object_type, name, self.live))

    def property_definitions(self) -> list[dict]:
        return self._cached("definitions", self._property_definitions)

    def _property_definitions(self) -> list[dict]:
        records = self.lists[False].records + self.lists[True].records
        return property_definitions(self.object_type, records, self._pipelines, self._integrated)


class HubSpotIndex:
    def __init__(self, dataset: Dataset):
        self.objects = {object_type: ObjectIndex(dataset, object_type) for object_type in HUBSPOT_OBJECTS}
        self._associations = {
            (from_type, to_type): _association_index(dataset.hubspot, from_type, to_type)
            for from_type in HUBSPOT_OBJECTS
            for to_type in HUBSPOT_OBJECTS
            if from_type != to_type
        }

    def associations(self, from_type: str, to_type: str) -> dict[str, list[dict]]:
        return self._associations.get((from_type, to_type), {})


def hubspot_index(dataset: Dataset) -> HubSpotIndex:
    return dataset.derived("hubspot", HubSpotIndex)


def _association_index(hubspot: dict[str, list[dict]], from_type: str, to_type: str) -> dict[str, list[dict]]:
    """Record id -> associated ids: stored on the record itself, or derived from the other side's records."""
    index: dict[str, list[dict]] = {}
    for record in hubspot.get(from_type, []):
        stored = record.get("associations", {}).get(to_type, {}).get("results")
        if stored:
            index[record["id"]] = stored
    if index:
        return index
    link_type = f"{_SINGULAR.get(from_type, from_type)}_to_{_SINGULAR.get(to_type, to_type)}"
    for other in sorted(hubspot.get(to_type, []), key=record_position):
        if other.get("archived"):
            continue
        for link in other.get("associations", {}).get(from_type, {}).get("results", []):
            index.setdefault(link["id"], []).append({"id": other["id"], "type": link_type})
    return index
