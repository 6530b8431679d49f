"""Connection and sync settings for Salesforce, built by the Dagster resource (connectors read no env)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

# Salesforce's generic login hosts. Help article 000886201: the client-credentials flow is refused there
# (HTTP 400 invalid_grant "request not supported on this domain"); it needs the org's My Domain URL.
_QUALIFIED_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$")
GENERIC_LOGIN_HOSTS = frozenset({"login.salesforce.com", "test.salesforce.com"})
MY_DOMAIN_EXAMPLE = "https://<name>.my.salesforce.com"


def client_credentials_refused_at(login_url: str) -> bool:
    return (urlsplit(login_url).hostname or "").lower() in GENERIC_LOGIN_HOSTS


def my_domain_needed(login_url: str, setting: str) -> str:
    """Why the client-credentials flow cannot log in at ``login_url``, naming the setting to change."""
    return (f"Salesforce refuses the client-credentials flow at {login_url} (help article 000886201: "
            f"\"request not supported on this domain\"); set {setting} to the org's My Domain URL "
            f"({MY_DOMAIN_EXAMPLE}, Setup > My Domain)")


@dataclass(frozen=True)
class SalesforceSettings:
    """OAuth 2.0 credentials of a connected app plus paging and retry policy.

    The password grant is used when ``username`` is set, else the client-credentials grant. The
    client-credentials grant needs ``login_url`` to be the org's My Domain URL. The username-password
    flow still works where the org allows it, but Salesforce deprecates it and blocks it by default in
    orgs created since Summer '23 (help article 000886201): prefer client credentials.
    Secrets are kept out of ``repr`` so that a logged settings object leaks nothing.
    """

    client_id: str
    client_secret: str = field(repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security_token: str = field(default="", repr=False)
    # The password grant may use the generic hosts (sandboxes: https://test.salesforce.com); client
    # credentials need the org's My Domain URL.
    login_url: str = "https://login.salesforce.com"
    ca_file: str | None = None
    api_version: str = "59.0"
    overlap: timedelta = timedelta(minutes=10)
    # After an unbounded query timed out (QUERY_TIMEOUT), a stream loads in windows of its cursor field
    # starting this wide; each timeout halves the window, and a timeout narrower than the minimum stops.
    first_query_window: timedelta = timedelta(days=7)
    min_query_window: timedelta = timedelta(seconds=1)
    # "SObject.Field" names kept in the query (and so in the payload) when an object has too many fields
    # for one query URL and only the fields the warehouse uses are selected.
    extra_fields: tuple[str, ...] = ()
    max_retries: int = 5
    backoff_base_s: float = 1.0
    max_backoff_s: float = 60.0
    # (connect, read) seconds per request: a first queryAll page over a large object can take minutes
    # server-side, yet without a limit a stalled connection would block the sync forever.
    request_timeout_s: tuple[float, float] = (30, 300)

    def __post_init__(self) -> None:
        if not self.client_id or not self.client_secret:
            raise ValueError("SalesforceSettings: client_id and client_secret are required")
        if self.username is not None and self.password is None:
            raise ValueError("SalesforceSettings: password is required when username is set")
        if self.grant_type == "client_credentials" and client_credentials_refused_at(self.login_url):
            raise ValueError("SalesforceSettings: " + my_domain_needed(
                self.login_url, "login_url (SALESFORCE_LOGIN_URL in the pipeline)"))
        if self.overlap < timedelta(0):
            raise ValueError(f"SalesforceSettings: overlap must not be negative, got {self.overlap}")
        if not timedelta(0) < self.min_query_window <= self.first_query_window:
            raise ValueError("SalesforceSettings: need 0 < min_query_window <= first_query_window, got "
                             f"{self.min_query_window} and {self.first_query_window}")
        malformed = [name for name in self.extra_fields if not _QUALIFIED_FIELD.match(name)]
        if malformed:
            raise ValueError(f"SalesforceSettings: extra_fields must be SObject.Field names such as "
                             f"Lead.Region__c, got {', '.join(map(repr, malformed))}")
        if self.max_retries < 0:
            raise ValueError(f"SalesforceSettings: max_retries must be >= 0, got {self.max_retries}")
        if not _positive_pair(self.request_timeout_s):
            raise ValueError("SalesforceSettings: request_timeout_s must be a (connect, read) pair of positive "
                             f"seconds, got {self.request_timeout_s!r}")

    @property
    def grant_type(self) -> str:
        return "password" if self.username is not None else "client_credentials"


def _positive_pair(value: object) -> bool:
    """requests would take a bare number as both timeouts; a list or a zero is a mistake worth naming."""
    return (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(part, int | float) and not isinstance(part, bool) and part > 0 for part in value))
