"""Shaping stored HubSpot records into responses: property selection, history, associations."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from standin.api.hubspot.errors import validation_error
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


@dataclass(frozen=True)
class AssociationPaging:
    """How embedded associations are paged: ``size`` per record, the rest behind ``paging.next``.

    HubSpot returns at most 100 associations per record in v3 object responses, with an ``after`` cursor
    and a link for the rest (changelog "Announcing a change to how v3 CRM APIs return association data").
    """

    size: int
    base_url: str

    def page(self, from_type: str, record_id: str, to_type: str, links: list[dict], offset: int = 0) -> dict:
        body: dict = {"results": links[offset : offset + self.size]}
        if offset + self.size < len(links):
            after = association_cursor(offset + self.size)
            link = f"{self.base_url}/crm/v4/objects/{from_type}/{record_id}/associations/{to_type}?after={after}"
            body["paging"] = {"next": {"after": after, "link": link}}
        return body


def association_cursor(offset: int) -> str:
    """An opaque cursor, shaped like HubSpot's (base64 text such as 'MC0yLTc1MDI=')."""
    return base64.urlsafe_b64encode(f"0-{offset}".encode()).decode()


def association_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition("-")
        if prefix == "0" and offset.isdigit():
            return int(offset)
    except (ValueError, UnicodeDecodeError):
        pass
    raise validation_error(f"Invalid paging cursor after={cursor!r}")


class RecordRenderer:
    """Renders records of one object type for one view, from the dataset's index."""

    def __init__(self, view: RecordView, index: HubSpotIndex, association_paging: AssociationPaging | None = None):
        self._object_type = view.object_type
        known = index.objects[view.object_type].known
        asked = view.properties or DEFAULT_PROPERTIES[view.object_type]
        self._properties = [name for name in dict.fromkeys(asked) if name in known]
        self._history = [name for name in dict.fromkeys(view.with_history) if name in known]
        self._associations = {
            to_type: index.associations(view.object_type, to_type) for to_type in dict.fromkeys(view.associations)
        }
        self._association_paging = association_paging

    def render(self, record: dict) -> dict:
        stored = record.get("properties", {})
        shaped: dict = {
            "id": record["id"],
            "properties": {name: _value(record, stored, name) for name in self._properties},
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
            to_type: self._collection(record["id"], to_type, index[record["id"]])
            for to_type, index in self._associations.items()
            if index.get(record["id"])
        }
        if associations:
            shaped["associations"] = associations
        return shaped

    def _collection(self, record_id: str, to_type: str, links: list[dict]) -> dict:
        if self._association_paging is None:
            return {"results": links}
        return self._association_paging.page(self._object_type, record_id, to_type, links)


def _value(record: dict, stored: dict, name: str):
    """hs_object_id is the record id, whether or not a recording lists it among the properties."""
    value = stored.get(name)
    return record["id"] if value is None and name == "hs_object_id" else value


# HubSpot-defined association type ids, as v4 reports the v3 type names.
ASSOCIATION_TYPE_IDS = {"contact_to_deal": 4, "deal_to_contact": 3}


def v4_link(link: dict) -> dict:
    """A stored (v3-shaped) association as v4 reports it."""
    type_id = ASSOCIATION_TYPE_IDS.get(link.get("type"))
    association_type = (
        {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}
        if type_id is not None
        else {"category": "USER_DEFINED", "typeId": None, "label": link.get("type")}
    )
    return {"toObjectId": int(link["id"]), "associationTypes": [association_type]}
