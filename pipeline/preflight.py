"""Everything a run reads besides the two sources, validated before anything runs and read once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pipeline.kpi_config import KpiConfig, load_kpi_config
from pipeline.sheet.spend import load_weekly_spend


@dataclass(frozen=True)
class RunInputs:
    config: KpiConfig
    weekly_spend: dict[date, float] | None
    """Spend per report week from the CSV that kpi.yaml names; None when it names none."""

    @property
    def timezone(self) -> str:
        return self.config.timezone


def load_run_inputs(config_path: str | Path) -> RunInputs:
    """kpi.yaml in full, and the spend CSV it names; errors name the file and the key, line or column.

    Each version of the files is read once per process: the code location, the CLI and every asset of a
    run share one validated object, so the time zone and the targets cannot differ between them.
    """
    path = Path(config_path)
    return _load(path, _version(path))


@cache
def _load(path: Path, _version: tuple[int, int] | None) -> RunInputs:
    config = load_kpi_config(path)
    spend_csv = config.reporting.spend_csv_path(path.parent)
    named_by = f"{path}: reporting.spend_csv"
    weekly_spend = load_weekly_spend(spend_csv, named_by) if spend_csv is not None else None
    return RunInputs(config, weekly_spend)


def _version(path: Path) -> tuple[int, int] | None:
    """kpi.yaml's modification time and size: a kpi.yaml edited while a process runs is read again."""
    try:
        stat = path.stat()
    except OSError:
        return None  # load_kpi_config names the missing file
    return stat.st_mtime_ns, stat.st_size
