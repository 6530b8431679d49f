"""What one sync of one stream did: the figures an ops engineer reads in the Dagster UI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class SyncReport:
    stream: str  # e.g. "hubspot.contacts", "salesforce.Lead"
    mode: str = "incremental"  # "full" on the first load (no stored cursor), else "incremental"
    fetched: int = 0  # records received from the API
    inserted: int = 0  # raw rows new to the warehouse
    updated: int = 0  # raw rows replaced by a newer version
    deleted: int = 0  # records newly flagged archived/deleted
    api_calls: int = 0
    api_budget_remaining: int | None = None  # from the API's own usage headers, when it sends them
    cursor_before: dict | None = None
    cursor_after: dict | None = None
    duration_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    # What the run went without and someone should fix (e.g. a missing optional scope); the sync still succeeded.
    warnings: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict:
        return asdict(self)
