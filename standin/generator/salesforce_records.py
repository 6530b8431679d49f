"""Salesforce Lead / LeadHistory / Opportunity / OpportunityHistory records, as SOQL returns them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from standin.generator.deal_plan import DealPlan
from standin.generator.formats import DAY, HOUR, salesforce_attributes, salesforce_time, tokyo_date
from standin.generator.ids import RecordIds
from standin.generator.journey import MQL, OPPORTUNITY, SQL
from standin.generator.person import Person
from standin.generator.pipelines import OPEN_OPPORTUNITY_STAGES, closing_opportunity_stage

OPEN, WORKING = "Open - Not Contacted", "Working - Contacted"
STATUS_OF_STAGE = {MQL: "Marketing Qualified", SQL: "Sales Qualified", OPPORTUNITY: "Closed - Converted"}
NOT_CONVERTED = "Closed - Not Converted"
OWNER_CHANGE_RATE = 0.2


@dataclass
class Conversion:
    opportunity_id: str
    account_id: str
    contact_id: str


@dataclass
class LeadTimeline:
    """The status changes of one lead, written as LeadHistory rows while they are decided."""

    lead_id: str
    ids: RecordIds
    status: str
    created_by: str
    rows: list[dict] = field(default_factory=list)
    last_time: int = 0

    def row(self, time: int, field_name: str, by: str, old=None, new=None, data_type=None) -> int:
        time = max(time, self.last_time)
        history_id = self.ids.salesforce("LeadHistory")
        self.rows.append({
            "attributes": salesforce_attributes("LeadHistory", history_id), "Id": history_id, "IsDeleted": False,
            "LeadId": self.lead_id, "CreatedById": by, "CreatedDate": salesforce_time(time), "Field": field_name,
            "DataType": data_type, "OldValue": old, "NewValue": new,
        })
        self.last_time = time
        return time

    def change_status(self, time: int, status: str, by: str) -> int:
        time = self.row(max(time, self.last_time + 1), "Status", by, self.status, status, "Text")
        self.status = status
        return time


def lead(rng: random.Random, person: Person, ids: RecordIds, created: int, email: str | None, users: list[str],
         creator: str, conversion: Conversion | None, horizon: int) -> tuple[dict, list[dict]]:
    """A person's lead and its history; ``users`` are the sales reps' User ids."""
    journey = person.journey
    lead_id = ids.salesforce("Lead")
    owner = users[person.owner]
    first_owner = rng.choice(users) if rng.random() < OWNER_CHANGE_RATE else owner
    born = STATUS_OF_STAGE.get(journey.born_stage or "")
    timeline = LeadTimeline(lead_id, ids, born or OPEN, creator)
    timeline.row(created, "created", creator)
    touched = _first_touch(rng, person, timeline, created, first_owner, horizon) if born is None else None
    for stage, time in journey.stages:
        if stage in STATUS_OF_STAGE and stage != journey.born_stage:
            timeline.change_status(time, STATUS_OF_STAGE[stage], owner)
            if first_owner != owner:
                timeline.row(timeline.last_time, "Owner", creator, first_owner, owner, "EntityId")
                first_owner = owner
        if stage == OPPORTUNITY:
            timeline.row(timeline.last_time, "leadConverted", owner)
    if journey.regressed_at is not None and conversion is None:
        timeline.change_status(journey.regressed_at, WORKING, owner)
    _maybe_give_up(rng, person, timeline, first_owner, horizon)
    modified = _modified(rng, timeline.last_time, horizon)
    converted_at = journey.time_of(OPPORTUNITY)
    record = {
        "attributes": salesforce_attributes("Lead", lead_id), "Id": lead_id, "IsDeleted": False,
        "FirstName": person.given_name[0], "LastName": person.surname[0],
        "Name": f"{person.surname[0]} {person.given_name[0]}", "Company": person.company or "個人",
        "Title": person.title, "Email": email, "Phone": person.phone, "Status": timeline.status,
        "LeadSource": person.lead_source, "Lead_Intent__c": journey.intent, "IsConverted": conversion is not None,
        "ConvertedDate": tokyo_date(converted_at) if conversion else None,
        "ConvertedAccountId": conversion.account_id if conversion else None,
        "ConvertedContactId": conversion.contact_id if conversion else None,
        "ConvertedOpportunityId": conversion.opportunity_id if conversion else None,
        "OwnerId": first_owner, "CreatedDate": salesforce_time(created),
        "LastModifiedDate": salesforce_time(modified), "SystemModstamp": salesforce_time(modified),
        "LastActivityDate": tokyo_date(touched) if touched is not None else None,
    }
    return record, timeline.rows


def _first_touch(rng: random.Random, person: Person, timeline: LeadTimeline, created: int, by: str,
                 horizon: int) -> int | None:
    journey = person.journey
    if journey.intent == "archive" and rng.random() < 0.3:
        return None
    qualified = [time for stage, time in journey.stages if stage in STATUS_OF_STAGE]
    if qualified:
        touch = created + int((qualified[0] - created) * rng.uniform(0.1, 0.6))
    else:
        touch = created + HOUR + int(rng.expovariate(1 / (2 * DAY)))
    if touch >= horizon or touch <= created:
        return None
    return timeline.change_status(touch, WORKING, by)


def _maybe_give_up(rng: random.Random, person: Person, timeline: LeadTimeline, by: str, horizon: int) -> None:
    """Sales closes leads that never qualified (most archive leads, some stalled ones)."""
    if timeline.status != WORKING or person.journey.regressed_at is not None:
        return
    if rng.random() < (0.6 if person.journey.intent == "archive" else 0.3):
        closed = timeline.last_time + DAY + int(rng.expovariate(1 / (14 * DAY)))
        if closed < horizon:
            timeline.change_status(closed, NOT_CONVERTED, by)


def duplicate_lead(rng: random.Random, original: dict, ids: RecordIds, created: int, email: str | None,
                   creator: str) -> tuple[dict, list[dict]]:
    """A second lead of the same person (a re-import or a second form fill), never worked."""
    lead_id = ids.salesforce("Lead")
    timeline = LeadTimeline(lead_id, ids, OPEN, creator)
    timeline.row(created, "created", creator)
    record = {
        **original, "attributes": salesforce_attributes("Lead", lead_id), "Id": lead_id, "Email": email,
        "Status": OPEN, "IsConverted": False, "ConvertedDate": None, "ConvertedAccountId": None,
        "ConvertedContactId": None, "ConvertedOpportunityId": None, "CreatedDate": salesforce_time(created),
        "LastModifiedDate": salesforce_time(created), "SystemModstamp": salesforce_time(created),
        "LastActivityDate": None,
    }
    return record, timeline.rows


def opportunity(rng: random.Random, plan: DealPlan, lead_source: str, opportunity_id: str, account_id: str,
                owner: str, ids: RecordIds, horizon: int) -> tuple[dict, list[dict]]:
    stages = [(time, OPEN_OPPORTUNITY_STAGES[index]) for index, time in enumerate(plan.stage_entries)]
    close_date = tokyo_date(plan.expected_close)
    if plan.closed_at is not None:
        stages.append((plan.closed_at, closing_opportunity_stage(plan.won)))
        close_date = tokyo_date(plan.closed_at)
    amount = None if plan.amount is None else float(plan.amount)
    history = []
    for time, stage in stages:
        history_id = ids.salesforce("OpportunityHistory")
        expected = None if amount is None else amount * stage.probability / 100
        history.append({
            "attributes": salesforce_attributes("OpportunityHistory", history_id), "Id": history_id,
            "IsDeleted": False, "OpportunityId": opportunity_id, "CreatedById": owner,
            "CreatedDate": salesforce_time(time), "StageName": stage.name, "Amount": amount,
            "ExpectedRevenue": expected, "CloseDate": close_date if stage.closed else tokyo_date(plan.expected_close),
            "Probability": stage.probability, "ForecastCategory": stage.forecast_category,
            "SystemModstamp": salesforce_time(time),
        })
    last_time, stage = stages[-1]
    modified = _modified(rng, last_time, horizon)
    record = {
        "attributes": salesforce_attributes("Opportunity", opportunity_id), "Id": opportunity_id,
        "IsDeleted": False, "AccountId": account_id, "Name": plan.name, "StageName": stage.name, "Amount": amount,
        "Probability": stage.probability, "CloseDate": close_date, "Type": "New Business",
        "LeadSource": lead_source, "IsClosed": stage.closed, "IsWon": stage.won,
        "ForecastCategory": stage.forecast_category, "OwnerId": owner, "CreatedDate": salesforce_time(plan.created),
        "LastModifiedDate": salesforce_time(modified), "SystemModstamp": salesforce_time(modified),
        "HubSpot_Deal_Id__c": None,
    }
    return record, history


def mark_deleted(record: dict, history: list[dict], time: int) -> None:
    """Delete a lead or opportunity the way Salesforce does: flag it and its history rows, bump the stamps."""
    stamp = salesforce_time(time)
    record.update(IsDeleted=True, LastModifiedDate=stamp, SystemModstamp=stamp)
    for row in history:
        row["IsDeleted"] = True
        if "SystemModstamp" in row:
            row["SystemModstamp"] = stamp


def _modified(rng: random.Random, last_event: int, horizon: int) -> int:
    if rng.random() < 0.6:
        return last_event
    return min(horizon - 1, last_event + 60 + int(rng.expovariate(1 / (4 * DAY))))
