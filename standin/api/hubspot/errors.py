"""HubSpot's error bodies, byte-compatible in shape with what api.hubapi.com answers."""

from __future__ import annotations

import uuid

from standin.api.messages import Response, json_response

GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


class HubSpotError(Exception):
    """Raised inside the HubSpot handlers; carries the HTTP status and HubSpot error category."""

    def __init__(self, status: int, category: str, message: str):
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message

    def response(self) -> Response:
        return error_response(self.status, self.category, self.message)


def correlation_id() -> str:
    return str(uuid.uuid4())


def error_response(status: int, category: str, message: str) -> Response:
    body = {"status": "error", "message": message, "correlationId": correlation_id(), "category": category}
    return json_response(status, body)


def validation_error(message: str) -> HubSpotError:
    return HubSpotError(400, "VALIDATION_ERROR", message)


def rate_limit_response(policy: str, retry_after: float | None = None) -> Response:
    """429 for the ten-secondly (policy TEN_SECONDLY_ROLLING) or the daily (DAILY) limit."""
    wording = "daily" if policy == "DAILY" else policy.lower()
    body = {
        "status": "error",
        "message": f"You have reached your {wording} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": policy,
        "category": "RATE_LIMITS",
    }
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return json_response(429, body, headers)


def secondly_limit_response() -> Response:
    body = {
        "status": "error",
        "message": "You have reached your secondly limit.",
        "correlationId": correlation_id(),
        "category": "RATE_LIMITS",
    }
    return json_response(429, body)


# The scope each endpoint family needs (HubSpot's API reference, "Scope requirements").
_REQUIRED_SCOPES = {
    "/crm/v3/owners": "crm.objects.owners.read",
    "/crm/v3/objects/contacts": "crm.objects.contacts.read",
    "/crm/v3/objects/deals": "crm.objects.deals.read",
    "/crm/v3/properties": "crm.schemas.contacts.read",
}


def missing_scopes_response(path: str) -> Response:
    """403 for a token without the endpoint's scope; older portals name it under requiredScopes
    (hubspot-api-nodejs issue 268), newer ones under requiredGranularScopes."""
    scope = next((scope for prefix, scope in _REQUIRED_SCOPES.items() if path.startswith(prefix)), "oauth")
    body = {
        "status": "error",
        "message": "This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes.",
        "correlationId": correlation_id(),
        "errors": [
            {"message": "One or more of the following scopes are required.",
             "context": {"requiredGranularScopes": [scope]}}
        ],
        "links": {"scopes": "https://developers.hubspot.com/scopes"},
        "category": "MISSING_SCOPES",
    }
    return json_response(403, body)


def server_error_response(status: int) -> Response:
    return json_response(
        status, {"status": "error", "message": "internal error", "correlationId": correlation_id()}
    )


def gateway_html_response() -> Response:
    return Response(502, GATEWAY_HTML, {"Content-Type": "text/html"})
