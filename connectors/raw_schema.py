"""DDL of the raw layer: one table per source object, one row per record (latest version).

Every table keeps typed columns for what the warehouse keys, filters and orders on, plus the
untouched API record as ``payload`` and the time it was stored as ``_synced_at``. Archived and
deleted records stay, flagged (``archived`` / ``IsDeleted``), so that deletions are visible.

Each table's key is declared here rather than as a PRIMARY KEY: DuckDB keeps a primary key's ART index
in memory while writing (~130 bytes a row), so a sync's memory would grow with the table. RawStore keeps
the key unique (delete-then-insert per page) and the staging models' dbt tests check it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTableSchema:
    key: tuple[str, ...]
    columns: str


RAW_TABLES: dict[str, RawTableSchema] = {
    "raw_hubspot.contacts": RawTableSchema(
        key=("id",),
        columns="""
        id VARCHAR NOT NULL,
        email VARCHAR,
        createdate TIMESTAMPTZ,
        lastmodifieddate TIMESTAMPTZ,
        lifecyclestage VARCHAR,
        hs_lead_status VARCHAR,
        hs_analytics_source VARCHAR,
        archived BOOLEAN NOT NULL,
        archived_at TIMESTAMPTZ,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_hubspot.contact_lifecycle_history": RawTableSchema(
        key=("contact_id", "changed_at", "value"),
        columns="""
        contact_id VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        changed_at TIMESTAMPTZ NOT NULL,
        source_type VARCHAR,
        source_id VARCHAR,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_hubspot.deals": RawTableSchema(
        key=("id",),
        columns="""
        id VARCHAR NOT NULL,
        dealname VARCHAR,
        amount DOUBLE,
        dealstage VARCHAR,
        pipeline VARCHAR,
        closedate TIMESTAMPTZ,
        createdate TIMESTAMPTZ,
        hs_lastmodifieddate TIMESTAMPTZ,
        archived BOOLEAN NOT NULL,
        archived_at TIMESTAMPTZ,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_hubspot.deal_pipeline_stages": RawTableSchema(
        key=("pipeline_id", "stage_id"),
        columns="""
        pipeline_id VARCHAR NOT NULL,
        pipeline_label VARCHAR,
        stage_id VARCHAR NOT NULL,
        stage_label VARCHAR,
        display_order INTEGER,
        is_closed BOOLEAN,
        probability DOUBLE,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_salesforce.lead": RawTableSchema(
        key=("Id",),
        columns="""
        Id VARCHAR NOT NULL,
        Email VARCHAR,
        Status VARCHAR,
        LeadSource VARCHAR,
        IsConverted BOOLEAN,
        ConvertedDate DATE,
        ConvertedOpportunityId VARCHAR,
        CreatedDate TIMESTAMPTZ,
        LastModifiedDate TIMESTAMPTZ,
        SystemModstamp TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_salesforce.lead_history": RawTableSchema(
        key=("Id",),
        columns="""
        Id VARCHAR NOT NULL,
        LeadId VARCHAR NOT NULL,
        Field VARCHAR,
        OldValue VARCHAR,
        NewValue VARCHAR,
        CreatedDate TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_salesforce.opportunity": RawTableSchema(
        key=("Id",),
        columns="""
        Id VARCHAR NOT NULL,
        Name VARCHAR,
        Amount DOUBLE,
        StageName VARCHAR,
        IsClosed BOOLEAN,
        IsWon BOOLEAN,
        CloseDate DATE,
        LeadSource VARCHAR,
        CreatedDate TIMESTAMPTZ,
        LastModifiedDate TIMESTAMPTZ,
        SystemModstamp TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
    "raw_salesforce.opportunity_history": RawTableSchema(
        key=("Id",),
        columns="""
        Id VARCHAR NOT NULL,
        OpportunityId VARCHAR NOT NULL,
        StageName VARCHAR,
        Amount DOUBLE,
        CloseDate DATE,
        CreatedDate TIMESTAMPTZ,
        SystemModstamp TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    ),
}


def create_raw_tables(connection) -> None:
    """Create the raw schemas and tables if they do not exist (idempotent)."""
    for table, spec in RAW_TABLES.items():
        schema = table.split(".")[0]
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({spec.columns})")
