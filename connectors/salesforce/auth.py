"""OAuth 2.0 token request to the login URL, which simple-salesforce's own login flows cannot target."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests

from connectors.errors import AuthenticationFailed
from connectors.salesforce.settings import SalesforceSettings, my_domain_needed

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# Which settings to check for each OAuth error code Salesforce answers with, by the grant in use.
_SETTINGS_TO_CHECK = {
    "password": {
        "invalid_client_id": "client_id",
        "invalid_client": "client_secret",
        "invalid_grant": "username, password and security_token (and that the org still allows the "
                         "deprecated username-password flow: Setup > OAuth and OpenID Connect Settings)",
        "unsupported_grant_type": "username: the org does not allow the username-password flow; unset it to "
                                  "use the connected app's client-credentials flow",
    },
    "client_credentials": {
        "invalid_client_id": "client_id",
        "invalid_client": "client_id and client_secret",
        "invalid_grant": "login_url (the org's My Domain URL) and the connected app: client credentials flow "
                         "enabled with a Run As user",
        "unsupported_grant_type": "login_url (the org's My Domain URL) and that the connected app enables the "
                                  "client credentials flow",
    },
}
_WRONG_DOMAIN = "request not supported on this domain"
# The identity URL of a token response: https://login.salesforce.com/id/<orgId>/<userId>
_IDENTITY_URL = re.compile(r"/id/(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)/([A-Za-z0-9]{15,18})/?$")


@dataclass(frozen=True)
class AccessGrant:
    access_token: str = field(repr=False)
    instance_url: str
    org_id: str


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
    return parse_token_response(response, settings.login_url, settings.grant_type)


def parse_token_response(response: requests.Response, login_url: str, grant_type: str) -> AccessGrant:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AuthenticationFailed(
            f"Salesforce login at {login_url} failed: HTTP {response.status_code} without an OAuth JSON body"
        )
    if response.status_code != 200 or "error" in body:
        raise _refusal(body, login_url, grant_type, response.status_code)
    missing = [key for key in ("access_token", "instance_url", "id") if not body.get(key)]
    if missing:
        raise AuthenticationFailed(
            f"Salesforce login at {login_url}: token response lacks {', '.join(missing)}"
        )
    identity = _IDENTITY_URL.search(str(body["id"]))
    if identity is None:
        raise AuthenticationFailed(f"Salesforce login at {login_url}: the token response's identity URL "
                                   f"{body['id']!r} does not end in /id/<orgId>/<userId>")
    return AccessGrant(body["access_token"], body["instance_url"], identity.group(1))


def _refusal(body: dict, login_url: str, grant_type: str, status: int) -> AuthenticationFailed:
    code, description = body.get("error", f"HTTP {status}"), body.get("error_description", "")
    if grant_type == "client_credentials" and description == _WRONG_DOMAIN:
        remedy = my_domain_needed(login_url, "SalesforceSettings login_url (SALESFORCE_LOGIN_URL)")
    else:
        remedy = "check SalesforceSettings " + _SETTINGS_TO_CHECK[grant_type].get(
            code, "and the connected app's OAuth settings")
    return AuthenticationFailed(f"Salesforce login at {login_url} refused: {code} ({description}); {remedy}")
