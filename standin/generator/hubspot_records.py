"""HubSpot contacts and deals in the shape GET /crm/v3/objects/{contacts,deals} returns them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from standin.generator.deal_plan import DealPlan
from standin.generator.formats import DAY, HOUR, hubspot_time
from standin.generator.journey import NURTURE_STAGE
from standin.generator.lifecycle import (
    choose_date_style,
    lifecycle_entries,
    recorded_history,
    stage_date_properties,
    stage_dates,
)
from standin.generator.person import Person
from standin.generator.pipelines import DEFAULT_PIPELINE, OPEN_OPPORTUNITY_STAGES, PARTNER_PIPELINE

CONTACT_ARCHIVE_RATE = 0.015
DEAL_ARCHIVE_RATE = 0.1
PARTNER_PIPELINE_RATE = 0.25
MIRRORED_DEAL_SOURCE = "OFFLINE"  # HubSpot's source for records an integration creates
LEAD_STATUS_CHOICES = {
    "subscriber": ("NEW", None), "lead": ("NEW", "ATTEMPTED_TO_CONTACT", "CONNECTED", "OPEN"),
    NURTURE_STAGE: ("OPEN",), "marketingqualifiedlead": ("OPEN", "IN_PROGRESS"),
    "salesqualifiedlead": ("IN_PROGRESS", "CONNECTED"), "opportunity": ("OPEN_DEAL",),
    "customer": ("OPEN_DEAL", "CONNECTED"), "other": ("UNQUALIFIED",),
}


@dataclass(frozen=True)
class HubSpotOwner:
    owner_id: str
    user_id: int


def contact(rng: random.Random, person: Person, contact_id: str, owner: HubSpotOwner, email: str | None,
            salesforce_lead_id: str | None, horizon: int, salesforce_contact_id: str | None = None) -> dict:
    """A contact; the HubSpot-Salesforce integration sets salesforceleadid / salesforcecontactid of a person it
    synced (the contact id once the lead was converted, or for a person sales entered as a contact)."""
    journey = person.journey
    entries = lifecycle_entries(rng, person, owner.user_id)
    style = choose_date_style(rng, journey.regressed_at is not None)
    history = recorded_history(rng, style, entries, horizon)
    current = entries[-1].value
    modified = _touched_after(rng, max(entry.time for entry in entries), horizon)
    properties = {
        "hs_object_id": contact_id, "email": email, "firstname": person.given_name[0],
        "lastname": person.surname[0], "company": person.company, "jobtitle": person.title,
        "phone": person.phone, "createdate": hubspot_time(journey.created),
        "lastmodifieddate": hubspot_time(modified), "lifecyclestage": current,
        "hs_lead_status": _lead_status(rng, person, current), "hs_analytics_source": person.hubspot_source,
        "lead_intent": journey.intent,
        "hubspot_owner_id": None if journey.intent == "archive" and rng.random() < 0.5 else owner.owner_id,
        "salesforceleadid": salesforce_lead_id, "salesforcecontactid": salesforce_contact_id,
        **stage_date_properties(rng, style, stage_dates(entries), horizon),
    }
    record = {"id": contact_id, "properties": properties, "propertiesWithHistory": {"lifecyclestage": history},
              "createdAt": hubspot_time(journey.created), "updatedAt": hubspot_time(modified), "archived": False}
    return _maybe_archived(rng, record, modified, horizon, CONTACT_ARCHIVE_RATE)


def deal(rng: random.Random, plan: DealPlan, deal_id: str, contact_id: str, owner: HubSpotOwner, horizon: int,
         source: str, salesforce_opportunity_id: str | None = None) -> dict:
    """A deal; one with ``salesforce_opportunity_id`` mirrors that opportunity through the integration.

    ``source`` is the deal's own original source (HubSpot copies the contact's when the deal is created on it;
    a deal the integration creates is an offline source).
    """
    mirrored = salesforce_opportunity_id is not None
    pipeline = DEFAULT_PIPELINE if mirrored or rng.random() >= PARTNER_PIPELINE_RATE else PARTNER_PIPELINE
    if plan.won is not None:
        stage = pipeline.closing_stage(plan.won)
        closed = plan.closed_at if not mirrored else _midnight_utc_of_tokyo_date(plan.closed_at)
    elif mirrored:
        stage = next(s for s in pipeline.stages if s.id == OPEN_OPPORTUNITY_STAGES[
            len(plan.stage_entries) - 1].hubspot_stage)
        closed = None
    else:
        stage = pipeline.open_stages[min(len(plan.stage_entries), len(pipeline.open_stages)) - 1]
        closed = None
    modified = _touched_after(rng, max(plan.closed_at or 0, plan.stage_entries[-1]), horizon)
    properties = {
        "hs_object_id": deal_id, "dealname": plan.name,
        "amount": None if plan.amount is None else str(plan.amount), "dealstage": stage.id,
        "pipeline": pipeline.id, "closedate": None if closed is None else hubspot_time(closed),
        "createdate": hubspot_time(plan.created), "hs_lastmodifieddate": hubspot_time(modified),
        "hs_is_closed": _flag(stage.closed), "hs_is_closed_won": _flag(stage.won),
        "hubspot_owner_id": owner.owner_id, "deal_currency_code": "JPY",
        "hs_analytics_source": MIRRORED_DEAL_SOURCE if mirrored else source,
        "hs_salesforceopportunityid": salesforce_opportunity_id,
    }
    record = {"id": deal_id, "properties": properties, "createdAt": hubspot_time(plan.created),
              "updatedAt": hubspot_time(modified), "archived": False,
              "associations": {"contacts": {"results": [{"id": contact_id, "type": "deal_to_contact"}]}}}
    return _maybe_archived(rng, record, modified, horizon, DEAL_ARCHIVE_RATE)


def archive(record: dict, archived_at: int) -> dict:
    """Mark a contact or deal archived (HubSpot moves updatedAt along with archivedAt)."""
    record.update(updatedAt=hubspot_time(archived_at), archived=True, archivedAt=hubspot_time(archived_at))
    return record


def _maybe_archived(rng: random.Random, record: dict, modified: int, horizon: int, rate: float) -> dict:
    if rng.random() >= rate:
        return record
    archived_at = modified + HOUR + int(rng.expovariate(1 / (10 * DAY)))
    return archive(record, archived_at) if archived_at < horizon else record


def _touched_after(rng: random.Random, last_event: int, horizon: int) -> int:
    """Last modification: the last lifecycle event, or for half of the records a later property edit."""
    if rng.random() < 0.5:
        return last_event
    return min(horizon - 1, last_event + 60 + int(rng.expovariate(1 / (5 * DAY))))


def _lead_status(rng: random.Random, person: Person, current: str) -> str | None:
    if person.journey.intent == "archive":
        return rng.choice(("UNQUALIFIED", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "NEW", None))
    return rng.choice(LEAD_STATUS_CHOICES.get(current, (None,)))


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _midnight_utc_of_tokyo_date(time: int) -> int:
    """The integration writes a Salesforce date (Tokyo calendar day) as that day's midnight UTC."""
    return (time + 9 * HOUR) // DAY * DAY
