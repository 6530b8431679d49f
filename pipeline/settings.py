"""Where things live, from environment variables; relative paths are taken from the project root."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

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


def fixture_mode() -> bool:
    """No credential of either source in the environment: serve the recorded dataset instead."""
    return not any(os.environ.get(name) for name in HUBSPOT_CREDENTIAL_VARS + SALESFORCE_CREDENTIAL_VARS)
