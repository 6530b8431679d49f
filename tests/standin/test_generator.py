"""The fixture generator: determinism, calibration, edge cases present in fixtures/demo, and evolve()."""

from __future__ import annotations

import json
import re
import statistics
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from standin.generator import generate
from standin.generator.__main__ import main as generator_cli
from standin.generator.evolve import evolve
from standin.generator.evolve import main as evolve_cli
from standin.generator.evolve_state import REMOVED_KINDS
from tests.support import REPO

DEMO = REPO / "fixtures" / "demo"
DATASET_FILES = (
    "manifest.json", "hubspot/contacts.jsonl", "hubspot/deals.jsonl", "hubspot/pipelines_deals.json",
    "hubspot/owners.jsonl", "salesforce/Lead.jsonl", "salesforce/LeadHistory.jsonl",
    "salesforce/Opportunity.jsonl", "salesforce/OpportunityHistory.jsonl", "salesforce/User.jsonl",
    "salesforce/Contact.jsonl", "salesforce/OpportunityContactRole.jsonl",
)
TOKYO = ZoneInfo("Asia/Tokyo")
HUBSPOT_RANK = {"subscriber": 0, "lead": 1, "105623845": 1, "marketingqualifiedlead": 2,
                "salesqualifiedlead": 3, "opportunity": 4, "customer": 5}
MQL_STATUS, SQL_STATUS, WORKING = "Marketing Qualified", "Sales Qualified", "Working - Contacted"


def read_jsonl(root: Path, relative: str) -> list[dict]:
    return [json.loads(line) for line in (root / relative).read_text(encoding="utf-8").splitlines()]


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|\+0000)")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))


def oldest_first(contact: dict) -> list[dict]:
    return list(reversed(contact["propertiesWithHistory"]["lifecyclestage"]))


def stage_props(contact: dict, kind: str) -> dict[str, str]:
    """Non-null stage dates of one kind: 'v2' (hs_v2_date_entered_*) or 'legacy' (hs_lifecyclestage_*_date)."""
    found = {}
    for name, value in contact["properties"].items():
        if value is None:
            continue
        if kind == "v2" and name.startswith("hs_v2_date_entered_"):
            found[name.removeprefix("hs_v2_date_entered_")] = value
        elif kind == "legacy" and name.startswith("hs_lifecyclestage_") and name.endswith("_date"):
            found[name.removeprefix("hs_lifecyclestage_").removesuffix("_date")] = value
    return found


def status_history(root: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for row in read_jsonl(root, "salesforce/LeadHistory.jsonl"):
        rows.setdefault(row["LeadId"], []).append(row)
    return rows


@pytest.fixture(scope="module")
def demo() -> Path:
    assert (DEMO / "manifest.json").is_file(), "fixtures/demo is missing: run the generator (see fixtures/README.md)"
    return DEMO


# --- determinism and provenance ---------------------------------------------------------------------------


def test_same_arguments_give_the_same_bytes_and_another_seed_differs(tmp_path):
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generator_cli(["--seed", str(seed), "--persons", "400", "--weeks", "20", "--out", str(tmp_path / name)])
    for relative in DATASET_FILES:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative
    assert (tmp_path / "a" / "hubspot/contacts.jsonl").read_bytes() != (
        tmp_path / "c" / "hubspot/contacts.jsonl").read_bytes()
    assert (tmp_path / "a" / "salesforce/Lead.jsonl").read_bytes() != (
        tmp_path / "c" / "salesforce/Lead.jsonl").read_bytes()


def test_demo_is_exactly_what_the_generator_makes_from_its_manifest(demo, tmp_path):
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    arguments = manifest["generator"]
    generate(tmp_path, seed=arguments["seed"], persons=arguments["persons"], weeks=arguments["weeks"],
             recorded_at=manifest["recorded_at"])
    demo_files = sorted(str(path.relative_to(demo)) for path in demo.rglob("*") if path.is_file())
    assert demo_files == sorted(DATASET_FILES)
    for relative in DATASET_FILES:
        assert (demo / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative


def test_demo_is_small_sorted_by_id_and_written_compactly(demo):
    assert sum(path.stat().st_size for path in demo.rglob("*") if path.is_file()) < 15_000_000
    for relative in DATASET_FILES:
        if not relative.endswith(".jsonl"):
            continue
        lines = (demo / relative).read_text(encoding="utf-8").splitlines()
        ids = [json.loads(line).get("id", json.loads(line).get("Id")) for line in lines]
        key = int if relative.startswith("hubspot/") else str
        assert ids == sorted(ids, key=key), relative
        assert len(set(ids)) == len(ids), relative
        assert all(": " not in line[:30] and "\\u" not in line for line in lines[:50]), relative
    assert (demo / "hubspot/contacts.jsonl").read_bytes().endswith(b"}\n")


def test_bad_arguments_name_the_option(tmp_path, capsys):
    with pytest.raises(SystemExit):
        generator_cli(["--seed", "1", "--persons", "0", "--out", str(tmp_path)])
    assert "--persons must be at least 1, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        generator_cli(["--seed", "1", "--persons", "5", "--recorded-at", "2025-11-17 10:00", "--out", str(tmp_path)])
    assert "--recorded-at must be an ISO-8601 time with a zone" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()


# --- calibration --------------------------------------------------------------------------------------------


def funnel_counts(root: Path) -> dict[str, int]:
    """Persons reaching MQL, SQL and opportunity (or any later stage), counted in each CRM's own records."""
    counts = {"mql": 0, "sql": 0, "opportunity": 0}
    for contact in read_jsonl(root, "hubspot/contacts.jsonl"):
        stages = {entry["value"] for entry in contact["propertiesWithHistory"]["lifecyclestage"]}
        stages |= set(stage_props(contact, "v2")) | set(stage_props(contact, "legacy"))
        rank = max((HUBSPOT_RANK.get(stage, 0) for stage in stages), default=0)
        counts["mql"] += rank >= 2
        counts["sql"] += rank >= 3
        counts["opportunity"] += rank >= 4
    history = status_history(root)
    for lead in read_jsonl(root, "salesforce/Lead.jsonl"):
        statuses = {lead["Status"]} | {row["NewValue"] for row in history.get(lead["Id"], [])}
        statuses |= {row["OldValue"] for row in history.get(lead["Id"], [])}
        converted = lead["IsConverted"]
        counts["mql"] += converted or bool(statuses & {MQL_STATUS, SQL_STATUS})
        counts["sql"] += converted or SQL_STATUS in statuses
        counts["opportunity"] += converted
    return counts


def closed_deals(root: Path) -> tuple[int, int]:
    """(won, closed) over Salesforce opportunities and the HubSpot deals that do not mirror one."""
    won = closed = 0
    for opportunity in read_jsonl(root, "salesforce/Opportunity.jsonl"):
        closed += opportunity["IsClosed"]
        won += opportunity["IsWon"]
    for deal in read_jsonl(root, "hubspot/deals.jsonl"):
        if deal["properties"]["hs_salesforceopportunityid"] is None:
            closed += deal["properties"]["hs_is_closed"] == "true"
            won += deal["properties"]["hs_is_closed_won"] == "true"
    return won, closed


@pytest.fixture(scope="module")
def large_dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("large")
    generate(root, seed=2024, persons=20_000)
    return root


@pytest.mark.slow  # generates 20,000 persons
def test_lead_mix_matches_the_calibration(large_dataset):
    for relative, field in (("hubspot/contacts.jsonl", None), ("salesforce/Lead.jsonl", "Lead_Intent__c")):
        records = read_jsonl(large_dataset, relative)
        intents = [record[field] if field else record["properties"]["lead_intent"] for record in records]
        share = {intent: 100 * intents.count(intent) / len(intents) for intent in set(intents)}
        assert abs(share["ready_to_buy"] - 10) <= 3, (relative, share)
        assert abs(share["researching"] - 65) <= 5, (relative, share)
        assert abs(share["archive"] - 25) <= 5, (relative, share)


@pytest.mark.slow  # generates 20,000 persons
def test_archive_leads_never_qualify(large_dataset):
    for contact in read_jsonl(large_dataset, "hubspot/contacts.jsonl"):
        if contact["properties"]["lead_intent"] == "archive":
            values = {entry["value"] for entry in contact["propertiesWithHistory"]["lifecyclestage"]}
            assert values <= {"subscriber", "lead", "other"}, contact["id"]
    history = status_history(large_dataset)
    for lead in read_jsonl(large_dataset, "salesforce/Lead.jsonl"):
        if lead["Lead_Intent__c"] == "archive":
            statuses = {lead["Status"]} | {row["NewValue"] for row in history[lead["Id"]]}
            assert not statuses & {MQL_STATUS, SQL_STATUS} and not lead["IsConverted"], lead["Id"]


def assert_funnel_rates_calibrated(root: Path) -> None:
    """The guides' ranges: MQL→SQL 20–30%, SQL→opportunity 10–20%, win rate about 20% (15–25%)."""
    counts = funnel_counts(root)
    assert 20 <= 100 * counts["sql"] / counts["mql"] <= 30, counts
    assert 10 <= 100 * counts["opportunity"] / counts["sql"] <= 20, counts
    won, closed = closed_deals(root)
    assert 15 <= 100 * won / closed <= 25, (won, closed)


@pytest.mark.slow  # generates 20,000 persons
def test_funnel_rates_match_the_calibration(large_dataset):
    assert_funnel_rates_calibrated(large_dataset)


def test_the_demo_dataset_itself_is_calibrated(demo):
    assert_funnel_rates_calibrated(demo)


@pytest.mark.slow  # generates 20,000 persons
def test_no_timestamp_lies_after_the_recording(large_dataset):
    recorded_at = parse_time(json.loads((large_dataset / "manifest.json").read_text())["recorded_at"])
    late = [
        (relative, text)
        for relative in ("hubspot/contacts.jsonl", "hubspot/deals.jsonl", "salesforce/Lead.jsonl",
                         "salesforce/LeadHistory.jsonl", "salesforce/Opportunity.jsonl",
                         "salesforce/OpportunityHistory.jsonl")
        for line in (large_dataset / relative).read_text(encoding="utf-8").splitlines()
        for text in TIMESTAMP.findall(line)
        if parse_time(text) > recorded_at
    ]
    assert late == []


@pytest.mark.slow  # generates 20,000 persons
def test_ready_to_buy_converts_to_sql_far_more_often_than_researching(large_dataset):
    reached: dict[str, list[int]] = {"ready_to_buy": [0, 0], "researching": [0, 0]}
    for contact in read_jsonl(large_dataset, "hubspot/contacts.jsonl"):
        intent = contact["properties"]["lead_intent"]
        if intent == "archive":
            continue
        stages = {entry["value"] for entry in contact["propertiesWithHistory"]["lifecyclestage"]}
        stages |= set(stage_props(contact, "v2")) | set(stage_props(contact, "legacy"))
        rank = max(HUBSPOT_RANK.get(stage, 0) for stage in stages)
        reached[intent][0] += rank >= 2
        reached[intent][1] += rank >= 3
    ready, researching = (sql / mql for mql, sql in reached.values())
    assert ready > 2 * researching, reached


@pytest.mark.slow  # generates 20,000 persons
def test_some_opportunities_are_still_open_and_amounts_are_realistic_jpy(large_dataset):
    opportunities = read_jsonl(large_dataset, "salesforce/Opportunity.jsonl")
    assert sum(not opportunity["IsClosed"] for opportunity in opportunities) >= 10
    deals = read_jsonl(large_dataset, "hubspot/deals.jsonl")
    amounts = [opportunity["Amount"] for opportunity in opportunities if opportunity["Amount"] is not None]
    amounts += [float(deal["properties"]["amount"]) for deal in deals if deal["properties"]["amount"] is not None]
    assert min(amounts) >= 300_000 and max(amounts) <= 5_000_000
    assert 800_000 <= statistics.mean(amounts) <= 1_200_000
    assert any(opportunity["Amount"] is None for opportunity in opportunities)
    assert {deal["properties"]["pipeline"] for deal in deals} == {"default", "2849331"}


@pytest.mark.slow  # generates 20,000 persons
def test_persons_split_between_the_crms_with_differently_spelled_emails(large_dataset):
    contacts = read_jsonl(large_dataset, "hubspot/contacts.jsonl")
    leads = {lead["Id"]: lead for lead in read_jsonl(large_dataset, "salesforce/Lead.jsonl")}
    linked = [contact for contact in contacts if contact["properties"]["salesforceleadid"]]
    assert 0.25 <= len(linked) / len(contacts) <= 0.38  # both / (hubspot-only + both) = 25 / 80
    compared = 0
    for contact in linked:
        hubspot_email = contact["properties"]["email"]
        salesforce_email = leads[contact["properties"]["salesforceleadid"]]["Email"]
        if hubspot_email:
            assert hubspot_email != salesforce_email, contact["id"]
            assert hubspot_email.strip().lower() == salesforce_email.strip().lower(), contact["id"]
            compared += 1
    assert compared > 0.9 * len(linked)


# --- edge cases present in fixtures/demo --------------------------------------------------------------------


def test_demo_has_hubspot_stage_skips_and_regressions(demo):
    skips = {"salesqualifiedlead": 0, "opportunity": 0}
    regressions = {"salesqualifiedlead": 0, "opportunity": 0, "customer": 0}
    for contact in read_jsonl(demo, "hubspot/contacts.jsonl"):
        values = [entry["value"] for entry in oldest_first(contact)]
        for before, after in zip(values, values[1:], strict=False):
            if before == "lead" and after in skips:
                skips[after] += 1
        for position, value in enumerate(values[1:-1], start=1):
            if value == "" and values[position + 1] == "lead" and values[position - 1] in regressions:
                regressions[values[position - 1]] += 1
    assert all(count >= 2 for count in skips.values()), skips
    assert all(count >= 2 for count in regressions.values()), regressions


def test_demo_has_salesforce_stage_skips_and_regressions(demo):
    history = status_history(demo)
    born = {MQL_STATUS: 0, SQL_STATUS: 0}
    converted_without_sql = back_to_working = 0
    for lead in read_jsonl(demo, "salesforce/Lead.jsonl"):
        rows = history[lead["Id"]]
        status_rows = [row for row in rows if row["Field"] == "Status"]
        if lead["Status"] in born and not status_rows:
            born[lead["Status"]] += 1
        seen = {row["NewValue"] for row in status_rows} | {row["OldValue"] for row in status_rows}
        if lead["IsConverted"] and SQL_STATUS not in seen:
            converted_without_sql += 1
        back_to_working += any(
            row["OldValue"] in (MQL_STATUS, SQL_STATUS) and row["NewValue"] == WORKING for row in status_rows)
        assert rows[0]["Field"] == "created" and rows[0]["OldValue"] is None, lead["Id"]
    assert all(count >= 2 for count in born.values()), born
    assert converted_without_sql >= 2
    assert back_to_working >= 2


def test_demo_has_archived_hubspot_records(demo):
    for relative in ("hubspot/contacts.jsonl", "hubspot/deals.jsonl"):
        archived = [record for record in read_jsonl(demo, relative) if record["archived"]]
        assert len(archived) >= 2, relative
        assert all(record["archivedAt"] == record["updatedAt"] for record in archived), relative


def test_demo_has_deleted_salesforce_records_with_their_history(demo):
    history = status_history(demo)
    deleted_leads = [lead for lead in read_jsonl(demo, "salesforce/Lead.jsonl") if lead["IsDeleted"]]
    assert len(deleted_leads) >= 2
    for lead in deleted_leads:
        assert lead["SystemModstamp"] == lead["LastModifiedDate"]
        assert all(row["IsDeleted"] for row in history[lead["Id"]]), lead["Id"]
    deleted_opportunities = {
        opportunity["Id"] for opportunity in read_jsonl(demo, "salesforce/Opportunity.jsonl")
        if opportunity["IsDeleted"]}
    assert len(deleted_opportunities) >= 2
    for row in read_jsonl(demo, "salesforce/OpportunityHistory.jsonl"):
        assert row["IsDeleted"] == (row["OpportunityId"] in deleted_opportunities), row["Id"]


def week_boundary_side(text: str | None) -> str | None:
    if not text:
        return None
    local = parse_time(text).astimezone(TOKYO)
    if (local.weekday(), local.hour, local.minute) == (6, 23, 30):
        return "sunday"
    if (local.weekday(), local.hour, local.minute) == (0, 0, 30):
        return "monday"
    return None


def test_demo_has_events_on_both_sides_of_the_tokyo_week_boundary(demo):
    contacts = read_jsonl(demo, "hubspot/contacts.jsonl")
    deals = read_jsonl(demo, "hubspot/deals.jsonl")
    opportunity_rows = read_jsonl(demo, "salesforce/OpportunityHistory.jsonl")
    events = {
        "creation": [contact["properties"]["createdate"] for contact in contacts]
        + [lead["CreatedDate"] for lead in read_jsonl(demo, "salesforce/Lead.jsonl")],
        "stage entry": [entry["timestamp"] for contact in contacts for entry in oldest_first(contact)[1:]],
        "deal creation": [deal["properties"]["createdate"] for deal in deals]
        + [opportunity["CreatedDate"] for opportunity in read_jsonl(demo, "salesforce/Opportunity.jsonl")],
        "close": [deal["properties"]["closedate"] for deal in deals]
        + [row["CreatedDate"] for row in opportunity_rows if row["StageName"].startswith("Closed")],
    }
    for kind, times in events.items():
        sides = [week_boundary_side(time) for time in times]
        assert sides.count("sunday") >= 1 and sides.count("monday") >= 1, kind
        assert sides.count("sunday") + sides.count("monday") >= 3, kind


def test_demo_has_every_kind_of_lifecycle_date_source(demo):
    kinds = {"all agree": 0, "v2 only": 0, "legacy only": 0, "history only": 0, "minutes apart": 0}
    contacts = read_jsonl(demo, "hubspot/contacts.jsonl")
    for contact in contacts:
        v2, legacy, history = stage_props(contact, "v2"), stage_props(contact, "legacy"), oldest_first(contact)
        imported_only = len(history) == 1 and history[0]["sourceType"] == "IMPORT"
        if v2 and not legacy and imported_only:
            kinds["v2 only"] += 1
        elif legacy and not v2 and imported_only:
            kinds["legacy only"] += 1
        elif not v2 and not legacy:
            kinds["history only"] += 1
        else:
            first_entry = {}
            for entry in history:
                first_entry.setdefault(entry["value"], entry["timestamp"])
            sources = [{v2.get(stage), legacy.get(stage), first_entry.get(stage)} - {None} for stage in legacy]
            if all(len(times) == 1 for times in sources):
                kinds["all agree"] += 1
            elif any(0 < abs((parse_time(max(times)) - parse_time(min(times))).total_seconds()) <= 20 * 60
                     for times in sources):
                kinds["minutes apart"] += 1
    assert all(count >= 5 for count in kinds.values()), kinds
    assert kinds["all agree"] > 0.6 * len(contacts), kinds
    assert any("hs_v2_date_entered_105623845" in contact["properties"]
               and contact["properties"]["hs_v2_date_entered_105623845"] for contact in contacts)


def test_demo_has_japanese_names_duplicates_and_missing_emails(demo):
    contacts = read_jsonl(demo, "hubspot/contacts.jsonl")
    leads = read_jsonl(demo, "salesforce/Lead.jsonl")
    assert all(contact["properties"]["lastname"] and not contact["properties"]["lastname"].isascii()
               for contact in contacts)
    companies = [contact["properties"]["company"] or "" for contact in contacts]
    assert any(company.startswith("株式会社") or company.endswith("株式会社") for company in companies)
    assert any(company.startswith("合同会社") for company in companies)
    assert sum(not contact["properties"]["email"] for contact in contacts) >= 5
    assert sum(not lead["Email"] for lead in leads) >= 5
    normalized = [lead["Email"].strip().lower() for lead in leads if lead["Email"]]
    assert len(normalized) - len(set(normalized)) >= 5  # duplicate leads of one person
    assert any(deal["properties"]["hs_salesforceopportunityid"] for deal in read_jsonl(demo, "hubspot/deals.jsonl"))


# --- evolve -------------------------------------------------------------------------------------------------


def records_by_id(root: Path, relative: str) -> dict[str, str]:
    lines = (root / relative).read_text(encoding="utf-8").splitlines(keepends=True)
    return {json.loads(line).get("id", json.loads(line).get("Id")): line for line in lines}


@pytest.fixture(scope="module")
def evolved(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("evolve")
    generate(root / "week0", seed=5, persons=1500)
    summary = evolve(root / "week0", root / "week1", seed=9)
    return root / "week0", root / "week1", summary


def test_evolve_moves_recorded_at_and_keeps_the_static_files(evolved):
    before, after, _ = evolved
    assert json.loads((after / "manifest.json").read_text())["recorded_at"] == "2025-11-24T01:00:00Z"
    for relative in ("hubspot/pipelines_deals.json", "hubspot/owners.jsonl", "salesforce/User.jsonl"):
        assert (before / relative).read_bytes() == (after / relative).read_bytes()


OBJECT_FILES = {
    "contacts": "hubspot/contacts.jsonl", "deals": "hubspot/deals.jsonl", "Lead": "salesforce/Lead.jsonl",
    "LeadHistory": "salesforce/LeadHistory.jsonl", "Opportunity": "salesforce/Opportunity.jsonl",
    "OpportunityHistory": "salesforce/OpportunityHistory.jsonl", "Contact": "salesforce/Contact.jsonl",
    "OpportunityContactRole": "salesforce/OpportunityContactRole.jsonl",
}
NEVER_EDITED = {"Contact", "OpportunityContactRole"}  # evolve adds and purges them, changes none


def test_evolve_changes_exactly_the_reported_records(evolved):
    before, after, summary = evolved
    assert set(summary) == set(OBJECT_FILES)
    for object_name, relative in OBJECT_FILES.items():
        old, new = records_by_id(before, relative), records_by_id(after, relative)
        report = summary[object_name]
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        changed = sorted(record_id for record_id in old if record_id in new and new[record_id] != old[record_id])
        reported_removals = {record_id for kind in REMOVED_KINDS for record_id in report.get(kind, [])}
        reported_changes = sorted({*report.get("modified", []), *report.get("archived", []),
                                   *report.get("associated", []), *report.get("deleted", [])} - reported_removals)
        assert removed == sorted(reported_removals), object_name
        assert added == sorted(report["added"]), object_name
        assert changed == reported_changes, object_name
        assert report["added"] and (reported_changes or object_name in NEVER_EDITED), object_name


def test_evolve_places_changes_in_the_new_window_and_new_ids_above_old_ones(evolved):
    before, after, summary = evolved
    window_start, window_end = parse_time("2025-11-17T01:00:00Z"), parse_time("2025-11-24T01:00:00Z")
    contacts = {contact["id"]: contact for contact in read_jsonl(after, "hubspot/contacts.jsonl")}
    old_max = max(int(contact_id) for contact_id in records_by_id(before, "hubspot/contacts.jsonl"))
    assert min(int(contact_id) for contact_id in summary["contacts"]["added"]) == old_max + 1
    for contact_id in summary["contacts"]["added"]:
        assert window_start <= parse_time(contacts[contact_id]["createdAt"]) < window_end
    for contact_id in summary["contacts"]["modified"]:
        modified = parse_time(contacts[contact_id]["properties"]["lastmodifieddate"])
        assert window_start <= modified < window_end, contact_id
    for contact_id in summary["contacts"]["archived"]:
        assert contacts[contact_id]["archived"] is True
        assert window_start <= parse_time(contacts[contact_id]["archivedAt"]) < window_end
    leads = {lead["Id"]: lead for lead in read_jsonl(after, "salesforce/Lead.jsonl")}
    old_leads = records_by_id(before, "salesforce/Lead.jsonl")
    assert min(summary["Lead"]["added"]) > max(old_leads)
    for lead_id in summary["Lead"]["deleted"]:
        assert leads[lead_id]["IsDeleted"] is True
        assert window_start <= parse_time(leads[lead_id]["SystemModstamp"]) < window_end
    for lead_id in summary["Lead"]["modified"]:
        assert window_start <= parse_time(leads[lead_id]["LastModifiedDate"]) < window_end
    deleted_history = {row["Id"] for row in read_jsonl(after, "salesforce/LeadHistory.jsonl")
                       if row["LeadId"] in summary["Lead"]["deleted"]}
    assert deleted_history == set(summary["LeadHistory"]["deleted"])


def test_evolve_is_deterministic(evolved, tmp_path):
    before, after, summary = evolved
    again = evolve(before, tmp_path, seed=9)
    assert again == summary
    for relative in DATASET_FILES:
        assert (after / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative


def test_evolve_cli_prints_the_summary_and_refuses_to_overwrite_its_source(evolved, tmp_path, capsys):
    before, _, summary = evolved
    evolve_cli(["--from", str(before), "--out", str(tmp_path / "next"), "--seed", "9"])
    assert json.loads(capsys.readouterr().out) == summary
    with pytest.raises(SystemExit):
        evolve_cli(["--from", str(before), "--out", str(before), "--seed", "9"])
    assert "--out must differ from --from" in capsys.readouterr().err


# --- merges and deletions that leave no trace --------------------------------------------------------------

FUNNEL = ("subscriber", "lead", "105623845", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
          "customer", "other")


def merged_list(contact: dict) -> list[str]:
    return [part for part in (contact["properties"].get("hs_merged_object_ids") or "").split(";") if part]


def direct_merges(contact: dict) -> dict[str, int]:
    """hs_calculated_merged_vids: merged id -> merge time (epoch ms)."""
    value = contact["properties"].get("hs_calculated_merged_vids") or ""
    return {part.split(":")[0]: int(part.split(":")[1]) for part in value.split(";") if part}


def test_generator_writes_survivors_of_past_merges_of_both_kinds(evolved):
    before, _, _ = evolved
    contacts = {contact["id"]: contact for contact in read_jsonl(before, "hubspot/contacts.jsonl")}
    survivors = [contact for contact in contacts.values() if merged_list(contact)]
    classic = [c for c in survivors if len(merged_list(c)) == 1]
    new_records = [c for c in survivors if len(merged_list(c)) > 1 and int(max(merged_list(c), key=int)) < int(c["id"])]
    assert len(classic) >= 2 and len(new_records) >= 2
    for survivor in survivors:
        assert not set(merged_list(survivor)) & set(contacts), survivor["id"]
        assert set(direct_merges(survivor)) <= set(merged_list(survivor)), survivor["id"]
    # a chain the older property misses: an id merged into an original before the new record was made
    assert all(len(direct_merges(survivor)) == 2 for survivor in new_records)


def test_evolve_merges_contacts_both_ways_in_chains_by_hubspots_rules(evolved):
    before, after, summary = evolved
    old = {contact["id"]: contact for contact in read_jsonl(before, "hubspot/contacts.jsonl")}
    new = {contact["id"]: contact for contact in read_jsonl(after, "hubspot/contacts.jsonl")}
    merged = set(summary["contacts"]["merged"])
    assert merged and not merged & set(new)
    listed = {merged_id: survivor for survivor in new.values() for merged_id in merged_list(survivor)}
    assert merged <= set(listed)
    merged_now = [s for s in new.values() if set(direct_merges(s)) & merged]
    classic = [s for s in merged_now if s["id"] in summary["contacts"]["modified"]]
    new_records = [s for s in merged_now if s["id"] in summary["contacts"]["added"]]
    assert classic and new_records and len(classic) + len(new_records) == len(merged_now)
    window_start, window_end = parse_time("2025-11-17T01:00:00Z"), parse_time("2025-11-24T01:00:00Z")
    emails_differ = False
    for survivor in merged_now:
        originals = [old[i] for i in [*direct_merges(survivor), survivor["id"]] if i in old]
        merged_at = max(direct_merges(survivor).values())
        assert parse_time(survivor["properties"]["lastmodifieddate"]).timestamp() * 1000 == merged_at
        assert window_start <= parse_time(survivor["updatedAt"]) < window_end
        if survivor in new_records:
            assert survivor["properties"]["createdate"] == survivor["createdAt"] == survivor["updatedAt"]
        assert survivor["properties"]["email"] in {o["properties"]["email"] for o in originals}
        emails_differ |= len({o["properties"]["email"] for o in originals}) > 1
        stages = [o["properties"]["lifecyclestage"] for o in originals if o["properties"]["lifecyclestage"]]
        earlier = {i for o in originals for i in merged_list(o)}
        if not (set(merged_list(survivor)) - set(direct_merges(survivor)) - earlier):  # no chain made this week
            assert survivor["properties"]["lifecyclestage"] == max(stages, key=FUNNEL.index)
            history = [entry for o in originals for entry in o["propertiesWithHistory"]["lifecyclestage"]]
            assert survivor["propertiesWithHistory"]["lifecyclestage"] == sorted(
                history, key=lambda entry: entry["timestamp"], reverse=True)
        assert set(merged_list(survivor)) >= earlier
    assert emails_differ
    # chains: within the week (an id the new survivor lists but did not merge directly, merged this week)
    # and across runs (a survivor of an earlier merge merged away now)
    assert any(set(merged_list(s)) - set(direct_merges(s)) & merged for s in new_records)
    assert any(merged_list(old[merged_id]) for merged_id in merged)


def test_evolve_moves_the_deals_of_merged_contacts_without_touching_their_dates(evolved):
    before, after, summary = evolved
    old_deals = {deal["id"]: deal for deal in read_jsonl(before, "hubspot/deals.jsonl")}
    gone = set(summary["contacts"]["merged"]) | set(summary["contacts"]["gdpr_deleted"])
    moved = 0
    for deal in read_jsonl(after, "hubspot/deals.jsonl"):
        links = {link["id"] for link in deal["associations"]["contacts"]["results"]}
        assert not links & gone, deal["id"]
        previous = old_deals.get(deal["id"])
        if previous is not None and {link["id"] for link in previous["associations"]["contacts"]["results"]} & gone:
            moved += 1
            assert deal["properties"]["hs_lastmodifieddate"] == previous["properties"]["hs_lastmodifieddate"]
            assert deal["updatedAt"] == previous["updatedAt"]
    assert moved >= 1


def test_evolve_deletes_contacts_and_deals_without_a_trace(evolved):
    before, after, summary = evolved
    for object_name, relative in (("contacts", "hubspot/contacts.jsonl"), ("deals", "hubspot/deals.jsonl")):
        deleted = set(summary[object_name]["gdpr_deleted"])
        assert deleted and deleted <= set(records_by_id(before, relative)), object_name
        assert not deleted & set(records_by_id(after, relative)), object_name
