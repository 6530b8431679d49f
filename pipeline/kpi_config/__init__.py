"""The KPI configuration (kpi.yaml): validated in full before anything runs."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.kpi_config.funnel_mapping import FunnelMapping
from pipeline.kpi_config.sheet_config import SheetConfig


class KpiConfigError(ValueError):
    """kpi.yaml is unreadable or invalid; the message names the file and the offending key."""


class KpiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "Asia/Tokyo"
    warehouse: FunnelMapping = Field(default_factory=FunnelMapping)
    reporting: SheetConfig = Field(default_factory=SheetConfig)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


def _key_path(location: tuple) -> str:
    parts = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts) or "(top level)"


def load_kpi_config(path: str | Path) -> KpiConfig:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise KpiConfigError(f"KPI_CONFIG={path}: no such file (the KPI configuration; see README)") from None
    except OSError as error:
        raise KpiConfigError(f"KPI_CONFIG={path}: cannot be read: {error.strerror} (the KPI configuration)") from None
    except yaml.YAMLError as error:
        raise KpiConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise KpiConfigError(f"{path}: the top level must be a mapping of keys")
    try:
        return KpiConfig.model_validate(document)
    except ValidationError as error:
        problems = [f"{path}: {_key_path(e['loc'])}: {e['msg']}" for e in error.errors()]
        raise KpiConfigError("\n".join(problems)) from None
