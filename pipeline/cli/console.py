"""The CLI's own output: whole lines and, on a terminal, one status line under them, redrawn in place (a spinner,
what is running, a counter, the seconds it has taken) while a step runs. Off a terminal: the lines alone."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SPINNER = "|/-\\"
CLEAR_LINE = "\r\x1b[K"
TICK_S = 0.2


class Console:
    def __init__(self, stream: TextIO, live: bool):
        """`live`: draw the status line (only on a terminal, and not among Dagster's own logs)."""
        self._stream = stream
        self._live = live and stream.isatty()
        self._lock = threading.Lock()
        self._status: str | None = None
        self._counter = ""
        self._since = 0.0
        self._frame = 0

    def line(self, text: str) -> None:
        with self._lock:
            self._stream.write(f"{CLEAR_LINE if self._live else ''}{text}\n")
            self._draw()

    def status(self, text: str | None, counter: str = "") -> None:
        """What is running now (None: nothing); its clock starts when the text changes."""
        with self._lock:
            if text != self._status:
                self._since = time.monotonic()
            self._status, self._counter = text, counter
            self._draw()

    def count(self, counter: str) -> None:
        with self._lock:
            self._counter = counter

    @contextmanager
    def running(self) -> Iterator[None]:
        """Redraw the status line every tick while the block runs; clear it at the end."""
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop,), daemon=True) if self._live else None
        if ticker:
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker:
                ticker.join()
            self.status(None)

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(TICK_S):
            with self._lock:
                self._frame += 1
                self._draw()

    def _draw(self) -> None:
        if not self._live:
            self._stream.flush()
            return
        if self._status is None:
            self._stream.write(CLEAR_LINE)
        else:
            seconds = time.monotonic() - self._since
            counter = f" {self._counter}" if self._counter else ""
            spinner = SPINNER[self._frame % len(SPINNER)]
            text = f"{spinner} {self._status}{counter}  {seconds:.0f} s"
            # One screen line, or the carriage return could not take it back.
            self._stream.write(CLEAR_LINE + text[: shutil.get_terminal_size().columns - 1])
        self._stream.flush()
