"""Deals' contact associations in full: every page of them, and lists that changed while the deal did not.

HubSpot pages associations: embedded in a list response past 100 (changelog "Announcing a change to how v3
CRM APIs return association data"), and per input in a v4 batch read ("paging will only be present if there
are more pages"). And adding an association need not move the deal's hs_lastmodifieddate (Airbyte issue
44554), so an incremental search alone would never see it: every run re-reads the associations of all live
deals (one batch call per 1,000 deals) and rewrites the deals whose list changed.
"""

from __future__ import annotations

import json

from connectors.hubspot import shaping
from connectors.hubspot.stream_run import StreamRun, synced_now
from connectors.raw_schema import HUBSPOT_DEALS

BATCH_INPUTS = 1000  # the v4 batch read's cap on inputs (changelog "Batch Read Limit ... Associations API", 2025)
STORED_CONTACT_IDS = "$.associations.contacts.results[*].id"


def contact_links(run: StreamRun, deal_ids: list[str]) -> dict[str, list[dict]]:
    """Deal id -> all its v4 links to contacts; a deal with further pages is asked again with their cursor."""
    links: dict[str, list[dict]] = {deal_id: [] for deal_id in deal_ids}
    pending = [{"id": deal_id} for deal_id in deal_ids]
    while pending:
        batch, pending = pending[:BATCH_INPUTS], pending[BATCH_INPUTS:]
        body = run.client.associations(run.name, "deals", "contacts", batch)
        for result in body.get("results", []):  # deals without contacts come back under "errors"
            deal_id = str(shaping.required(run.name, result.get("from"), "id"))
            links.setdefault(deal_id, []).extend(result.get("to") or [])
            after = ((result.get("paging") or {}).get("next") or {}).get("after")
            if after:
                pending.append({"id": deal_id, "after": after})
    return links


def with_all_contacts(run: StreamRun, deals: list[dict]) -> list[dict]:
    """Listed deals whose embedded contacts run past one page, re-read whole through the v4 batch read.

    The embedded page's cursor belongs to the v3 object endpoint; that it resumes a v4 read is not
    documented, so the lists are read from their start.
    """
    paged = [str(deal["id"]) for deal in deals if _embedded_next(deal)]
    if not paged:
        return deals
    links = contact_links(run, paged)
    return [
        shaping.with_v4_associations(deal, "contacts", links[str(deal["id"])]) if str(deal["id"]) in links else deal
        for deal in deals
    ]


def refresh_live_deals(run: StreamRun) -> None:
    """Rewrite the stored deals whose contact list differs from HubSpot's now (the deal itself unchanged)."""
    table = HUBSPOT_DEALS.name
    stored = {deal_id: _ids(text) for deal_id, text in run.store.live_json(table, STORED_CONTACT_IDS).items()}
    changed: dict[str, list[dict]] = {}
    deal_ids = sorted(stored)
    for start in range(0, len(deal_ids), BATCH_INPUTS):
        links = contact_links(run, deal_ids[start : start + BATCH_INPUTS])
        for deal_id, current in links.items():
            if deal_id in stored and sorted(str(link["toObjectId"]) for link in current) != stored[deal_id]:
                changed[deal_id] = current
    if not changed:
        return
    synced_at = synced_now()
    rows = [
        shaping.deal_row(run.name, shaping.with_v4_associations(payload, "contacts", changed[payload["id"]]), synced_at)
        for payload in run.store.payloads(table, sorted(changed))
    ]
    run.commit(table, {table: rows}, None)
    run.report.notes.append(f"{len(rows)} deal(s) whose contacts changed without the deal being modified")


def _embedded_next(deal: dict) -> bool:
    contacts = (deal.get("associations") or {}).get("contacts") or {}
    return bool(((contacts.get("paging") or {}).get("next") or {}).get("after"))


def _ids(text: str | None) -> list[str]:
    return sorted(str(value) for value in json.loads(text)) if text else []
