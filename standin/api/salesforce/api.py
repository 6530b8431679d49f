"""Salesforce REST API over a recorded dataset: OAuth token, versions, describe, paged query/queryAll."""

from __future__ import annotations

import re
import threading
from urllib.parse import unquote

from standin.api.messages import Request, Response, json_response
from standin.api.salesforce.deleted import deleted_response
from standin.api.salesforce.oauth import SessionRegistry, token_response
from standin.api.salesforce.paging import PAGE_SIZE, CursorStore, Snapshot, page
from standin.api.salesforce.query import Selection, run_query
from standin.api.salesforce.schema import describe_sobject
from standin.api.salesforce.soql import SoqlError, parse
from standin.api.salesforce.table import SObjectTable, salesforce_tables

DAILY_API_LIMIT = 15000
OLDEST_VERSION, LATEST_VERSION = 20, 62
_VERSIONED = re.compile(r"/services/data/v(\d+)\.0(/.*)?$")
_QUERY = re.compile(r"/(query|queryAll)(?:/([^/]*))?/?$")
_DESCRIBE = re.compile(r"/sobjects/([^/]+)/describe/?$")
_DELETED = re.compile(r"/sobjects/([^/]+)/deleted/?$")


def _errors(status: int, error_code: str, message: str) -> Response:
    return json_response(status, [{"message": message, "errorCode": error_code}])


def _not_found() -> Response:
    body = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    return json_response(404, body)


def _release_label(version: int) -> str:
    # v59.0 was Winter '24; three releases a year (Winter, Spring, Summer).
    years, season = divmod(version - 59, 3)
    return f"{('Winter', 'Spring', 'Summer')[season]} '{24 + years}"


def versions() -> list[dict]:
    return [{"label": _release_label(number), "url": f"/services/data/v{number}.0", "version": f"{number}.0"}
            for number in range(OLDEST_VERSION, LATEST_VERSION + 1)]


class SalesforceAPI:
    """Handles every path under /services/; reads the server's dataset, URL and credentials per request."""

    def __init__(self, server):
        self._server = server
        self._sessions = SessionRegistry()
        self._cursors = CursorStore()
        self._usage_lock = threading.Lock()
        self._calls = 0
        # Knob: a query whose WHERE matches more rows than this answers QUERY_TIMEOUT (None: never).
        self.query_timeout_rows: int | None = None
        self.query_log: list[tuple[str, int]] = []  # (SOQL, HTTP status) of every query's first page

    def expire_sessions(self) -> None:
        self._sessions.expire_all()

    def api_usage(self) -> tuple[int, int]:
        return self._calls, DAILY_API_LIMIT

    def handle(self, request: Request) -> Response:
        if request.path.rstrip("/") == "/services/oauth2/token":
            return token_response(request, self._server, self._sessions)
        if request.path.rstrip("/") == "/services/data":
            response = json_response(200, versions())  # the versions list needs no session on Salesforce
        elif request.path.startswith("/services/data/"):
            response = self._authorized(request)
        else:
            return _not_found()
        response.headers["Sforce-Limit-Info"] = f"api-usage={self._calls}/{DAILY_API_LIMIT}"
        return response

    def _authorized(self, request: Request) -> Response:
        authorization = request.header("Authorization") or ""
        session_id = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else None
        if not self._sessions.is_live(session_id):
            response = _errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
            response.headers["WWW-Authenticate"] = "Token"
            return response
        with self._usage_lock:
            self._calls += 1
        return self._versioned(request)

    def _versioned(self, request: Request) -> Response:
        match = _VERSIONED.match(request.path)
        if match is None or not OLDEST_VERSION <= int(match.group(1)) <= LATEST_VERSION:
            return _not_found()
        version, resource = f"{match.group(1)}.0", match.group(2) or "/"
        query, describe, deleted = _QUERY.match(resource), _DESCRIBE.match(resource), _DELETED.match(resource)
        if not (query or describe or deleted):
            return _not_found()
        if request.method != "GET":
            return json_response(405, [{"errorCode": "METHOD_NOT_ALLOWED",
                                        "message": f"HTTP Method '{request.method}' not allowed. "
                                                   "Allowed are GET,HEAD"}])
        if describe:
            return self._describe(unquote(describe.group(1)), version)
        if deleted:
            return self._deleted(request, unquote(deleted.group(1)))
        endpoint, locator = query.group(1), query.group(2)
        if locator:
            return self._next_page(locator, f"/services/data/v{version}/{endpoint}")
        return self._query(request, version, endpoint)

    def tables(self) -> dict[str, SObjectTable]:
        return salesforce_tables(self._server.dataset)

    def _describe(self, sobject: str, version: str) -> Response:
        for name, table in self.tables().items():
            if name.lower() == sobject.lower():
                return json_response(200, describe_sobject(name, table.fields, table.records, version))
        return _not_found()

    def _deleted(self, request: Request, sobject: str) -> Response:
        for name in self.tables():
            if name.lower() == sobject.lower():
                return deleted_response(request, name, self._server.dataset)
        return _not_found()

    def _query(self, request: Request, version: str, endpoint: str) -> Response:
        soql = request.first("q")
        if not soql:
            return _errors(400, "MALFORMED_QUERY", "A query string has to be specified")
        response = self._run(soql, version, endpoint)
        self.query_log.append((soql, response.status))
        return response

    def _run(self, soql: str, version: str, endpoint: str) -> Response:
        try:
            selection = run_query(parse(soql), self.tables(), endpoint == "queryAll")
        except SoqlError as error:
            return _errors(400, error.error_code, error.message)
        if self._times_out(selection):
            return _errors(400, "QUERY_TIMEOUT", "Your query request was running for too long.")
        if not selection.fields:  # SELECT COUNT()
            return json_response(200, {"totalSize": len(selection.records), "done": True, "records": []})
        snapshot = Snapshot(selection.records, lambda rows: _api_records(selection, version, rows))
        cursor_id = self._cursors.open(snapshot) if len(selection.records) > PAGE_SIZE else None
        return json_response(200, page(snapshot, 0, cursor_id, f"/services/data/v{version}/{endpoint}"))

    def _times_out(self, selection: Selection) -> bool:
        """Salesforce gives up on a query that reads too many rows (QUERY_TIMEOUT, HTTP 400; Airbyte #17503,
        #27969). Modelled: a query is selective when its WHERE (a range on the cursor field, an Id list, ...)
        matches at most ``query_timeout_rows`` rows, as an index would narrow the scan to them; any other
        query reads and sorts more than that and times out. COUNT() is not modelled timing out."""
        limit = self.query_timeout_rows
        return limit is not None and bool(selection.fields) and selection.matched > limit

    def _next_page(self, locator: str, locator_base: str) -> Response:
        resumed = self._cursors.resume(locator)
        if resumed is None:
            return _errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        cursor_id, snapshot, offset = resumed
        return json_response(200, page(snapshot, offset, cursor_id, locator_base))


def _api_records(selection: Selection, version: str, rows: list[dict]) -> list[dict]:
    url = f"/services/data/v{version}/sobjects/{selection.sobject}/"
    return [
        {"attributes": {"type": selection.sobject, "url": url + str(row.get("Id"))},
         **{name: row.get(name) for name in selection.fields}}
        for row in rows
    ]
