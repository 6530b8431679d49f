"""Shaping stored HubSpot records into responses: property selection, history, associations."""

from __future__ import annotations

from dataclasses import dataclass

from standin.api.hubspot.index import HubSpotIndex
from standin.api.hubspot.schema import DEFAULT_PROPERTIES
from standin.api.messages import Request


def split_names(values: list[str]) -> list[str]:
    """HubSpot accepts list parameters both as repeated keys and comma-separated."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


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
    """Renders records of one object type for one view, from the dataset's index."""

    def __init__(self, view: RecordView, index: HubSpotIndex):
        known = index.objects[view.object_type].known
        asked = view.properties or DEFAULT_PROPERTIES[view.object_type]
        self._properties = [name for name in dict.fromkeys(asked) if name in known]
        self._history = [name for name in dict.fromkeys(view.with_history) if name in known]
        self._associations = {
            to_type: index.associations(view.object_type, to_type) for to_type in dict.fromkeys(view.associations)
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
