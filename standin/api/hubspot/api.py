"""HubSpot CRM v3 endpoints over the dataset: auth, rate-limit headers, routing."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from standin.api.dataset import HUBSPOT_OBJECTS
from standin.api.hubspot.batch import handle_batch
from standin.api.hubspot.errors import HubSpotError, rate_limit_response, secondly_limit_response, validation_error
from standin.api.hubspot.index import HubSpotIndex, hubspot_index
from standin.api.hubspot.objects import association_page, get_one, list_page
from standin.api.hubspot.owners import owners_page
from standin.api.hubspot.records import AssociationPaging
from standin.api.hubspot.search import search
from standin.api.messages import Request, Response, json_response

if TYPE_CHECKING:
    from standin.api.server import FixtureAPI

DAILY_LIMIT = 250_000
INTERVAL_LIMIT = 100
INTERVAL_SECONDS = 10

_ROUTES = [
    ("GET", re.compile(r"^/crm/v3/objects/([^/]+)/?$"), "_list"),
    ("POST", re.compile(r"^/crm/v3/objects/([^/]+)/search/?$"), "_search"),
    ("GET", re.compile(r"^/crm/v3/objects/([^/]+)/([^/]+)/?$"), "_get_one"),
    ("GET", re.compile(r"^/crm/v3/pipelines/deals/?$"), "_pipelines"),
    ("GET", re.compile(r"^/crm/v3/pipelines/deals/([^/]+)/?$"), "_pipeline"),
    ("GET", re.compile(r"^/crm/v3/properties/([^/]+)/?$"), "_properties"),
    ("GET", re.compile(r"^/account-info/v3/details/?$"), "_account_details"),
    ("GET", re.compile(r"^/crm/v3/owners/?$"), "_owners"),
    ("GET", re.compile(r"^/crm/v4/objects/([^/]+)/([^/]+)/associations/([^/]+)/?$"), "_association_page"),
]


def _object_type(name: str) -> str:
    if name not in HUBSPOT_OBJECTS:
        raise validation_error(f"Unable to infer object type from: {name}")
    return name


class HubSpotAPI:
    def __init__(self, server: FixtureAPI):
        self._server = server
        self._lock = threading.Lock()
        self._expired_tokens: set[str] = set()
        self._daily_used = 0
        self._recent_calls: deque[float] = deque()

    def expire_token(self) -> None:
        """The current access token stops working (401 EXPIRED_AUTHENTICATION) from now on."""
        with self._lock:
            self._expired_tokens.add(self._server.credentials.hubspot_token)

    def handle(self, request: Request) -> Response:
        headers = self._count_call()
        try:
            self._authenticate(request)
            response = self._route(request)
        except HubSpotError as error:
            response = error.response()
        response.headers.update(headers)
        return response

    def secondly_limited(self) -> Response:
        """The 429 real search answers (grouparoo's recordings): no policyName, no errorType, no Retry-After,
        and of the rate-limit headers only the daily ones."""
        response = secondly_limit_response()
        response.headers.update(
            {name: value for name, value in self._count_call().items() if "Daily" in name}
        )
        return response

    def rate_limited(self, policy: str, retry_after: float | None) -> Response:
        response = rate_limit_response(policy, retry_after)
        response.headers.update(self._count_call())
        remaining_header = (
            "X-HubSpot-RateLimit-Daily-Remaining" if policy == "DAILY" else "X-HubSpot-RateLimit-Remaining"
        )
        response.headers[remaining_header] = "0"
        return response

    def _count_call(self) -> dict[str, str]:
        now = time.monotonic()
        with self._lock:
            self._daily_used += 1
            self._recent_calls.append(now)
            while self._recent_calls[0] <= now - INTERVAL_SECONDS:
                self._recent_calls.popleft()
            in_window, daily_used = len(self._recent_calls), self._daily_used
        return {
            "X-HubSpot-RateLimit-Daily": str(DAILY_LIMIT),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, DAILY_LIMIT - daily_used)),
            "X-HubSpot-RateLimit-Max": str(INTERVAL_LIMIT),
            "X-HubSpot-RateLimit-Remaining": str(max(0, INTERVAL_LIMIT - in_window)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(INTERVAL_SECONDS * 1000),
        }

    def _authenticate(self, request: Request) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HubSpotError(
                401,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
                "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        with self._lock:
            expired = token in self._expired_tokens
        if expired:
            raise HubSpotError(
                401,
                "EXPIRED_AUTHENTICATION",
                "The OAuth token used to make this call expired 0 minute(s) ago.",
            )
        if not secrets.compare_digest(token, self._server.credentials.hubspot_token):
            raise HubSpotError(
                401, "INVALID_AUTHENTICATION", "The access token used to make this call is invalid."
            )

    def _route(self, request: Request) -> Response:
        if (batch := handle_batch(self._server, request)) is not None:
            return batch
        for method, pattern, handler_name in _ROUTES:
            match = pattern.match(request.path)
            if match and request.method == method:
                return json_response(200, getattr(self, handler_name)(request, *match.groups()))
        raise HubSpotError(
            404, "OBJECT_NOT_FOUND", f"Unable to route {request.method} request for {request.path}"
        )

    def index(self) -> HubSpotIndex:
        return hubspot_index(self._server.dataset)

    def association_paging(self) -> AssociationPaging:
        return AssociationPaging(self._server.association_page_size, self._server.base_url)

    def _list(self, request: Request, object_name: str) -> dict:
        object_type = _object_type(object_name)
        return list_page(request, object_type, self.index(), self._server.base_url, self.association_paging())

    def _get_one(self, request: Request, object_name: str, object_id: str) -> dict:
        return get_one(request, _object_type(object_name), object_id, self.index(), self.association_paging())

    def _association_page(self, request: Request, object_name: str, object_id: str, to_name: str) -> dict:
        from_type, to_type = _object_type(object_name), _object_type(to_name)
        return association_page(request, from_type, object_id, to_type, self.index(), self.association_paging())

    def _search(self, request: Request, object_name: str) -> dict:
        object_type = _object_type(object_name)
        try:
            body = request.json()
        except ValueError as error:
            raise validation_error(f"Invalid input JSON: {error}") from None
        return search(object_type, body, self.index(), self._server.search_page_cap)

    def _pipelines(self, request: Request) -> dict:
        return self._server.dataset.hubspot_pipelines

    def _pipeline(self, request: Request, pipeline_id: str) -> dict:
        for pipeline in self._server.dataset.hubspot_pipelines.get("results", []):
            if pipeline.get("id") == pipeline_id:
                return pipeline
        raise HubSpotError(404, "OBJECT_NOT_FOUND", f"Unable to find pipeline with id {pipeline_id}")

    def _account_details(self, request: Request) -> dict:
        """The portal's settings (HubSpot docs, "Retrieve account details"); only portalId varies by dataset."""
        return {
            "portalId": self._server.dataset.hubspot_portal_id,
            "accountType": "STANDARD",
            "timeZone": "Asia/Tokyo",
            "companyCurrency": "JPY",
            "additionalCurrencies": [],
            "utcOffset": "+09:00",
            "utcOffsetMilliseconds": 9 * 3600 * 1000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }

    def _owners(self, request: Request) -> dict:
        return owners_page(request, self._server.dataset.hubspot.get("owners", []), self._server.base_url)

    def _properties(self, request: Request, object_name: str) -> dict:
        return {"results": self.index().objects[_object_type(object_name)].property_definitions()}
