"""An analyst in another process: holds a DuckDB file open and answers one query per line of its stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Runs in the child: connect once, then one SQL statement in, one JSON line of rows out, until stdin ends.
SESSION = """
import json, sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
print(json.dumps("connected"), flush=True)
for sql in sys.stdin:
    print(json.dumps(connection.execute(sql).fetchall(), default=str), flush=True)
"""


class Analyst:
    def __init__(self, database: Path, mode: str):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SESSION, str(database), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self._answer() == "connected"

    def query(self, sql: str) -> list[list]:
        self.process.stdin.write(sql.replace("\n", " ") + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self):
        line = self.process.stdout.readline()
        assert line, f"the analyst's process ended (exit code {self.process.poll()})"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0
