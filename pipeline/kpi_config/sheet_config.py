"""The `reporting` section of kpi.yaml: the KGI, the KPIs on the weekly sheet, and how to judge them.

Rates (targets and conversion assumptions) are fractions, 0.15 for 15%, as in `marts.funnel_weekly`;
the sheet shows them as percentages.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, field_validator, model_validator

KpiId = Literal[
    "new_leads", "mqls", "sqls", "opportunities", "won_deals", "mql_to_sql_rate",
    "sql_to_opportunity_rate", "win_rate", "won_amount", "cpa", "cac", "ltv_to_cac",
]
Direction = Literal["higher", "lower"]
DataSource = Literal["MAツール", "SFAツール", "広告管理ツール", "SFA+会計"]
ReviewFrequency = Literal["週次", "月次"]
Unit = Literal["count", "rate", "yen", "ratio"]

RATE_KPIS = frozenset({"mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate"})
LTV_TO_CAC_WEEKS = 4  # LTV/CAC is reviewed monthly: computed over the 4 weeks ending with the report week


class KpiDefaults(BaseModel):
    model_config = ConfigDict(frozen=True)

    name_ja: str
    name_en: str
    unit: Unit
    direction: Direction
    data_source: DataSource
    review_frequency: ReviewFrequency


def _defaults(name_ja: str, name_en: str, unit: Unit, direction: Direction, data_source: DataSource,
              review: ReviewFrequency = "週次") -> KpiDefaults:
    return KpiDefaults(name_ja=name_ja, name_en=name_en, unit=unit, direction=direction,
                       data_source=data_source, review_frequency=review)


KPI_CATALOG: dict[str, KpiDefaults] = {
    "new_leads": _defaults("新規リード獲得数", "New leads", "count", "higher", "MAツール"),
    "mqls": _defaults("MQL数", "MQLs", "count", "higher", "MAツール"),
    "sqls": _defaults("SQL数", "SQLs", "count", "higher", "SFAツール"),
    "opportunities": _defaults("商談数", "Opportunities", "count", "higher", "SFAツール"),
    "won_deals": _defaults("受注数", "Won deals", "count", "higher", "SFAツール"),
    "mql_to_sql_rate": _defaults("MQL→SQL転換率", "MQL→SQL rate", "rate", "higher", "SFAツール"),
    "sql_to_opportunity_rate": _defaults("商談化率", "Opportunity rate", "rate", "higher", "SFAツール"),
    "win_rate": _defaults("受注率", "Win rate", "rate", "higher", "SFAツール"),
    "won_amount": _defaults("受注金額", "Won amount", "yen", "higher", "SFA+会計"),
    "cpa": _defaults("CPA", "CPA", "yen", "lower", "広告管理ツール"),
    "cac": _defaults("CAC", "CAC", "yen", "lower", "SFA+会計"),
    "ltv_to_cac": _defaults("LTV/CAC", "LTV/CAC", "ratio", "higher", "SFA+会計", review="月次"),
}

DEFAULT_SHEET_KPIS = (
    "new_leads", "mqls", "sqls", "opportunities", "won_deals", "mql_to_sql_rate",
    "sql_to_opportunity_rate", "win_rate", "won_amount", "cpa", "ltv_to_cac",
)


class KpiDefinition(BaseModel):
    """One KPI row of the sheet; every field but `id` defaults from the KPI catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: KpiId
    name_ja: str
    name_en: str
    weekly_target: float | None = Field(default=None, ge=0)
    direction: Direction
    data_source: DataSource
    review_frequency: ReviewFrequency
    owner: str = ""

    @model_validator(mode="before")
    @classmethod
    def _fill_catalog_defaults(cls, data):
        if isinstance(data, dict) and data.get("id") in KPI_CATALOG:
            defaults = KPI_CATALOG[data["id"]].model_dump(exclude={"unit"})
            return {**defaults, **data}
        return data

    @model_validator(mode="after")
    def _rate_targets_are_fractions(self):
        if self.id in RATE_KPIS and self.weekly_target is not None and self.weekly_target > 1:
            raise ValueError(
                f"weekly_target {self.weekly_target:g} of {self.id} must be a fraction "
                f"(write {self.weekly_target / 100:g} for {self.weekly_target:g}%)"
            )
        return self

    @property
    def unit(self) -> Unit:
        return KPI_CATALOG[self.id].unit

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ja


class KgiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    annual_revenue: PositiveFloat = 100_000_000
    currency: str = "JPY"


class ConversionAssumptions(BaseModel):
    """Rates used to derive targets from the KGI where a KPI has no explicit target.

    Defaults are the guides' figures: 25% of leads are archive (students, individuals), MQL→SQL
    20–30%, 商談化率 15% recommended, 受注率 20%, average deal 1,000,000 JPY.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lead_to_mql_rate: float = Field(default=0.75, gt=0, le=1)
    mql_to_sql_rate: float = Field(default=0.25, gt=0, le=1)
    sql_to_opportunity_rate: float = Field(default=0.15, gt=0, le=1)
    win_rate: float = Field(default=0.20, gt=0, le=1)
    average_deal_size: PositiveFloat = 1_000_000


class LtvConfig(BaseModel):
    """LTV = monthly revenue of an average won deal × gross margin ÷ monthly churn.

    A deal's amount covers `months_per_deal_amount` months of revenue: 12 for annual contract values
    (the usual B2B amount), 1 where amounts are monthly recurring revenue.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    gross_margin: float = Field(gt=0, le=1)
    monthly_churn: float = Field(gt=0, le=1)
    months_per_deal_amount: float = Field(default=12, gt=0)


class StatusThresholds(BaseModel):
    """判定 by attainment (%): on track at or above `on_track`, at risk at or above `at_risk`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_track: float = Field(default=100, gt=0)
    at_risk: float = Field(default=80, gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.at_risk > self.on_track:
            raise ValueError(f"at_risk ({self.at_risk:g}) must not exceed on_track ({self.on_track:g})")
        return self


class WeekCloseConfig(BaseModel):
    """When a published week becomes final (確定), and how far a closed week may move before its check warns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    final_after_weeks: int = Field(default=4, ge=0)
    alert_share: float = Field(default=0.10, gt=0, description="a restatement beyond this share of the value warns")


class SheetConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["ja", "en"] = "ja"
    first_week: date | None = Field(
        default=None,
        description="the Monday of the first report week (partition); default: the data's first week in fixture "
        "mode, pipeline.partitions.DEFAULT_FIRST_REPORT_WEEK against the live services",
    )
    kgi: KgiConfig = Field(default_factory=KgiConfig)
    assumptions: ConversionAssumptions = Field(default_factory=ConversionAssumptions)
    target_tolerance: float = Field(default=0.05, ge=0, description="allowed relative gap to the KGI")
    status_thresholds: StatusThresholds = Field(default_factory=StatusThresholds)
    spend_csv: str | None = None
    ltv: LtvConfig | None = None
    week_close: WeekCloseConfig = Field(default_factory=WeekCloseConfig)
    kpis: tuple[KpiDefinition, ...] = Field(
        default_factory=lambda: tuple(KpiDefinition(id=kpi_id) for kpi_id in DEFAULT_SHEET_KPIS),
        min_length=1,
    )

    @field_validator("first_week")
    @classmethod
    def _first_week_is_a_monday(cls, value: date | None) -> date | None:
        if value is not None and value.weekday() != 0:
            monday = value - timedelta(days=value.weekday())
            raise ValueError(f"{value} is not a Monday; report weeks start on Monday: the week of {value} is {monday}")
        return value

    @model_validator(mode="after")
    def _unique_kpis(self):
        seen: set[str] = set()
        for index, kpi in enumerate(self.kpis):
            if kpi.id in seen:
                raise ValueError(f"kpis[{index}]: KPI {kpi.id!r} is listed twice")
            seen.add(kpi.id)
        return self

    def spend_csv_path(self, config_dir: Path) -> Path | None:
        """The spend CSV, relative paths being taken from the directory of kpi.yaml."""
        if self.spend_csv is None:
            return None
        return Path(config_dir) / self.spend_csv
