"""The fixture API in its own process, so its memory never counts towards a measured sync.

Started with ``--verbose``, it logs one line per request on stderr; the benchmark reads those lines to
count the calls a sync really sent, independently of the connector's own counter.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

READY_LINE = "READY"
STARTUP_TIMEOUT_S = 600  # loading a 200,000-person dataset takes a while
# http.server's access log: 127.0.0.1 "GET /path?query HTTP/1.1" 200 -
_REQUEST_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ ?"]+)[^"]* HTTP/1\.[01]" (?P<status>\d{3}) ')


class FixtureServer:
    """``with FixtureServer(dataset, log_path) as server:`` serves ``dataset`` until the block ends."""

    def __init__(self, dataset: Path, log_path: Path):
        self.dataset = dataset
        self.log_path = log_path
        self.env: dict[str, str] = {}  # the server's KEY=value lines: base URLs, CA file, credentials
        self._process: subprocess.Popen | None = None
        self._log_offset = 0

    def __enter__(self) -> FixtureServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "standin.api", "--dataset", str(self.dataset), "--verbose"],
                stdout=subprocess.PIPE, stderr=log, text=True,
            )
        try:
            self._read_announcement()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _read_announcement(self) -> None:
        for line in self._process.stdout:
            line = line.strip()
            if line == READY_LINE:
                return
            key, _, value = line.partition("=")
            self.env[key] = value
        raise RuntimeError(
            f"fixture API on {self.dataset} exited with {self._process.wait()} before READY; see {self.log_path}"
        )

    def __exit__(self, *exc_info) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._process = None

    def take_requests(self) -> Counter[tuple[str, str, str]]:
        """(method, path, status) of every request answered since the previous call."""
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            text = log.read()
        self._log_offset += len(text)
        return Counter(
            (match["method"], match["path"], match["status"])
            for match in _REQUEST_LINE.finditer(text.decode("utf-8", "replace"))
        )
