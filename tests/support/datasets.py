"""Small hand-written datasets in the public layout (fixtures/README.md), with known ids and times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

RECORDED_AT = datetime(2025, 3, 31, 0, 0, tzinfo=UTC)
PORTAL_ID = 2519445  # the portal of HubSpot's own documentation examples
REQUIRED_SOBJECTS = ("Lead", "LeadHistory", "Opportunity", "OpportunityHistory")  # empty files unless given
_BASE = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
PIPELINES = {
    "results": [
        {
            "id": "default",
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "archived": False,
            "stages": [
                {
                    "id": stage_id,
                    "label": label,
                    "displayOrder": order,
                    "archived": False,
                    "metadata": {"isClosed": closed, "probability": probability},
                }
                for order, (stage_id, label, closed, probability) in enumerate(
                    [
                        ("appointmentscheduled", "Appointment Scheduled", "false", "0.2"),
                        ("contractsent", "Contract Sent", "false", "0.8"),
                        ("closedwon", "Closed Won", "true", "1.0"),
                        ("closedlost", "Closed Lost", "true", "0.0"),
                    ]
                )
            ],
        }
    ]
}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def contact_record(index: int) -> dict:
    """Contact ids are 1001, 1003, ... (gaps, as real ids have); every 4 share a lastmodifieddate."""
    contact_id = str(1001 + 2 * index)
    created = _BASE + timedelta(hours=index)
    modified = _BASE + timedelta(days=10 + index // 4)
    stage = ("lead", "marketingqualifiedlead", "salesqualifiedlead")[index % 3]
    properties = {
        "hs_object_id": contact_id,
        "email": None if index % 10 == 3 else f"person{index}@example.com",
        "lastname": f"Family{index}",
        "createdate": iso(created),
        "lastmodifieddate": iso(modified),
        "lifecyclestage": stage,
        "hs_lead_status": "NEW" if index % 2 else "OPEN",
    }
    if index % 7:  # some records lack the key entirely, yet the property exists in the portal
        properties["firstname"] = f"Name{index}"
    history = [
        {
            "value": "lead",
            "timestamp": iso(created),
            "sourceType": "FORM",
            "sourceId": None,
            "sourceLabel": None,
            "updatedByUserId": None,
        }
    ]
    if stage != "lead":
        history.insert(
            0,
            {
                "value": stage,
                "timestamp": iso(created + timedelta(days=2)),
                "sourceType": "CRM_UI",
                "sourceId": "userId:2000001",
                "sourceLabel": None,
                "updatedByUserId": 2000001,
            },
        )
    record = {
        "id": contact_id,
        "properties": properties,
        "propertiesWithHistory": {"lifecyclestage": history},
        "createdAt": iso(created),
        "updatedAt": iso(modified),
        "archived": index % 17 == 5,
    }
    if record["archived"]:
        record["archivedAt"] = iso(modified + timedelta(days=1))
    return record


def deal_record(index: int, contact_count: int) -> dict:
    """Deal ids are 9001, 9002, ...; each is associated with one or two contacts."""
    deal_id = str(9001 + index)
    created = _BASE + timedelta(days=index % 40, hours=index)
    modified = created + timedelta(days=5 + index % 3)
    stage = ("appointmentscheduled", "contractsent", "closedwon", "closedlost")[index % 4]
    contact_ids = [str(1001 + 2 * ((index * 5) % contact_count))]
    if index % 3 == 0:
        contact_ids.append(str(1001 + 2 * ((index * 5 + 1) % contact_count)))
    record = {
        "id": deal_id,
        "properties": {
            "hs_object_id": deal_id,
            "dealname": f"Deal {index}",
            "amount": str(1000 * (index + 1)),
            "dealstage": stage,
            "pipeline": "default",
            "closedate": iso(modified) if stage.startswith("closed") else None,
            "createdate": iso(created),
            "hs_lastmodifieddate": iso(modified),
            "hs_is_closed_won": "true" if stage == "closedwon" else "false",
        },
        "createdAt": iso(created),
        "updatedAt": iso(modified),
        "archived": index % 11 == 4,
        "associations": {
            "contacts": {"results": [{"id": c, "type": "deal_to_contact"} for c in contact_ids]}
        },
    }
    if record["archived"]:
        record["archivedAt"] = iso(modified + timedelta(days=1))
    return record


# Record owners: HubSpot owners (GET /crm/v3/owners results) and Salesforce users.
USER_STAMP = "2024-04-01T00:30:00.000+0000"


def owner_record(number: int, archived: bool = False) -> dict:
    return {"id": str(70000000 + number), "email": f"rep{number}@example.co.jp", "firstName": f"Rep{number}",
            "lastName": "Sales", "userId": 2000000 + number, "createdAt": "2024-04-01T00:30:00.000Z",
            "updatedAt": "2024-04-01T00:30:00.000Z", "archived": archived}


def user_record(number: int, active: bool = True) -> dict:
    user_id = f"0055g0000000{number:03d}AAA"
    return {"attributes": {"type": "User", "url": f"/services/data/v59.0/sobjects/User/{user_id}"},
            "Id": user_id, "Name": f"営業 {number}", "Email": f"rep{number}@example.co.jp", "IsActive": active,
            "CreatedDate": USER_STAMP, "LastModifiedDate": USER_STAMP, "SystemModstamp": USER_STAMP}


OWNERS = [owner_record(number, archived=number in (2, 6)) for number in range(1, 8)]  # five active, two archived
USERS = [user_record(number, active=number != 3) for number in range(1, 5)]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def write_dataset(
    root: Path,
    contacts: list[dict],
    deals: list[dict],
    salesforce: dict[str, list[dict]] | None = None,
    portal_id: int = PORTAL_ID,
) -> Path:
    """Every hand-written dataset is a recording of one portal unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"recorded_at": iso(RECORDED_AT), "hubspot": {"portalId": portal_id}}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_jsonl(root / "hubspot" / "contacts.jsonl", contacts)
    write_jsonl(root / "hubspot" / "deals.jsonl", deals)
    (root / "hubspot" / "pipelines_deals.json").write_text(json.dumps(PIPELINES), encoding="utf-8")
    for sobject, records in (dict.fromkeys(REQUIRED_SOBJECTS, []) | (salesforce or {})).items():
        write_jsonl(root / "salesforce" / f"{sobject}.jsonl", records)
    return root
