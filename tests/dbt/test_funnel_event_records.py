"""marts.funnel_event_records against the dataset files: each event's record, its owner's name and its link.

Two small builds (one of a generated dataset with owners and users, one of a hand-written one without
those optional files); slow like every dbt test.
"""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.kpi_config import KpiConfig
from standin.generator import generate
from tests.dbt.test_dbt_contract import BuiltWarehouse, build_warehouse
from tests.support.datasets import PORTAL_ID, contact_record, deal_record, write_dataset

PERSON_EVENTS = ("new_lead", "mql", "sql")
RECORD_TYPES = {("hubspot", True): "contact", ("hubspot", False): "deal",
                ("salesforce", True): "lead", ("salesforce", False): "opportunity"}
COLUMNS = ("event_id, event_type, event_at, event_local_at, source_system, source_record_id, record_type, "
           "owner_id, owner_name, record_url")


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _owner_name(owner: dict) -> str | None:
    first, last = owner.get("firstName") or "", owner.get("lastName") or ""
    japanese = any("\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" for char in last)
    return (f"{last} {first}" if japanese else f"{first} {last}").strip() or owner.get("email")


def expected_owners(dataset: Path) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(record type, id) -> (owner id, owner name), read from the files the way the contract names owners."""
    owners = {o["id"]: _owner_name(o) for o in _lines(dataset / "hubspot" / "owners.jsonl")}
    users = {u["Id"]: u["Name"] for u in _lines(dataset / "salesforce" / "User.jsonl")}
    expected = {}
    for record_type, name in (("contact", "contacts"), ("deal", "deals")):
        for record in _lines(dataset / "hubspot" / f"{name}.jsonl"):
            owner_id = record["properties"].get("hubspot_owner_id") or None
            expected[(record_type, record["id"])] = (owner_id, owners.get(owner_id))
    for record_type, sobject in (("lead", "Lead"), ("opportunity", "Opportunity")):
        for record in _lines(dataset / "salesforce" / f"{sobject}.jsonl"):
            expected[(record_type, record["Id"])] = (record.get("OwnerId"), users.get(record.get("OwnerId")))
    return expected


def event_records(warehouse: BuiltWarehouse) -> list[dict]:
    names = [name.strip() for name in COLUMNS.split(",")]
    rows = warehouse.query(f"SELECT {COLUMNS} FROM marts.funnel_event_records ORDER BY event_id")
    return [dict(zip(names, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> BuiltWarehouse:
    workdir = tmp_path_factory.mktemp("event-records")
    dataset = workdir / "dataset"
    generate(dataset, 7, 300)
    return build_warehouse("seed7", dataset, workdir, KpiConfig())


def test_one_row_per_event_naming_its_record_owner_and_link(generated):
    events = generated.query("SELECT event_id, event_type, source_system, source_record_id FROM marts.funnel_events")
    records = event_records(generated)
    owners = expected_owners(generated.dataset)
    portal = json.loads((generated.dataset / "manifest.json").read_text())["hubspot"]["portalId"]
    [(salesforce_base,)] = generated.query(
        "SELECT record_url_base FROM raw_meta.source_origins WHERE source = 'salesforce'")
    tokyo = ZoneInfo("Asia/Tokyo")

    assert sorted(row["event_id"] for row in records) == sorted(event_id for event_id, *_ in events)
    kinds = {event_id: (system, event_type in PERSON_EVENTS) for event_id, event_type, system, _ in events}
    assert {row["record_type"] for row in records} == set(RECORD_TYPES.values())
    for row in records:
        assert row["record_type"] == RECORD_TYPES[kinds[row["event_id"]]], row
        assert (row["owner_id"], row["owner_name"]) == owners[(row["record_type"], row["source_record_id"])], row
        assert row["event_local_at"] == row["event_at"].astimezone(tokyo).replace(tzinfo=None), row
        if row["source_system"] == "hubspot":
            object_type = "0-1" if row["record_type"] == "contact" else "0-3"
            link = f"https://app.hubspot.com/contacts/{portal}/record/{object_type}/{row['source_record_id']}"
        else:
            link = f"{salesforce_base}/{row['source_record_id']}"
        assert row["record_url"] == link, row
    named = [row for row in records if row["owner_name"]]
    assert {row["source_system"] for row in named} == {"hubspot", "salesforce"} and len(named) > len(records) / 2


def test_a_dataset_without_owners_or_users_builds_with_links_and_no_owner_names(tmp_path):
    contacts = [contact_record(index) for index in range(40)]
    for index, contact in enumerate(contacts):
        contact["properties"]["hubspot_owner_id"] = "70000001" if index % 2 else ""
    dataset = write_dataset(tmp_path / "dataset", contacts, [deal_record(index, 40) for index in range(20)])

    records = event_records(build_warehouse("bare", dataset, tmp_path, KpiConfig()))

    assert records and all(row["owner_name"] is None for row in records)
    assert {row["owner_id"] for row in records if row["record_type"] == "contact"} == {"70000001", None}
    assert all(row["record_url"].startswith(f"https://app.hubspot.com/contacts/{PORTAL_ID}/record/") for row in records)
