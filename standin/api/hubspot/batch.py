"""HubSpot batch reads: POST /crm/v3/objects/{type}/batch/read, /crm/v4/associations/{from}/{to}/batch/read.

Called from HubSpotAPI's routing after authentication; errors are raised as HubSpotError like every route.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from standin.api.dataset import HUBSPOT_OBJECTS
from standin.api.hubspot.errors import validation_error
from standin.api.hubspot.index import hubspot_index
from standin.api.hubspot.objects import parse_bool
from standin.api.hubspot.records import RecordRenderer, RecordView, association_offset, split_names, v4_link
from standin.api.messages import Request, Response, json_response

if TYPE_CHECKING:
    from standin.api.server import FixtureAPI

OBJECTS_BATCH_READ = re.compile(r"^/crm/v3/objects/([^/]+)/batch/read/?$")
ASSOCIATIONS_BATCH_READ = re.compile(r"^/crm/v4/associations/([^/]+)/([^/]+)/batch/read/?$")
MAX_INPUTS = 100
MAX_INPUTS_WITH_HISTORY = 50
MAX_ASSOCIATION_INPUTS = 1000  # since 2025-02-10 (changelog "Batch Read Limit for HubSpot Associations API")
_SINGULAR_UPPER = {"contacts": "CONTACT", "deals": "DEAL"}


def handle_batch(server: FixtureAPI, request: Request) -> Response | None:
    """The response for a batch-read path, or None when the request is not one of them."""
    if request.method != "POST":
        return None
    if match := OBJECTS_BATCH_READ.match(request.path):
        return _read_objects(server, request, _object_type(match.group(1)))
    if match := ASSOCIATIONS_BATCH_READ.match(request.path):
        return _read_associations(server, request, _object_type(match.group(1)), _object_type(match.group(2)))
    return None


def _object_type(name: str) -> str:
    if name not in HUBSPOT_OBJECTS:
        raise validation_error(f"Unable to infer object type from: {name}")
    return name


def _json_body(request: Request) -> dict:
    try:
        body = request.json()
    except ValueError as error:
        raise validation_error(f"Invalid input JSON: {error}") from None
    if not isinstance(body, dict):
        raise validation_error("The batch request body must be a JSON object")
    return body


def _input_ids(body: dict, cap: int) -> list[str]:
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(item, dict) and item.get("id") for item in inputs):
        raise validation_error('Invalid input: "inputs" must be a list of objects with an "id"')
    if len(inputs) > cap:
        raise validation_error(f"Batch input size {len(inputs)} exceeds the limit of {cap}")
    return [str(item["id"]) for item in inputs]


def _batch_body(server: FixtureAPI, results: list[dict], errors: list[dict]) -> Response:
    now = server.now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body: dict = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
    if errors:
        body |= {"numErrors": len(errors), "errors": errors}
    return json_response(207 if errors else 200, body)


def _read_objects(server: FixtureAPI, request: Request, object_type: str) -> Response:
    if parse_bool(request, "archived", False):
        raise validation_error("Batch read of archived records is not supported by the fixture API")
    body = _json_body(request)
    with_history = tuple(split_names(body.get("propertiesWithHistory") or []))
    ids = _input_ids(body, MAX_INPUTS_WITH_HISTORY if with_history else MAX_INPUTS)
    view = RecordView(object_type, tuple(split_names(body.get("properties") or [])), with_history)
    index = hubspot_index(server.dataset)
    objects = index.objects[object_type]
    live = objects.lists[False].by_id
    renderer = RecordRenderer(view, index)
    # A merged-away id is answered with its survivor (under the survivor's id), once per id asked: two ids
    # merged into one record give that record twice.
    answered = {record_id: objects.resolve(record_id) for record_id in dict.fromkeys(ids)}
    results = [renderer.render(live[survivor]) for survivor in answered.values() if survivor in live]
    missing = [record_id for record_id, survivor in answered.items() if survivor not in live]
    errors = []
    if missing:
        errors.append({
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": f"Could not get some {_SINGULAR_UPPER[object_type]} objects, they may be deleted "
            "or not exist. Check that ids are valid.",
            "context": {"ids": missing},
        })
    return _batch_body(server, results, errors)


def _read_associations(server: FixtureAPI, request: Request, from_type: str, to_type: str) -> Response:
    """Each input's associations, one page of them: an input may carry the ``after`` of its previous page."""
    inputs = _association_inputs(_json_body(request))
    index = hubspot_index(server.dataset).associations(from_type, to_type)
    paging = server.hubspot.association_paging()
    results, errors = [], []
    for record_id, after in dict.fromkeys(inputs):
        links = index.get(record_id)
        if links:
            offset = association_offset(after)
            page = paging.page(from_type, record_id, to_type, [v4_link(link) for link in links], offset)
            results.append({"from": {"id": record_id}, "to": page["results"]} | _paging_of(page))
        else:
            errors.append(_no_associations(record_id, from_type, to_type))
    return _batch_body(server, results, errors)


def _association_inputs(body: dict) -> list[tuple[str, str | None]]:
    ids = _input_ids(body, MAX_ASSOCIATION_INPUTS)
    return [(record_id, item.get("after")) for record_id, item in zip(ids, body["inputs"], strict=True)]


def _paging_of(page: dict) -> dict:
    """v4 batch read: "paging will only be present if there are more pages"."""
    return {"paging": page["paging"]} if "paging" in page else {}


def _no_associations(record_id: str, from_type: str, to_type: str) -> dict:
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
        "context": {"fromObjectId": [record_id]},
        "message": f"No {to_type} is associated with {from_type[:-1]} {record_id}.",
    }

