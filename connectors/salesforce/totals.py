"""What Salesforce itself counts, to check the raw layer against (non-deleted records per object)."""

from __future__ import annotations

from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.shaping import SOBJECT_TABLES

STREAM = "salesforce.totals"


def source_totals(settings: SalesforceSettings, tables: list[str]) -> dict[str, int]:
    """{raw table: SELECT COUNT() of its object} for the given raw tables (e.g. raw_salesforce.lead)."""
    client = SalesforceClient(settings)
    return {
        table.name: client.count(STREAM, sobject) for sobject, table in SOBJECT_TABLES.items() if table.name in tables
    }
