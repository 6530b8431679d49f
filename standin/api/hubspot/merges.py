"""Merged-away records: which survivor each one now lives in, as HubSpot resolves an old id.

A survivor lists the ids merged into it in ``hs_merged_object_ids`` ("1;2", cumulative through chains)
and, on older portals, ``hs_calculated_merged_vids`` ("1:1690000000000;2:…", direct merges only). The
merged-away records vanish from list, search and (undocumented, so assumed, real-world-behaviour.md) the
archived listing, while "fetching any records using the original IDs will return the new merged record
with the new ID" (HubSpot changelog "Updated merge functionality for contacts and companies").
"""

from __future__ import annotations

MERGED_ID_PROPERTIES = ("hs_merged_object_ids", "hs_calculated_merged_vids")


def listed_merged_ids(properties: dict) -> list[str]:
    """The ids a record says were merged into it, from either property."""
    ids = []
    for name in MERGED_ID_PROPERTIES:
        for part in str(properties.get(name) or "").split(";"):
            merged_id = part.split(":", 1)[0].strip()
            if merged_id:
                ids.append(merged_id)
    return list(dict.fromkeys(ids))


def survivor_links(records: list[dict]) -> dict[str, str]:
    """Merged-away id -> the record listing it; a chain (A in B, B in C) is two links, followed by ``resolve``."""
    links: dict[str, str] = {}
    for record in records:
        for merged_id in listed_merged_ids(record.get("properties") or {}):
            if merged_id != record["id"]:
                links[merged_id] = record["id"]
    return links


def resolve(record_id: str, links: dict[str, str]) -> str:
    """The last survivor of ``record_id`` (itself when it was never merged away)."""
    seen = {record_id}
    while record_id in links and links[record_id] not in seen:
        record_id = links[record_id]
        seen.add(record_id)
    return record_id
