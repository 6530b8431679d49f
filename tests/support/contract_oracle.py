"""An independent Python reading of the KPI contract (docs/kpi-contract.md), straight from a dataset's files.

It deliberately shares no code with the dbt models or the connectors: it parses the JSONL files itself,
so that agreement between it and `marts.funnel_weekly` is evidence that both read the contract alike.
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


@dataclass
class RecordEntries:
    email: str | None
    lead: datetime
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
        candidates.append(_instant(properties.get(f"hs_v2_date_entered_{stage}")))
        candidates.append(_instant(properties.get(f"hs_lifecyclestage_{stage}_date")))
        candidates.extend(_instant(entry["timestamp"]) for entry in history if entry["value"] == stage)
    return _earliest(*candidates)


def hubspot_records(root: Path, settings: ContractSettings) -> list[RecordEntries]:
    records = []
    sql_stages = settings.hubspot_sql_stages + settings.hubspot_sql_evidence_stages
    for contact in _lines(root / "hubspot" / "contacts.jsonl"):
        if contact.get("archived"):
            continue
        properties = contact["properties"]
        records.append(_with_skipped_stages(RecordEntries(
            email=_normalized_email(properties.get("email")),
            lead=_instant(properties["createdate"]),
            mql=_hubspot_stage_entry(contact, settings.hubspot_mql_stages),
            sql=_hubspot_stage_entry(contact, sql_stages),
        )))
    return records


def _salesforce_stage_entry(
    lead: dict, status_changes: list[dict], statuses: tuple[str, ...]
) -> datetime | None:
    initial_status = status_changes[0]["OldValue"] if status_changes else lead["Status"]
    from_creation = _instant(lead["CreatedDate"]) if initial_status in statuses else None
    changes = [_instant(row["CreatedDate"]) for row in status_changes if row["NewValue"] in statuses]
    return _earliest(from_creation, *changes)


def salesforce_records(root: Path, settings: ContractSettings) -> list[RecordEntries]:
    status_changes: dict[str, list[dict]] = {}
    for row in _lines(root / "salesforce" / "LeadHistory.jsonl"):
        if row["Field"] == "Status" and not row["IsDeleted"]:
            status_changes.setdefault(row["LeadId"], []).append(row)
    for rows in status_changes.values():
        rows.sort(key=lambda row: (_instant(row["CreatedDate"]), row["Id"]))
    zone = ZoneInfo(settings.timezone)
    records = []
    for lead in _lines(root / "salesforce" / "Lead.jsonl"):
        if lead["IsDeleted"]:
            continue
        changes = status_changes.get(lead["Id"], [])
        converted_at = None
        if lead.get("IsConverted") and lead.get("ConvertedDate"):
            converted_on = date.fromisoformat(lead["ConvertedDate"])
            converted_at = datetime.combine(converted_on, datetime.min.time(), zone)
        records.append(_with_skipped_stages(RecordEntries(
            email=_normalized_email(lead.get("Email")),
            lead=_instant(lead["CreatedDate"]),
            mql=_salesforce_stage_entry(lead, changes, settings.salesforce_mql_statuses),
            sql=_earliest(_salesforce_stage_entry(lead, changes, settings.salesforce_sql_statuses),
                          converted_at and converted_at.astimezone(UTC)),
        )))
    return records


def person_entries(root: Path, settings: ContractSettings) -> list[RecordEntries]:
    """One RecordEntries per person: the earliest entry of each stage across the person's records."""
    persons: dict[str, RecordEntries] = {}
    loners = []
    for record in hubspot_records(root, settings) + salesforce_records(root, settings):
        if record.email is None:
            loners.append(record)
            continue
        person = persons.setdefault(record.email, RecordEntries(email=record.email, lead=record.lead))
        person.lead = _earliest(person.lead, record.lead)
        person.mql = _earliest(person.mql, record.mql)
        person.sql = _earliest(person.sql, record.sql)
    return list(persons.values()) + loners


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


def deals_in_scope(root: Path, settings: ContractSettings) -> list[Deal]:
    """Every deal the contract counts under `settings`, keyed `<system>:<id>`."""
    zone = ZoneInfo(settings.timezone)
    deals = []
    if "salesforce" in settings.deal_sources:
        deals.extend(_salesforce_deals(root, zone))
    if "hubspot" in settings.deal_sources:
        deals.extend(_hubspot_deals(root, zone, settings))
    return deals


def _salesforce_deals(root: Path, zone: ZoneInfo) -> list[Deal]:
    deals = []
    for deal in _lines(root / "salesforce" / "Opportunity.jsonl"):
        if deal["IsDeleted"]:
            continue
        closed = (deal["IsClosed"] or deal["IsWon"]) and deal.get("CloseDate")
        deals.append(Deal(
            key=f"salesforce:{deal['Id']}",
            created_on=_instant(deal["CreatedDate"]).astimezone(zone).date(),
            outcome=("won_deals" if deal["IsWon"] else "lost_deals") if closed else None,
            closed_on=date.fromisoformat(deal["CloseDate"]) if closed else None,
            amount=_amount(deal.get("Amount")),
        ))
    return deals


def _hubspot_deals(root: Path, zone: ZoneInfo, settings: ContractSettings) -> list[Deal]:
    outcomes = _won_or_lost_stages(root)
    deals = []
    for deal in _lines(root / "hubspot" / "deals.jsonl"):
        properties = deal["properties"]
        if deal.get("archived") or not _hubspot_deal_in_scope(properties, settings):
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


def deal_events(root: Path, settings: ContractSettings) -> list[tuple[date, str, Decimal]]:
    """(local date, column, won amount) for every deal created, won or lost."""
    events = []
    for deal in deals_in_scope(root, settings):
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


def funnel_weekly(root: str | Path, settings: ContractSettings) -> dict[date, dict]:
    """week_start -> the funnel_weekly columns, for every week the contract reports."""
    root = Path(root)
    zone = ZoneInfo(settings.timezone)
    dated: list[tuple[date, str, Decimal]] = []
    for person in person_entries(root, settings):
        for column, entered in (("new_leads", person.lead), ("mqls", person.mql), ("sqls", person.sql)):
            if entered is not None:
                dated.append((entered.astimezone(zone).date(), column, Decimal(0)))
    dated.extend(deal_events(root, settings))
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
