"""The environment variables of a run (see README), read once into one object; nothing here writes anything.

Relative paths are taken from the project root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from connectors.raw_store import DEFAULT_SYNC_MEMORY_LIMIT

PROJECT_ROOT = Path(__file__).resolve().parents[1]

MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*[KMGT]i?B", re.IGNORECASE)
CREDENTIAL_VARS = ("HUBSPOT_ACCESS_TOKEN", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET")


@dataclass(frozen=True)
class Environment:
    fixtures_dir: Path
    duckdb_path: Path
    """The analysts' warehouse: the snapshot published after each successful run."""
    working_duckdb_path: Path
    """The run's own warehouse file, which syncs, dbt and the sheet write; analysts never open it."""
    output_dir: Path
    log_dir: Path
    """KPI_LOG_DIR: where `python -m pipeline run` writes each run's full log (run-<run id>.log)."""
    config_path: Path
    sync_memory_limit: str
    export_parquet_dir: Path | None
    """KPI_EXPORT_PARQUET_DIR; None: no Parquet export. (KPI_EXPORT_POSTGRES_URL is a secret, bound as an EnvVar.)"""
    recorded: bool
    """No source credential set at all: the recorded fixtures are served instead of the real services."""
    variables: Mapping[str, str] = field(repr=False)  # holds the secrets; never printed

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Environment:
        environ = dict(os.environ if environ is None else environ)

        def path(name: str, default: str) -> Path:
            value = Path(environ.get(name) or default)
            return value if value.is_absolute() else PROJECT_ROOT / value

        def optional_path(name: str) -> Path | None:
            return path(name, "") if environ.get(name) else None

        duckdb_path = path("KPI_DUCKDB_PATH", "data/kpi.duckdb")
        working_duckdb_path = path("KPI_WORKING_DUCKDB_PATH", str(duckdb_path.parent / "working" / duckdb_path.name))
        return cls(
            fixtures_dir=path("KPI_FIXTURES_DIR", "fixtures/demo"),
            duckdb_path=duckdb_path,
            working_duckdb_path=_same_name(working_duckdb_path, duckdb_path),
            output_dir=path("KPI_OUTPUT_DIR", "output"),
            log_dir=path("KPI_LOG_DIR", str(duckdb_path.parent / "logs")),
            config_path=path("KPI_CONFIG", "kpi.yaml"),
            sync_memory_limit=_memory_size(environ.get("KPI_SYNC_MEMORY_LIMIT") or DEFAULT_SYNC_MEMORY_LIMIT),
            export_parquet_dir=optional_path("KPI_EXPORT_PARQUET_DIR"),
            recorded=not any(environ.get(name) for name in CREDENTIAL_VARS),
            variables=environ,
        )

    def get(self, name: str) -> str | None:
        return self.variables.get(name) or None

    def names(self, name: str) -> list[str]:
        """A comma-separated list, e.g. of property names."""
        return [part.strip() for part in (self.get(name) or "").split(",") if part.strip()]

    def whole_days(self, name: str) -> int:
        """A number of days (0 when unset)."""
        value = (self.get(name) or "0").strip()
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{name} must be a whole number of days (0 = every run), not {value!r}")
        return int(value)


def _same_name(working: Path, published: Path) -> Path:
    # DuckDB names a file's catalog by its stem, and dbt's staging views name their tables through it
    # (kpi.raw_hubspot.contacts): under another name the published copy's views would find nothing.
    if working.name != published.name:
        raise ValueError(
            f"KPI_WORKING_DUCKDB_PATH ({working}) must have the file name of KPI_DUCKDB_PATH ({published.name}): "
            "the published copy's views refer to the database by that name"
        )
    if working == published:
        raise ValueError(f"KPI_WORKING_DUCKDB_PATH must not be KPI_DUCKDB_PATH ({published}): analysts open that file")
    return working


def _memory_size(value: str) -> str:
    value = value.strip()
    if not MEMORY_SIZE.fullmatch(value):
        raise ValueError(f"KPI_SYNC_MEMORY_LIMIT must be a size such as 128MB or 1GB, not {value!r}")
    return value
