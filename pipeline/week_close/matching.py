"""Which counted events of a frozen week entered and left since it was frozen, by record identity.

A person's id is not stable (it follows the smallest email of its members), so a frozen event is found
again through its records: the current event whose records include the frozen one's record, else any of
its other members. Two frozen events found in one current event are one person now: the event supplied by
the same record as the current one stays, the other left by a merge (ties: the lower record key stays).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.week_close.events import Event


@dataclass(frozen=True)
class Difference:
    """The events of one component (event type, week) then and now."""

    entered: list[Event]
    left: list[Event]
    merged: dict[str, str]
    """record key of a left event -> the record of the event that now counts it (one person now)."""
    changed: list[tuple[Event, Event]]
    """(frozen, current) pairs of one deal whose amount changed."""


def compare_events(frozen: Sequence[Event], current: Sequence[Event]) -> Difference:
    holder = {}  # record key -> index of the current event holding it
    for index, event in enumerate(current):
        for key in event.members:
            holder.setdefault(key, index)
    claims: dict[int, list[Event]] = {}
    lost = []
    for event in frozen:
        found = _found_in(event, holder)
        if found is None:
            lost.append(event)
        else:
            claims.setdefault(found, []).append(event)
    merged, changed = {}, []
    for index, claimants in claims.items():
        now = current[index]
        keeper, *others = sorted(claimants, key=lambda event: (event.record_key != now.record_key, event.record_key))
        for other in others:
            merged[other.record_key] = keeper.record_key
        lost.extend(others)
        if keeper.amount != now.amount:
            changed.append((keeper, now))
    entered = [event for index, event in enumerate(current) if index not in claims]
    return Difference(entered=entered, left=sorted(lost, key=lambda event: event.record_key),
                      merged=merged, changed=changed)


def _found_in(event: Event, holder: dict[str, int]) -> int | None:
    if event.record_key in holder:
        return holder[event.record_key]
    return next((holder[key] for key in event.members if key in holder), None)
