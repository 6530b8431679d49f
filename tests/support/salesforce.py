"""Shared helpers of the Salesforce connector tests: settings, raw-table readers."""

from __future__ import annotations

import json
from pathlib import Path

from connectors.raw_store import RawStore
from connectors.salesforce import SalesforceSettings
from connectors.salesforce.shaping import SOBJECT_TABLES
from standin.api.server import FixtureAPI

SOBJECTS = ("Lead", "LeadHistory", "Contact", "Opportunity", "OpportunityHistory", "OpportunityContactRole", "User")
PERSONS = 3000  # LeadHistory spans two 2,000-record pages
QUERY = "/services/data/v59.0/queryAll/"
NEXT_PAGE = QUERY + "01g"  # nextRecordsUrl: /services/data/v59.0/queryAll/<cursor>-<offset>


def settings_for(api: FixtureAPI, **overrides) -> SalesforceSettings:
    credentials = api.credentials
    return SalesforceSettings(**{
        "client_id": credentials.salesforce_client_id, "client_secret": credentials.salesforce_client_secret,
        "username": credentials.salesforce_username, "password": credentials.salesforce_password,
        "security_token": credentials.salesforce_security_token, "login_url": api.base_url,
        "ca_file": api.ca_file, "backoff_base_s": 0.001, "max_backoff_s": 0.01, **overrides,
    })


def read_records(root: Path, sobject: str) -> list[dict]:
    lines = (root / "salesforce" / f"{sobject}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_records(root: Path, sobject: str, records: list[dict]) -> None:
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    (root / "salesforce" / f"{sobject}.jsonl").write_text(text, encoding="utf-8")


def raw_payloads(store: RawStore, sobject: str) -> dict[str, dict]:
    rows = store.connection.execute(f"SELECT Id, payload FROM {SOBJECT_TABLES[sobject].name}").fetchall()
    return {record_id: json.loads(payload) for record_id, payload in rows}


def assert_raw_equals_dataset(store: RawStore, root: Path, sobjects=SOBJECTS,
                              absent: dict[str, set[str]] | None = None) -> None:
    """Every record of the files, once, as received; typed IsDeleted agrees with the payload.

    ``absent``: per SObject, the ids raw keeps though the recording no longer has them (purged, expired).
    """
    for sobject in sobjects:
        expected = {record["Id"]: record for record in read_records(root, sobject)}
        kept = (absent or {}).get(sobject, set())
        payloads = raw_payloads(store, sobject)
        assert set(payloads) >= kept, sobject
        assert {key: value for key, value in payloads.items() if key not in kept} == expected, sobject
        expected |= {record_id: payloads[record_id] for record_id in kept}
        if SOBJECT_TABLES[sobject].deleted_flag is None:  # User: deactivated, never deleted
            continue
        flagged = {row[0] for row in store.connection.execute(
            f"SELECT Id FROM {SOBJECT_TABLES[sobject].name} WHERE IsDeleted").fetchall()}
        assert flagged == {record_id for record_id, record in expected.items() if record["IsDeleted"]}, sobject


def cursor_field_of(sobject: str) -> str:
    return "CreatedDate" if sobject == "LeadHistory" else "SystemModstamp"


def last_cursor(root: Path, sobject: str) -> dict:
    """The cursor a complete sync must end at: the greatest (timestamp, Id) in the files."""
    field = cursor_field_of(sobject)
    last = max(read_records(root, sobject), key=lambda record: (record[field], record["Id"]))
    stamp = last[field].replace("+0000", "Z")
    return {"field": field, "timestamp": stamp, "id": last["Id"]}
