"""How to reach HubSpot and how patient to be with it; built by the Dagster resource from env vars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from connectors.hubspot.properties import DEFAULT_MIRROR_PROPERTY


@dataclass(frozen=True)
class HubSpotSettings:
    access_token: str
    base_url: str | None = None  # None = HubSpot's own host (https://api.hubapi.com)
    ca_file: str | None = None
    overlap: timedelta = timedelta(minutes=10)
    max_retries: int = 5
    backoff_base_s: float = 1.0
    max_backoff_s: float = 60.0  # cap on the total time one call may spend waiting between its retries
    # (connect, read) seconds per request: without it a stalled connection blocks the sync forever.
    request_timeout_s: tuple[float, float] = (30, 300)
    extra_contact_properties: tuple[str, ...] = ()
    extra_deal_properties: tuple[str, ...] = ()
    # How often the id sweep looks for records deleted without a trace (GDPR, permanent): 0 = every run.
    deletion_sweep_interval: timedelta = timedelta(0)
    # The deal property naming the Salesforce opportunity a deal mirrors (None: no mirrors), and whether it
    # was configured explicitly (kpi.yaml), in which case the portal must define it.
    mirror_property: str | None = DEFAULT_MIRROR_PROPERTY
    mirror_property_explicit: bool = False

    def __post_init__(self) -> None:
        if not self.access_token:
            raise ValueError("HubSpotSettings.access_token is empty: set the HubSpot private app token")
        if self.max_retries < 0:
            raise ValueError(f"HubSpotSettings.max_retries must be >= 0, got {self.max_retries}")
        if self.overlap < timedelta(0):
            raise ValueError(f"HubSpotSettings.overlap must not be negative, got {self.overlap}")
        if self.deletion_sweep_interval < timedelta(0):
            raise ValueError(
                f"HubSpotSettings.deletion_sweep_interval must not be negative, got {self.deletion_sweep_interval}"
            )
        if not _positive_pair(self.request_timeout_s):
            raise ValueError(
                "HubSpotSettings.request_timeout_s must be a (connect, read) pair of positive seconds, "
                f"got {self.request_timeout_s!r}"
            )
        for name in ("extra_contact_properties", "extra_deal_properties"):
            extras = getattr(self, name)
            if not isinstance(extras, tuple) or not all(isinstance(p, str) and p.strip() for p in extras):
                raise ValueError(
                    f"HubSpotSettings.{name} must be a tuple of property names, got {extras!r}"
                )

    def __repr__(self) -> str:
        return f"HubSpotSettings(base_url={self.base_url!r}, access_token=<redacted>)"


def _positive_pair(value: object) -> bool:
    """The client library silently ignores a timeout of any other shape (a list, say)."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, int | float) and not isinstance(part, bool) and part > 0 for part in value)
    )
