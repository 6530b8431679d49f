"""Turns one person into the records each CRM holds of them, and hands those to a sink."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol

from standin.generator import hubspot_records, salesforce_records
from standin.generator.deal_plan import DealPlan, plan_deal
from standin.generator.formats import DAY, HOUR, parse_epoch
from standin.generator.hubspot_records import HubSpotOwner
from standin.generator.ids import RecordIds
from standin.generator.person import Person, spellings
from standin.generator.salesforce_records import Conversion, mark_deleted

DUPLICATE_LEAD_RATE = 0.04
DUPLICATE_DELETED_RATE = 0.5
LEAD_DELETED_RATE = 0.01
OPPORTUNITY_DELETED_RATE = 0.15
MIRRORED_DEAL_RATE = 0.5


class RecordSink(Protocol):
    def add(self, object_name: str, record: dict) -> None: ...


@dataclass
class RecordEmitter:
    rng: random.Random
    ids: RecordIds
    sink: RecordSink
    horizon: int
    sales_user_ids: list[str]  # Salesforce User ids of the reps, parallel to ``owners``
    integration_user_id: str
    owners: list[HubSpotOwner]

    def emit(self, person: Person) -> None:
        rng = self.rng
        hubspot_email, salesforce_email = self._emails(person)
        plan = plan_deal(rng, person, self.horizon)
        lead_id = opportunity_id = None
        if person.in_salesforce:
            lead_id, opportunity_id = self._salesforce(person, plan, salesforce_email)
        if person.in_hubspot:
            self._hubspot(person, plan, hubspot_email, lead_id, opportunity_id)

    def _emails(self, person: Person) -> tuple[str | None, str | None]:
        if person.email is None:
            return self.rng.choice((None, "")), self.rng.choice((None, ""))
        return spellings(self.rng, person.email, both=person.systems == "both")

    def _salesforce(self, person: Person, plan: DealPlan | None, email: str | None) -> tuple[str, str | None]:
        rng, ids = self.rng, self.ids
        conversion = None
        if plan is not None:
            conversion = Conversion(ids.salesforce("Opportunity"), ids.salesforce("Account"),
                                    ids.salesforce("Contact"))
        synced = person.systems == "both"
        # The integration copies a person minutes later, though never past the recording.
        synced_at = person.journey.created + (rng.randrange(60, 900) if synced else 0)
        created = max(person.journey.created, min(synced_at, self.horizon - 60))
        creator = self.integration_user_id if synced else self.sales_user_ids[person.owner]
        record, history = salesforce_records.lead(
            rng, person, ids, created, email, self.sales_user_ids, creator, conversion, self.horizon)
        if conversion is None:
            self._maybe_delete(record, history, LEAD_DELETED_RATE)
        self._add_all("Lead", record, "LeadHistory", history)
        if rng.random() < DUPLICATE_LEAD_RATE:
            self._duplicate(person, record, creator)
        if plan is None:
            return record["Id"], None
        opportunity, history = salesforce_records.opportunity(
            rng, plan, person.lead_source, conversion.opportunity_id, conversion.account_id,
            self.sales_user_ids[person.owner], ids, self.horizon)
        self._maybe_delete(opportunity, history, OPPORTUNITY_DELETED_RATE)
        self._add_all("Opportunity", opportunity, "OpportunityHistory", history)
        return record["Id"], conversion.opportunity_id

    def _duplicate(self, person: Person, original: dict, creator: str) -> None:
        rng = self.rng
        created = person.journey.created + HOUR + int(rng.expovariate(1 / (15 * DAY)))
        if created >= self.horizon:
            return
        email = None if person.email is None else spellings(rng, person.email, both=True)[1]
        record, history = salesforce_records.duplicate_lead(rng, original, self.ids, created, email, creator)
        self._maybe_delete(record, history, DUPLICATE_DELETED_RATE)
        self._add_all("Lead", record, "LeadHistory", history)

    def _maybe_delete(self, record: dict, history: list[dict], rate: float) -> None:
        if self.rng.random() >= rate:
            return
        deleted_at = parse_epoch(record["LastModifiedDate"]) + HOUR + int(self.rng.expovariate(1 / (7 * DAY)))
        if deleted_at < self.horizon:
            mark_deleted(record, history, deleted_at)

    def _add_all(self, object_name: str, record: dict, history_name: str, history: list[dict]) -> None:
        self.sink.add(object_name, record)
        for row in history:
            self.sink.add(history_name, row)

    def _hubspot(self, person: Person, plan: DealPlan | None, email: str | None, lead_id: str | None,
                 opportunity_id: str | None) -> None:
        rng, owner = self.rng, self.owners[person.owner]
        contact_id = self.ids.hubspot("contacts")
        self.sink.add("contacts", hubspot_records.contact(
            rng, person, contact_id, owner, email, lead_id, self.horizon))
        if plan is None or (opportunity_id is not None and rng.random() >= MIRRORED_DEAL_RATE):
            return
        self.sink.add("deals", hubspot_records.deal(
            rng, plan, self.ids.hubspot("deals"), contact_id, owner, self.horizon, person.hubspot_source,
            opportunity_id))
