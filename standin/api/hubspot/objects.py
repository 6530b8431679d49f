"""GET /crm/v3/objects/{type} (list with id-based cursor) and GET /crm/v3/objects/{type}/{id}."""

from __future__ import annotations

from urllib.parse import urlencode

from standin.api.hubspot.errors import HubSpotError, validation_error
from standin.api.hubspot.index import HubSpotIndex
from standin.api.hubspot.records import (
    AssociationPaging,
    RecordRenderer,
    RecordView,
    association_offset,
    v4_link,
)
from standin.api.messages import Request

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_LIMIT_WITH_HISTORY = 50
MAX_V4_ASSOCIATION_LIMIT = 500  # the v4 associations endpoint's default and maximum page


def parse_bool(request: Request, name: str, default: bool) -> bool:
    value = request.first(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise validation_error(
            f"Invalid value '{value}' for query parameter '{name}': expected true or false"
        )
    return value.lower() == "true"


def parse_int(request: Request, name: str, default: int) -> int:
    value = request.first(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise validation_error(
            f"Invalid value '{value}' for query parameter '{name}': expected an integer"
        ) from None


def list_page(
    request: Request, object_type: str, index: HubSpotIndex, base_url: str, paging: AssociationPaging
) -> dict:
    view = RecordView.from_query(object_type, request)
    cap = MAX_LIMIT_WITH_HISTORY if view.with_history else MAX_LIMIT
    limit = max(1, min(parse_int(request, "limit", DEFAULT_LIMIT), cap))
    # The cursor is the id to resume from, so records added between pages neither shift nor repeat others.
    resume_at = parse_int(request, "after", 0)
    listed = index.objects[object_type].lists[parse_bool(request, "archived", False)]
    start = listed.from_id(resume_at)
    page = listed.records[start : start + limit]
    renderer = RecordRenderer(view, index, paging)
    body: dict = {"results": [renderer.render(record) for record in page]}
    if start + limit < len(listed.records):
        after = str(listed.ids[start + limit - 1] + 1)
        body["paging"] = {"next": {"after": after, "link": _next_link(request, base_url, after)}}
    return body


def _next_link(request: Request, base_url: str, after: str) -> str:
    query = [(key, value) for key, values in request.query.items() if key != "after" for value in values]
    return f"{base_url}{request.path}?{urlencode([*query, ('after', after)])}"


def get_one(
    request: Request, object_type: str, object_id: str, index: HubSpotIndex, paging: AssociationPaging
) -> dict:
    objects = index.objects[object_type]
    record = objects.lists[parse_bool(request, "archived", False)].by_id.get(objects.resolve(object_id))
    if record is None:
        raise HubSpotError(404, "OBJECT_NOT_FOUND", "resource not found")
    return RecordRenderer(RecordView.from_query(object_type, request), index, paging).render(record)


def association_page(
    request: Request, from_type: str, record_id: str, to_type: str, index: HubSpotIndex, paging: AssociationPaging
) -> dict:
    """GET /crm/v4/objects/{type}/{id}/associations/{toType}: one page of a record's associations (v4 shape);
    hubspot-api-client's crm.associations.v4.basic_api.get_page. A record without any has an empty page."""
    limit = max(1, min(parse_int(request, "limit", MAX_V4_ASSOCIATION_LIMIT), MAX_V4_ASSOCIATION_LIMIT))
    links = [v4_link(link) for link in index.associations(from_type, to_type).get(record_id, [])]
    offset = association_offset(request.first("after"))
    page_size = AssociationPaging(min(limit, paging.size), paging.base_url)
    return page_size.page(from_type, record_id, to_type, links, offset)
