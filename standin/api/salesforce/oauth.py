"""Salesforce's OAuth 2.0 token endpoint (password and client-credentials grants) and the live sessions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import threading
from urllib.parse import parse_qs

from standin.api.messages import Request, Response, json_response
from standin.api.salesforce.organization import integration_user_id, organization_id

_ALPHANUMERIC = string.ascii_letters + string.digits
# Salesforce's generic login hosts, which refuse the client-credentials flow.
GENERIC_LOGIN_HOSTS = frozenset({"login.salesforce.com", "test.salesforce.com"})


def salesforce_id(prefix: str) -> str:
    """A random 18-character record id with the given 3-character key prefix."""
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(15))


class SessionRegistry:
    """Session ids issued by the token endpoint that are still valid."""

    def __init__(self):
        self._live: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, org_id: str) -> str:
        session_id = f"{org_id[:15]}!{secrets.token_urlsafe(72)}"
        with self._lock:
            self._live.add(session_id)
        return session_id

    def is_live(self, session_id: str | None) -> bool:
        with self._lock:
            return session_id in self._live

    def expire_all(self) -> None:
        with self._lock:
            self._live.clear()


def _oauth_error(error: str, description: str) -> Response:
    return json_response(400, {"error": error, "error_description": description})


def _matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _host(request: Request) -> str:
    return (request.header("Host") or "").rsplit(":", 1)[0].lower()


def token_response(request: Request, server, sessions: SessionRegistry) -> Response:
    """Answer ``POST /services/oauth2/token`` the way Salesforce does, issuing a new session on success."""
    if request.method != "POST":
        return _oauth_error("invalid_request", "must use HTTP POST")
    form = {key: values[0] for key, values in parse_qs(request.body.decode(), keep_blank_values=True).items()}
    credentials = server.credentials
    grant_type = form.get("grant_type")
    if grant_type not in ("password", "client_credentials"):
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    if grant_type == "client_credentials" and _host(request) in GENERIC_LOGIN_HOSTS:
        # Help article 000886201: the flow needs the org's My Domain; the answer on the generic hosts is
        # this (pozil/pub-sub-api-node-client #58), before the client is even checked.
        return _oauth_error("invalid_grant", "request not supported on this domain")
    if not _matches(form.get("client_id"), credentials.salesforce_client_id):
        return _oauth_error("invalid_client_id", "client identifier invalid")
    if not _matches(form.get("client_secret"), credentials.salesforce_client_secret):
        return _oauth_error("invalid_client", "invalid client credentials")
    if grant_type == "password":
        expected_password = credentials.salesforce_password + credentials.salesforce_security_token
        if not (_matches(form.get("username"), credentials.salesforce_username)
                and _matches(form.get("password"), expected_password)):
            return _oauth_error("invalid_grant", "authentication failure")
    org_id = organization_id(server.dataset)
    # The identity URL names login.salesforce.com whatever host issued the token (jsforce TokenResponse docs).
    identity_url = f"https://login.salesforce.com/id/{org_id}/{integration_user_id(org_id)}"
    issued_at = str(int(server.now.timestamp() * 1000))
    digest = hmac.new(credentials.salesforce_client_secret.encode(), (identity_url + issued_at).encode(),
                      hashlib.sha256).digest()
    body = {"access_token": sessions.issue(org_id), "instance_url": server.base_url, "id": identity_url,
            "token_type": "Bearer", "issued_at": issued_at, "signature": base64.b64encode(digest).decode()}
    if grant_type == "client_credentials":
        body["scope"] = "api"  # this flow's answer also names the scopes the connected app grants
    return json_response(200, body)
