"""Survivors of merges made before the recording: they list ids that the recording does not hold.

Chosen by id, not by the random stream, so that adding them leaves every other generated value alone.
A classic survivor keeps its id and lists a later duplicate; a new-record survivor (HubSpot's merges
since 2025) has an id above both originals, one of which had itself absorbed a third record: the
cumulative ``hs_merged_object_ids`` lists all three, the older ``hs_calculated_merged_vids`` only the two
direct merges (fivetran/dbt_hubspot#172).
"""

from __future__ import annotations

import zlib

from standin.generator.formats import parse_epoch
from standin.generator.ids import RecordIds

PAST_MERGE_EVERY = 400  # one contact id in this many is a classic survivor, one a new-record survivor
CLASSIC, NEW_RECORD = 13, 101  # the hash remainders that choose each kind


def survivor_id(ids: RecordIds, contact_id: str) -> tuple[str, list[str]]:
    """(the contact's id, the ids merged into it); takes the merged-away ids from ``ids``."""
    kind = zlib.crc32(contact_id.encode()) % PAST_MERGE_EVERY
    if kind == CLASSIC:
        return contact_id, [ids.hubspot("contacts")]
    if kind == NEW_RECORD:
        absorbed, other = ids.hubspot("contacts"), ids.hubspot("contacts")
        return ids.hubspot("contacts"), [contact_id, absorbed, other]
    return contact_id, []


def record_past_merge(record: dict, merged: list[str]) -> dict:
    """Write the merged ids into the survivor: a classic merge at its last modification, a new record's at
    its creation (the moment the new record was made)."""
    if not merged:
        return record
    properties = record["properties"]
    classic = len(merged) == 1
    merged_at = parse_epoch(properties["lastmodifieddate" if classic else "createdate"]) * 1000
    direct = merged if classic else [merged[0], merged[2]]  # merged[1] went into merged[0] before
    properties["hs_merged_object_ids"] = ";".join(merged)
    properties["hs_calculated_merged_vids"] = ";".join(f"{merged_id}:{merged_at}" for merged_id in direct)
    return record
