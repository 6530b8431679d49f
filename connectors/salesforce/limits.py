"""Salesforce's REQUEST_LIMIT_EXCEEDED: which limit was hit, and what that means for the sync.

One errorCode (HTTP 403) covers limits of two kinds, told apart only by the message (real texts, from
SalesforceLabs/OrgCheck #181 and #432 and mautic/mautic #5006, in
tests/data/real_samples/salesforce_request_limit_exceeded_variants.json):
``TotalRequests`` is the org's daily allowance; ``ConcurrentRequests`` (long-running requests in flight)
and ``ConcurrentPerOrgLongTxn`` (long transactions in flight) clear as soon as other requests finish.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.errors import ApiLimitExceeded

REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"
_CONCURRENCY_LIMITS = ("ConcurrentRequests", "ConcurrentPerOrgLongTxn")
# Salesforce counts the allowance over the last 24 hours ("rolling"); it publishes no reset instant.
ROLLING_WINDOW = timedelta(hours=24)


def is_concurrency_limit(error_code: str, message: str) -> bool:
    """A limit on requests in flight: transient, worth backing off and retrying like a 5xx."""
    return error_code == REQUEST_LIMIT_EXCEEDED and message.startswith(_CONCURRENCY_LIMITS)


def daily_limit_exceeded(stream: str, message: str, usage: tuple[int, int] | None,
                         now: datetime | None = None) -> ApiLimitExceeded:
    """The allowance is spent: say what is known of when it has room again, and nothing more."""
    latest = (now or datetime.now(UTC)) + ROLLING_WINDOW
    reported = (f"; last usage Salesforce reported: {usage[0]}/{usage[1]} (Sforce-Limit-Info)"
                if usage else "")
    return ApiLimitExceeded(
        f"Salesforce stream {stream}: the org's daily API allowance is used up ({REQUEST_LIMIT_EXCEEDED}: "
        f"{message}){reported}; the sync stopped, pages stored before this call are kept with their cursor. "
        "Salesforce counts the allowance over a rolling 24 hours and publishes no reset time: room returns "
        "as the org's calls of the last 24 hours age out (every integration's calls count), all of them by "
        f"{latest:%Y-%m-%d %H:%M} UTC. Re-run then; GET /services/data/vXX.X/limits shows DailyApiRequests "
        "Remaining meanwhile."
    )
