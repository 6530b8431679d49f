"""evolve(restate_week=...): changes made in the evolve window that rewrite a past week, recorded as the services
record them, on top of the usual random evolution (which leaves the chosen records alone)."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from standin.generator import generate
from standin.generator.evolve import evolve
from standin.generator.evolve import main as evolve_cli
from standin.generator.evolve_restatement import RestatedWeek
from standin.generator.evolve_state import CHANGING_OBJECTS, REMOVED_KINDS
from standin.generator.formats import parse_epoch
from standin.generator.hubspot_merges import merge_contacts
from standin.generator.output import OBJECT_FILES

WEEK = date(2025, 9, 29)  # the data spans 2025-09-08 .. 2025-11-17 (recorded_at)
WEEK_START, WEEK_END = "2025-09-28T15:00:00", "2025-10-05T15:00:00"  # Monday 00:00 Asia/Tokyo, in UTC
WINDOW_START, WINDOW_END = "2025-11-17T01:00:00", "2025-11-24T01:00:00"
WEDNESDAY = "2025-10-01"
SEED = 8  # its merge moves a deal of the merged-away contact


def lines_by_id(root: Path, object_name: str) -> dict[str, str]:
    lines = (root / OBJECT_FILES[object_name]).read_text(encoding="utf-8").splitlines()
    return {(record := json.loads(line)).get("id", record.get("Id")): line for line in lines}


def records(root: Path, object_name: str) -> dict[str, dict]:
    return {record_id: json.loads(line) for record_id, line in lines_by_id(root, object_name).items()}


def utc(stamp: str) -> str:
    """A HubSpot or Salesforce timestamp as comparable text 'YYYY-MM-DDThh:mm:ss' (both are UTC)."""
    return stamp[:19]


def email(value: str | None) -> str:
    return (value or "").strip().lower()


def linked_contacts(deal: dict) -> list[str]:
    return [link["id"] for link in deal["associations"]["contacts"]["results"]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, Path, dict, dict]:
    """(source, evolved without the option, evolved with it, their summaries), one seed."""
    root = tmp_path_factory.mktemp("restate")
    generate(root / "source", seed=3, persons=500, weeks=10)
    plain = evolve(root / "source", root / "plain", seed=SEED)
    restated = evolve(root / "source", root / "restated", seed=SEED, restate_week=WEEK)
    return root / "source", root / "plain", root / "restated", plain, restated


def test_an_open_opportunity_is_closed_won_on_the_wednesday_by_a_change_in_the_window(runs):
    source, _, after, _, summary = runs
    opportunity_id = summary["restated_week"]["closed_won_opportunity"]
    old, new = records(source, "Opportunity")[opportunity_id], records(after, "Opportunity")[opportunity_id]
    mirrored = {deal["properties"]["hs_salesforceopportunityid"] for deal in records(source, "deals").values()}
    assert not old["IsClosed"] and not old["IsDeleted"] and opportunity_id not in mirrored
    stamp = new["LastModifiedDate"]
    assert WINDOW_START < utc(stamp) < WINDOW_END and utc(old["LastModifiedDate"]) <= WINDOW_START
    assert new == {**old, "StageName": "Closed Won", "IsClosed": True, "IsWon": True, "Probability": 100.0,
                   "ForecastCategory": "Closed", "CloseDate": WEDNESDAY, "LastModifiedDate": stamp,
                   "SystemModstamp": stamp}
    new_rows = [row for row in records(after, "OpportunityHistory").values()
                if row["OpportunityId"] == opportunity_id and row["Id"] in summary["OpportunityHistory"]["added"]]
    history_id = new_rows[0]["Id"]
    assert new_rows == [{
        "attributes": {"type": "OpportunityHistory",
                       "url": f"/services/data/v59.0/sobjects/OpportunityHistory/{history_id}"},
        "Id": history_id, "IsDeleted": False, "OpportunityId": opportunity_id, "CreatedById": old["OwnerId"],
        "CreatedDate": stamp, "StageName": "Closed Won", "Amount": old["Amount"], "ExpectedRevenue": old["Amount"],
        "CloseDate": WEDNESDAY, "Probability": 100.0, "ForecastCategory": "Closed", "SystemModstamp": stamp}]
    assert history_id > max(lines_by_id(source, "OpportunityHistory"))


def test_two_sole_records_of_the_week_are_merged_and_a_third_is_deleted_without_a_trace(runs):
    source, _, after, _, summary = runs
    restated = summary["restated_week"]
    survivor_id, merged_id = restated["merged"]["survivor"], restated["merged"]["merged_away"]
    deleted_id = restated["deleted_contact"]
    old, new = records(source, "contacts"), records(after, "contacts")
    emails = [email(c["properties"]["email"]) for c in old.values()]
    emails += [email(r["Email"]) for name in ("Lead", "Contact") for r in records(source, name).values()]
    for contact_id in (survivor_id, merged_id, deleted_id):
        contact, properties = old[contact_id], old[contact_id]["properties"]
        assert WEEK_START <= utc(properties["createdate"]) < WEEK_END, contact_id
        assert emails.count(email(properties["email"])) == 1 and email(properties["email"]), contact_id
        assert not properties["salesforceleadid"] and not properties["salesforcecontactid"], contact_id
        assert not contact["archived"] and not properties.get("hs_merged_object_ids"), contact_id
    assert len({email(old[i]["properties"]["email"]) for i in (survivor_id, merged_id)}) == 2
    assert merged_id not in new and deleted_id not in new
    merged_at = int(new[survivor_id]["properties"]["hs_calculated_merged_vids"].split(":")[1]) // 1000
    expected, _ = merge_contacts(copy.deepcopy(old[survivor_id]), copy.deepcopy(old[merged_id]), merged_at)
    assert new[survivor_id] == expected and expected["properties"]["hs_merged_object_ids"] == merged_id
    assert old[survivor_id]["createdAt"] > old[merged_id]["createdAt"]  # the newer one is the primary
    assert WINDOW_START <= utc(new[survivor_id]["updatedAt"]) < WINDOW_END
    old_deals, new_deals = records(source, "deals"), records(after, "deals")
    assert not any(deleted_id in linked_contacts(deal) for deal in old_deals.values())
    assert not any({merged_id, deleted_id} & set(linked_contacts(deal)) for deal in new_deals.values())
    moved = [deal_id for deal_id, deal in old_deals.items() if merged_id in linked_contacts(deal)]
    assert moved and all(survivor_id in linked_contacts(new_deals[deal_id]) for deal_id in moved)
    assert set(moved) <= set(summary["deals"]["modified"])


def test_the_summary_and_the_manifest_name_the_restated_week(runs):
    *_, after, plain, summary = runs
    restated = summary["restated_week"]
    assert set(restated) == {"week_start", "closed_won_opportunity", "merged", "deleted_contact"}
    assert restated["week_start"] == "2025-09-29" and "restated_week" not in plain
    assert restated["closed_won_opportunity"] in summary["Opportunity"]["modified"]
    assert restated["merged"]["survivor"] in summary["contacts"]["modified"]
    assert restated["merged"]["merged_away"] in summary["contacts"]["merged"]
    assert restated["deleted_contact"] in summary["contacts"]["gdpr_deleted"]
    manifest = json.loads((after / "manifest.json").read_text())
    assert manifest["evolved"] == {"from": "2025-11-17T01:00:00Z", "seed": SEED, "days": 7,
                                   "restate_week": "2025-09-29"}


def test_restate_week_none_is_the_evolution_without_the_option(runs, tmp_path):
    source, plain, _, plain_summary, _ = runs
    assert evolve(source, tmp_path, seed=SEED, restate_week=None) == plain_summary
    files = sorted(path.relative_to(plain) for path in plain.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    for relative in files:
        assert (plain / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative
    assert "restate_week" not in json.loads((plain / "manifest.json").read_text())["evolved"]


def test_the_random_evolution_is_kept_and_leaves_the_chosen_records_alone(runs):
    source, _, after, _, summary = runs
    for object_name in CHANGING_OBJECTS:  # the new recording differs from the source exactly as reported
        old, new, report = lines_by_id(source, object_name), lines_by_id(after, object_name), summary[object_name]
        removals = {record_id for kind in REMOVED_KINDS for record_id in report.get(kind, [])}
        changes = {record_id for kind in ("modified", "archived", "associated", "deleted")
                   for record_id in report.get(kind, [])} - removals
        assert set(old) - set(new) == removals and set(new) - set(old) == set(report["added"]), object_name
        assert {i for i in old.keys() & new.keys() if old[i] != new[i]} == changes, object_name
        assert not removals & changes, object_name
    assert len(summary["contacts"]["merged"]) > 1 and len(summary["contacts"]["gdpr_deleted"]) > 1
    assert summary["contacts"]["added"] and summary["Lead"]["added"] and summary["deals"]["modified"]
    restated = summary["restated_week"]
    chosen = {"contacts": {restated["merged"]["survivor"]: "modified", restated["merged"]["merged_away"]: "merged",
                           restated["deleted_contact"]: "gdpr_deleted"},
              "Opportunity": {restated["closed_won_opportunity"]: "modified"}}
    for object_name, kinds in chosen.items():  # each only in the kind of its restated change
        for record_id, kind in kinds.items():
            assert [k for k, ids in summary[object_name].items() if record_id in ids] == [kind], record_id
    # nor touched through other records: no new contact role, no mirror deal
    opportunity_id = restated["closed_won_opportunity"]
    roles = records(after, "OpportunityContactRole")
    assert not [i for i in summary["OpportunityContactRole"]["added"] if roles[i]["OpportunityId"] == opportunity_id]
    assert not [deal for deal in records(after, "deals").values()
                if deal["properties"].get("hs_salesforceopportunityid") == opportunity_id]


def test_a_week_without_candidates_or_not_yet_over_is_refused_before_anything_is_written(runs, tmp_path):
    source = runs[0]
    refusals = {date(2025, 8, 4): "evolve --restate-week 2025-08-04: fewer than two HubSpot contacts created that "
                                  "week that are each the only record of their person, to merge",
                date(2025, 11, 17): "evolve --restate-week 2025-11-17: the week has not ended by the source's "
                                    "recorded_at",
                date(2025, 10, 21): "--restate-week must be a Monday, got 2025-10-21 (a Tuesday)"}
    for week, message in refusals.items():
        with pytest.raises(ValueError) as refused:
            evolve(source, tmp_path / "out", seed=SEED, restate_week=week)
        assert str(refused.value) == message
    closed = tmp_path / "all_closed"
    shutil.copytree(source, closed)
    opportunities = [json.loads(line) for line in (closed / OBJECT_FILES["Opportunity"]).read_text().splitlines()]
    (closed / OBJECT_FILES["Opportunity"]).write_text("".join(
        json.dumps({**record, "StageName": "Closed Lost", "IsClosed": True}) + "\n" for record in opportunities))
    with pytest.raises(ValueError) as refused:
        evolve(closed, tmp_path / "out", seed=SEED, restate_week=WEEK)
    assert str(refused.value) == ("evolve --restate-week 2025-09-29: no open Salesforce opportunity to close won "
                                  "in that week")
    assert not (tmp_path / "out").exists()


def test_the_cli_takes_the_week(runs, tmp_path, capsys):
    arguments = ["--from", str(runs[0]), "--seed", str(SEED), "--restate-week"]
    evolve_cli([*arguments, "2025-09-29", "--out", str(tmp_path / "next")])
    assert json.loads(capsys.readouterr().out) == runs[4]
    with pytest.raises(SystemExit):
        evolve_cli([*arguments, "20-10", "--out", str(tmp_path / "x")])
    assert "--restate-week: expected a date YYYY-MM-DD, got '20-10'" in capsys.readouterr().err


def test_the_week_runs_from_monday_to_monday_midnight_in_the_time_zone():
    later = parse_epoch("2026-01-01T00:00:00Z")
    tokyo = RestatedWeek.of(WEEK, "Asia/Tokyo", later)
    assert (tokyo.start, tokyo.end) == (parse_epoch(WEEK_START + "Z"), parse_epoch(WEEK_END + "Z"))
    new_york = RestatedWeek.of(date(2025, 10, 27), "America/New_York", later)  # daylight saving ends on the Sunday
    assert (new_york.start, new_york.end) == (parse_epoch("2025-10-27T04:00:00Z"), parse_epoch("2025-11-03T05:00:00Z"))
    with pytest.raises(ValueError, match="--timezone: unknown time zone 'Asia/Atlantis'"):
        RestatedWeek.of(WEEK, "Asia/Atlantis", later)
