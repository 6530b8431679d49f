"""Faults injected into the fixture API, fired on chosen matching requests before an API handler runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from standin.api.hubspot.errors import (
    correlation_id,
    gateway_html_response,
    missing_scopes_response,
    server_error_response,
)
from standin.api.messages import Request, Response, json_response

FAULT_KINDS = (
    "rate_limit",
    "secondly_limit",  # the body real search sends (no policyName, no Retry-After); HubSpot only
    "daily_limit",
    "server_error",
    "gateway_html",
    "drop_connection",
    "expire_token",
    "sf_request_limit",
    "missing_scopes",  # a HubSpot token without the endpoint's scope (403 MISSING_SCOPES); HubSpot only
)
# The messages of Salesforce's REQUEST_LIMIT_EXCEEDED (HTTP 403) by the limit hit: the org's rolling 24-hour
# allowance (SalesforceLabs/OrgCheck #181), long-running requests in flight (OrgCheck #432), and long
# transactions in flight (mautic/mautic #5006, quoted there without its closing period, which the others have).
SF_REQUEST_LIMITS = {
    "TotalRequests": "TotalRequests Limit exceeded.",
    "ConcurrentRequests": "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
    "ConcurrentPerOrgLongTxn": "ConcurrentPerOrgLongTxn Limit exceeded.",
}


@dataclass
class Fault:
    kind: str
    path_prefix: str
    on_request: int = 1
    times: int = 1
    retry_after: float | None = None  # Retry-After header seconds on rate_limit and server_error
    status: int = 503
    method: str | None = None
    limit: str = "TotalRequests"  # which limit an sf_request_limit names (SF_REQUEST_LIMITS)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"Fault kind {self.kind!r} is unknown (known: {', '.join(FAULT_KINDS)})")
        if self.on_request < 1 or self.times < 1:
            raise ValueError(f"Fault {self.kind!r}: on_request and times must be >= 1")
        if self.kind == "server_error" and not 500 <= self.status <= 599:
            raise ValueError(f"Fault 'server_error': status must be 5xx, got {self.status}")
        if self.limit not in SF_REQUEST_LIMITS:
            raise ValueError(f"Fault limit {self.limit!r} is unknown (known: {', '.join(SF_REQUEST_LIMITS)})")

    def applies_to(self, request: Request) -> bool:
        method_matches = self.method is None or self.method.upper() == request.method
        return method_matches and request.path.startswith(self.path_prefix)


@dataclass
class _ArmedFault:
    fault: Fault
    matched: int = 0

    @property
    def spent(self) -> bool:
        return self.matched >= self.fault.on_request + self.fault.times - 1


class FaultPlan:
    """Thread-safe list of injected faults; each counts its own matching requests from injection on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_ArmedFault] = []

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self._armed.append(_ArmedFault(fault))
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, request: Request) -> Fault | None:
        """The fault that fires on this request, if any (the earliest injected wins)."""
        fired = None
        with self._lock:
            for armed in self._armed:
                if not armed.fault.applies_to(request):
                    continue
                armed.matched += 1
                if fired is None and armed.matched >= armed.fault.on_request:
                    fired = armed.fault
            self._armed = [armed for armed in self._armed if not armed.spent]
        return fired


def _retry_after(fault: Fault) -> dict[str, str]:
    return {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}


def salesforce_fault_response(fault: Fault) -> Response:
    """How each fault looks under /services/ (Salesforce answers limits with 403, never 429)."""
    if fault.kind == "gateway_html":
        return gateway_html_response()
    if fault.kind == "server_error":
        message = "An unexpected error occurred. Please include this ErrorId if you contact support: "
        message += correlation_id()
        body = [{"errorCode": "UNKNOWN_EXCEPTION", "message": message}]
        return json_response(fault.status, body, _retry_after(fault))
    return json_response(
        403, [{"message": SF_REQUEST_LIMITS[fault.limit], "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    )


def hubspot_fault_response(fault: Fault, path: str) -> Response:
    """HubSpot faults other than rate limits (those need HubSpotAPI.rate_limited for their headers)."""
    if fault.kind == "missing_scopes":
        return missing_scopes_response(path)
    if fault.kind == "gateway_html":
        return gateway_html_response()
    if fault.kind == "server_error":
        response = server_error_response(fault.status)
        response.headers.update(_retry_after(fault))
        return response
    return salesforce_fault_response(fault)
