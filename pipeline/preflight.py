"""Everything a run reads besides the two sources, validated before anything runs."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import KpiConfig, load_kpi_config
from pipeline.reporting import load_weekly_spend


def preflight(config_path: Path) -> KpiConfig:
    """kpi.yaml in full, and the spend CSV it names; errors name the file and the key, line or column."""
    config = load_kpi_config(config_path)
    spend_csv = config.reporting.spend_csv_path(Path(config_path).parent)
    if spend_csv is not None:
        load_weekly_spend(spend_csv)
    return config
