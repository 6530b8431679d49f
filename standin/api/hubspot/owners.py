"""GET /crm/v3/owners: the portal's owners (hubspot-api-client's crm.owners.owners_api.get_page).

HubSpot lists active owners by default and only archived ones with ``archived=true`` (an archived owner's
``userId`` is null, its user id is in ``userIdIncludingInactive``). Pages hold ``limit`` owners (default
100, at most 500) and carry ``paging.next.after``, an opaque token, while more follow.
"""

from __future__ import annotations

import base64

from standin.api.hubspot.errors import HubSpotError, validation_error
from standin.api.hubspot.objects import parse_bool, parse_int
from standin.api.messages import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def owners_page(request: Request, owners: list[dict], base_url: str) -> dict:
    limit = parse_int(request, "limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_error(f"Invalid limit value {limit}: must be between 1 and {MAX_LIMIT}")
    archived = parse_bool(request, "archived", False)
    listed = sorted((owner for owner in owners if bool(owner.get("archived")) == archived), key=_order)
    start = _position(request.first("after"))
    body: dict = {"results": [_served(owner) for owner in listed[start : start + limit]]}
    if start + limit < len(listed):
        after = _token(start + limit)
        body["paging"] = {"next": {"after": after, "link": f"{base_url}/crm/v3/owners/?after={after}"}}
    return body


def _order(owner: dict) -> tuple:
    owner_id = str(owner["id"])
    return (0, int(owner_id), owner_id) if owner_id.isdigit() else (1, 0, owner_id)


def _served(owner: dict) -> dict:
    """A recording may lack fields HubSpot always sends; archived owners have no active userId."""
    served = {"type": "PERSON", "teams": [], **owner, "id": str(owner["id"])}
    served.setdefault("userIdIncludingInactive", owner.get("userId"))
    if served.get("archived"):
        served["userId"] = None
    return served


def _token(position: int) -> str:
    return base64.urlsafe_b64encode(f"owners:{position}".encode()).decode()


def _position(after: str | None) -> int:
    if not after:
        return 0
    try:
        kind, _, position = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        if kind == "owners" and position.isdigit():
            return int(position)
    except ValueError:
        pass
    raise HubSpotError(400, "VALIDATION_ERROR", f"Invalid paging cursor: {after}")
