"""Turns one person into the records each CRM holds of them, and hands those to a sink."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

from standin.generator import hubspot_records, past_merges, salesforce_people, salesforce_records
from standin.generator.deal_plan import DealPlan, plan_deal
from standin.generator.formats import DAY, HOUR, parse_epoch
from standin.generator.hubspot_records import HubSpotOwner
from standin.generator.ids import RecordIds
from standin.generator.journey import OPPORTUNITY
from standin.generator.person import Person, spellings
from standin.generator.salesforce_records import Conversion, mark_deleted

DUPLICATE_LEAD_RATE = 0.04
DUPLICATE_DELETED_RATE = 0.5
LEAD_DELETED_RATE = 0.01
OPPORTUNITY_DELETED_RATE = 0.15
MIRRORED_DEAL_RATE = 0.5
CONTACT_ONLY_RATE = 0.15  # Salesforce persons sales enters as a contact on an account, never as a lead
SECOND_ROLE_RATE = 0.3  # opportunities with a colleague in a second contact role
DUPLICATE_PRIMARY_RATE = 0.3  # of those second roles, primary as well (NPSP #1388)
RECENT_CONTACTS = 50  # colleagues are picked among the latest contacts


@dataclass
class SalesforceIds:
    """What the HubSpot side of a person links to: their lead, contact and opportunity (when they have one)."""

    lead_id: str | None = None
    contact_id: str | None = None
    opportunity_id: str | None = None


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
    tracks_lead_status: bool = True  # False: an org whose admin never tracked Lead Status history
    recent_contacts: list[str] = field(default_factory=list)

    def emit(self, person: Person) -> None:
        rng = self.rng
        hubspot_email, salesforce_email = self._emails(person)
        plan = plan_deal(rng, person, self.horizon)
        linked = SalesforceIds()
        if person.in_salesforce:
            if rng.random() < CONTACT_ONLY_RATE:
                linked = self._salesforce_contact(person, plan, salesforce_email)
            else:
                linked = self._salesforce(person, plan, salesforce_email)
        if person.in_hubspot:
            self._hubspot(person, plan, hubspot_email, linked)

    def _emails(self, person: Person) -> tuple[str | None, str | None]:
        if person.email is None:
            return self.rng.choice((None, "")), self.rng.choice((None, ""))
        return spellings(self.rng, person.email, both=person.systems == "both")

    def _salesforce(self, person: Person, plan: DealPlan | None, email: str | None) -> SalesforceIds:
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
            return SalesforceIds(lead_id=record["Id"])
        converted_at, owner = person.journey.time_of(OPPORTUNITY), self.sales_user_ids[person.owner]
        self._add_contact(salesforce_people.contact(person, conversion.contact_id, conversion.account_id, email,
                                                    converted_at, owner))
        self._opportunity(person, plan, conversion.opportunity_id, conversion.account_id, conversion.contact_id,
                          converted_at)
        return SalesforceIds(record["Id"], conversion.contact_id, conversion.opportunity_id)

    def _salesforce_contact(self, person: Person, plan: DealPlan | None, email: str | None) -> SalesforceIds:
        """A person sales created as a contact; an opportunity of theirs is made on the contact, not a lead."""
        ids, owner = self.ids, self.sales_user_ids[person.owner]
        contact_id, account_id = ids.salesforce("Contact"), ids.salesforce("Account")
        self._add_contact(salesforce_people.contact(person, contact_id, account_id, email, person.journey.created,
                                                    owner))
        if plan is None:
            return SalesforceIds(contact_id=contact_id)
        opportunity_id = ids.salesforce("Opportunity")
        self._opportunity(person, plan, opportunity_id, account_id, contact_id, plan.created)
        return SalesforceIds(contact_id=contact_id, opportunity_id=opportunity_id)

    def _add_contact(self, record: dict) -> None:
        self.sink.add("Contact", record)
        self.recent_contacts = [*self.recent_contacts[-RECENT_CONTACTS + 1:], record["Id"]]

    def _opportunity(self, person: Person, plan: DealPlan, opportunity_id: str, account_id: str, contact_id: str,
                     role_created: int) -> None:
        """The opportunity, its history, its primary contact role and maybe a colleague's role."""
        rng, ids, owner = self.rng, self.ids, self.sales_user_ids[person.owner]
        opportunity, history = salesforce_records.opportunity(
            rng, plan, person.lead_source, opportunity_id, account_id, owner, ids, self.horizon)
        # A converted lead's role has no Role value; one entered by hand usually has one.
        roles = [salesforce_people.contact_role(ids, opportunity_id, contact_id, True, None, role_created, owner)]
        colleagues = [colleague for colleague in self.recent_contacts if colleague != contact_id]
        if colleagues and rng.random() < SECOND_ROLE_RATE:
            roles.append(salesforce_people.colleague_role(
                rng, ids, opportunity_id, rng.choice(colleagues), role_created, owner, DUPLICATE_PRIMARY_RATE))
        # Deleting an opportunity deletes its contact roles with it.
        self._maybe_delete(opportunity, history + roles, OPPORTUNITY_DELETED_RATE)
        self._add_all("Opportunity", opportunity, "OpportunityHistory", history)
        for role in roles:
            self.sink.add("OpportunityContactRole", role)

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
            if self.tracks_lead_status or row.get("Field") != "Status":
                self.sink.add(history_name, row)

    def _hubspot(self, person: Person, plan: DealPlan | None, email: str | None, linked: SalesforceIds) -> None:
        rng, owner = self.rng, self.owners[person.owner]
        contact_id, merged_away = past_merges.survivor_id(self.ids, self.ids.hubspot("contacts"))
        self.sink.add("contacts", past_merges.record_past_merge(hubspot_records.contact(
            rng, person, contact_id, owner, email, linked.lead_id, self.horizon, linked.contact_id), merged_away))
        opportunity_id = linked.opportunity_id
        if plan is None or (opportunity_id is not None and rng.random() >= MIRRORED_DEAL_RATE):
            return
        self.sink.add("deals", hubspot_records.deal(
            rng, plan, self.ids.hubspot("deals"), contact_id, owner, self.horizon, person.hubspot_source,
            opportunity_id))
