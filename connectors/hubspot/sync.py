"""Entry point: sync the chosen HubSpot streams into the raw layer, one committed page at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from connectors.hubspot import properties, streams, sweep
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.objects import CONTACTS, DEALS
from connectors.hubspot.settings import HubSpotSettings
from connectors.hubspot.stream_run import StreamRun
from connectors.raw_store import RawStore
from connectors.sync_report import SyncReport

# An archived listing runs after its object's search, so a record archived meanwhile ends up flagged; the
# deletion sweep (the *_ids streams) runs after both, so that it only flags what neither could still see.
STREAMS = (
    "hubspot.deal_pipelines",
    "hubspot.contacts",
    "hubspot.archived_contacts",
    "hubspot.contact_ids",
    "hubspot.deals",
    "hubspot.archived_deals",
    "hubspot.deal_ids",
)


def sync_hubspot(
    settings: HubSpotSettings,
    store: RawStore,
    streams: Iterable[str] | None = None,
) -> dict[str, SyncReport]:
    """Run the streams (all by default) in a fixed order; a SyncError stops the sync, committed pages stay."""
    selected = _selected(streams)
    client = HubSpotClient(settings)
    runners = _runners(settings, client)
    reports = {}
    for name in STREAMS:
        if name in selected:
            run = StreamRun(name, client, store)
            runners[name](run)
            reports[name] = run.finish()
    return reports


def _selected(names: Iterable[str] | None) -> set[str]:
    selected = set(STREAMS if names is None else names)
    unknown = sorted(selected - set(STREAMS))
    if unknown:
        raise ValueError(f"unknown HubSpot stream(s) {', '.join(unknown)}; known: {', '.join(STREAMS)}")
    return selected


def _runners(settings: HubSpotSettings, client: HubSpotClient) -> dict[str, Callable[[StreamRun], None]]:
    extras = {"contacts": settings.extra_contact_properties, "deals": settings.extra_deal_properties}
    chosen: dict[str, list[str]] = {}

    def properties_of(run: StreamRun, object_type: str) -> list[str]:
        """One definitions call per object and sync: the live and the archived stream ask for the same."""
        if object_type not in chosen:
            definitions = client.property_definitions(run.name, object_type)
            chosen[object_type] = properties.requested(run.name, object_type, definitions, extras[object_type])
        return chosen[object_type]

    return {
        "hubspot.deal_pipelines": streams.sync_pipelines,
        "hubspot.contacts": lambda run: streams.sync_object(
            run, CONTACTS, properties_of(run, "contacts"), settings.overlap
        ),
        "hubspot.archived_contacts": lambda run: streams.sync_archived(
            run, CONTACTS, properties_of(run, "contacts")
        ),
        "hubspot.contact_ids": lambda run: sweep.sync_deletion_sweep(run, CONTACTS, settings.deletion_sweep_interval),
        "hubspot.deals": lambda run: streams.sync_object(
            run, DEALS, properties_of(run, "deals"), settings.overlap
        ),
        "hubspot.archived_deals": lambda run: streams.sync_archived(run, DEALS, properties_of(run, "deals")),
        "hubspot.deal_ids": lambda run: sweep.sync_deletion_sweep(run, DEALS, settings.deletion_sweep_interval),
    }
