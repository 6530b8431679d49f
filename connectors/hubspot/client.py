"""The real hubspot-api-client, built from settings, with retries and error translation around each call.

Responses are read raw (``_preload_content=False``) and parsed with ``json``: the raw layer stores the
record exactly as HubSpot sent it, and skipping the client's model objects keeps large syncs fast.
Every call carries the settings' (connect, read) timeout: the library sets none by default.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import hubspot
import urllib3
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException

from connectors.errors import SyncError
from connectors.hubspot.retry import HttpFailure, backoff_delay, fatal_error
from connectors.hubspot.settings import HubSpotSettings

logger = logging.getLogger(__name__)

DAILY_REMAINING_HEADER = "X-HubSpot-RateLimit-Daily-Remaining"


def _api_exception_types() -> tuple[type[Exception], ...]:
    """Each API package of the client has its own ApiException class; all share the same attributes."""
    from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
    from hubspot.crm.deals.exceptions import ApiException as DealsApiException
    from hubspot.crm.owners.exceptions import ApiException as OwnersApiException
    from hubspot.crm.pipelines.exceptions import ApiException as PipelinesApiException
    from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException

    return (
        ContactsApiException,
        DealsApiException,
        PipelinesApiException,
        PropertiesApiException,
        AssociationsApiException,
        OwnersApiException,
    )


class HubSpotClient:
    """One set of API objects (so connections are pooled and reused) and the call counters of a sync."""

    def __init__(self, settings: HubSpotSettings, sleep: Callable[[float], None] = time.sleep):
        self._settings = settings
        self._sleep = sleep
        # retry=False: urllib3 must not retry (or sleep on Retry-After) behind our back; _call owns retries.
        api = hubspot.HubSpot(
            access_token=settings.access_token,
            host=settings.base_url,
            ssl_ca_cert=settings.ca_file,
            retry=False,
        )
        # Every attribute access on the client builds a fresh ApiClient (and connection pool): keep these.
        self.objects = {"contacts": api.crm.contacts, "deals": api.crm.deals}
        self._basic = {name: group.basic_api for name, group in self.objects.items()}
        self._search = {name: group.search_api for name, group in self.objects.items()}
        self._batch = {name: group.batch_api for name, group in self.objects.items()}
        self._associations = api.crm.associations.v4.batch_api
        self._pipelines = api.crm.pipelines.pipelines_api
        self._properties = api.crm.properties.core_api
        self._owners = api.crm.owners.owners_api
        self._api_exceptions = _api_exception_types()
        self._options = {"_preload_content": False, "_request_timeout": settings.request_timeout_s}
        self.api_calls = 0
        self.budget_remaining: int | None = None

    def list_page(self, stream: str, object_type: str, **query) -> dict:
        return self._call(stream, lambda: self._basic[object_type].get_page(**query, **self._options))

    def search(self, stream: str, object_type: str, body: dict) -> dict:
        return self._call(
            stream,
            lambda: self._search[object_type].do_search(public_object_search_request=body, **self._options),
        )

    def batch_read(self, stream: str, object_type: str, body: dict) -> dict:
        return self._call(
            stream,
            lambda: self._batch[object_type].read(
                batch_read_input_simple_public_object_id=body, archived=False, **self._options
            ),
        )

    def associations(self, stream: str, from_type: str, to_type: str, inputs: list[dict]) -> dict:
        """v4 batch read; each input is ``{"id": …}``, or ``{"id": …, "after": …}`` for a further page."""
        body = {"inputs": inputs}
        return self._call(
            stream,
            lambda: self._associations.get_page(
                from_type,
                to_type,
                batch_input_public_fetch_associations_batch_request=body,
                **self._options,
            ),
        )

    def pipelines(self, stream: str, object_type: str) -> dict:
        return self._call(stream, lambda: self._pipelines.get_all(object_type, **self._options))

    def property_definitions(self, stream: str, object_type: str) -> dict:
        return self._call(
            stream, lambda: self._properties.get_all(object_type, archived=False, **self._options)
        )

    def owners_page(self, stream: str, limit: int, after: str | None, archived: bool) -> dict:
        return self._call(
            stream, lambda: self._owners.get_page(limit=limit, after=after, archived=archived, **self._options)
        )

    def account_details(self, stream: str) -> dict:
        """GET /account-info/v3/details (the portal id among others): the client has no wrapper for it, so
        it goes through one API package's own request machinery (same pool, token, CA and timeout)."""
        api_client = self._properties.api_client
        return self._call(
            stream,
            lambda: api_client.call_api(
                "/account-info/v3/details",
                "GET",
                header_params={"Accept": "application/json"},
                auth_settings=["oauth2"],
                **self._options,
            ),
        )

    def _call(self, stream: str, request: Callable[[], urllib3.BaseHTTPResponse]) -> dict:
        waited = 0.0
        for attempt in range(self._settings.max_retries + 1):
            self.api_calls += 1
            outcome = self._attempt(request)
            if isinstance(outcome, dict):
                return outcome
            failure = outcome
            error = fatal_error(failure, stream)
            if error is not None:
                raise error
            delay = backoff_delay(failure, attempt + 1, self._settings.backoff_base_s)
            if attempt == self._settings.max_retries or waited + delay > self._settings.max_backoff_s:
                break
            logger.warning("HubSpot %s: %s; retrying in %.2f s", stream, failure.describe(), delay)
            self._sleep(delay)
            waited += delay
        raise SyncError(
            f"HubSpot kept failing while syncing {stream}: {failure.describe()} "
            f"(gave up after {attempt + 1} attempts and {waited:.1f} s of waiting)"
        )

    def _attempt(self, request: Callable[[], urllib3.BaseHTTPResponse]) -> dict | HttpFailure:
        try:
            response = request()
        except self._api_exceptions as error:
            self._note_budget(error.headers)
            if error.status == 0:  # the client's wrapper for TLS errors: a broken or refused connection
                return HttpFailure(0, detail=str(error.reason).splitlines()[0])
            return HttpFailure(error.status, error.body or b"", (error.headers or {}).get("Retry-After"))
        except urllib3.exceptions.HTTPError as error:  # timeouts and dropped connections
            return HttpFailure(0, detail=type(error).__name__)
        try:
            body = response.data  # the body arrives after the headers and can stall or break off too
        except urllib3.exceptions.HTTPError as error:
            return HttpFailure(0, detail=type(error).__name__)
        finally:
            response.release_conn()
        self._note_budget(response.headers)
        try:
            return json.loads(body)
        except ValueError:
            return HttpFailure(response.status, body, detail="response body is not JSON")

    def _note_budget(self, headers) -> None:
        remaining = (headers or {}).get(DAILY_REMAINING_HEADER)
        if remaining is not None and remaining.isdigit():
            self.budget_remaining = int(remaining)
