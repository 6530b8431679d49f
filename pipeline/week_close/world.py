"""What today's warehouse says about the records of restated events (marts.source_records, funnel_events)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pipeline.week_close.events import Event
from pipeline.week_close.reasons import RecordState, World

IN_JSON_LIST = "IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))"


def read_world(connection, events: Sequence[Event]) -> World:
    keys = json.dumps(sorted({key for event in events for key in event.members}))
    states = {
        (key, record_type in ("deal", "opportunity")): RecordState(gone, merged_into, modified, person_id, counted)
        for key, record_type, gone, merged_into, modified, person_id, counted in connection.execute(
            "SELECT record_key, record_type, is_gone, merged_into_key, last_modified_at, person_id, is_counted_deal "
            f"FROM marts.source_records WHERE record_key {IN_JSON_LIST}", [keys]
        ).fetchall()
    }
    persons = json.dumps(sorted({state.person_id for state in states.values() if state.person_id}))
    members: dict[str, set[str]] = {}
    for person_id, key in connection.execute(
        f"SELECT person_id, record_key FROM marts.source_records WHERE person_id {IN_JSON_LIST}",
        [persons],
    ).fetchall():
        members.setdefault(person_id, set()).add(key)
    event_weeks = {
        (event_type, key): week
        for event_type, key, week in connection.execute(
            "SELECT event_type, key, min(week_start) FROM (SELECT event_type, week_start, "
            "unnest(source_record_ids) AS key FROM marts.funnel_events) "
            f"WHERE key {IN_JSON_LIST} GROUP BY ALL",
            [keys],
        ).fetchall()
    }
    return World(states, {person: frozenset(keys) for person, keys in members.items()}, event_weeks)
