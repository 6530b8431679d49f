"""Whether the synced Salesforce org tracks Lead Status history, and the KPIs that depend on it.

Field history exists only for fields an admin tracks (up to 20 per object; Salesforce Help "Field History
Tracking"). Without Status history the KPI contract's fallback dates a lead's stage entries: the stage of
its current Status at CreatedDate, conversion at ConvertedDate. The asset check and the sheet's データソース
cell say so; both read it here, from the raw layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from connectors.raw_schema import SALESFORCE_LEAD_HISTORY, SALESFORCE_LEADS

NO_STATUS_HISTORY = "no_status_history"
# The KPIs whose Salesforce side is dated by Status changes (MQL and SQL entries).
STATUS_HISTORY_KPIS = frozenset({"mqls", "sqls", "mql_to_sql_rate", "sql_to_opportunity_rate"})


@dataclass(frozen=True)
class StatusHistory:
    leads: int  # live leads in the raw layer
    status_rows: int  # LeadHistory rows with Field = 'Status', deleted ones included: tracking existed

    @property
    def missing(self) -> bool:
        return self.leads > 0 and self.status_rows == 0


def lead_status_history(connection: duckdb.DuckDBPyConnection) -> StatusHistory:
    """The raw layer's leads and Status history rows (none of either when Salesforce was never synced)."""
    try:
        leads = connection.execute(
            f"SELECT count(*) FROM {SALESFORCE_LEADS.name} WHERE {SALESFORCE_LEADS.live_rows}").fetchone()[0]
        status_rows = connection.execute(
            f"SELECT count(*) FROM {SALESFORCE_LEAD_HISTORY.name} WHERE Field = 'Status'").fetchone()[0]
    except duckdb.CatalogException:
        return StatusHistory(0, 0)
    return StatusHistory(leads, status_rows)
