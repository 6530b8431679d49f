"""A week of HubSpot activity on existing records: deals move and close, contacts progress, some archived,
merged or deleted without a trace."""

from __future__ import annotations

from standin.generator.deal_plan import DealPlan, deal_amount
from standin.generator.evolve_merges import merge_and_delete
from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import DAY, hubspot_time, parse_epoch
from standin.generator.hubspot_records import HubSpotOwner, archive, deal
from standin.generator.journey import CUSTOMER, MQL, OPPORTUNITY, SQL
from standin.generator.lifecycle import DEAL_WORKFLOW_SOURCE, WORKFLOW_SOURCE, HistoryEntry
from standin.generator.pipelines import PIPELINES
from standin.generator.vocab import DEAL_PRODUCTS, JOB_TITLES

DEAL_MOVE_RATE = 0.3
DEAL_WIN_RATE = 0.2
NEW_DEAL_RATE = 0.04
CONTACT_CHANGE_RATE = 0.04
ARCHIVE_RATE = {"contacts": 0.01, "deals": 0.03}
MIRROR_RATE = 0.02  # of opportunities not mirrored yet; at least one
ASSOCIATION_RATE = 0.02  # of live deals gaining a contact; at least one


def evolve_hubspot(dataset: EvolvingDataset, owners: list[HubSpotOwner]) -> None:
    # Held contacts are left out of every change here, also of those that reach contacts through deals.
    contacts = {record["id"]: record for record in dataset.records["contacts"]
                if not dataset.is_held("contacts", record["id"])}
    _move_deals(dataset, contacts)
    _open_deals(dataset, owners)
    _mirror_opportunities(dataset, contacts, owners)
    _associate_contacts(dataset, contacts)
    _change_contacts(dataset)
    for object_name in ("deals", "contacts"):
        live = [record for record in dataset.untouched(object_name) if not record["archived"]]
        for record in dataset.pick(live, ARCHIVE_RATE[object_name]):
            archive(record, dataset.moment())
            dataset.mark(object_name, "archived", record["id"])
    merge_and_delete(dataset)


def _move_deals(dataset: EvolvingDataset, contacts: dict[str, dict]) -> None:
    """Open deals of HubSpot's own move a stage on or close; a won deal makes its contact a customer."""
    pipelines = {pipeline.id: pipeline for pipeline in PIPELINES}
    movable = [record for record in dataset.records["deals"] if not record["archived"]
               and record["properties"]["hs_is_closed"] == "false"
               and not record["properties"].get("hs_salesforceopportunityid")]
    for record in dataset.pick(movable, DEAL_MOVE_RATE):
        properties, time = record["properties"], dataset.moment()
        pipeline = pipelines[properties["pipeline"]]
        open_ids = [stage.id for stage in pipeline.open_stages]
        position = open_ids.index(properties["dealstage"])
        closing = position == len(open_ids) - 1 or dataset.rng.random() < 0.3
        if closing:
            won = dataset.rng.random() < DEAL_WIN_RATE
            stage = pipeline.closing_stage(won)
            properties.update(closedate=hubspot_time(time), hs_is_closed="true",
                              hs_is_closed_won="true" if won else "false")
            contact = contacts.get(record["associations"]["contacts"]["results"][0]["id"])
            if won and contact is not None and not contact["archived"]:
                advance_lifecycle(contact, CUSTOMER, time, HistoryEntry(CUSTOMER, time, *DEAL_WORKFLOW_SOURCE))
                dataset.mark("contacts", "modified", contact["id"])
        else:
            stage = pipeline.open_stages[position + 1]
        properties.update(dealstage=stage.id, hs_lastmodifieddate=hubspot_time(time))
        record["updatedAt"] = hubspot_time(time)
        dataset.mark("deals", "modified", record["id"])


def _open_deals(dataset: EvolvingDataset, owners: list[HubSpotOwner]) -> None:
    """HubSpot-only sales-qualified contacts get their first deal."""
    by_owner_id = {owner.owner_id: owner for owner in owners}
    candidates = [record for record in dataset.untouched("contacts") if not record["archived"]
                  and record["properties"]["lifecyclestage"] == SQL
                  and record["properties"]["salesforceleadid"] is None]
    for contact in dataset.pick(candidates, NEW_DEAL_RATE):
        time, rng = dataset.moment(), dataset.rng
        owner = by_owner_id.get(contact["properties"]["hubspot_owner_id"] or "", owners[0])
        name = f"{contact['properties']['company'] or contact['properties']['lastname'] + '様'}"
        plan = DealPlan(name=f"{name} - {rng.choice(DEAL_PRODUCTS)}", amount=deal_amount(rng), created=time,
                        stage_entries=(time,), closed_at=None, won=None, expected_close=time + 60 * DAY)
        dataset.add("deals", deal(rng, plan, dataset.ids.hubspot("deals"), contact["id"], owner, dataset.end,
                                  contact["properties"]["hs_analytics_source"]))
        advance_lifecycle(contact, OPPORTUNITY, time, HistoryEntry(OPPORTUNITY, time, *DEAL_WORKFLOW_SOURCE))
        dataset.mark("contacts", "modified", contact["id"])


def _mirror_opportunities(dataset: EvolvingDataset, contacts: dict[str, dict], owners: list[HubSpotOwner]) -> None:
    """The HubSpot-Salesforce integration copies opportunities (open or closed) into deals carrying their id."""
    mirrored = {record["properties"].get("hs_salesforceopportunityid") for record in dataset.records["deals"]}
    contact_of_lead = {record["properties"]["salesforceleadid"]: record for record in contacts.values()
                       if not record["archived"] and record["properties"].get("salesforceleadid")}
    lead_of_opportunity = {lead["ConvertedOpportunityId"]: lead["Id"] for lead in dataset.records["Lead"]
                           if lead.get("ConvertedOpportunityId")}
    candidates = [opportunity for opportunity in dataset.records["Opportunity"]
                  if not opportunity["IsDeleted"] and opportunity["Id"] not in mirrored
                  and not dataset.is_held("Opportunity", opportunity["Id"])
                  and lead_of_opportunity.get(opportunity["Id"]) in contact_of_lead]
    by_owner_id = {owner.owner_id: owner for owner in owners}
    for opportunity in dataset.pick(candidates, MIRROR_RATE):
        contact = contact_of_lead[lead_of_opportunity[opportunity["Id"]]]
        time = dataset.moment()
        amount = opportunity["Amount"]
        closed = opportunity["IsClosed"]
        plan = DealPlan(name=opportunity["Name"], amount=None if amount is None else int(amount), created=time,
                        stage_entries=(time,), won=opportunity["IsWon"] if closed else None,
                        closed_at=parse_epoch(f"{opportunity['CloseDate']}T00:00:00Z") if closed else None,
                        expected_close=time + 60 * DAY)
        owner = by_owner_id.get(contact["properties"]["hubspot_owner_id"] or "", owners[0])
        dataset.add("deals", deal(dataset.rng, plan, dataset.ids.hubspot("deals"), contact["id"], owner, dataset.end,
                                  contact["properties"]["hs_analytics_source"], opportunity["Id"]))


def _associate_contacts(dataset: EvolvingDataset, contacts: dict[str, dict]) -> None:
    """A contact is added to a deal; the worst case, modelled here, is that the deal's own modification
    date does not move (Airbyte issue 44554: such associations are missed until the deal changes again)."""
    live_contacts = sorted(record_id for record_id, record in contacts.items() if not record["archived"])
    deals = [record for record in dataset.untouched("deals") if not record["archived"]]
    for record in dataset.pick(deals, ASSOCIATION_RATE):
        links = record.setdefault("associations", {}).setdefault("contacts", {}).setdefault("results", [])
        linked = {link["id"] for link in links}
        free = [contact_id for contact_id in live_contacts if contact_id not in linked]
        if free:
            links.append({"id": dataset.rng.choice(free), "type": "deal_to_contact"})
            dataset.mark("deals", "associated", record["id"])


def _change_contacts(dataset: EvolvingDataset) -> None:
    """Leads qualify to MQL (by the scoring workflow); others get a property edited."""
    live = [record for record in dataset.untouched("contacts") if not record["archived"]]
    for contact in dataset.pick(live, CONTACT_CHANGE_RATE):
        time, properties = dataset.moment(), contact["properties"]
        if properties["lifecyclestage"] == "lead" and properties["lead_intent"] != "archive":
            advance_lifecycle(contact, MQL, time, HistoryEntry(MQL, time, *WORKFLOW_SOURCE))
        else:
            properties["jobtitle"] = dataset.rng.choice([title for title in JOB_TITLES
                                                         if title != properties["jobtitle"]])
            _touch(contact, time)
        dataset.mark("contacts", "modified", contact["id"])


def advance_lifecycle(contact: dict, stage: str, time: int, entry: HistoryEntry) -> None:
    """Move a contact to ``stage``, keeping to whichever date properties this contact carries."""
    properties, stamp = contact["properties"], hubspot_time(time)
    previous = properties["lifecyclestage"]
    carries_v2 = any(value for name, value in properties.items() if name.startswith("hs_v2_date_entered_"))
    carries_legacy = any(value for name, value in properties.items()
                         if name.startswith("hs_lifecyclestage_") and name.endswith("_date"))
    contact["propertiesWithHistory"]["lifecyclestage"].insert(0, entry.to_json())
    properties["lifecyclestage"] = stage
    if carries_v2:
        properties[f"hs_v2_date_entered_{stage}"] = stamp
        properties[f"hs_v2_date_exited_{stage}"] = None
        if previous:
            properties[f"hs_v2_date_exited_{previous}"] = stamp
    if carries_legacy and properties.get(f"hs_lifecyclestage_{stage}_date") is None:
        properties[f"hs_lifecyclestage_{stage}_date"] = stamp
    _touch(contact, time)


def _touch(contact: dict, time: int) -> None:
    contact["properties"]["lastmodifieddate"] = hubspot_time(time)
    contact["updatedAt"] = hubspot_time(time)
