"""Pure parts of the HubSpot connector: keyset steps, record shaping, property choice, error messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.errors import ApiLimitExceeded, RecordShapeError, SourceRejected, SyncError
from connectors.hubspot import HubSpotSettings
from connectors.hubspot.paging import SearchPosition, completed_cursor, next_step, search_body
from connectors.hubspot.properties import (
    DEAL_PROPERTIES,
    MirrorProperty,
    contact_properties,
    deal_properties,
    requested,
)
from connectors.hubspot.retry import HttpFailure, backoff_delay, fatal_error
from connectors.hubspot.shaping import contact_row, deal_row, lifecycle_history_rows, with_v4_associations

SYNCED = datetime(2026, 1, 1, tzinfo=UTC)
REAL_SAMPLES = Path(__file__).parents[1] / "data" / "real_samples"


def _found(record_id: int, stamp: str) -> dict:
    return {"id": str(record_id), "properties": {"lastmodifieddate": stamp}}


def test_full_range_page_stores_only_timestamps_older_than_its_newest():
    page = [_found(i, "2025-01-01T00:00:00.000Z") for i in range(150)]
    page += [_found(1000 + i, "2025-01-01T00:00:00.001Z") for i in range(50)]
    step = next_step(SearchPosition(0), page, "lastmodifieddate", more=True)
    assert [r["id"] for r in step.store] == [str(i) for i in range(150)]
    assert step.next_position == SearchPosition(1735689600001)


def test_full_page_of_one_timestamp_switches_to_id_keyset_then_resumes_after_it():
    stamp = "2025-01-01T00:00:00.000Z"
    page = [_found(5000 - i, stamp) for i in range(200)]  # ties in no id order
    step = next_step(SearchPosition(0), page, "lastmodifieddate", more=True)
    assert step.store == [] and step.next_position == SearchPosition(1735689600000, tie_after_id=0)
    tie = next_step(step.next_position, sorted(page, key=lambda r: int(r["id"])), "lastmodifieddate", more=True)
    assert len(tie.store) == 200 and tie.next_position == SearchPosition(1735689600000, tie_after_id=5000)
    last = next_step(tie.next_position, [_found(5001, stamp)], "lastmodifieddate", more=False)
    assert last.next_position == SearchPosition(1735689600001)
    assert search_body(tie.next_position, "lastmodifieddate", ["email"])["filterGroups"] == [
        {
            "filters": [
                {"propertyName": "lastmodifieddate", "operator": "EQ", "value": "1735689600000"},
                {"propertyName": "hs_object_id", "operator": "GT", "value": "5000"},
            ]
        }
    ]


def test_a_page_without_next_ends_the_search_and_cursor_keeps_the_overlap():
    last_page = [_found(1, "2025-01-01T00:00:00.000Z")]
    assert next_step(SearchPosition(5), last_page, "lastmodifieddate", more=False).next_position is None
    assert completed_cursor(1_000_000, 7, timedelta(minutes=10))["since_ms"] == 400_000
    assert completed_cursor(None, 7, timedelta(minutes=10))["since_ms"] == 7


def test_a_short_page_with_a_next_cursor_does_not_end_a_range_or_a_tie():
    short = [_found(1, "2025-01-01T00:00:00.000Z"), _found(2, "2025-01-01T00:00:00.005Z")]
    step = next_step(SearchPosition(0), short, "lastmodifieddate", more=True)
    assert [r["id"] for r in step.store] == ["1"] and step.next_position == SearchPosition(1735689600005)
    tie = next_step(SearchPosition(1735689600005, 0), [_found(2, "2025-01-01T00:00:00.005Z")], "lastmodifieddate",
                    more=True)
    assert tie.next_position == SearchPosition(1735689600005, tie_after_id=2)


def test_contact_and_history_rows_are_typed_and_keep_the_payload():
    record = {
        "id": "1001",
        "properties": {"email": "a@b.jp", "createdate": "2025-01-05T14:30:00.000Z", "lastmodifieddate": None},
        "propertiesWithHistory": {
            "lifecyclestage": [{"value": "lead", "timestamp": "2025-01-05T14:30:00.000Z", "sourceType": "FORM"}]
        },
        "archived": True,
        "archivedAt": "2025-02-01T00:00:00.000Z",
    }
    row = contact_row("hubspot.contacts", record, SYNCED)
    assert row["createdate"] == datetime(2025, 1, 5, 14, 30, tzinfo=UTC) and row["lastmodifieddate"] is None
    assert row["archived"] is True and row["archived_at"] == datetime(2025, 2, 1, tzinfo=UTC)
    assert row["payload"] is record
    history = lifecycle_history_rows("hubspot.contacts", record, SYNCED)
    assert [(h["contact_id"], h["value"], h["source_type"]) for h in history] == [("1001", "lead", "FORM")]


def test_bad_records_name_stream_record_and_field():
    with pytest.raises(RecordShapeError) as missing:
        contact_row("hubspot.contacts", {"id": "7"}, SYNCED)
    assert str(missing.value) == "HubSpot hubspot.contacts: record '7' has no 'properties'"
    with pytest.raises(RecordShapeError) as amount:
        deal_row("hubspot.deals", {"id": "9", "properties": {"amount": "12,5"}}, SYNCED)
    assert str(amount.value) == "HubSpot hubspot.deals: record '9' field 'amount' is not a number: '12,5'"
    assert deal_row("hubspot.deals", {"id": "9", "properties": {"amount": ""}}, SYNCED)["amount"] is None


def test_v4_associations_become_the_list_endpoint_shape():
    links = [{"toObjectId": 1001, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}]}]
    deal = with_v4_associations({"id": "9001", "properties": {}}, "contacts", links)
    assert deal["associations"] == {"contacts": {"results": [{"id": "1001", "type": "deal_to_contact"}]}}


def test_stage_date_properties_are_discovered_including_custom_stage_ids():
    defined = ["email", "hs_v2_date_entered_105623845", "hs_lifecyclestage_lead_date", "hs_v2_date_exited_lead"]
    chosen = contact_properties(defined, ("score",))
    assert chosen[-4:] == [
        "hs_lifecyclestage_lead_date", "hs_v2_date_entered_105623845", "hs_v2_date_exited_lead", "score",
    ]


def test_the_integrations_opportunity_property_is_asked_for_where_the_portal_defines_it():
    default = MirrorProperty()
    assert default.name == "hs_salesforceopportunityid"
    assert "hs_salesforceopportunityid" not in deal_properties(["dealname"], (), default)
    assert deal_properties(["hs_salesforceopportunityid"], (), default)[-1] == "hs_salesforceopportunityid"
    assert "salesforceopportunityid" not in deal_properties(["salesforceopportunityid"], (), default)
    # The default missing is a portal without the integration: no mirrors, no error.
    assert requested("hubspot.deals", "deals", {"results": [{"name": "dealname"}]}, ()) == list(DEAL_PROPERTIES)


def test_an_explicit_mirror_property_the_portal_lacks_is_refused_naming_the_key_and_the_candidates():
    definitions = {"results": [{"name": n} for n in ("dealname", "hs_salesforceopportunityid", "Salesforce_Sync")]}
    with pytest.raises(SourceRejected) as refused:
        requested("hubspot.deals", "deals", definitions, (), MirrorProperty("salesforceopportunityid", required=True))
    assert str(refused.value) == (
        "HubSpot hubspot.deals: kpi.yaml warehouse.deals.hubspot_mirror_property names the deal property "
        "'salesforceopportunityid', which this portal does not define, so mirrored deals could not be told apart "
        "and would count twice; its deal properties with 'salesforce' in their name are: Salesforce_Sync, "
        "hs_salesforceopportunityid. Set the key to the property the HubSpot-Salesforce integration fills, or to "
        "null when HubSpot deals are not synced from Salesforce"
    )
    with pytest.raises(SourceRejected) as none_there:
        requested("hubspot.deals", "deals", {"results": [{"name": "dealname"}]}, (),
                  MirrorProperty("hs_salesforceopportunityid", required=True))
    assert "; it defines no deal property with 'salesforce' in its name. Set the key" in str(none_there.value)


def test_every_stage_date_of_a_real_2022_portal_schema_is_asked_for():
    """The real contact schema (grouparoo's recording) has hs_date_entered_* and no hs_v2_* properties."""
    body = json.loads((REAL_SAMPLES / "hubspot_v3_contact_schema_properties.json").read_text(encoding="utf-8"))
    assert len(body["properties"]) == 273
    chosen = requested("hubspot.contacts", "contacts", {"results": body["properties"]}, ())
    stages = ("customer", "evangelist", "lead", "marketingqualifiedlead", "opportunity", "other",
              "salesqualifiedlead", "subscriber")
    wanted = {f"hs_date_{kind}_{stage}" for kind in ("entered", "exited") for stage in stages}
    wanted |= {f"hs_lifecyclestage_{stage}_date" for stage in stages}
    assert {name for name in chosen if name.startswith(("hs_date_", "hs_lifecyclestage_"))} == wanted


def test_daily_limit_is_fatal_and_ten_secondly_is_retried_after_its_retry_after():
    daily = HttpFailure(429, b'{"message":"You have reached your daily limit.","policyName":"DAILY"}')
    assert isinstance(fatal_error(daily, "hubspot.deals"), ApiLimitExceeded)
    rolling = HttpFailure(429, b'{"policyName":"TEN_SECONDLY_ROLLING"}', retry_after="2")
    assert fatal_error(rolling, "hubspot.deals") is None
    assert backoff_delay(rolling, 3, 0.5) == 2.0
    assert backoff_delay(HttpFailure(503), 3, 0.5) == 2.0


def test_the_real_secondly_429_of_search_is_retried_with_our_own_backoff():
    exchange = json.loads((REAL_SAMPLES / "hubspot_v3_search_429.jsonl").read_text(encoding="utf-8"))
    assert "Retry-After" not in exchange["headers"]
    failure = HttpFailure(429, json.dumps(exchange["body"]).encode(), exchange["headers"].get("Retry-After"))
    assert fatal_error(failure, "hubspot.contacts") is None
    assert backoff_delay(failure, 3, 0.5) == 2.0
    assert failure.describe() == "HTTP 429 RATE_LIMITS: You have reached your secondly limit."


def test_a_daily_limit_is_told_apart_by_its_message_even_without_a_policy_name():
    body = b'{"status":"error","message":"You have reached your daily limit.","category":"RATE_LIMITS"}'
    daily = HttpFailure(429, body)
    assert isinstance(fatal_error(daily, "hubspot.deals"), ApiLimitExceeded)


def test_client_errors_are_rejections_and_exhausted_server_errors_are_not():
    not_found = HttpFailure(404, b'{"status":"error","message":"resource not found","category":"OBJECT_NOT_FOUND"}')
    rejected = fatal_error(not_found, "hubspot.deal_pipelines")
    assert isinstance(rejected, SourceRejected)
    assert str(rejected) == (
        "HubSpot rejected a request while syncing hubspot.deal_pipelines (HTTP 404 OBJECT_NOT_FOUND: resource not "
        "found); check HubSpotSettings.base_url and that the object exists in this portal, then re-run"
    )
    invalid = HttpFailure(400, b'{"status":"error","message":"Invalid input JSON","category":"VALIDATION_ERROR"}')
    assert isinstance(fatal_error(invalid, "hubspot.contacts"), SourceRejected)
    assert fatal_error(HttpFailure(503), "hubspot.contacts") is None
    assert type(fatal_error(HttpFailure(501), "hubspot.contacts")) is SyncError


def test_settings_refuse_a_timeout_or_extras_the_client_would_silently_ignore():
    with pytest.raises(ValueError) as timeout:
        HubSpotSettings("pat", request_timeout_s=[30, 300])
    assert str(timeout.value) == (
        "HubSpotSettings.request_timeout_s must be a (connect, read) pair of positive seconds, got [30, 300]"
    )
    with pytest.raises(ValueError, match="request_timeout_s must be a"):
        HubSpotSettings("pat", request_timeout_s=(0, 300))
    with pytest.raises(ValueError) as extras:
        HubSpotSettings("pat", extra_contact_properties="jobtitle")
    assert str(extras.value) == (
        "HubSpotSettings.extra_contact_properties must be a tuple of property names, got 'jobtitle'"
    )
    assert HubSpotSettings("pat").request_timeout_s == (30, 300)
