"""The run's full log, one file per run (KPI_LOG_DIR/run-<run id>.log): every Dagster event and log line with
its trace, and everything printed meanwhile (dbt's own log), without terminal colours."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# As Dagster's console logger formats its records.
RECORD_FORMAT = logging.Formatter("%(asctime)s - dagster - %(levelname)s - %(message)s", "%Y-%m-%d %H:%M:%S %z")


class RunLog:
    def __init__(self, log_dir: Path, run_id: str):
        """Create the run's log file; an OSError says why it cannot be written there."""
        log_dir.mkdir(parents=True, exist_ok=True)
        self.path = log_dir / f"run-{run_id}.log"
        self._file = self.path.open("w", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self._file.write(ANSI_ESCAPE.sub("", text))
            self._file.flush()

    def record(self, record: logging.LogRecord) -> None:
        self.write(RECORD_FORMAT.format(record) + "\n")

    def close(self) -> None:
        self._file.close()

    @contextmanager
    def capturing_output(self, echo: bool) -> Iterator[None]:
        """Whatever is printed in the block goes into the log: stdout and stderr alone, or, with `echo`, stdout
        also to the terminal (stderr is then left to the terminal: Dagster's console logger writes there)."""
        saved = sys.stdout, sys.stderr
        sys.stdout = _LogStream(self, sys.stdout if echo else None)
        if not echo:
            sys.stderr = _LogStream(self, None)
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved


class _LogStream:
    """A text stream writing into the run log and, optionally, on to another stream."""

    def __init__(self, log: RunLog, echo: TextIO | None):
        self._log = log
        self._echo = echo
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self._log.write(text)
        if self._echo is not None:
            self._echo.write(text)
        return len(text)

    def flush(self) -> None:
        if self._echo is not None:
            self._echo.flush()

    def isatty(self) -> bool:
        """A terminal only when echoing to one: dbt colours its output then (the log takes them out)."""
        return self._echo is not None and self._echo.isatty()
