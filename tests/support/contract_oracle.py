"""An independent Python reading of the KPI contract (docs/kpi-contract.md), straight from a dataset's files.

It deliberately shares no code with the dbt models or the connectors: it parses the JSONL files itself,
so that agreement between it and `marts.funnel_weekly` is evidence that both read the contract alike. Given
the recordings one warehouse synced in order (A, then B = evolve(A)), it computes what the contract says
that warehouse must report: merged-away and deleted records are told apart as the API tells them apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

EMAIL_WHITESPACE = " \t\n\r\f\v"
COUNT_COLUMNS = ("new_leads", "mqls", "sqls", "opportunities", "won_deals", "lost_deals")


@dataclass(frozen=True)
class ContractSettings:
    as_of: datetime
    timezone: str = "Asia/Tokyo"
    hubspot_mql_stages: tuple[str, ...] = ("marketingqualifiedlead",)
    hubspot_sql_stages: tuple[str, ...] = ("salesqualifiedlead",)
    hubspot_sql_evidence_stages: tuple[str, ...] = ("opportunity", "customer")
    salesforce_mql_statuses: tuple[str, ...] = ("Marketing Qualified",)
    salesforce_sql_statuses: tuple[str, ...] = ("Sales Qualified",)
    deal_sources: tuple[str, ...] = ("salesforce", "hubspot")
    hubspot_deal_pipelines: tuple[str, ...] | None = None
    hubspot_deal_mirror_property: str | None = None


def recorded_at(dataset: Path) -> datetime:
    text = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))["recorded_at"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def contract_settings(config, as_of: datetime) -> ContractSettings:
    """The contract's settings as a validated kpi.yaml (pipeline.kpi_config.KpiConfig) gives them."""
    warehouse = config.warehouse
    return ContractSettings(
        as_of=as_of,
        timezone=config.timezone,
        hubspot_mql_stages=warehouse.hubspot.mql_stages,
        hubspot_sql_stages=warehouse.hubspot.sql_stages,
        hubspot_sql_evidence_stages=warehouse.hubspot.sql_evidence_stages,
        salesforce_mql_statuses=warehouse.salesforce.mql_statuses,
        salesforce_sql_statuses=warehouse.salesforce.sql_statuses,
        deal_sources=warehouse.deals.sources,
        hubspot_deal_pipelines=warehouse.deals.hubspot_pipelines,
        hubspot_deal_mirror_property=warehouse.deals.hubspot_mirror_property,
    )


@dataclass
class RecordEntries:
    email: str | None
    lead: datetime | None  # None only for a person known solely as Salesforce contacts
    mql: datetime | None = None
    sql: datetime | None = None


@dataclass
class WeekCounts:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    won_amount: Decimal = Decimal("0.00")


def _instant(text: str | None) -> datetime | None:
    if text is None or text == "":
        return None
    value = text.replace("Z", "+00:00")
    if value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    return datetime.fromisoformat(value).astimezone(UTC)


def _earliest(*candidates: datetime | None) -> datetime | None:
    present = [candidate for candidate in candidates if candidate is not None]
    return min(present) if present else None


def _lines(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normalized_email(raw: str | None) -> str | None:
    email = (raw or "").strip(EMAIL_WHITESPACE).lower()
    return email or None


def _with_skipped_stages(entries: RecordEntries) -> RecordEntries:
    entries.mql = _earliest(entries.mql, entries.sql)
    entries.lead = _earliest(entries.lead, entries.mql)
    return entries


def _hubspot_stage_entry(contact: dict, stages: tuple[str, ...]) -> datetime | None:
    properties = contact["properties"]
    history = contact.get("propertiesWithHistory", {}).get("lifecyclestage", [])
    candidates = []
    for stage in stages:
        for name in (f"hs_v2_date_entered_{stage}", f"hs_date_entered_{stage}", f"hs_lifecyclestage_{stage}_date"):
            candidates.append(_instant(properties.get(name)))
        candidates.extend(_instant(entry["timestamp"]) for entry in history if entry["value"] == stage)
    return _earliest(*candidates)


def _merged_ids(contact: dict) -> list[str]:
    properties = contact["properties"]
    ids = (properties.get("hs_merged_object_ids") or "").split(";")
    vids = [part.split(":")[0] for part in (properties.get("hs_calculated_merged_vids") or "").split(";")]
    return [merged for merged in (*ids, *vids) if merged.strip() and merged != contact["id"]]


def _latest_by_id(recordings: list[Path], relative: str, key: str) -> dict[str, dict]:
    """Every record any recording held, in its latest version (a later recording wins)."""
    records: dict[str, dict] = {}
    for root in recordings:
        records |= {record[key]: record for record in _lines(root / relative)}
    return records


@dataclass
class CrmState:
    """What the warehouse holds in scope after syncing the recordings in order (contract §2, §3).

    A record the last recording lacks was deleted without a trace (GDPR delete, recycle-bin purge), unless a
    HubSpot survivor lists it as merged: then it lives on as a member of its last survivor. Salesforce field
    history that aged out of a later recording stays.
    """

    contacts: dict[str, dict]  # HubSpot contacts in scope, merged-away members included
    survivors: dict[str, str]  # contact id -> the contact it lives in (itself unless merged away)
    deals: list[dict]
    leads: list[dict]
    salesforce_contacts: list[dict]
    lead_history: list[dict]
    opportunities: list[dict]
    contact_roles: list[dict]

    @classmethod
    def from_recordings(cls, recordings: Path | str | list) -> CrmState:
        roots = [Path(root) for root in recordings] if isinstance(recordings, list | tuple) else [Path(recordings)]
        latest = roots[-1]
        seen = _latest_by_id(roots, "hubspot/contacts.jsonl", "id")
        live = {contact["id"]: contact for contact in _lines(latest / "hubspot" / "contacts.jsonl")}
        merged_into = {
            merged: contact["id"]
            for root in roots for contact in _lines(root / "hubspot" / "contacts.jsonl")
            for merged in _merged_ids(contact) if merged not in live
        }
        survivors = {contact_id: _last_survivor(contact_id, merged_into) for contact_id in seen}
        contacts = {
            contact_id: contact for contact_id, contact in seen.items()
            if survivors[contact_id] in live and not live[survivors[contact_id]].get("archived")
        }

        def present(relative: str, flag: str = "IsDeleted") -> list[dict]:
            return [record for record in _lines(latest / relative) if not record.get(flag)]

        history = _latest_by_id(roots, "salesforce/LeadHistory.jsonl", "Id")
        return cls(
            contacts=contacts,
            survivors={contact_id: survivors[contact_id] for contact_id in contacts},
            deals=present("hubspot/deals.jsonl", "archived"),
            leads=present("salesforce/Lead.jsonl"),
            salesforce_contacts=present("salesforce/Contact.jsonl"),
            lead_history=[row for row in history.values() if not row["IsDeleted"]],
            opportunities=present("salesforce/Opportunity.jsonl"),
            contact_roles=present("salesforce/OpportunityContactRole.jsonl"),
        )


def _last_survivor(contact_id: str, merged_into: dict[str, str]) -> str:
    hops = 0
    while contact_id in merged_into and hops < 100:
        contact_id, hops = merged_into[contact_id], hops + 1
    return contact_id


def hubspot_records(state: CrmState, settings: ContractSettings) -> dict[str, RecordEntries]:
    sql_stages = settings.hubspot_sql_stages + settings.hubspot_sql_evidence_stages
    records = {}
    for contact_id, contact in state.contacts.items():
        properties = contact["properties"]
        records[f"hubspot:{contact_id}"] = _with_skipped_stages(RecordEntries(
            email=_normalized_email(properties.get("email")),
            lead=_instant(properties["createdate"]),
            mql=_hubspot_stage_entry(contact, settings.hubspot_mql_stages),
            sql=_hubspot_stage_entry(contact, sql_stages),
        ))
    return records


def _salesforce_stage_entry(
    lead: dict, status_changes: list[dict], statuses: tuple[str, ...]
) -> datetime | None:
    initial_status = status_changes[0]["OldValue"] if status_changes else lead["Status"]
    from_creation = _instant(lead["CreatedDate"]) if initial_status in statuses else None
    changes = [_instant(row["CreatedDate"]) for row in status_changes if row["NewValue"] in statuses]
    return _earliest(from_creation, *changes)


def salesforce_records(state: CrmState, settings: ContractSettings) -> dict[str, RecordEntries]:
    status_changes: dict[str, list[dict]] = {}
    for row in state.lead_history:
        if row["Field"] == "Status":
            status_changes.setdefault(row["LeadId"], []).append(row)
    for rows in status_changes.values():
        rows.sort(key=lambda row: (_instant(row["CreatedDate"]), row["Id"]))
    zone = ZoneInfo(settings.timezone)
    records = {}
    for lead in state.leads:
        changes = status_changes.get(lead["Id"], [])
        converted_at = None
        if lead.get("IsConverted") and lead.get("ConvertedDate"):
            converted_on = date.fromisoformat(lead["ConvertedDate"])
            converted_at = datetime.combine(converted_on, datetime.min.time(), zone)
        records[f"salesforce:{lead['Id']}"] = _with_skipped_stages(RecordEntries(
            email=_normalized_email(lead.get("Email")),
            lead=_instant(lead["CreatedDate"]),
            mql=_salesforce_stage_entry(lead, changes, settings.salesforce_mql_statuses),
            sql=_earliest(_salesforce_stage_entry(lead, changes, settings.salesforce_sql_statuses),
                          converted_at and converted_at.astimezone(UTC)),
        ))
    # Contacts tie persons together and to opportunities; they carry no stage entries of their own.
    for contact in state.salesforce_contacts:
        records[f"salesforce:{contact['Id']}"] = RecordEntries(email=_normalized_email(contact.get("Email")), lead=None)
    return records


def _ties(state: CrmState, records: dict[str, RecordEntries]) -> list[tuple[str, str]]:
    """Pairs of keys that are one person (contract §3); keys of records out of scope tie nothing."""
    ties = [(key, f"email:{record.email}") for key, record in records.items() if record.email]
    for contact_id, contact in state.contacts.items():
        properties = contact["properties"]
        named = [f"hubspot:{state.survivors[contact_id]}"]
        named += [f"salesforce:{properties[name]}" for name in ("salesforceleadid", "salesforcecontactid")
                  if properties.get(name)]
        ties += [(f"hubspot:{contact_id}", key) for key in named if key in records]
    for lead in state.leads:
        if lead.get("ConvertedContactId") and f"salesforce:{lead['ConvertedContactId']}" in records:
            ties.append((f"salesforce:{lead['Id']}", f"salesforce:{lead['ConvertedContactId']}"))
    return ties


def resolved_persons(roots, settings: ContractSettings) -> dict[str, list[str]]:
    """Person key (its smallest key: an email key sorts first) -> the record keys of its members."""
    state = CrmState.from_recordings(roots)
    records = hubspot_records(state, settings) | salesforce_records(state, settings)
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for first, second in _ties(state, records):
        low, high = sorted((find(first), find(second)))
        parent[high] = low
    groups: dict[str, list[str]] = {}
    for key in records:
        groups.setdefault(find(key), []).append(key)
    return groups


def person_entries(roots, settings: ContractSettings) -> list[RecordEntries]:
    """One RecordEntries per person: the earliest entry of each stage across the person's records."""
    state = CrmState.from_recordings(roots)
    records = hubspot_records(state, settings) | salesforce_records(state, settings)
    persons = []
    for person_key, members in resolved_persons(roots, settings).items():
        entries = [records[key] for key in members]
        persons.append(RecordEntries(
            email=person_key.removeprefix("email:") if person_key.startswith("email:") else None,
            lead=_earliest(*(entry.lead for entry in entries)),
            mql=_earliest(*(entry.mql for entry in entries)),
            sql=_earliest(*(entry.sql for entry in entries)),
        ))
    return persons


def _won_or_lost_stages(root: Path) -> dict[tuple[str, str], str]:
    path = root / "hubspot" / "pipelines_deals.json"
    outcomes = {}
    for pipeline in json.loads(path.read_text(encoding="utf-8"))["results"]:
        for stage in pipeline["stages"]:
            metadata = stage.get("metadata", {})
            if metadata.get("isClosed") != "true":
                continue
            probability = float(metadata.get("probability"))
            if probability in (0.0, 1.0):
                outcomes[(pipeline["id"], stage["id"])] = "won_deals" if probability == 1.0 else "lost_deals"
    return outcomes


@dataclass(frozen=True)
class Deal:
    key: str
    created_on: date
    outcome: str | None  # the funnel column of its close: won_deals / lost_deals
    closed_on: date | None
    amount: Decimal


def deals_in_scope(roots, settings: ContractSettings) -> list[Deal]:
    """Every deal the contract counts under `settings`, keyed `<system>:<id>`, after syncing the recordings."""
    state = CrmState.from_recordings(roots)
    latest = Path(roots[-1] if isinstance(roots, list | tuple) else roots)
    zone = ZoneInfo(settings.timezone)
    deals = []
    if "salesforce" in settings.deal_sources:
        deals.extend(_salesforce_deals(state, zone))
    if "hubspot" in settings.deal_sources:
        deals.extend(_hubspot_deals(state, latest, zone, settings))
    return deals


def _salesforce_deals(state: CrmState, zone: ZoneInfo) -> list[Deal]:
    deals = []
    for deal in state.opportunities:
        closed = (deal["IsClosed"] or deal["IsWon"]) and deal.get("CloseDate")
        deals.append(Deal(
            key=f"salesforce:{deal['Id']}",
            created_on=_instant(deal["CreatedDate"]).astimezone(zone).date(),
            outcome=("won_deals" if deal["IsWon"] else "lost_deals") if closed else None,
            closed_on=date.fromisoformat(deal["CloseDate"]) if closed else None,
            amount=_amount(deal.get("Amount")),
        ))
    return deals


def _hubspot_deals(state: CrmState, latest: Path, zone: ZoneInfo, settings: ContractSettings) -> list[Deal]:
    outcomes = _won_or_lost_stages(latest)
    deals = []
    for deal in state.deals:
        properties = deal["properties"]
        if not _hubspot_deal_in_scope(properties, settings):
            continue
        outcome = outcomes.get((properties.get("pipeline"), properties.get("dealstage")))
        closed_at = _instant(properties.get("closedate"))
        deals.append(Deal(
            key=f"hubspot:{deal['id']}",
            created_on=_instant(properties["createdate"]).astimezone(zone).date(),
            outcome=outcome if closed_at else None,
            closed_on=closed_at.astimezone(zone).date() if outcome and closed_at else None,
            amount=_amount(properties.get("amount")),
        ))
    return deals


def deal_events(roots, settings: ContractSettings) -> list[tuple[date, str, Decimal]]:
    """(local date, column, won amount) for every deal created, won or lost."""
    events = []
    for deal in deals_in_scope(roots, settings):
        events.append((deal.created_on, "opportunities", Decimal(0)))
        if deal.outcome:
            events.append((deal.closed_on, deal.outcome, deal.amount))
    return events


def _hubspot_deal_in_scope(properties: dict, settings: ContractSettings) -> bool:
    pipelines = settings.hubspot_deal_pipelines
    if pipelines is not None and properties.get("pipeline") not in pipelines:
        return False
    # A mirror yields to its Salesforce opportunity, which counts only when Salesforce deals do.
    mirror = settings.hubspot_deal_mirror_property
    mirrors_yield = mirror is not None and "salesforce" in settings.deal_sources
    return not (mirrors_yield and properties.get(mirror) not in (None, ""))


def _amount(raw) -> Decimal:
    if raw is None or raw == "":
        return Decimal("0.00")
    return Decimal(str(raw)).quantize(Decimal("0.01"))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def funnel_weekly(roots, settings: ContractSettings) -> dict[date, dict]:
    """week_start -> the funnel_weekly columns, for every week the contract reports.

    ``roots``: one dataset, or the recordings one warehouse synced, in order.
    """
    zone = ZoneInfo(settings.timezone)
    dated: list[tuple[date, str, Decimal]] = []
    for person in person_entries(roots, settings):
        for column, entered in (("new_leads", person.lead), ("mqls", person.mql), ("sqls", person.sql)):
            if entered is not None:
                dated.append((entered.astimezone(zone).date(), column, Decimal(0)))
    dated.extend(deal_events(roots, settings))
    last_week = _monday(settings.as_of.astimezone(zone).date()) - timedelta(days=7)
    if not dated:
        return {}
    weeks: dict[date, WeekCounts] = {}
    week = _monday(min(day for day, _, _ in dated))
    while week <= last_week:
        weeks[week] = WeekCounts()
        week += timedelta(days=7)
    for day, column, amount in dated:
        counts = weeks.get(_monday(day))
        if counts is not None:
            counts.counts[column] += 1
            if column == "won_deals":
                counts.won_amount += amount
    return {week: _with_rates(counts) for week, counts in weeks.items()}


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _with_rates(week: WeekCounts) -> dict:
    counts = week.counts
    return {
        **counts,
        "won_amount": week.won_amount,
        "mql_to_sql_rate": _ratio(counts["sqls"], counts["mqls"]),
        "sql_to_opportunity_rate": _ratio(counts["opportunities"], counts["sqls"]),
        "win_rate": _ratio(counts["won_deals"], counts["won_deals"] + counts["lost_deals"]),
    }
