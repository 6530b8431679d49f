"""The week-close ledger's tables, in the working warehouse's `reporting` schema (published with it).

Append-only: rows are inserted, never updated or deleted, so the ledger survives every re-run and
re-publication. docs/kpi-contract.md §10 defines every column.
"""

CLOSES = "reporting.kpi_week_close"
CLOSE_RECORDS = "reporting.kpi_week_close_records"
RESTATEMENTS = "reporting.kpi_restatements"
RESTATEMENT_RECORDS = "reporting.kpi_restatement_records"

LEDGER_DDL = (
    "CREATE SCHEMA IF NOT EXISTS reporting",
    f"""CREATE TABLE IF NOT EXISTS {CLOSES} (
        week_start DATE NOT NULL,
        kpi_id VARCHAR NOT NULL,
        close_kind VARCHAR NOT NULL,        -- preliminary (速報値) or final (確定値)
        value DOUBLE,                       -- rates as fractions; NULL where the sheet shows —
        closed_at TIMESTAMPTZ NOT NULL,
        data_as_of TIMESTAMPTZ NOT NULL,
        run_id VARCHAR NOT NULL,
        funnel_config_md5 VARCHAR NOT NULL,
        inputs_md5 VARCHAR NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {CLOSE_RECORDS} (
        week_start DATE NOT NULL,
        close_kind VARCHAR NOT NULL,
        event_type VARCHAR NOT NULL,
        event_week DATE NOT NULL,
        record_key VARCHAR NOT NULL,
        member_record_keys VARCHAR[] NOT NULL,
        person_id VARCHAR,
        amount DECIMAL(38, 2)
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RESTATEMENTS} (
        detected_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR NOT NULL,
        data_as_of TIMESTAMPTZ NOT NULL,
        week_start DATE NOT NULL,
        kpi_id VARCHAR NOT NULL,
        week_status VARCHAR NOT NULL,       -- preliminary or final: which frozen value is restated
        preliminary_value DOUBLE,
        final_value DOUBLE,
        published_value DOUBLE,
        previous_value DOUBLE,
        current_value DOUBLE,
        difference DOUBLE,
        entered_record_keys VARCHAR[] NOT NULL,
        left_record_keys VARCHAR[] NOT NULL,
        reasons VARCHAR[] NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RESTATEMENT_RECORDS} (
        detected_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR NOT NULL,
        week_start DATE NOT NULL,
        kpi_id VARCHAR NOT NULL,
        change VARCHAR NOT NULL,            -- entered, left or changed (same record, other amount)
        event_type VARCHAR,
        event_week DATE,
        record_key VARCHAR,                 -- NULL for a change of the KPI's inputs (spend, LTV settings)
        reason VARCHAR NOT NULL,
        detail VARCHAR
    )""",
)


def create_ledger_tables(connection) -> None:
    for statement in LEDGER_DDL:
        connection.execute(statement)
