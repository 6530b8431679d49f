"""The ledger's view of the weekly sheet (ledger.Sheet) and of kpi.yaml's funnel mapping."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from pipeline.kpi_config import KpiConfig
from pipeline.kpi_config.sheet_config import LTV_TO_CAC_WEEKS, RATE_KPIS
from pipeline.sheet.rows import WeeklySheets
from pipeline.week_close.ledger import Sheet

# The KPIs whose value depends on the spend CSV, and over how many weeks ending with the KPI's week.
SPEND_WEEKS = {"cpa": 1, "cac": 1, "ltv_to_cac": LTV_TO_CAC_WEEKS}


def ledger_sheet(sheets: WeeklySheets) -> Sheet:
    return Sheet(
        kpi_ids=[kpi.id for kpi in sheets.config.kpis],
        actual=lambda kpi_id, week: warehouse_scale(kpi_id, sheets.actual(kpi_id, week)),
        inputs_md5=lambda kpi_id, week: _inputs_md5(sheets, kpi_id, week),
        last_week=max(sheets.funnel),
    )


def warehouse_scale(kpi_id: str, value: float | None) -> float | None:
    """The ledger keeps rates as fractions, as marts.funnel_weekly does; only the sheet shows percentages."""
    return value / 100 if value is not None and kpi_id in RATE_KPIS else value


def funnel_config_md5(config: KpiConfig) -> str:
    """md5 of what decides which records count and when (time zone and kpi.yaml's warehouse section)."""
    return _md5({"timezone": config.timezone, "warehouse": config.warehouse.model_dump(mode="json")})


def _inputs_md5(sheets: WeeklySheets, kpi_id: str, week: date) -> str:
    weeks = [week - timedelta(weeks=back) for back in range(SPEND_WEEKS.get(kpi_id, 0))]
    spend = sheets.spend or {}
    inputs = {"spend": [spend.get(each) for each in weeks]}
    if kpi_id == "ltv_to_cac":
        inputs["ltv"] = sheets.config.ltv.model_dump(mode="json") if sheets.config.ltv else None
    return _md5(inputs)


def _md5(value) -> str:
    return hashlib.md5(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
