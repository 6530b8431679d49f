"""The fixture API server: HTTPS on 127.0.0.1, HubSpot under /crm/ and /account-info/, Salesforce under /services/."""

from __future__ import annotations

import dataclasses
import email.utils
import logging
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from standin.api.dataset import Dataset
from standin.api.faults import FaultPlan, hubspot_fault_response, salesforce_fault_response
from standin.api.hubspot.api import HubSpotAPI
from standin.api.hubspot.errors import error_response
from standin.api.hubspot.index import hubspot_index
from standin.api.messages import Request, Response
from standin.api.salesforce.api import SalesforceAPI
from standin.api.salesforce.front_end import oversized
from standin.api.salesforce.organization import organization_id
from standin.api.salesforce.table import salesforce_tables
from standin.api.tls import make_tls_files

logger = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_SECONDS = 10
IDLE_CONNECTION_TIMEOUT_SECONDS = 120
HUBSPOT_PATHS = ("/crm/", "/account-info/")
# HubSpot's page of embedded associations (changelog "Announcing a change to how v3 CRM APIs return
# association data": more than 100 come with paging; hubspot-api-nodejs issue 29).
ASSOCIATION_PAGE_SIZE = 100


@dataclasses.dataclass(frozen=True)
class FixtureCredentials:
    """Random per server start; held in memory only."""

    hubspot_token: str
    salesforce_client_id: str
    salesforce_client_secret: str
    salesforce_username: str
    salesforce_password: str
    salesforce_security_token: str

    @classmethod
    def generate(cls) -> FixtureCredentials:
        return cls(
            hubspot_token=f"pat-na1-{secrets.token_urlsafe(24)}",
            salesforce_client_id=secrets.token_urlsafe(32),
            salesforce_client_secret=secrets.token_urlsafe(32),
            salesforce_username=f"fixture.{secrets.token_hex(4)}@example.com",
            salesforce_password=secrets.token_urlsafe(16),
            salesforce_security_token=secrets.token_urlsafe(18),
        )

    def __repr__(self) -> str:
        return "FixtureCredentials(<redacted>)"


def _as_dataset(dataset: Dataset | str | Path) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else Dataset.load(dataset)


class FixtureAPI:
    """Serves one dataset to the real HubSpot and Salesforce clients; use as a context manager."""

    def __init__(
        self,
        dataset: Dataset | str | Path,
        port: int = 0,
        association_page_size: int = ASSOCIATION_PAGE_SIZE,
        search_page_cap: int | None = None,
    ):
        """``association_page_size``: associations per record in a v3 object response and per input of a v4
        batch read before ``paging.next``. ``search_page_cap``: when set, a search page holds at most this
        many results yet still offers ``paging.next`` when more match (the short pages with a next cursor
        that Airbyte's source-hubspot guards against, PR 80745). Both may be changed while serving."""
        if association_page_size < 1 or (search_page_cap is not None and search_page_cap < 1):
            raise ValueError("association_page_size and search_page_cap must be at least 1")
        self.association_page_size = association_page_size
        self.search_page_cap = search_page_cap
        self.credentials = FixtureCredentials.generate()
        self.faults = FaultPlan()
        self.hubspot = HubSpotAPI(self)
        self.salesforce = SalesforceAPI(self)
        self.replace_dataset(dataset)
        self._requested_port = port
        self._calls: Counter[str] = Counter()
        self._calls_lock = threading.Lock()
        self._http: _TLSServer | None = None
        self._thread: threading.Thread | None = None
        self._tls_dir: Path | None = None
        self.base_url = ""
        self.ca_file = ""

    @property
    def now(self) -> datetime:
        return self.dataset.recorded_at

    def start(self) -> FixtureAPI:
        self._tls_dir = Path(tempfile.mkdtemp(prefix="fixture-api-tls-"))
        tls_files = make_tls_files(self._tls_dir)
        self._http = _TLSServer(("127.0.0.1", self._requested_port), tls_files.server_context(), self)
        self.base_url = f"https://127.0.0.1:{self._http.server_address[1]}"
        self.ca_file = str(tls_files.ca_file)
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.1}, name="fixture-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._thread.join()
            self._http = None
        if self._tls_dir is not None:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None

    def __enter__(self) -> FixtureAPI:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def replace_dataset(self, dataset: Dataset | str | Path) -> None:
        """Serve another dataset from the next request on; its indexes are built here, before it is served."""
        replacement = _as_dataset(dataset)
        hubspot_index(replacement)
        salesforce_tables(replacement)
        organization_id(replacement)
        self.dataset = replacement

    def rotate_hubspot_token(self) -> str:
        """Issue a new HubSpot access token (after an expire_token fault); the old one stays expired."""
        self.credentials = dataclasses.replace(
            self.credentials, hubspot_token=f"pat-na1-{secrets.token_urlsafe(24)}"
        )
        return self.credentials.hubspot_token

    def calls(self, prefix: str = "") -> int:
        with self._calls_lock:
            return sum(count for path, count in self._calls.items() if path.startswith(prefix))

    def respond(self, request: Request) -> Response | None:
        """The response to one request, or None when a fault says to drop the connection unanswered."""
        with self._calls_lock:
            self._calls[request.path] += 1
        is_salesforce = request.path.startswith("/services/")
        fault = self.faults.take(request)
        if fault is not None and fault.kind == "drop_connection":
            return None
        if fault is not None and fault.kind == "expire_token":
            self._expire_credentials(is_salesforce)
        elif fault is not None and is_salesforce:
            return salesforce_fault_response(fault)
        elif fault is not None and fault.kind == "secondly_limit":
            return self.hubspot.secondly_limited()
        elif fault is not None and fault.kind in ("rate_limit", "daily_limit"):
            policy = "DAILY" if fault.kind == "daily_limit" else "TEN_SECONDLY_ROLLING"
            return self.hubspot.rate_limited(policy, fault.retry_after)
        elif fault is not None:
            return hubspot_fault_response(fault, request.path)
        if is_salesforce:
            return self.salesforce.handle(request)
        if request.path.startswith(HUBSPOT_PATHS):
            return self.hubspot.handle(request)
        return error_response(404, "OBJECT_NOT_FOUND", f"No API is served under {request.path}")

    def _expire_credentials(self, is_salesforce: bool) -> None:
        if is_salesforce:
            self.salesforce.expire_sessions()
        else:
            self.hubspot.expire_token()


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext, api: FixtureAPI):
        super().__init__(address, _Handler)
        self.ssl_context = context
        self.api = api

    def finish_request(self, request: socket.socket, client_address) -> None:
        # The handshake runs here, in the connection's own thread, so a silent client cannot stall accept().
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            tls_socket = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            logger.debug("TLS handshake with %s failed: %s", client_address, error)
            return
        try:
            self.RequestHandlerClass(tls_socket, client_address, self)
        finally:
            tls_socket.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_TIMEOUT_SECONDS
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _TLSServer

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            response = self._refused_by_front_end(request) or self.server.api.respond(request)
        except Exception:
            logger.exception("fixture API failed on %s %s", request.method, request.path)
            response = error_response(500, "INTERNAL_ERROR", "internal error")
        if response is None:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def _refused_by_front_end(self, request: Request) -> Response | None:
        if not request.path.startswith("/services/"):
            return None
        return oversized(self.path, list(self.headers.items()))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header: the stand-in's clock is its recording's, so clients read recorded_at as server time."""
        return email.utils.format_datetime(self.server.api.now.astimezone(UTC), usegmt=True)

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s %s", self.address_string(), format % args)
