"""Which HubSpot failures are worth another try, and how long to wait before it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from connectors.errors import ApiLimitExceeded, AuthenticationFailed, MissingScopes, SourceRejected, SyncError

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpFailure:
    """One failed HTTP exchange: status 0 when no response came back at all (connection dropped)."""

    status: int
    body: bytes = b""
    retry_after: str | None = None
    detail: str = ""

    def error_fields(self) -> dict:
        try:
            parsed = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    def describe(self) -> str:
        if self.status == 0:
            return f"connection failed ({self.detail})"
        fields = self.error_fields()
        category = fields.get("policyName") or fields.get("category")
        message = fields.get("message")
        if message:
            return (
                f"HTTP {self.status} {category}: {message}" if category else f"HTTP {self.status}: {message}"
            )
        return f"HTTP {self.status} (non-JSON body)"


def backoff_delay(failure: HttpFailure, attempt: int, base_s: float) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): Retry-After when given, else exponential."""
    if failure.retry_after is not None:
        try:
            return max(0.0, float(failure.retry_after))
        except ValueError:
            pass  # an HTTP-date Retry-After: HubSpot sends seconds, so fall back to our own schedule
    return base_s * 2 ** (attempt - 1)


def is_retryable(failure: HttpFailure) -> bool:
    return failure.status == 0 or failure.status in RETRYABLE_STATUSES


def fatal_error(failure: HttpFailure, stream: str) -> SyncError | None:
    """The error that must end the sync at once, or None when the failure may be retried."""
    fields = failure.error_fields()
    if failure.status == 429 and _is_daily_limit(fields):
        return ApiLimitExceeded(
            f"HubSpot daily API limit reached while syncing {stream} ({fields.get('message', '')}); "
            "data stored before this call is kept, re-run after the limit resets"
        )
    if failure.status == 401:
        return AuthenticationFailed(
            f"HubSpot refused the access token while syncing {stream} "
            f"({fields.get('category', 'UNAUTHORIZED')}: {fields.get('message', '')}); "
            "issue a new private app token and update HUBSPOT_ACCESS_TOKEN"
        )
    if failure.status == 403 and fields.get("category") == "MISSING_SCOPES":
        return MissingScopes(
            f"HubSpot rejected a request while syncing {stream} ({failure.describe()}); {_remedy(failure)}"
        )
    if 400 <= failure.status < 500 and failure.status != 429:
        return SourceRejected(
            f"HubSpot rejected a request while syncing {stream} ({failure.describe()}); {_remedy(failure)}"
        )
    if not is_retryable(failure):
        return SyncError(f"HubSpot rejected a request while syncing {stream}: {failure.describe()}")
    return None


def _is_daily_limit(fields: dict) -> bool:
    """Only the daily limit is final. Real bodies differ: the documented one names policyName DAILY; a
    real search 429 has neither policyName nor errorType (grouparoo's recordings), so the message decides."""
    message = fields.get("message")
    return fields.get("policyName") == "DAILY" or (isinstance(message, str) and "daily limit" in message.lower())


def _remedy(failure: HttpFailure) -> str:
    """What to change before re-running: the same request would be refused again as it stands."""
    if failure.status == 403:
        scopes = [
            scope
            for error in failure.error_fields().get("errors") or []
            if isinstance(error, dict)
            for key in ("requiredGranularScopes", "requiredScopes")  # the latter on older portals (nodejs #268)
            for scope in (error.get("context") or {}).get(key) or []
        ]
        if scopes:
            return f"grant the private app the scope(s) {', '.join(scopes)} and re-run"
        return "check the private app's scopes and the portal's permissions, then re-run"
    if failure.status == 404:
        return "check HubSpotSettings.base_url and that the object exists in this portal, then re-run"
    return "the request is refused as sent, so retrying cannot help: fix the settings or the portal, then re-run"
