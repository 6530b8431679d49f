"""Why a record entered or left a frozen week's count, where it can be known (docs/kpi-contract.md §10).

The reasons, checked in this order for a record that left: merge (it is one person with a record still
counted), deletion (none of its records is in scope), changed configuration (the funnel's kpi.yaml mapping
differs from the freeze's), backdated edit (the event now falls in another week, or the deal left the
scope), stage regression (it no longer reached the stage). For a record that entered: changed
configuration, backdated edit (one of its records was modified after the freeze's as-of instant), else
late sync (it was already so at the freeze, but the warehouse did not hold it yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.week_close.events import Event
from pipeline.week_close.matching import Difference

REASONS = ("late_sync", "backdated_edit", "merge", "deletion", "stage_regression", "changed_configuration")


@dataclass(frozen=True)
class RecordState:
    """A row of marts.source_records."""

    is_gone: bool
    merged_into_key: str | None
    last_modified_at: datetime | None
    person_id: str | None
    is_counted_deal: bool


@dataclass(frozen=True)
class Explained:
    change: str  # entered, left, changed
    event: Event
    reason: str
    detail: str | None = None


@dataclass(frozen=True)
class World:
    """What today's warehouse says about the records of a restated week."""

    states: dict[tuple[str, bool], RecordState]
    """(record key, is a deal) -> state"""
    person_members: dict[str, frozenset[str]]
    event_weeks: dict[tuple[str, str], date]
    """(event type, record key) -> the week of that record's event of that type now, anywhere."""


@dataclass(frozen=True)
class Freeze:
    data_as_of: datetime
    config_changed: bool


def explain(difference: Difference, world: World, freeze: Freeze) -> list[Explained]:
    explained = [Explained("left", event, *_why_left(event, difference, world, freeze)) for event in difference.left]
    explained += [Explained("entered", event, *_why_entered(event, world, freeze)) for event in difference.entered]
    explained += [
        Explained("changed", now, "backdated_edit", f"amount {_amount(then.amount)} → {_amount(now.amount)}")
        for then, now in difference.changed
    ]
    return explained


def _why_left(event: Event, difference: Difference, world: World, freeze: Freeze) -> tuple[str, str | None]:
    if event.record_key in difference.merged:
        return "merge", f"now one person with {difference.merged[event.record_key]}"
    states = [world.states.get((key, event.is_deal)) for key in event.members]
    if all(_gone(state, world, event.is_deal) for state in states):
        return "deletion", None
    if not event.is_deal:
        members_now = world.person_members.get(_person_now(event, world), frozenset())
        if members_now - set(event.members):
            return "merge", "now one person with " + ", ".join(sorted(members_now - set(event.members)))
    if freeze.config_changed:
        return "changed_configuration", None
    week_now = next((world.event_weeks[key] for key in ((event.event_type, member) for member in event.members)
                     if key in world.event_weeks), None)
    if week_now is not None:
        return "backdated_edit", f"now in the week of {week_now.isoformat()}"
    if event.is_deal and not states[0].is_counted_deal:
        return "backdated_edit", "no longer in scope"
    return "stage_regression", None


def _why_entered(event: Event, world: World, freeze: Freeze) -> tuple[str, str | None]:
    if freeze.config_changed:
        return "changed_configuration", None
    modified = [state.last_modified_at for key in event.members
                if (state := world.states.get((key, event.is_deal))) and state.last_modified_at is not None]
    if modified and max(modified) > freeze.data_as_of:
        return "backdated_edit", f"modified {max(modified).isoformat()}"
    return "late_sync", None


def _gone(state: RecordState | None, world: World, is_deal: bool, depth: int = 0) -> bool:
    if state is None or state.is_gone:
        return True
    if state.merged_into_key and depth < 100:  # a merge chain ends at its survivor
        return _gone(world.states.get((state.merged_into_key, is_deal)), world, is_deal, depth + 1)
    return False


def _person_now(event: Event, world: World) -> str | None:
    for key in (event.record_key, *event.members):
        state = world.states.get((key, False))
        if state is not None and state.person_id is not None:
            return state.person_id
    return None


def _amount(value) -> str:
    return "—" if value is None else f"{value:,.0f}"
