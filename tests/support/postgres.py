"""A real PostgreSQL server for the export tests, started from Debian's `postgresql` binaries and torn down after.

Absent binaries skip the tests that need it, with the reason; .ci/run installs the package, so CI runs them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

PASSWORD = "s3cret-pw"
"""Given in every URL so that the tests can look for it in logs; the server trusts loopback and ignores it."""
_databases = itertools.count()


@dataclass(frozen=True)
class PostgresServer:
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}"


def _bin_dir() -> Path | None:
    """The newest installed server's binaries (Debian keeps them off PATH, under /usr/lib/postgresql/<version>)."""
    versions = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    return max(versions, key=lambda path: int(path.parent.name), default=None)


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)")
    home = Path(tempfile.mkdtemp(prefix="kpi-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(home, user="postgres")
    data, port = home / "data", _free_port()
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8", "--no-sync"]),
        check=True, capture_output=True,
    )
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    subprocess.run(_as_server_user([*pg_ctl, "-o", options, "-l", str(home / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield PostgresServer(port)
    finally:
        subprocess.run(_as_server_user([*pg_ctl, "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a new, empty database on the test server."""
    name = f"export_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_server.url(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.url(name)
