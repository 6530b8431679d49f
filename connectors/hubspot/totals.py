"""What HubSpot itself counts, to check the raw layer against."""

from __future__ import annotations

from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.settings import HubSpotSettings

STREAM = "hubspot.totals"


def source_totals(settings: HubSpotSettings, tables: list[str]) -> dict[str, int]:
    """{raw table: HubSpot's own count} for contacts and deals (search `total`, archived excluded, as in
    HubSpot's UI) and for deal pipeline stages; tables without an API total are left out."""
    client = HubSpotClient(settings)
    totals = {}
    for object_type in ("contacts", "deals"):
        if f"raw_hubspot.{object_type}" in tables:
            body = {"limit": 1, "properties": ["hs_object_id"], "filterGroups": []}
            totals[f"raw_hubspot.{object_type}"] = client.search(STREAM, object_type, body)["total"]
    if "raw_hubspot.deal_pipeline_stages" in tables:
        pipelines = client.pipelines(STREAM, "deals")["results"]
        totals["raw_hubspot.deal_pipeline_stages"] = sum(len(pipeline["stages"]) for pipeline in pipelines)
    return totals
