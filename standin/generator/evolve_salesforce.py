"""A week of Salesforce activity on existing records: leads worked and converted, opportunities moved, deletions."""

from __future__ import annotations

from standin.generator import salesforce_people
from standin.generator.deal_plan import DealPlan, deal_amount
from standin.generator.evolve_salesforce_purges import expire_history, purge_records
from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import DAY, parse_epoch, salesforce_attributes, salesforce_time, tokyo_date
from standin.generator.pipelines import (
    OPEN_OPPORTUNITY_STAGES,
    OPPORTUNITY_STAGE_BY_NAME,
    OpportunityStage,
    closing_opportunity_stage,
)
from standin.generator.salesforce_records import (
    NOT_CONVERTED,
    OPEN,
    WORKING,
    LeadTimeline,
    mark_deleted,
    opportunity,
)
from standin.generator.vocab import DEAL_PRODUCTS

CONVERSION_RATE = 0.05
LEAD_CHANGE_RATE = 0.05
OPPORTUNITY_MOVE_RATE = 0.3
OPPORTUNITY_WIN_RATE = 0.2
DELETE_RATE = {"Lead": 0.01, "Opportunity": 0.03}
CONTACT_OPPORTUNITY_RATE = 0.03  # existing contacts sales opens an opportunity on, no lead involved
NEW_ROLE_RATE = 0.05  # open opportunities that gain a (non-primary) contact role
COLLEAGUE_PRIMARY_RATE = 0.3
NEXT_LEAD_STATUS = {OPEN: WORKING, WORKING: "Marketing Qualified", "Marketing Qualified": "Sales Qualified"}


def evolve_salesforce(dataset: EvolvingDataset) -> None:
    _convert_leads(dataset)
    _move_opportunities(dataset)
    _work_leads(dataset)
    _opportunities_on_contacts(dataset)
    _add_contact_roles(dataset)
    _delete(dataset, "Lead", "LeadHistory", "LeadId")
    _delete(dataset, "Opportunity", "OpportunityHistory", "OpportunityId")
    purge_records(dataset)
    expire_history(dataset)


def _live_leads(dataset: EvolvingDataset) -> list[dict]:
    return [lead for lead in dataset.untouched("Lead") if not lead["IsDeleted"] and not lead["IsConverted"]]


def _convert_leads(dataset: EvolvingDataset) -> None:
    """Sales-qualified leads become an account, a contact and an opportunity."""
    candidates = [lead for lead in _live_leads(dataset) if lead["Status"] == "Sales Qualified"]
    for lead in dataset.pick(candidates, CONVERSION_RATE):
        time, rng, ids = dataset.moment(), dataset.rng, dataset.ids
        opportunity_id, account_id = ids.salesforce("Opportunity"), ids.salesforce("Account")
        plan = DealPlan(name=f"{lead['Company']} - {rng.choice(DEAL_PRODUCTS)}", amount=deal_amount(rng),
                        created=time, stage_entries=(time,), closed_at=None, won=None,
                        expected_close=time + 60 * DAY)
        record, history = opportunity(rng, plan, lead["LeadSource"], opportunity_id, account_id, lead["OwnerId"],
                                      ids, dataset.end)
        _step_lead(dataset, lead, time, "Closed - Converted", converted=True)
        contact_id = ids.salesforce("Contact")
        lead.update(IsConverted=True, ConvertedDate=tokyo_date(time), ConvertedAccountId=account_id,
                    ConvertedContactId=contact_id, ConvertedOpportunityId=opportunity_id)
        dataset.add("Contact", _converted_contact(lead, contact_id, account_id, time))
        dataset.add("Opportunity", record)
        for row in history:
            dataset.add("OpportunityHistory", row)
        dataset.add("OpportunityContactRole", salesforce_people.contact_role(
            ids, opportunity_id, contact_id, True, None, time, lead["OwnerId"]))


def _converted_contact(lead: dict, contact_id: str, account_id: str, time: int) -> dict:
    """The contact a conversion makes of the lead: the same person and e-mail."""
    stamp = salesforce_time(time)
    return {
        "attributes": salesforce_attributes("Contact", contact_id), "Id": contact_id, "IsDeleted": False,
        "AccountId": account_id, "FirstName": lead["FirstName"], "LastName": lead["LastName"], "Name": lead["Name"],
        "Email": lead["Email"], "Phone": lead["Phone"], "LeadSource": lead["LeadSource"], "OwnerId": lead["OwnerId"],
        "CreatedDate": stamp, "LastModifiedDate": stamp, "SystemModstamp": stamp,
    }


def _live_contacts(dataset: EvolvingDataset) -> list[dict]:
    return [contact for contact in dataset.untouched("Contact") if not contact["IsDeleted"]]


def _opportunities_on_contacts(dataset: EvolvingDataset) -> None:
    """Sales opens opportunities on existing contacts: the person is only in the contact role."""
    for contact in dataset.pick(_live_contacts(dataset), CONTACT_OPPORTUNITY_RATE):
        time, rng, ids = dataset.moment(), dataset.rng, dataset.ids
        time = max(time, parse_epoch(contact["CreatedDate"]) + 1)
        if time >= dataset.end:
            continue
        opportunity_id = ids.salesforce("Opportunity")
        plan = DealPlan(name=f"{contact['Name']} - {rng.choice(DEAL_PRODUCTS)}", amount=deal_amount(rng),
                        created=time, stage_entries=(time,), closed_at=None, won=None,
                        expected_close=time + 60 * DAY)
        record, history = opportunity(rng, plan, contact["LeadSource"], opportunity_id, contact["AccountId"],
                                      contact["OwnerId"], ids, dataset.end)
        dataset.add("Opportunity", record)
        for row in history:
            dataset.add("OpportunityHistory", row)
        dataset.add("OpportunityContactRole", salesforce_people.contact_role(
            ids, opportunity_id, contact["Id"], True, rng.choice(salesforce_people.ROLES), time, contact["OwnerId"]))


def _add_contact_roles(dataset: EvolvingDataset) -> None:
    """A colleague joins an open opportunity; the opportunity's own stamps do not move (worst case)."""
    contacts = _live_contacts(dataset)
    movable = [record for record in dataset.untouched("Opportunity")
               if not record["IsDeleted"] and not record["IsClosed"]]
    if not contacts:
        return
    for record in dataset.pick(movable, NEW_ROLE_RATE):
        colleague = dataset.rng.choice(contacts)
        dataset.add("OpportunityContactRole", salesforce_people.colleague_role(
            dataset.rng, dataset.ids, record["Id"], colleague["Id"], dataset.moment(), record["OwnerId"],
            COLLEAGUE_PRIMARY_RATE))


def _work_leads(dataset: EvolvingDataset) -> None:
    for lead in dataset.pick(_live_leads(dataset), LEAD_CHANGE_RATE):
        status = NEXT_LEAD_STATUS.get(lead["Status"], WORKING)
        if lead["Lead_Intent__c"] == "archive" and status != WORKING:
            status = NOT_CONVERTED
        _step_lead(dataset, lead, dataset.moment(), status)


def _step_lead(dataset: EvolvingDataset, lead: dict, time: int, status: str, converted: bool = False) -> None:
    timeline = LeadTimeline(lead["Id"], dataset.ids, lead["Status"], lead["OwnerId"])
    time = timeline.change_status(time, status, lead["OwnerId"])
    if converted:
        timeline.row(time, "leadConverted", lead["OwnerId"])
    for row in timeline.rows:
        if dataset.tracks_lead_status or row["Field"] != "Status":
            dataset.add("LeadHistory", row)
    stamp = salesforce_time(time)
    lead.update(Status=status, LastModifiedDate=stamp, SystemModstamp=stamp, LastActivityDate=tokyo_date(time))
    dataset.mark("Lead", "modified", lead["Id"])


def _move_opportunities(dataset: EvolvingDataset) -> None:
    """Open opportunities move one stage on, or close (won about one time in five)."""
    open_names = [stage.name for stage in OPEN_OPPORTUNITY_STAGES]
    movable = [record for record in dataset.untouched("Opportunity")
               if not record["IsDeleted"] and not record["IsClosed"]]
    for record in dataset.pick(movable, OPPORTUNITY_MOVE_RATE):
        time, rng = dataset.moment(), dataset.rng
        position = open_names.index(record["StageName"])
        if position == len(open_names) - 1 or rng.random() < 0.3:
            stage = closing_opportunity_stage(rng.random() < OPPORTUNITY_WIN_RATE)
            record["CloseDate"] = tokyo_date(time)
        else:
            stage = OPPORTUNITY_STAGE_BY_NAME[open_names[position + 1]]
        change_stage(dataset, record, stage, time)


def change_stage(dataset: EvolvingDataset, record: dict, stage: OpportunityStage, time: int) -> None:
    """Move an opportunity to ``stage`` at ``time`` (its CloseDate already set): the stamps move and the
    stage change gets its OpportunityHistory row, as Salesforce writes one."""
    stamp = salesforce_time(time)
    record.update(StageName=stage.name, Probability=stage.probability, IsClosed=stage.closed, IsWon=stage.won,
                  ForecastCategory=stage.forecast_category, LastModifiedDate=stamp, SystemModstamp=stamp)
    history_id = dataset.ids.salesforce("OpportunityHistory")
    amount = record["Amount"]
    dataset.add("OpportunityHistory", {
        "attributes": salesforce_attributes("OpportunityHistory", history_id),
        "Id": history_id, "IsDeleted": False, "OpportunityId": record["Id"], "CreatedById": record["OwnerId"],
        "CreatedDate": stamp, "StageName": stage.name, "Amount": amount,
        "ExpectedRevenue": None if amount is None else amount * stage.probability / 100,
        "CloseDate": record["CloseDate"], "Probability": stage.probability,
        "ForecastCategory": stage.forecast_category, "SystemModstamp": stamp,
    })
    dataset.mark("Opportunity", "modified", record["Id"])


def _delete(dataset: EvolvingDataset, object_name: str, history_name: str, parent_field: str) -> None:
    candidates = [record for record in dataset.untouched(object_name) if not record["IsDeleted"]]
    if object_name == "Lead":
        candidates = [record for record in candidates if not record["IsConverted"]]
    chosen = dataset.pick(candidates, DELETE_RATE[object_name])
    chosen_ids = {record["Id"] for record in chosen}
    history: dict[str, list[dict]] = {}
    for row in dataset.records[history_name]:
        if row[parent_field] in chosen_ids:
            history.setdefault(row[parent_field], []).append(row)
    for record in chosen:
        mark_deleted(record, history.get(record["Id"], []), dataset.moment())
        dataset.mark(object_name, "deleted", record["Id"])
        for row in history.get(record["Id"], []):
            dataset.mark(history_name, "deleted", row["Id"])
