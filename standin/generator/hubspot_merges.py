"""HubSpot contact merges and GDPR deletes, applied to records as HubSpot applies them.

Documented (knowledge.hubspot.com "Merge records"; HubSpot changelog "Updated merge functionality for
contacts and companies"): the primary's email is kept; the lifecycle stage is the one furthest down the
funnel; the property history of both records is kept on the survivor; deals of either record are
associated with the survivor; the survivor lists the merged ids in ``hs_merged_object_ids``. A classic
merge keeps the primary's id; since 2025 a merge may create a new record (a new id) with both originals
merged away, whose current values are the primary's.

Undocumented, so modelled as the worst case for a warehouse: the survivor's ``createdate`` is the
primary's own (classic) or the merge time (new record); its stage-date properties
(``hs_v2_date_entered_*``, ``hs_lifecyclestage_*_date``) are the primary's even when the secondary
reached a stage earlier; its ``lastmodifieddate`` is the merge time; re-associating a deal does not touch
the deal's ``hs_lastmodifieddate``; and a GDPR-deleted contact's deals lose the association silently.
"""

from __future__ import annotations

import copy

from standin.generator.formats import hubspot_time
from standin.generator.journey import LIFECYCLE_STAGES


def merged_ids(properties: dict) -> list[str]:
    return _parts(properties.get("hs_merged_object_ids"))


def merge_contacts(primary: dict, secondary: dict, time: int, new_id: str | None = None) -> tuple[dict, list[dict]]:
    """Merge ``secondary`` into ``primary`` at ``time``: (the survivor, the records merged away).

    The survivor is ``primary`` itself, changed (classic merge), or a new record ``new_id`` (since 2025).
    """
    survivor = primary if new_id is None else _new_record(primary, new_id, time)
    vanished = [secondary] if new_id is None else [primary, secondary]
    properties = survivor["properties"]
    properties["lifecyclestage"] = _furthest_stage(primary, secondary)
    # Cumulative, as HubSpot keeps it: every id that ever ended up in this record.
    cumulative = [*merged_ids(primary["properties"]), *merged_ids(secondary["properties"])]
    cumulative += [record["id"] for record in vanished]
    properties["hs_merged_object_ids"] = ";".join(sorted(set(cumulative), key=int))
    # Older portals' property: only the merges into this very record, "id:epoch-ms".
    direct = [] if new_id is not None else _parts(primary["properties"].get("hs_calculated_merged_vids"))
    direct += [f"{record['id']}:{time * 1000}" for record in vanished]
    properties["hs_calculated_merged_vids"] = ";".join(direct)
    history = [*primary["propertiesWithHistory"]["lifecyclestage"],
               *secondary["propertiesWithHistory"]["lifecyclestage"]]
    survivor["propertiesWithHistory"]["lifecyclestage"] = sorted(
        history, key=lambda entry: entry["timestamp"], reverse=True)
    properties["lastmodifieddate"] = survivor["updatedAt"] = hubspot_time(time)
    return survivor, vanished


def _parts(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def _new_record(primary: dict, new_id: str, time: int) -> dict:
    record = copy.deepcopy(primary)
    record["id"] = record["properties"]["hs_object_id"] = new_id
    record["properties"]["createdate"] = record["createdAt"] = hubspot_time(time)
    return record


def _furthest_stage(*records: dict) -> str | None:
    stages = [record["properties"]["lifecyclestage"] for record in records]
    return max(stages, key=lambda stage: LIFECYCLE_STAGES.index(stage) if stage in LIFECYCLE_STAGES else -1)


def reassociate(deal: dict, old_ids: set[str], new_id: str) -> bool:
    """Point the deal's links to ``old_ids`` at ``new_id`` (once); True when the deal changed."""
    links = deal["associations"]["contacts"]["results"]
    if not any(link["id"] in old_ids for link in links):
        return False
    kept, seen = [], set()
    for link in links:
        target = new_id if link["id"] in old_ids else link["id"]
        if target not in seen:
            seen.add(target)
            kept.append({**link, "id": target})
    links[:] = kept
    return True
