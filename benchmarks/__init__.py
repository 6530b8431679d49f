"""Speed and memory figures of the connectors and the dbt transform (run by hand, never by pytest)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
