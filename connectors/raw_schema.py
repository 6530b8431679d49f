"""The raw layer, declared once: one table per source object, one row per record (its latest version).

Everything else is derived from these declarations: the DDL (`create_raw_tables`), the Salesforce
shaping, the raw assets and their row-count checks in Dagster; tests hold the dbt sources yml and the
HubSpot shaping to them.

Every table keeps typed columns for what the warehouse keys, filters and orders on, plus the untouched
API record as ``payload`` and the time it was stored as ``_synced_at``. Archived and deleted records
stay, flagged (``archived`` / ``IsDeleted``), so that deletions are visible.

Each table's key is declared here rather than as a PRIMARY KEY: DuckDB keeps a primary key's ART index
in memory while writing (~130 bytes a row), so a sync's memory would grow with the table. RawStore keeps
the key unique (delete-then-insert per page) and the staging models' dbt tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMMON_COLUMNS = {"payload": "JSON NOT NULL", "_synced_at": "TIMESTAMPTZ NOT NULL"}


@dataclass(frozen=True)
class RawTable:
    name: str
    """schema.table, e.g. raw_hubspot.contacts"""
    key: tuple[str, ...]
    typed_columns: dict[str, str]
    """Column -> DuckDB type (NOT NULL where the record must carry it), before payload and _synced_at."""
    streams: tuple[str, ...]
    """The connector streams that write the table."""
    description: str
    deleted_flag: str | None = None
    """The column flagging archived/deleted records, which the source does not count as live."""
    source_counts_rows: bool = True
    """The source API reports a total to check the table's live rows against."""
    tracking_columns: dict[str, str] = field(default_factory=dict)
    """Columns the connector sets from what it observes (a merge, a deletion), never read from the record."""

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def table(self) -> str:
        return self.name.split(".")[1]

    @property
    def columns(self) -> dict[str, str]:
        return self.typed_columns | self.tracking_columns | COMMON_COLUMNS

    @property
    def live_rows(self) -> str:
        """A WHERE condition selecting the rows the source itself counts (merged-away and purged ones not)."""
        conditions = [f"NOT {self.deleted_flag}"] if self.deleted_flag else []
        conditions += [f"{column} IS NULL" for column in self.tracking_columns]
        return " AND ".join(conditions) or "TRUE"

    def ddl(self) -> str:
        columns = ", ".join(f"{name} {kind}" for name, kind in self.columns.items())
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({columns})"

# Set by the connectors: the id of the record a merged-away contact now lives in, and when a sweep (or
# Salesforce's getDeleted) found a record gone without a trace. Either takes the row out of the live count.
GONE = {"deleted_at": "TIMESTAMPTZ"}
MERGED_OR_GONE = {"merged_into": "VARCHAR"} | GONE


HUBSPOT_CONTACTS = RawTable(
    "raw_hubspot.contacts",
    key=("id",),
    typed_columns={
        "id": "VARCHAR NOT NULL",
        "email": "VARCHAR",
        "createdate": "TIMESTAMPTZ",
        "lastmodifieddate": "TIMESTAMPTZ",
        "lifecyclestage": "VARCHAR",
        "hs_lead_status": "VARCHAR",
        "hs_analytics_source": "VARCHAR",
        "salesforceleadid": "VARCHAR",
        "salesforcecontactid": "VARCHAR",
        "merged_object_ids": "VARCHAR[]",
        "archived": "BOOLEAN NOT NULL",
        "archived_at": "TIMESTAMPTZ",
    },
    streams=("hubspot.contacts", "hubspot.archived_contacts", "hubspot.contact_ids"),
    description=(
        "Contacts (leads) with lifecycle-stage dates; archived ones flagged, merged-away ones point at their "
        "survivor (merged_into), ones gone without a trace (GDPR / permanent deletion) carry deleted_at."
    ),
    deleted_flag="archived",
    tracking_columns=MERGED_OR_GONE,
)
HUBSPOT_LIFECYCLE_HISTORY = RawTable(
    "raw_hubspot.contact_lifecycle_history",
    key=("contact_id", "changed_at", "value"),
    typed_columns={
        "contact_id": "VARCHAR NOT NULL",
        "value": "VARCHAR NOT NULL",
        "changed_at": "TIMESTAMPTZ NOT NULL",
        "source_type": "VARCHAR",
        "source_id": "VARCHAR",
    },
    streams=("hubspot.contacts",),
    description=(
        "Every lifecycle-stage change of every contact (propertiesWithHistory), replaced whole per contact; "
        "value is '' for an entry that cleared the stage."
    ),
    source_counts_rows=False,
)
HUBSPOT_DEALS = RawTable(
    "raw_hubspot.deals",
    key=("id",),
    typed_columns={
        "id": "VARCHAR NOT NULL",
        "dealname": "VARCHAR",
        "amount": "DOUBLE",
        "dealstage": "VARCHAR",
        "pipeline": "VARCHAR",
        "closedate": "TIMESTAMPTZ",
        "createdate": "TIMESTAMPTZ",
        "hs_lastmodifieddate": "TIMESTAMPTZ",
        "hs_analytics_source": "VARCHAR",
        "archived": "BOOLEAN NOT NULL",
        "archived_at": "TIMESTAMPTZ",
    },
    streams=("hubspot.deals", "hubspot.archived_deals", "hubspot.deal_ids"),
    description=(
        "Deals of every pipeline with all their contact associations; archived ones flagged, ones gone "
        "without a trace carry deleted_at."
    ),
    deleted_flag="archived",
    tracking_columns=GONE,
)
HUBSPOT_PIPELINE_STAGES = RawTable(
    "raw_hubspot.deal_pipeline_stages",
    key=("pipeline_id", "stage_id"),
    typed_columns={
        "pipeline_id": "VARCHAR NOT NULL",
        "pipeline_label": "VARCHAR",
        "stage_id": "VARCHAR NOT NULL",
        "stage_label": "VARCHAR",
        "display_order": "INTEGER",
        "is_closed": "BOOLEAN",
        "probability": "DOUBLE",
    },
    streams=("hubspot.deal_pipelines",),
    description="Deal pipelines and stages with isClosed/probability metadata (decides won/lost).",
)
HUBSPOT_OWNERS = RawTable(
    "raw_hubspot.owners",
    key=("id",),
    typed_columns={
        "id": "VARCHAR NOT NULL",
        "email": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
        "user_id": "BIGINT",
        "archived": "BOOLEAN NOT NULL",
    },
    streams=("hubspot.owners",),
    description=(
        "Owners (the users records are assigned to, hubspot_owner_id), active and archived, replaced whole "
        "each run; user_id is kept for archived owners too (userIdIncludingInactive)."
    ),
    deleted_flag="archived",
    source_counts_rows=False,
)
SALESFORCE_LEADS = RawTable(
    "raw_salesforce.lead",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "Email": "VARCHAR",
        "Status": "VARCHAR",
        "LeadSource": "VARCHAR",
        "IsConverted": "BOOLEAN",
        "ConvertedDate": "DATE",
        "ConvertedOpportunityId": "VARCHAR",
        "ConvertedContactId": "VARCHAR",
        "OwnerId": "VARCHAR",
        "CreatedDate": "TIMESTAMPTZ",
        "LastModifiedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.Lead",),
    description="Leads (queryAll: deleted ones flagged IsDeleted; purged ones carry deleted_at).",
    deleted_flag="IsDeleted",
    tracking_columns=GONE,
)
SALESFORCE_LEAD_HISTORY = RawTable(
    "raw_salesforce.lead_history",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "LeadId": "VARCHAR NOT NULL",
        "Field": "VARCHAR",
        "OldValue": "VARCHAR",
        "NewValue": "VARCHAR",
        "CreatedDate": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.LeadHistory",),
    description="Field history of leads; Status rows give MQL/SQL entry.",
    deleted_flag="IsDeleted",
)
SALESFORCE_OPPORTUNITIES = RawTable(
    "raw_salesforce.opportunity",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "Name": "VARCHAR",
        "Amount": "DOUBLE",
        "StageName": "VARCHAR",
        "IsClosed": "BOOLEAN",
        "IsWon": "BOOLEAN",
        "CloseDate": "DATE",
        "LeadSource": "VARCHAR",
        "OwnerId": "VARCHAR",
        "CreatedDate": "TIMESTAMPTZ",
        "LastModifiedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.Opportunity",),
    description="Opportunities (商談) with CloseDate, IsWon, IsClosed, Amount; purged ones carry deleted_at.",
    deleted_flag="IsDeleted",
    tracking_columns=GONE,
)
SALESFORCE_OPPORTUNITY_HISTORY = RawTable(
    "raw_salesforce.opportunity_history",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "OpportunityId": "VARCHAR NOT NULL",
        "StageName": "VARCHAR",
        "Amount": "DOUBLE",
        "CloseDate": "DATE",
        "CreatedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.OpportunityHistory",),
    description="Stage/amount history of opportunities; its stage periods are marts.deal_stage_history.",
    deleted_flag="IsDeleted",
)
SALESFORCE_CONTACTS = RawTable(
    "raw_salesforce.contact",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "Email": "VARCHAR",
        "AccountId": "VARCHAR",
        "LeadSource": "VARCHAR",
        "CreatedDate": "TIMESTAMPTZ",
        "LastModifiedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.Contact",),
    description="Contacts (people of accounts, converted leads among them); purged ones carry deleted_at.",
    deleted_flag="IsDeleted",
    tracking_columns=GONE,
)
SALESFORCE_OPPORTUNITY_CONTACT_ROLES = RawTable(
    "raw_salesforce.opportunity_contact_role",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "OpportunityId": "VARCHAR NOT NULL",
        "ContactId": "VARCHAR",
        "IsPrimary": "BOOLEAN",
        "Role": "VARCHAR",
        "CreatedDate": "TIMESTAMPTZ",
        "LastModifiedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
        "IsDeleted": "BOOLEAN NOT NULL",
    },
    streams=("salesforce.OpportunityContactRole",),
    description="The contacts of each opportunity (IsPrimary first); purged ones carry deleted_at.",
    deleted_flag="IsDeleted",
    tracking_columns=GONE,
)
SALESFORCE_USERS = RawTable(
    "raw_salesforce.user",
    key=("Id",),
    typed_columns={
        "Id": "VARCHAR NOT NULL",
        "Name": "VARCHAR",
        "Email": "VARCHAR",
        "IsActive": "BOOLEAN",
        "CreatedDate": "TIMESTAMPTZ",
        "LastModifiedDate": "TIMESTAMPTZ",
        "SystemModstamp": "TIMESTAMPTZ",
    },
    streams=("salesforce.User",),
    description="Users (the OwnerId of leads and opportunities); never deleted, only deactivated (IsActive).",
)
RAW_TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        HUBSPOT_CONTACTS,
        HUBSPOT_LIFECYCLE_HISTORY,
        HUBSPOT_DEALS,
        HUBSPOT_PIPELINE_STAGES,
        HUBSPOT_OWNERS,
        SALESFORCE_LEADS,
        SALESFORCE_LEAD_HISTORY,
        SALESFORCE_OPPORTUNITIES,
        SALESFORCE_OPPORTUNITY_HISTORY,
        SALESFORCE_CONTACTS,
        SALESFORCE_OPPORTUNITY_CONTACT_ROLES,
        SALESFORCE_USERS,
    )
}


def tables_in(schema: str) -> list[RawTable]:
    return [table for table in RAW_TABLES.values() if table.schema == schema]


def create_raw_tables(connection) -> None:
    """Create the raw schemas and tables if they do not exist, and add columns declared since (idempotent).

    A warehouse synced by an older version keeps its rows; a column added later is NULL in them, except a
    Salesforce typed column: it is the record's field of the same name, so it is filled from the payloads
    already stored (an incremental sync would not re-read unchanged records).
    """
    for table in RAW_TABLES.values():
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema}")
        connection.execute(table.ddl())
        existing = {name for (name,) in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
            "AND table_schema = ? AND table_name = ?", [table.schema, table.table]).fetchall()}
        for name, kind in table.columns.items():
            if name in existing or kind.endswith("NOT NULL"):
                continue
            connection.execute(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")
            if table.schema == "raw_salesforce" and name in table.typed_columns:
                connection.execute(f"UPDATE {table.name} SET {name} = CAST(payload ->> '{name}' AS {kind})")
