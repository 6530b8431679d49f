"""Shaping stored HubSpot records into responses: property selection, history, associations."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.fixture_api.dataset import DatasetError
from connectors.fixture_api.hubspot_schema import DEFAULT_PROPERTIES, known_properties
from connectors.fixture_api.messages import Request

_SINGULAR = {"contacts": "contact", "deals": "deal", "companies": "company"}


def split_names(values: list[str]) -> list[str]:
    """HubSpot accepts list parameters both as repeated keys and comma-separated."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def record_position(record: dict) -> int:
    """Records are ordered by numeric id, as HubSpot's list endpoint orders them."""
    try:
        return int(record["id"])
    except (KeyError, TypeError, ValueError):
        raise DatasetError(f"HubSpot record without a numeric 'id': {str(record)[:120]}") from None


@dataclass(frozen=True)
class RecordView:
    """Which parts of a record a request asked for."""

    object_type: str
    properties: tuple[str, ...]
    with_history: tuple[str, ...] = ()
    associations: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, object_type: str, request: Request) -> RecordView:
        return cls(
            object_type,
            tuple(split_names(request.query.get("properties", []))),
            tuple(split_names(request.query.get("propertiesWithHistory", []))),
            tuple(split_names(request.query.get("associations", []))),
        )


class RecordRenderer:
    """Renders records of one object type for one view, against the dataset as it is now."""

    def __init__(self, view: RecordView, hubspot: dict[str, list[dict]]):
        records = hubspot.get(view.object_type, [])
        known = known_properties(view.object_type, records)
        asked = view.properties or DEFAULT_PROPERTIES[view.object_type]
        self._properties = [name for name in dict.fromkeys(asked) if name in known]
        self._history = [name for name in dict.fromkeys(view.with_history) if name in known]
        self._associations = {
            to_type: association_index(hubspot, view.object_type, to_type)
            for to_type in dict.fromkeys(view.associations)
        }

    def render(self, record: dict) -> dict:
        stored = record.get("properties", {})
        shaped: dict = {
            "id": record["id"],
            "properties": {name: stored.get(name) for name in self._properties},
        }
        if self._history:
            stored_history = record.get("propertiesWithHistory", {})
            shaped["propertiesWithHistory"] = {name: stored_history.get(name, []) for name in self._history}
        shaped["createdAt"] = record.get("createdAt")
        shaped["updatedAt"] = record.get("updatedAt")
        shaped["archived"] = bool(record.get("archived", False))
        if record.get("archived"):
            shaped["archivedAt"] = record.get("archivedAt")
        associations = {
            to_type: {"results": index[record["id"]]}
            for to_type, index in self._associations.items()
            if index.get(record["id"])
        }
        if associations:
            shaped["associations"] = associations
        return shaped


def association_index(hubspot: dict[str, list[dict]], from_type: str, to_type: str) -> dict[str, list[dict]]:
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
