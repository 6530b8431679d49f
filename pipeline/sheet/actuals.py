"""A KPI's actual value for one report week, in the sheet's scale (rates as percentages).

CPA and CAC divide the week's spend by its new leads and won deals. LTV/CAC is reviewed monthly, so it
is computed over the 4 weeks ending with the report week: LTV = average won amount × gross margin ÷
monthly churn, CAC = spend ÷ won deals, both over those 4 weeks. Anything undefined (no funnel row,
no spend for a week, division by zero, no LTV configuration) is None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from pipeline.kpi_config.sheet_config import LTV_TO_CAC_WEEKS, RATE_KPIS, LtvConfig

FUNNEL_COUNTS = ("new_leads", "mqls", "sqls", "opportunities", "won_deals", "lost_deals", "won_amount")


class FunnelRowError(ValueError):
    """A `marts.funnel_weekly` row lacks a column or has a value of the wrong kind."""


def index_funnel_rows(rows: Iterable[Mapping]) -> dict[date, Mapping]:
    """Funnel rows by week start, checked for the columns the sheet reads."""
    by_week = {}
    for row in rows:
        week = row.get("week_start")
        if isinstance(week, dt.datetime):
            week = week.date()
        if not isinstance(week, date):
            raise FunnelRowError(f"funnel_weekly row {dict(row)!r}: week_start {week!r} is not a date")
        missing = [name for name in (*FUNNEL_COUNTS, *RATE_KPIS) if name not in row]
        if missing:
            raise FunnelRowError(f"funnel_weekly row of week {week}: missing column(s) {', '.join(missing)}")
        by_week[week] = row
    return by_week


def kpi_actual(
    kpi_id: str,
    week: date,
    funnel: Mapping[date, Mapping],
    spend: Mapping[date, float] | None,
    ltv: LtvConfig | None,
) -> float | None:
    if kpi_id == "ltv_to_cac":
        return _ltv_to_cac(week, funnel, spend or {}, ltv)
    row = funnel.get(week)
    if row is None:
        return None
    if kpi_id == "cpa":
        return _divide(_spend(spend, week), row["new_leads"])
    if kpi_id == "cac":
        return _divide(_spend(spend, week), row["won_deals"])
    value = _number(row[kpi_id])
    if value is not None and kpi_id in RATE_KPIS:
        return value * 100
    return value


def _ltv_to_cac(week: date, funnel, spend: Mapping[date, float], ltv: LtvConfig | None) -> float | None:
    weeks = [week - timedelta(weeks=back) for back in range(LTV_TO_CAC_WEEKS)]
    if ltv is None or any(w not in funnel or w not in spend for w in weeks):
        return None
    won = sum(_number(funnel[w]["won_deals"]) or 0 for w in weeks)
    won_amount = sum(_number(funnel[w]["won_amount"]) or 0 for w in weeks)
    spent = sum(spend[w] for w in weeks)
    average_deal = _divide(won_amount, won)
    acquisition_cost = _divide(spent, won)
    if average_deal is None or not acquisition_cost:
        return None
    monthly_revenue = average_deal / ltv.months_per_deal_amount
    return monthly_revenue * ltv.gross_margin / ltv.monthly_churn / acquisition_cost


def _spend(spend: Mapping[date, float] | None, week: date) -> float | None:
    return None if spend is None else spend.get(week)


def _divide(numerator, denominator) -> float | None:
    numerator, denominator = _number(numerator), _number(denominator)
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _number(value) -> float | None:
    """DuckDB hands DECIMAL columns over as Decimal; the sheet computes in floats."""
    return None if value is None else float(value)
