"""HubSpot connector: contacts (+ lifecycle-stage history), deals (+ contact associations), pipelines, owners."""

from connectors.hubspot.settings import HubSpotSettings
from connectors.hubspot.sync import STREAMS, sync_hubspot

__all__ = ["STREAMS", "HubSpotSettings", "sync_hubspot"]
