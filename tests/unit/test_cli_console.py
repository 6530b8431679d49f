"""The CLI's lines: plain off a terminal; on one, a status line redrawn in place under them while a step runs."""

import io
import time

from pipeline.cli import console as console_module
from pipeline.cli.console import Console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_there_are_the_lines_alone():
    stream = io.StringIO()
    console = Console(stream, live=True)
    with console.running():
        console.status("warehouse_dbt", "3/154")
        console.line("hubspot    raw_hubspot/deals  ...")
        console.count("4/154")
    assert stream.getvalue() == "hubspot    raw_hubspot/deals  ...\n"


def test_on_a_terminal_the_status_line_is_redrawn_in_place_and_cleared(monkeypatch):
    monkeypatch.setattr(console_module, "TICK_S", 0.01)
    stream = Terminal()
    console = Console(stream, live=True)
    with console.running():
        console.status("warehouse_dbt", "3/154")
        time.sleep(0.1)
        console.line("warehouse  warehouse_dbt  done")
    output = stream.getvalue()
    frames = output.split("\r\x1b[K")
    assert sum("warehouse_dbt 3/154" in frame for frame in frames) > 2  # the ticker redrew it
    assert "warehouse  warehouse_dbt  done\n" in frames
    assert output.endswith("\r\x1b[K")  # nothing left behind on the screen


def test_among_dagsters_own_logs_there_is_no_status_line():
    stream = Terminal()
    console = Console(stream, live=False)
    with console.running():
        console.status("warehouse_dbt", "3/154")
        console.line("a line")
    assert stream.getvalue() == "a line\n"
