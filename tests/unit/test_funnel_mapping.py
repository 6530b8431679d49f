"""The `warehouse` section of kpi.yaml: defaults, dbt vars, and errors that name the offending key."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.kpi_config import KpiConfig, KpiConfigError, load_kpi_config
from pipeline.kpi_config.funnel_mapping import dbt_vars

AS_OF = datetime(2025, 6, 10, 3, 0, tzinfo=UTC)


def _load(tmp_path, text: str) -> KpiConfig:
    path = tmp_path / "kpi.yaml"
    path.write_text(text, encoding="utf-8")
    return load_kpi_config(path)


def _error(tmp_path, text: str) -> str:
    with pytest.raises(KpiConfigError) as raised:
        _load(tmp_path, text)
    return str(raised.value)


def test_defaults_give_the_contract_vars():
    assert dbt_vars(KpiConfig(), AS_OF) == {
        "timezone": "Asia/Tokyo",
        "as_of": "2025-06-10T03:00:00+00:00",
        "hubspot_mql_stages": ["marketingqualifiedlead"],
        "hubspot_sql_stages": ["salesqualifiedlead"],
        "hubspot_sql_evidence_stages": ["opportunity", "customer"],
        "salesforce_mql_statuses": ["Marketing Qualified"],
        "salesforce_sql_statuses": ["Sales Qualified"],
        "deal_sources": ["salesforce", "hubspot"],
        "hubspot_deal_pipelines": None,
        "hubspot_deal_mirror_property": "hs_salesforceopportunityid",
    }


def test_the_integrations_mirror_property_is_the_default_and_applies_only_with_salesforce_deals(tmp_path):
    default = KpiConfig().warehouse.deals
    assert (default.mirror_property, default.mirror_property_is_explicit) == ("hs_salesforceopportunityid", False)

    hubspot_only = _load(tmp_path, "warehouse: {deals: {sources: [hubspot]}}")
    assert hubspot_only.warehouse.deals.mirror_property is None
    assert dbt_vars(hubspot_only, AS_OF)["hubspot_deal_mirror_property"] is None

    explicit = _load(tmp_path, "warehouse: {deals: {hubspot_mirror_property: sf_opportunity}}").warehouse.deals
    assert (explicit.mirror_property, explicit.mirror_property_is_explicit) == ("sf_opportunity", True)

    switched_off = _load(tmp_path, "warehouse: {deals: {hubspot_mirror_property: null}}").warehouse.deals
    assert switched_off.mirror_property is None


def test_configured_mappings_reach_the_vars(tmp_path):
    config = _load(tmp_path, """
timezone: America/New_York
warehouse:
  hubspot: {mql_stages: ["1234567", marketingqualifiedlead], sql_evidence_stages: []}
  salesforce: {sql_statuses: [Qualified, "Sales Accepted"]}
  deals:
    sources: [hubspot, salesforce]
    hubspot_pipelines: [default]
    hubspot_mirror_property: hs_salesforceopportunityid
""")
    as_of = datetime(2025, 6, 10, 12, 0, tzinfo=timezone(timedelta(hours=9)))

    assert dbt_vars(config, as_of) == {
        "timezone": "America/New_York",
        "as_of": "2025-06-10T12:00:00+09:00",
        "hubspot_mql_stages": ["1234567", "marketingqualifiedlead"],
        "hubspot_sql_stages": ["salesqualifiedlead"],
        "hubspot_sql_evidence_stages": [],
        "salesforce_mql_statuses": ["Marketing Qualified"],
        "salesforce_sql_statuses": ["Qualified", "Sales Accepted"],
        "deal_sources": ["hubspot", "salesforce"],
        "hubspot_deal_pipelines": ["default"],
        "hubspot_deal_mirror_property": "hs_salesforceopportunityid",
    }


@pytest.mark.parametrize(("document", "expected"), [
    ("warehouse: {deals: {sources: [salesforce, pipedrive]}}",
     "warehouse.deals.sources[1]: Input should be 'salesforce' or 'hubspot'"),
    ("warehouse: {deals: {sources: []}}",
     "warehouse.deals.sources: Tuple should have at least 1 item after validation, not 0"),
    ("warehouse: {deals: {hubspot_pipelines: [default, default]}}",
     "warehouse.deals.hubspot_pipelines: Value error, duplicate value(s) 'default'"),
    ("warehouse: {deals: {hubspot_mirror_property: Salesforce Opportunity}}",
     "warehouse.deals.hubspot_mirror_property: String should match pattern '^[a-z0-9_]+$'"),
    ("warehouse: {deals: {sources: [hubspot], hubspot_mirror_property: hs_salesforceopportunityid}}",
     "warehouse.deals.hubspot_mirror_property: Value error, drops HubSpot deals that mirror Salesforce"
     " opportunities, so warehouse.deals.sources must include 'salesforce' (it is ['hubspot']);"
     " set it to null to keep every HubSpot deal"),
    ("warehouse: {deals: {sources: [hubspot, hubspot], hubspot_mirror_property: hs_salesforceopportunityid}}",
     "warehouse.deals.sources: Value error, duplicate value(s) 'hubspot'"),
    ("warehouse: {hubspot: {mql_stages: [marketingqualifiedlead, Marketing Qualified Lead]}}",
     "warehouse.hubspot.mql_stages[1]: String should match pattern '^[a-z0-9_]+$'"),
    ("warehouse: {hubspot: {sql_stage: [salesqualifiedlead]}}",
     "warehouse.hubspot.sql_stage: Extra inputs are not permitted"),
    ("warehouse: {salesforce: {mql_statuses: ['Marketing Qualified', '  ']}}",
     "warehouse.salesforce.mql_statuses[1]: String should have at least 1 character"),
    ("warehouse: {salesforce: {sql_statuses: Sales Qualified}}",
     "warehouse.salesforce.sql_statuses: Input should be a valid tuple"),
    ("warehouse: {pipelines: {}}",
     "warehouse.pipelines: Extra inputs are not permitted"),
])
def test_a_wrong_value_is_reported_with_its_key(tmp_path, document, expected):
    assert _error(tmp_path, document) == f"{tmp_path / 'kpi.yaml'}: {expected}"


def test_every_wrong_key_is_reported_at_once(tmp_path):
    message = _error(tmp_path, "warehouse: {deals: {sources: [hubspot, hubspot]}, hubspot: {mql_stages: []}}")

    path = tmp_path / "kpi.yaml"
    assert message.splitlines() == [
        f"{path}: warehouse.hubspot.mql_stages: Tuple should have at least 1 item after validation, not 0",
        f"{path}: warehouse.deals.sources: Value error, duplicate value(s) 'hubspot'",
    ]


def test_configuration_is_immutable():
    config = KpiConfig()

    with pytest.raises(ValueError, match="frozen"):
        config.warehouse.deals.sources = ("hubspot",)


def test_as_of_without_time_zone_is_refused():
    with pytest.raises(ValueError, match="as_of must carry a time zone, got naive 2025-06-10T03:00:00"):
        dbt_vars(KpiConfig(), datetime(2025, 6, 10, 3, 0))
