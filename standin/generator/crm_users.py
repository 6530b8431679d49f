"""The sales reps (and the integration user) who own and change records in both CRMs."""

from __future__ import annotations

from standin.generator import vocab
from standin.generator.formats import hubspot_time, parse_epoch, salesforce_attributes, salesforce_time
from standin.generator.hubspot_records import HubSpotOwner
from standin.generator.ids import RecordIds

USERS_CREATED = parse_epoch("2023-04-03T00:30:00Z")
FIRST_HUBSPOT_OWNER_ID = 70_000_001
FIRST_HUBSPOT_USER_ID = 2_000_001


def salesforce_users(ids: RecordIds) -> list[dict]:
    """The integration user first, then one User per sales rep."""
    stamp = salesforce_time(USERS_CREATED)
    users = []
    for surname, given_name, local_part in (vocab.INTEGRATION_USER, *vocab.SALES_REPS):
        user_id = ids.salesforce("User")
        users.append({
            "attributes": salesforce_attributes("User", user_id), "Id": user_id, "Name": f"{surname} {given_name}",
            "Email": f"{local_part}@{vocab.COMPANY_EMAIL_DOMAIN}", "IsActive": True, "CreatedDate": stamp,
            "LastModifiedDate": stamp, "SystemModstamp": stamp,
        })
    return users


def hubspot_owners() -> list[dict]:
    stamp = hubspot_time(USERS_CREATED)
    return [
        {"id": str(FIRST_HUBSPOT_OWNER_ID + number), "email": f"{local_part}@{vocab.COMPANY_EMAIL_DOMAIN}",
         "firstName": given_name, "lastName": surname, "userId": FIRST_HUBSPOT_USER_ID + number,
         "createdAt": stamp, "updatedAt": stamp, "archived": False}
        for number, (surname, given_name, local_part) in enumerate(vocab.SALES_REPS)
    ]


def owner_handles(owners: list[dict]) -> list[HubSpotOwner]:
    return [HubSpotOwner(owner["id"], owner["userId"]) for owner in owners]
