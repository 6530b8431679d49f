"""The `warehouse` section of kpi.yaml: how the KPI contract maps onto each CRM's stages and deals."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

if TYPE_CHECKING:
    from pipeline.kpi_config import KpiConfig

# Lifecycle stage ids become parts of HubSpot property names (hs_v2_date_entered_<id>), so they are
# restricted to the characters HubSpot uses for internal names, including custom numeric ids.
HubspotStageId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
HubspotPropertyName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
NonBlankText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _without_duplicates(values: tuple[str, ...]) -> tuple[str, ...]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"duplicate value(s) {', '.join(map(repr, duplicates))}")
    return values


def _distinct(item_type, min_length: int):
    return Annotated[tuple[item_type, ...], Field(min_length=min_length), AfterValidator(_without_duplicates)]


StageIds = _distinct(HubspotStageId, 1)
OptionalStageIds = _distinct(HubspotStageId, 0)
Statuses = _distinct(NonBlankText, 1)
DealSources = _distinct(Literal["salesforce", "hubspot"], 1)
PipelineIds = _distinct(NonBlankText, 1)

# Where the HubSpot-Salesforce integration writes the opportunity id of a deal it mirrors (HubSpot's
# integration property; there is no evidence of a bare `salesforceopportunityid`).
DEFAULT_MIRROR_PROPERTY = "hs_salesforceopportunityid"
MIRROR_PROPERTY_KEY = "warehouse.deals.hubspot_mirror_property"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubspotStageMapping(_Section):
    """Lifecycle stage ids (internal values, not labels) that mean each funnel stage."""

    mql_stages: StageIds = ("marketingqualifiedlead",)
    sql_stages: StageIds = ("salesqualifiedlead",)
    sql_evidence_stages: OptionalStageIds = ("opportunity", "customer")


class SalesforceStatusMapping(_Section):
    """Lead Status values that mean each funnel stage."""

    mql_statuses: Statuses = ("Marketing Qualified",)
    sql_statuses: Statuses = ("Sales Qualified",)


class DealScope(_Section):
    """Which deals count: source systems, HubSpot pipelines, HubSpot deals mirroring Salesforce ones."""

    sources: DealSources = ("salesforce", "hubspot")
    hubspot_pipelines: PipelineIds | None = None
    hubspot_mirror_property: HubspotPropertyName | None = DEFAULT_MIRROR_PROPERTY

    @field_validator("hubspot_mirror_property")
    @classmethod
    def _mirrors_need_salesforce(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A mirror is dropped only because its Salesforce opportunity counts instead; without Salesforce
        # deals the mirror would be counted nowhere. Invalid `sources` are reported on their own key.
        # Runs on explicit values only: the default simply does not apply without Salesforce deals.
        sources = info.data.get("sources")
        if value is not None and sources is not None and "salesforce" not in sources:
            raise ValueError(
                "drops HubSpot deals that mirror Salesforce opportunities, so warehouse.deals.sources must "
                f"include 'salesforce' (it is {list(sources)}); set it to null to keep every HubSpot deal"
            )
        return value

    @property
    def mirror_property(self) -> str | None:
        """The property marking mirrored deals, None when no deal is dropped as a mirror."""
        return self.hubspot_mirror_property if "salesforce" in self.sources else None

    @property
    def mirror_property_is_explicit(self) -> bool:
        """Set in kpi.yaml (the portal must then define it), rather than the default."""
        return "hubspot_mirror_property" in self.model_fields_set


class FunnelMapping(_Section):
    hubspot: HubspotStageMapping = Field(default_factory=HubspotStageMapping)
    salesforce: SalesforceStatusMapping = Field(default_factory=SalesforceStatusMapping)
    deals: DealScope = Field(default_factory=DealScope)


def dbt_vars(config: KpiConfig, as_of: datetime) -> dict:
    """The --vars of `dbt build` (declared in dbt_project/dbt_project.yml) for this config and as-of instant."""
    if as_of.tzinfo is None:
        raise ValueError(f"as_of must carry a time zone, got naive {as_of.isoformat()}")
    warehouse = config.warehouse
    pipelines = warehouse.deals.hubspot_pipelines
    return {
        "timezone": config.timezone,
        "as_of": as_of.isoformat(),
        "hubspot_mql_stages": list(warehouse.hubspot.mql_stages),
        "hubspot_sql_stages": list(warehouse.hubspot.sql_stages),
        "hubspot_sql_evidence_stages": list(warehouse.hubspot.sql_evidence_stages),
        "salesforce_mql_statuses": list(warehouse.salesforce.mql_statuses),
        "salesforce_sql_statuses": list(warehouse.salesforce.sql_statuses),
        "deal_sources": list(warehouse.deals.sources),
        "hubspot_deal_pipelines": None if pipelines is None else list(pipelines),
        "hubspot_deal_mirror_property": warehouse.deals.mirror_property,
    }
