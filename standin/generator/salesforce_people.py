"""Salesforce Contact and OpportunityContactRole records: the people of accounts and of opportunities.

A converted lead becomes a contact (same person, same e-mail) and, with an opportunity, its primary contact
role. Sales also creates contacts with no lead at all, and opportunities directly on them, whose people
are only in OpportunityContactRole. Lead conversion can leave two primary roles on one opportunity
(SalesforceFoundation/NPSP #1388), so a few opportunities have them.
"""

from __future__ import annotations

import random

from standin.generator.formats import salesforce_attributes, salesforce_time
from standin.generator.ids import RecordIds
from standin.generator.person import Person

# Salesforce's default OpportunityContactRole Role picklist.
ROLES = ("Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
         "Executive Sponsor", "Influencer", "Technical Buyer", "Other")


def contact(person: Person, contact_id: str, account_id: str, email: str | None, created: int,
            owner: str) -> dict:
    stamp = salesforce_time(created)
    return {
        "attributes": salesforce_attributes("Contact", contact_id), "Id": contact_id, "IsDeleted": False,
        "AccountId": account_id, "FirstName": person.given_name[0], "LastName": person.surname[0],
        "Name": f"{person.surname[0]} {person.given_name[0]}", "Email": email, "Phone": person.phone,
        "LeadSource": person.lead_source, "OwnerId": owner, "CreatedDate": stamp, "LastModifiedDate": stamp,
        "SystemModstamp": stamp,
    }


def contact_role(ids: RecordIds, opportunity_id: str, contact_id: str, primary: bool, role: str | None,
                 created: int, by: str) -> dict:
    role_id = ids.salesforce("OpportunityContactRole")
    stamp = salesforce_time(created)
    return {
        "attributes": salesforce_attributes("OpportunityContactRole", role_id), "Id": role_id,
        "IsDeleted": False, "OpportunityId": opportunity_id, "ContactId": contact_id, "Role": role,
        "IsPrimary": primary, "CreatedById": by, "CreatedDate": stamp, "LastModifiedDate": stamp,
        "SystemModstamp": stamp,
    }


def colleague_role(rng: random.Random, ids: RecordIds, opportunity_id: str, contact_id: str, created: int,
                   by: str, duplicate_primary_rate: float) -> dict:
    """A second person on an opportunity: non-primary, or (rarely) a second primary."""
    primary = rng.random() < duplicate_primary_rate
    return contact_role(ids, opportunity_id, contact_id, primary, rng.choice(ROLES), created, by)
