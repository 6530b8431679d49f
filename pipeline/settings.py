"""Where things live, from environment variables; relative paths are taken from the project root."""

from __future__ import annotations

import os
import re
from pathlib import Path

from connectors.raw_store import DEFAULT_SYNC_MEMORY_LIMIT

PROJECT_ROOT = Path(__file__).resolve().parents[1]

MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*[KMGT]i?B", re.IGNORECASE)

HUBSPOT_CREDENTIAL_VARS = ("HUBSPOT_ACCESS_TOKEN",)
SALESFORCE_CREDENTIAL_VARS = ("SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET")


def project_path(env_var: str, default: str) -> Path:
    path = Path(os.environ.get(env_var) or default)
    return path if path.is_absolute() else PROJECT_ROOT / path


def fixtures_dir() -> Path:
    return project_path("KPI_FIXTURES_DIR", "fixtures/demo")


def duckdb_path() -> Path:
    return project_path("KPI_DUCKDB_PATH", "data/kpi.duckdb")


def output_dir() -> Path:
    return project_path("KPI_OUTPUT_DIR", "output")


def config_path() -> Path:
    return project_path("KPI_CONFIG", "kpi.yaml")


def sync_memory_limit() -> str:
    value = (os.environ.get("KPI_SYNC_MEMORY_LIMIT") or DEFAULT_SYNC_MEMORY_LIMIT).strip()
    if not MEMORY_SIZE.fullmatch(value):
        raise ValueError(f"KPI_SYNC_MEMORY_LIMIT must be a size such as 128MB or 1GB, not {value!r}")
    return value


def fixture_mode() -> bool:
    """No credential of either source in the environment: serve the recorded dataset instead."""
    return not any(os.environ.get(name) for name in HUBSPOT_CREDENTIAL_VARS + SALESFORCE_CREDENTIAL_VARS)
