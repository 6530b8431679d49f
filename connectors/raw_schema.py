"""DDL of the raw layer: one table per source object, one row per record (latest version).

Every table keeps typed columns for what the warehouse keys, filters and orders on, plus the
untouched API record as ``payload`` and the time it was stored as ``_synced_at``. Archived and
deleted records stay, flagged (``archived`` / ``IsDeleted``), so that deletions are visible.
"""

RAW_TABLES: dict[str, str] = {
    "raw_hubspot.contacts": """
        id VARCHAR PRIMARY KEY,
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
    "raw_hubspot.contact_lifecycle_history": """
        contact_id VARCHAR NOT NULL,
        value VARCHAR,
        changed_at TIMESTAMPTZ NOT NULL,
        source_type VARCHAR,
        source_id VARCHAR,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (contact_id, changed_at, value)""",
    "raw_hubspot.deals": """
        id VARCHAR PRIMARY KEY,
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
    "raw_hubspot.deal_pipeline_stages": """
        pipeline_id VARCHAR NOT NULL,
        pipeline_label VARCHAR,
        stage_id VARCHAR NOT NULL,
        stage_label VARCHAR,
        display_order INTEGER,
        is_closed BOOLEAN,
        probability DOUBLE,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (pipeline_id, stage_id)""",
    "raw_salesforce.lead": """
        Id VARCHAR PRIMARY KEY,
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
    "raw_salesforce.lead_history": """
        Id VARCHAR PRIMARY KEY,
        LeadId VARCHAR NOT NULL,
        Field VARCHAR,
        OldValue VARCHAR,
        NewValue VARCHAR,
        CreatedDate TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
    "raw_salesforce.opportunity": """
        Id VARCHAR PRIMARY KEY,
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
    "raw_salesforce.opportunity_history": """
        Id VARCHAR PRIMARY KEY,
        OpportunityId VARCHAR NOT NULL,
        StageName VARCHAR,
        Amount DOUBLE,
        CloseDate DATE,
        CreatedDate TIMESTAMPTZ,
        SystemModstamp TIMESTAMPTZ,
        IsDeleted BOOLEAN NOT NULL,
        payload JSON NOT NULL,
        _synced_at TIMESTAMPTZ NOT NULL""",
}


def create_raw_tables(connection) -> None:
    """Create the raw schemas and tables if they do not exist (idempotent)."""
    for table, columns in RAW_TABLES.items():
        schema = table.split(".")[0]
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
