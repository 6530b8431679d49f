"""Entry point: sync the chosen HubSpot streams into the raw layer, one committed page at a time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from connectors.errors import RecordShapeError
from connectors.hubspot import owners, properties, streams, sweep
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.objects import CONTACTS, DEALS
from connectors.hubspot.settings import HubSpotSettings
from connectors.hubspot.stream_run import StreamRun
from connectors.raw_store import RawStore
from connectors.sync_report import SyncReport

# An archived listing runs after its object's search, so a record archived meanwhile ends up flagged; the
# deletion sweep (the *_ids streams) runs after both, so that it only flags what neither could still see.
# Owners come last: they are optional (a token may lack their scope) and nothing else depends on them.
STREAMS = (
    "hubspot.deal_pipelines",
    "hubspot.contacts",
    "hubspot.archived_contacts",
    "hubspot.contact_ids",
    "hubspot.deals",
    "hubspot.archived_deals",
    "hubspot.deal_ids",
    "hubspot.owners",
)
# The streams that ask for an object's properties, and which object's.
PROPERTY_STREAMS = {
    "hubspot.contacts": "contacts",
    "hubspot.archived_contacts": "contacts",
    "hubspot.deals": "deals",
    "hubspot.archived_deals": "deals",
}
# The calls before the first stream (account details, property definitions): reported under this name.
ACCOUNT_STREAM = "hubspot.account"


def sync_hubspot(
    settings: HubSpotSettings,
    store: RawStore,
    streams: Iterable[str] | None = None,
) -> dict[str, SyncReport]:
    """Run the streams (all by default) in a fixed order; a SyncError stops the sync, committed pages stay.

    Before the first stream, the warehouse is tied to the portal, and the properties to ask for are
    checked against the portal's definitions: a refused setting stores nothing. The calls this takes are
    reported under ACCOUNT_STREAM.
    """
    selected = _selected(streams)
    client = HubSpotClient(settings)
    setup = StreamRun(ACCOUNT_STREAM, client, store)
    claim_portal(client, store)
    runners = _runners(settings, _chosen_properties(settings, client, selected))
    reports = {ACCOUNT_STREAM: setup.finish()}
    for name in STREAMS:
        if name in selected:
            run = StreamRun(name, client, store)
            runners[name](run)
            reports[name] = run.finish()
    return reports


def claim_portal(client: HubSpotClient, store: RawStore) -> None:
    """A warehouse holds one portal's data: its cursors mean nothing for another portal.

    The portal's record pages live under https://{uiDomain}/contacts/{portalId} (the domain differs by data
    hosting region, e.g. app-eu1.hubspot.com): stored with the origin, for links to records.
    """
    details = client.account_details(ACCOUNT_STREAM)
    portal_id = details.get("portalId")
    if not isinstance(portal_id, int) or isinstance(portal_id, bool):
        raise RecordShapeError(
            f"HubSpot {ACCOUNT_STREAM}: GET /account-info/v3/details has no integer 'portalId': {portal_id!r}"
        )
    ui_domain = details.get("uiDomain")
    record_url_base = f"https://{ui_domain}/contacts/{portal_id}" if _is_host(ui_domain) else None
    store.claim_origin("hubspot", f"HubSpot portal {portal_id}", record_url_base)


def _is_host(value) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]+)?", value))


def _selected(names: Iterable[str] | None) -> set[str]:
    selected = set(STREAMS if names is None else names)
    unknown = sorted(selected - set(STREAMS))
    if unknown:
        raise ValueError(f"unknown HubSpot stream(s) {', '.join(unknown)}; known: {', '.join(STREAMS)}")
    return selected


def _chosen_properties(settings: HubSpotSettings, client: HubSpotClient, selected: set[str]) -> dict[str, list[str]]:
    """One definitions call per object and sync: the live and the archived stream ask for the same."""
    extras = {"contacts": settings.extra_contact_properties, "deals": settings.extra_deal_properties}
    mirror = properties.MirrorProperty(settings.mirror_property, settings.mirror_property_explicit)
    chosen: dict[str, list[str]] = {}
    for stream in STREAMS:
        object_type = PROPERTY_STREAMS.get(stream)
        if stream in selected and object_type is not None and object_type not in chosen:
            definitions = client.property_definitions(stream, object_type)
            chosen[object_type] = properties.requested(
                stream, object_type, definitions, extras[object_type], mirror
            )
    return chosen


def _runners(settings: HubSpotSettings, chosen: dict[str, list[str]]) -> dict[str, Callable[[StreamRun], None]]:
    return {
        "hubspot.deal_pipelines": streams.sync_pipelines,
        "hubspot.owners": owners.sync_owners,
        "hubspot.contacts": lambda run: streams.sync_object(run, CONTACTS, chosen["contacts"], settings.overlap),
        "hubspot.archived_contacts": lambda run: streams.sync_archived(run, CONTACTS, chosen["contacts"]),
        "hubspot.contact_ids": lambda run: sweep.sync_deletion_sweep(run, CONTACTS, settings.deletion_sweep_interval),
        "hubspot.deals": lambda run: streams.sync_object(run, DEALS, chosen["deals"], settings.overlap),
        "hubspot.archived_deals": lambda run: streams.sync_archived(run, DEALS, chosen["deals"]),
        "hubspot.deal_ids": lambda run: sweep.sync_deletion_sweep(run, DEALS, settings.deletion_sweep_interval),
    }
