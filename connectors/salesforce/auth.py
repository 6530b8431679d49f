"""OAuth 2.0 token request to the login URL, which simple-salesforce's own login flows cannot target."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from connectors.errors import AuthenticationFailed
from connectors.salesforce.settings import SalesforceSettings

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# Which settings to check for each OAuth error code Salesforce answers with.
_SETTINGS_TO_CHECK = {
    "invalid_client_id": "client_id",
    "invalid_client": "client_secret",
    "invalid_grant": "username, password and security_token",
    "unsupported_grant_type": "username (password grant) or the connected app's client-credentials flow",
}


@dataclass(frozen=True)
class AccessGrant:
    access_token: str = field(repr=False)
    instance_url: str


def token_form(settings: SalesforceSettings) -> dict[str, str]:
    form = {
        "grant_type": settings.grant_type,
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
    }
    if settings.grant_type == "password":
        form["username"] = settings.username or ""
        form["password"] = (settings.password or "") + settings.security_token
    return form


def request_access(session: requests.Session, settings: SalesforceSettings) -> AccessGrant:
    """POST the token request; transient statuses raise requests.HTTPError so the caller can retry."""
    url = f"{settings.login_url.rstrip('/')}/services/oauth2/token"
    response = session.post(url, data=token_form(settings), timeout=settings.request_timeout_s)
    if response.status_code in TRANSIENT_STATUSES:
        response.raise_for_status()
    return parse_token_response(response, settings.login_url)


def parse_token_response(response: requests.Response, login_url: str) -> AccessGrant:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AuthenticationFailed(
            f"Salesforce login at {login_url} failed: HTTP {response.status_code} without an OAuth JSON body"
        )
    if response.status_code != 200 or "error" in body:
        code = body.get("error", f"HTTP {response.status_code}")
        check = _SETTINGS_TO_CHECK.get(code, "the connected app's OAuth settings")
        raise AuthenticationFailed(
            f"Salesforce login at {login_url} refused: {code} ({body.get('error_description', '')}); "
            f"check SalesforceSettings {check}"
        )
    missing = [key for key in ("access_token", "instance_url") if not body.get(key)]
    if missing:
        raise AuthenticationFailed(
            f"Salesforce login at {login_url}: token response lacks {', '.join(missing)}"
        )
    return AccessGrant(body["access_token"], body["instance_url"])
