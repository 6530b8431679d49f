"""The Salesforce connector against the fixture API: full load, incremental runs, boundary ties."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from connectors.raw_store import RawStore
from connectors.salesforce import STREAMS, sync_salesforce
from standin.api.server import FixtureAPI
from standin.generator.evolve import evolve
from tests.support.salesforce import (
    assert_raw_equals_dataset,
    cursor_field_of,
    last_cursor,
    read_records,
    settings_for,
    write_records,
)

PAGE = 2000


def sf_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def parse_sf(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def test_full_load_equals_the_dataset_with_the_minimum_of_calls(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        reports = sync_salesforce(settings_for(api), store)
        calls = api.calls("/services/")
    assert_raw_equals_dataset(store, generated_dataset)
    assert list(reports) == list(STREAMS)
    calls_so_far = 0
    for stream, sobject in STREAMS.items():
        records = read_records(generated_dataset, sobject)
        report = reports[stream]
        login = 1 if sobject == "Lead" else 0
        assert (report.mode, report.fetched, report.inserted, report.updated) == ("full", len(records),
                                                                                  len(records), 0)
        assert report.deleted == sum(record.get("IsDeleted", False) for record in records)  # User has none
        assert report.api_calls == login + 1 + math.ceil(len(records) / PAGE), stream  # + describe
        assert report.cursor_before is None
        assert report.cursor_after == store.read_cursor(stream) == last_cursor(generated_dataset, sobject)
        calls_so_far += report.api_calls
        assert report.api_budget_remaining == 15000 - (calls_so_far - 1)  # the login is not metered
    assert sum(report.api_calls for report in reports.values()) == calls
    assert len(read_records(generated_dataset, "LeadHistory")) > PAGE  # paging really happened


def with_id(record: dict, sobject: str, record_id: str) -> dict:
    url = f"/services/data/v59.0/sobjects/{sobject}/{record_id}"
    return {**record, "attributes": {"type": sobject, "url": url}, "Id": record_id}


def changed_dataset(root, now: datetime) -> dict[str, set[str]]:
    """Add, modify, delete and restore records the way Salesforce stamps them; returns the touched Ids."""
    leads, history = read_records(root, "Lead"), read_records(root, "LeadHistory")
    stamp = sf_time(now)
    live = [lead for lead in leads if not lead["IsDeleted"]]
    modified, deleted = live[:5], live[5:8]
    restored = [lead for lead in leads if lead["IsDeleted"]][:2]
    for lead in modified:
        lead.update(Status="Working - Contacted", LastModifiedDate=stamp, SystemModstamp=stamp)
    for lead, flag in [(lead, True) for lead in deleted] + [(lead, False) for lead in restored]:
        lead.update(IsDeleted=flag, LastModifiedDate=stamp, SystemModstamp=stamp)
        for row in history:
            if row["LeadId"] == lead["Id"]:
                row["IsDeleted"] = flag
    new_lead = {**with_id(modified[0], "Lead", "00Q5g0000zzzzzzAAA"), "CreatedDate": stamp,
                "Status": "Open - Not Contacted"}
    leads.append(new_lead)
    history.append({**with_id(history[0], "LeadHistory", "0175g0000zzzzzzAAA"), "LeadId": new_lead["Id"],
                    "Field": "created", "CreatedDate": stamp, "IsDeleted": False})
    write_records(root, "Lead", leads)
    write_records(root, "LeadHistory", history)
    return {"Lead": {lead["Id"] for lead in modified + deleted + restored + [new_lead]},
            "flipped": {lead["Id"] for lead in deleted + restored}}


def window_count(root, sobject: str, cursor: dict, overlap: timedelta) -> int:
    start = parse_sf(cursor["timestamp"].replace("Z", "+0000")) - overlap
    field = cursor_field_of(sobject)
    return sum(parse_sf(record[field]) >= start for record in read_records(root, sobject))


def test_incremental_run_fetches_only_changes_and_equals_the_changed_dataset(dataset_copy, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    overlap = timedelta(minutes=10)
    with FixtureAPI(dataset_copy) as api:
        first = sync_salesforce(settings_for(api, overlap=overlap), store)
        now = api.now
        before = {stream: report.cursor_after for stream, report in first.items()}
        touched = changed_dataset(dataset_copy, now)
        api.replace_dataset(dataset_copy)
        calls_before = api.calls("/services/")
        second = sync_salesforce(settings_for(api, overlap=overlap), store)
        calls = api.calls("/services/") - calls_before
    assert_raw_equals_dataset(store, dataset_copy)
    assert sum(report.api_calls for report in second.values()) == calls
    lead = second["salesforce.Lead"]
    assert lead.mode == "incremental" and lead.cursor_before == before["salesforce.Lead"]
    assert lead.fetched == window_count(dataset_copy, "Lead", before["salesforce.Lead"], overlap)
    # Updated: the leads changed (modified, deleted, restored); the overlap's unchanged ones are fetched only.
    assert (lead.inserted, lead.updated, lead.deleted) == (1, len(touched["Lead"]) - 1, 3)
    assert lead.fetched > len(touched["Lead"])
    assert lead.api_calls == 1 + 1 + 1  # login, describe, one page
    flipped_history = sum(row["LeadId"] in touched["flipped"] for row in read_records(dataset_copy, "LeadHistory"))
    history = second["salesforce.LeadHistory"]
    history_window = window_count(dataset_copy, "LeadHistory", before["salesforce.LeadHistory"], overlap)
    assert history.fetched == history_window + flipped_history
    assert history.api_calls == 1 + 1 + 1  # describe, window page, one re-read of the flipped leads' history
    assert history.notes == ["re-read the history of 5 record(s) deleted or restored since their history was stored"]
    for stream in ("salesforce.Opportunity", "salesforce.OpportunityHistory"):
        sobject = STREAMS[stream]
        assert second[stream].fetched == window_count(dataset_copy, sobject, before[stream], overlap)
        assert (second[stream].inserted, second[stream].api_calls) == (0, 2)
        assert second[stream].cursor_after == before[stream]
    assert lead.cursor_after == {"field": "SystemModstamp", "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                 "id": max(touched["Lead"])}


def tied_leads(count: int, template: dict, start: datetime) -> list[dict]:
    """Leads sharing SystemModstamp in runs of 7, so that ties straddle every 2,000-record page boundary."""
    leads = []
    for index in range(count):
        stamp = sf_time(start + timedelta(seconds=index // 7))
        leads.append({**with_id(template, "Lead", f"00Q5g{index:010d}AAA"), "CreatedDate": stamp,
                      "LastModifiedDate": stamp, "SystemModstamp": stamp, "IsDeleted": False})
    return leads


def test_records_sharing_the_boundary_timestamp_are_never_lost(dataset_copy, tmp_path):
    template = read_records(dataset_copy, "Lead")[0]
    start = datetime(2025, 6, 1, tzinfo=parse_sf(template["CreatedDate"]).tzinfo)
    leads = tied_leads(4500, template, start)
    write_records(dataset_copy, "Lead", leads)
    store = RawStore(tmp_path / "warehouse.duckdb")
    no_overlap = timedelta(0)
    with FixtureAPI(dataset_copy) as api:
        first = sync_salesforce(settings_for(api, overlap=no_overlap), store, ["salesforce.Lead"])
        assert first["salesforce.Lead"].fetched == 4500
        # Three more leads at the very timestamp of the cursor, ordered after it by Id.
        boundary = leads[-1]["SystemModstamp"]
        extra = [with_id(leads[-1], "Lead", f"00Q5g{9000000000 + n:010d}AAA") for n in range(3)]
        write_records(dataset_copy, "Lead", leads + extra)
        api.replace_dataset(dataset_copy)
        second = sync_salesforce(settings_for(api, overlap=no_overlap), store, ["salesforce.Lead"])
    assert_raw_equals_dataset(store, dataset_copy, ["Lead"])
    assert (second["salesforce.Lead"].fetched, second["salesforce.Lead"].inserted) == (3, 3)
    assert second["salesforce.Lead"].cursor_after == {
        "field": "SystemModstamp", "timestamp": boundary.replace("+0000", "Z"), "id": extra[-1]["Id"]}


def test_run_after_evolve_fetches_exactly_the_changed_records(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        sync_salesforce(settings_for(api, overlap=timedelta(0)), store)
        changes = evolve(generated_dataset, tmp_path / "next", seed=5)
        api.replace_dataset(tmp_path / "next")
        # No overlap: every record fetched must be a changed one.
        reports = sync_salesforce(settings_for(api, overlap=timedelta(0)), store)
    changes.setdefault("User", {"added": []})  # evolve never changes the users
    absent = {sobject: {*kinds.get("purged", []), *kinds.get("expired", [])} for sobject, kinds in changes.items()}
    assert_raw_equals_dataset(store, tmp_path / "next", absent=absent)
    for stream, sobject in STREAMS.items():
        changed = set().union(*changes[sobject].values()) - absent[sobject]
        report = reports[stream]
        assert report.fetched == len(changed), stream
        # Purged records are flagged through getDeleted (history objects have none: theirs stay as they were).
        flagged = {*changes[sobject].get("deleted", [])} | (absent[sobject] if "History" not in sobject else set())
        assert (report.inserted, report.deleted) == (len(changes[sobject]["added"]), len(flagged)), stream
    lead_history = reports["salesforce.LeadHistory"]
    assert lead_history.notes == [f"re-read the history of {len(changes['Lead']['deleted'])} record(s) deleted "
                                  "or restored since their history was stored"]
    assert lead_history.api_calls == 1 + 1 + 1  # describe, the window's page, the deleted leads' history
