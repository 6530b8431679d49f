"""Salesforce streams into the raw layer: describe, keyset pages of queryAll, one commit per page."""

from __future__ import annotations

import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from connectors.errors import SyncError
from connectors.raw_store import RawStore
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.deletions import reconcile_children
from connectors.salesforce.field_list import select_fields
from connectors.salesforce.paging import Cursor, build_soql, cursor_field
from connectors.salesforce.purges import track_purges
from connectors.salesforce.raw_pages import store_page
from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.shaping import SOBJECT_TABLES
from connectors.salesforce.windows import WindowedQuery, WindowPolicy, windowed_pages
from connectors.sync_report import SyncReport

# Parents before their children (history, contact roles), so that a child stream sees this run's parents.
STREAMS = {
    "salesforce.Lead": "Lead",
    "salesforce.LeadHistory": "LeadHistory",
    "salesforce.Contact": "Contact",
    "salesforce.Opportunity": "Opportunity",
    "salesforce.OpportunityHistory": "OpportunityHistory",
    "salesforce.OpportunityContactRole": "OpportunityContactRole",
    "salesforce.User": "User",
}


def sync_salesforce(
    settings: SalesforceSettings, store: RawStore, streams: Iterable[str] | None = None
) -> dict[str, SyncReport]:
    """Sync the chosen streams (all by default) in order; stops at the first SyncError.

    The warehouse is tied to the org the login names, and only once a login succeeded: a run refused at
    the login pins nothing, and a warehouse of another org stops the run before any stream (OriginMismatch).
    """
    wanted = set(STREAMS if streams is None else streams)
    unknown = sorted(wanted - STREAMS.keys())
    if unknown:
        raise ValueError(f"unknown Salesforce stream(s) {', '.join(unknown)}; known: {', '.join(STREAMS)}")
    if not wanted:
        return {}
    client = SalesforceClient(settings)
    chosen = [stream for stream in STREAMS if stream in wanted]
    org_id = client.login(chosen[0])
    store.claim_origin("salesforce", f"Salesforce org {org_id}", record_url_base(client.instance_url))
    login_calls = client.api_calls
    reports = {stream: sync_stream(client, store, stream, settings) for stream in chosen}
    reports[chosen[0]].api_calls += login_calls  # the login is counted with the stream it was made for
    return reports


def record_url_base(instance_url: str | None) -> str | None:
    """The grant's instance URL without anything but scheme, host and port: `{base}/{Id}` opens any record
    (Salesforce redirects it to Lightning)."""
    parts = urlsplit(instance_url or "")
    if parts.scheme != "https" or not parts.hostname:
        return None
    return f"https://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def sync_stream(client: SalesforceClient, store: RawStore, stream: str, settings: SalesforceSettings) -> SyncReport:
    started, calls_before = time.monotonic(), client.api_calls
    sobject, table = STREAMS[stream], SOBJECT_TABLES[STREAMS[stream]].name
    stored = store.read_cursor(stream)
    start = Cursor.from_dict(stored, stream) if stored else None
    report = SyncReport(stream, mode="incremental" if start else "full", cursor_before=stored)
    description = client.describe(stream, sobject)
    load_began = client.server_time
    described = [field["name"] for field in description["fields"]]
    field = cursor_field(described, stream)
    fields, note = select_fields(stream, sobject, described, field, settings.extra_fields, settings.api_version)
    if note:
        report.notes.append(note)
    if start and start.field != field:
        raise SyncError(f"Salesforce stream {stream}: the stored cursor pages by {start.field}, describe now "
                        f"by {field}; delete its raw_meta.sync_state row for a full reload")

    spec = WindowedQuery(
        stream, sobject, field,
        query=lambda where: client.query_all(stream, build_soql(sobject, fields, field, where)),
        query_more=lambda url: client.query_more(stream, url),
        policy=WindowPolicy(settings.first_query_window, settings.min_query_window),
        notes=report.notes,
    )
    for records, cursor in windowed_pages(spec, start, settings.overlap):
        store_page(store, report, sobject, table, records, cursor)
    reconcile_children(client, store, report, sobject, fields)
    track_purges(client, store, report, sobject, description, load_began)
    report.api_calls = client.api_calls - calls_before
    report.api_budget_remaining = client.budget_remaining
    report.cursor_after = store.read_cursor(stream)
    report.duration_s = time.monotonic() - started
    return report
