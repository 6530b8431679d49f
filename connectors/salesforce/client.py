"""simple-salesforce behind an OAuth login, with retries, backoff and errors a sync can act on.

simple-salesforce retries nothing and only re-authenticates clients it logged in itself, so every
call goes through ``SalesforceClient._call``: transient failures (5xx, 429, the concurrent-request
limits, dropped connections, timeouts) are retried with exponential backoff honouring Retry-After, an
expired session is renewed once, the spent daily allowance becomes ApiLimitExceeded, requests Salesforce
refuses as they stand (400/403/404) become SourceRejected, and everything else a SyncError naming the
stream. Messages never carry a secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from connectors.errors import AuthenticationFailed, SourceRejected, SyncError
from connectors.salesforce.auth import TRANSIENT_STATUSES, request_access
from connectors.salesforce.limits import REQUEST_LIMIT_EXCEEDED, daily_limit_exceeded, is_concurrency_limit
from connectors.salesforce.settings import SalesforceSettings

T = TypeVar("T")
# What to change before re-running, by the errorCode of a request Salesforce refuses as it stands.
_REMEDIES = {
    "INVALID_FIELD": "grant the integration user read access to the field (field-level security) or check "
                     "the field list describe returns",
    "INVALID_TYPE": "grant the integration user read access to the object",
    "NOT_FOUND": "check SalesforceSettings api_version and that the object exists in this org and is readable "
                 "by the integration user",
    "INSUFFICIENT_ACCESS": "give the integration user's profile the API Enabled and object read permissions",
    "API_DISABLED_FOR_ORG": "enable API access for the org (Enterprise edition or above) and the user",
}


class QueryLocatorExpired(SyncError):
    """A nextRecordsUrl is no longer valid (Salesforce drops idle or surplus query cursors)."""


class ReplicationWindowRefused(SyncError):
    """getDeleted refused its window (INVALID_REPLICATION_DATE): it reaches past the org's delete log."""


class QueryTimeout(SyncError):
    """Salesforce gave up on a query (QUERY_TIMEOUT): a narrower one may succeed, so it is never final."""


def http_session(ca_file: str | None) -> requests.Session:
    session = requests.Session()
    if ca_file:
        session.verify = ca_file
        # REQUESTS_CA_BUNDLE in the environment would otherwise override session.verify.
        session.trust_env = False
    return session


def backoff_delay(attempt: int, retry_after: float | None, settings: SalesforceSettings) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based); Retry-After wins, capped either way."""
    wanted = retry_after if retry_after is not None else settings.backoff_base_s * 2**attempt
    return min(settings.max_backoff_s, max(0.0, wanted))


def salesforce_error_detail(content: Any) -> tuple[str, str]:
    """(errorCode, message) of a REST error body, which is a list of {message, errorCode} objects."""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    return "", "" if content is None else str(content)[:200]


class SalesforceClient:
    def __init__(self, settings: SalesforceSettings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep
        self.api_calls = 0  # HTTP requests sent, retries and logins included
        self._session = http_session(settings.ca_file)
        self._session.hooks["response"].append(self._remember_retry_after)
        self._session.hooks["response"].append(self._remember_server_time)
        self._retry_after: str | None = None
        self.server_time: datetime | None = None  # the Date of the latest response: the org's clock, not ours
        self._connection: Salesforce | None = None
        self.org_id: str | None = None  # the org of the last successful login
        self.instance_url: str | None = None  # where that login said the org's API and UI live
        self._timeout = settings.request_timeout_s

    @property
    def budget_remaining(self) -> int | None:
        usage = self.api_usage
        return usage[1] - usage[0] if usage else None

    @property
    def api_usage(self) -> tuple[int, int] | None:
        """(used, allowed) of the org's daily allowance, as the last Sforce-Limit-Info header said."""
        usage = self._connection.api_usage.get("api-usage") if self._connection else None
        return (usage.used, usage.total) if usage else None

    def login(self, stream: str) -> str:
        """Log in now (unless logged in already); the org id the token response names."""
        self._connect(stream)
        return self.org_id

    def describe(self, stream: str, sobject: str) -> dict:
        return self._call(stream, f"describe {sobject}",
                          lambda sf: sf.restful(f"sobjects/{sobject}/describe", timeout=self._timeout))

    def query_all(self, stream: str, soql: str) -> dict:
        """First page of a queryAll (deleted rows included)."""
        return self._call(stream, "queryAll",
                          lambda sf: sf.query(soql, include_deleted=True, timeout=self._timeout))

    def query(self, stream: str, soql: str) -> dict:
        """First page of a query (live records only, unlike queryAll)."""
        return self._call(stream, "query", lambda sf: sf.query(soql, timeout=self._timeout))

    def get_deleted(self, stream: str, sobject: str, start: datetime, end: datetime) -> dict:
        """getDeleted: {"deletedRecords": [{"id", "deletedDate"}], "earliestDateAvailable", "latestDateCovered"}."""
        window = {"start": _utc_text(start), "end": _utc_text(end)}
        return self._call(stream, f"getDeleted {sobject}", lambda sf: sf.restful(
            f"sobjects/{sobject}/deleted/", params=window, timeout=self._timeout))

    def count(self, stream: str, sobject: str) -> int:
        """Records of `sobject` that are not deleted, as the API counts them (SELECT COUNT())."""
        return self._call(stream, f"count {sobject}", lambda sf: sf.query(
            f"SELECT COUNT() FROM {sobject}", timeout=self._timeout))["totalSize"]

    def query_more(self, stream: str, next_records_url: str) -> dict:
        return self._call(stream, "queryAll next page", lambda sf: sf.query_more(
            next_records_url, identifier_is_url=True, timeout=self._timeout))

    def _call(self, stream: str, operation: str, request: Callable[[Salesforce], T]) -> T:
        renewed = False
        while True:
            connection = self._connect(stream)
            try:
                return self._retrying(stream, operation, partial(request, connection))
            except SalesforceExpiredSession:
                if renewed:
                    raise AuthenticationFailed(
                        f"Salesforce stream {stream}: {operation}: the session was refused again right after "
                        "a new login; check the connected app's session policy and the user's API access"
                    ) from None
                renewed = True
                self._connection = None

    def _connect(self, stream: str) -> Salesforce:
        if self._connection is None:
            grant = self._retrying(stream, "login", lambda: request_access(self._session, self.settings))
            self.org_id, self.instance_url = grant.org_id, grant.instance_url
            self._connection = Salesforce(instance_url=grant.instance_url, session_id=grant.access_token,
                                          session=self._session, version=self.settings.api_version)
        return self._connection

    def _retrying(self, stream: str, operation: str, attempt_once: Callable[[], T]) -> T:
        for attempt in range(self.settings.max_retries + 1):
            self._retry_after = None
            self.api_calls += 1
            try:
                return attempt_once()
            except (SalesforceGeneralError, requests.HTTPError) as error:
                status = error.response.status_code if isinstance(error, requests.HTTPError) else error.status
                if status not in TRANSIENT_STATUSES:
                    raise self._sync_error(stream, operation, error) from None
                failure = f"HTTP {status}"
            except requests.exceptions.SSLError:
                raise SyncError(f"Salesforce stream {stream}: {operation}: TLS verification failed; "
                                "check SalesforceSettings ca_file") from None
            except (requests.ConnectionError, requests.Timeout) as error:
                failure = type(error).__name__
            except SalesforceExpiredSession:
                raise
            except SalesforceRefusedRequest as error:
                code, message = salesforce_error_detail(error.content)
                if not is_concurrency_limit(code, message):
                    raise self._sync_error(stream, operation, error) from None
                failure = f"HTTP 403 {code} ({message})"
            except SalesforceError as error:
                raise self._sync_error(stream, operation, error) from None
            if attempt < self.settings.max_retries:
                self._sleep(backoff_delay(attempt, self._parsed_retry_after(), self.settings))
        raise SyncError(f"Salesforce stream {stream}: {operation} failed after {self.settings.max_retries + 1} "
                        f"attempt(s), last with {failure}; giving up (SalesforceSettings max_retries="
                        f"{self.settings.max_retries})")

    def _remember_retry_after(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._retry_after = response.headers.get("Retry-After")

    def _remember_server_time(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with suppress(KeyError, TypeError, ValueError):  # without a readable Date, keep the last good reading
            self.server_time = parsedate_to_datetime(response.headers["Date"]).astimezone(UTC)

    def _parsed_retry_after(self) -> float | None:
        if self._retry_after is None:
            return None
        try:
            return Retry().parse_retry_after(self._retry_after)
        except InvalidHeader:  # not RFC 9110 seconds or HTTP-date: fall back to exponential backoff
            return None


    def _sync_error(self, stream: str, operation: str, error: SalesforceError | requests.HTTPError) -> SyncError:
        return translate_error(stream, operation, error, self.api_usage)


def translate_error(stream: str, operation: str, error: SalesforceError | requests.HTTPError,
                    api_usage: tuple[int, int] | None = None) -> SyncError:
    """The SyncError a refused or failed request ends the sync with (retries are the caller's business)."""
    if isinstance(error, requests.HTTPError):
        return SyncError(f"Salesforce stream {stream}: {operation} failed: HTTP {error.response.status_code}")
    code, message = salesforce_error_detail(error.content)
    if isinstance(error, SalesforceRefusedRequest) and code == REQUEST_LIMIT_EXCEEDED:
        return daily_limit_exceeded(stream, message, api_usage)
    if error.status in (414, 431):  # the front end's HTML, no errorCode (standin/api/salesforce/front_end.py)
        return SourceRejected(f"Salesforce stream {stream}: {operation} refused: HTTP {error.status}, the request "
                              "URI is longer than Salesforce accepts (16,384 bytes with the headers); configure "
                              "fewer SalesforceSettings extra_fields, then re-run")
    if code == "INVALID_REPLICATION_DATE":
        return ReplicationWindowRefused(f"Salesforce stream {stream}: {operation} refused its window ({message})")
    if code == "QUERY_TIMEOUT":
        return QueryTimeout(f"Salesforce stream {stream}: {operation}: QUERY_TIMEOUT ({message})")
    if code == "INVALID_QUERY_LOCATOR":
        return QueryLocatorExpired(f"Salesforce stream {stream}: {operation}: query locator gone ({message})")
    if isinstance(error, SalesforceMalformedRequest | SalesforceRefusedRequest | SalesforceResourceNotFound):
        remedy = _REMEDIES.get(code, "the request is refused as it stands, so retrying cannot help; fix the "
                                     "org's permissions or the SalesforceSettings first")
        return SourceRejected(f"Salesforce stream {stream}: {operation} refused: HTTP {error.status} {code}: "
                              f"{message.strip()}; {remedy}, then re-run")
    return SyncError(f"Salesforce stream {stream}: {operation} failed: HTTP {error.status} {code}: {message}")


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
