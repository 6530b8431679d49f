"""Salesforce's HTTP front end, which refuses oversized requests before the API sees them.

Help article 000386264: the URI and headers of a REST call may take at most 16,384 bytes together; past
that the answer is 431 Request Header Fields Too Large, or 414 URI Too Long if the URI alone exceeds it.
The bodies are the front end's (Jetty) HTML, as clients report them (simple-salesforce #271, jsforce
#1134, Stitch's "Bad Message 431" troubleshooting page).
"""

from __future__ import annotations

from standin.api.messages import Response

MAX_URI_AND_HEADERS = 16_384


def _bad_message(status: int, reason: str) -> Response:
    body = f"<h1>Bad Message {status}</h1><pre>reason: {reason}</pre>".encode()
    return Response(status, body, {"Content-Type": "text/html;charset=iso-8859-1", "Connection": "close"})


def oversized(target: str, headers: list[tuple[str, str]]) -> Response | None:
    """The refusal of a request whose target (path and query string) or headers are too long, else None."""
    if len(target.encode()) > MAX_URI_AND_HEADERS:
        return _bad_message(414, "URI Too Long")
    header_bytes = sum(len(f"{name}: {value}\r\n".encode()) for name, value in headers)
    if len(target.encode()) + header_bytes > MAX_URI_AND_HEADERS:
        return _bad_message(431, "Request Header Fields Too Large")
    return None
