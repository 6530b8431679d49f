"""GET /crm/v3/objects/{type} (list with id-based cursor) and GET /crm/v3/objects/{type}/{id}."""

from __future__ import annotations

from urllib.parse import urlencode

from connectors.fixture_api.hubspot_errors import HubSpotError, validation_error
from connectors.fixture_api.hubspot_records import RecordRenderer, RecordView, record_position
from connectors.fixture_api.messages import Request

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_LIMIT_WITH_HISTORY = 50


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


def list_page(request: Request, object_type: str, hubspot: dict[str, list[dict]], base_url: str) -> dict:
    view = RecordView.from_query(object_type, request)
    cap = MAX_LIMIT_WITH_HISTORY if view.with_history else MAX_LIMIT
    limit = max(1, min(parse_int(request, "limit", DEFAULT_LIMIT), cap))
    # The cursor is the id to resume from, so records added between pages neither shift nor repeat others.
    resume_at = parse_int(request, "after", 0)
    archived = parse_bool(request, "archived", False)
    candidates = sorted(
        (
            record
            for record in hubspot.get(object_type, [])
            if bool(record.get("archived", False)) == archived and record_position(record) >= resume_at
        ),
        key=record_position,
    )
    renderer = RecordRenderer(view, hubspot)
    body: dict = {"results": [renderer.render(record) for record in candidates[:limit]]}
    if len(candidates) > limit:
        after = str(record_position(candidates[limit - 1]) + 1)
        body["paging"] = {"next": {"after": after, "link": _next_link(request, base_url, after)}}
    return body


def _next_link(request: Request, base_url: str, after: str) -> str:
    query = [(key, value) for key, values in request.query.items() if key != "after" for value in values]
    return f"{base_url}{request.path}?{urlencode([*query, ('after', after)])}"


def get_one(request: Request, object_type: str, object_id: str, hubspot: dict[str, list[dict]]) -> dict:
    archived = parse_bool(request, "archived", False)
    for record in hubspot.get(object_type, []):
        if record.get("id") == object_id and bool(record.get("archived", False)) == archived:
            return RecordRenderer(RecordView.from_query(object_type, request), hubspot).render(record)
    raise HubSpotError(404, "OBJECT_NOT_FOUND", "resource not found")
