"""Standard fields of the SObjects a dataset may hold, so that describe and SOQL know them without records.

Only fields a recording of fixtures/README.md holds (the documented ones and what standin.generator
writes) are listed: the connectors select every described field and store records exactly as received.
Fields that only the records show (custom ``__c`` fields, ...) are inferred from them (salesforce_schema).
"""

from __future__ import annotations

# (name, type, nillable), in Salesforce's describe order.
_SYSTEM = (("CreatedDate", "datetime", False), ("LastModifiedDate", "datetime", False),
           ("SystemModstamp", "datetime", False))
_KEY = (("Id", "id", False), ("IsDeleted", "boolean", False))

STANDARD_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "Lead": (
        *_KEY, ("FirstName", "string", True), ("LastName", "string", False), ("Name", "string", False),
        ("Company", "string", False), ("Title", "string", True), ("Email", "email", True),
        ("Phone", "phone", True), ("Status", "picklist", False), ("LeadSource", "picklist", True),
        ("IsConverted", "boolean", False), ("ConvertedDate", "date", True),
        ("ConvertedAccountId", "reference", True), ("ConvertedContactId", "reference", True),
        ("ConvertedOpportunityId", "reference", True), ("OwnerId", "reference", False), *_SYSTEM,
        ("LastActivityDate", "date", True),
    ),
    # History rows are never modified: they have CreatedDate only (OpportunityHistory also SystemModstamp).
    "LeadHistory": (
        *_KEY, ("LeadId", "reference", False), ("CreatedById", "reference", False),
        ("CreatedDate", "datetime", False), ("Field", "picklist", False), ("DataType", "picklist", True),
        ("OldValue", "anyType", True), ("NewValue", "anyType", True),
    ),
    "Opportunity": (
        *_KEY, ("AccountId", "reference", True), ("Name", "string", False), ("StageName", "picklist", False),
        ("Amount", "currency", True), ("Probability", "percent", True), ("CloseDate", "date", False),
        ("Type", "picklist", True), ("LeadSource", "picklist", True), ("IsClosed", "boolean", False),
        ("IsWon", "boolean", False), ("ForecastCategory", "picklist", False), ("OwnerId", "reference", False),
        *_SYSTEM,
    ),
    "OpportunityHistory": (
        *_KEY, ("OpportunityId", "reference", False), ("CreatedById", "reference", False),
        ("CreatedDate", "datetime", False), ("StageName", "picklist", False), ("Amount", "currency", True),
        ("ExpectedRevenue", "currency", True), ("CloseDate", "date", True), ("Probability", "percent", True),
        ("ForecastCategory", "picklist", True), ("SystemModstamp", "datetime", False),
    ),
    # User has no IsDeleted: users are deactivated, never deleted.
    "User": (
        ("Id", "id", False), ("Name", "string", False), ("Email", "email", False),
        ("IsActive", "boolean", False), *_SYSTEM,
    ),
    "Contact": (
        *_KEY, ("AccountId", "reference", True), ("FirstName", "string", True), ("LastName", "string", False),
        ("Name", "string", False), ("Email", "email", True), ("Phone", "phone", True),
        ("LeadSource", "picklist", True), ("OwnerId", "reference", False), *_SYSTEM,
    ),
    # The people of an opportunity (SOAP/REST object reference "OpportunityContactRole").
    "OpportunityContactRole": (
        *_KEY, ("OpportunityId", "reference", False), ("ContactId", "reference", False),
        ("Role", "picklist", True), ("IsPrimary", "boolean", False), ("CreatedById", "reference", False),
        *_SYSTEM,
    ),
    "Campaign": (
        *_KEY, ("Name", "string", False), ("Type", "picklist", True), ("Status", "picklist", True),
        ("StartDate", "date", True), ("EndDate", "date", True), ("IsActive", "boolean", False),
        ("ParentId", "reference", True), ("OwnerId", "reference", False), *_SYSTEM,
    ),
}
# Field history objects cannot be replicated (describe "replicateable": false; no getDeleted).
NOT_REPLICATEABLE = frozenset({"LeadHistory", "OpportunityHistory"})
KEY_PREFIXES = {
    "Lead": "00Q", "LeadHistory": "017", "Opportunity": "006", "OpportunityHistory": "008", "User": "005",
    "Contact": "003", "Campaign": "701", "OpportunityContactRole": "00K",
}
