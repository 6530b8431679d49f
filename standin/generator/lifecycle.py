"""HubSpot lifecycle history and the three ways HubSpot exposes stage dates (v2, legacy, history)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from standin.generator.formats import DAY, HOUR, MINUTE, hubspot_time
from standin.generator.journey import CUSTOMER, LIFECYCLE_STAGES, MQL, NURTURE_STAGE, OPPORTUNITY, SQL
from standin.generator.person import Person

# How a contact's stage dates reached us: most portals have all three sources agreeing, migrated or
# older portals miss one or two, and some disagree by minutes.
DATE_STYLES = ("all", "v2_only", "legacy_only", "history_only", "skewed")
DATE_STYLE_WEIGHTS = (74, 6, 6, 7, 7)
WORKFLOW_SOURCE = ("WORKFLOW", "workflow:31415926", "リードスコアリング")
DEAL_WORKFLOW_SOURCE = ("WORKFLOW", "workflow:27182818", "取引ステージ連動")
INTEGRATION_SOURCE = ("INTEGRATION", "integration:salesforce", "Salesforce")
IMPORT_SOURCE = ("IMPORT", "import:5550123", None)


@dataclass(frozen=True)
class HistoryEntry:
    value: str
    time: int
    source_type: str
    source_id: str | None = None
    source_label: str | None = None
    user_id: int | None = None

    def to_json(self) -> dict:
        return {"value": self.value, "timestamp": hubspot_time(self.time), "sourceType": self.source_type,
                "sourceId": self.source_id, "sourceLabel": self.source_label, "updatedByUserId": self.user_id}


@dataclass
class StageDates:
    first_entered: int
    last_entered: int
    last_exited: int | None = None


def user_entry(value: str, time: int, user_id: int) -> HistoryEntry:
    return HistoryEntry(value, time, "CRM_UI", f"userId:{user_id}", None, user_id)


def lifecycle_entries(rng: random.Random, person: Person, user_id: int) -> list[HistoryEntry]:
    """Every lifecycle change, oldest first, with the source a real portal would record."""
    synced = person.in_salesforce
    entries = []
    for position, (stage, time) in enumerate(person.journey.stages):
        if position == 0:
            source = rng.choices((("FORM", None, None), IMPORT_SOURCE, None), (75, 10, 15))[0]
            entries.append(user_entry(stage, time, user_id) if source is None else HistoryEntry(stage, time, *source))
        elif stage in (NURTURE_STAGE, MQL):
            entries.append(HistoryEntry(stage, time, *WORKFLOW_SOURCE))
        elif stage == SQL and not synced:
            entries.append(user_entry(stage, time, user_id))
        elif stage in (SQL, OPPORTUNITY, CUSTOMER):
            entries.append(HistoryEntry(stage, time, *(INTEGRATION_SOURCE if synced else DEAL_WORKFLOW_SOURCE)))
        else:
            entries.append(user_entry(stage, time, user_id))
    regressed = person.journey.regressed_at
    if regressed is not None:
        # HubSpot only lets a stage move backwards after the property is cleared.
        entries += [user_entry("", regressed, user_id), user_entry("lead", regressed + 1, user_id)]
    entries.sort(key=lambda entry: entry.time)
    return entries


def stage_dates(entries: list[HistoryEntry]) -> dict[str, StageDates]:
    dates: dict[str, StageDates] = {}
    current = None
    for entry in entries:
        if current is not None and entry.value != current:
            dates[current].last_exited = entry.time
        if entry.value and entry.value != current:
            known = dates.get(entry.value)
            if known is None:
                dates[entry.value] = StageDates(entry.time, entry.time)
            else:
                known.last_entered, known.last_exited = entry.time, None
        current = entry.value or None
    return dates


def choose_date_style(rng: random.Random, regressed: bool) -> str:
    style = rng.choices(DATE_STYLES, DATE_STYLE_WEIGHTS)[0]
    if regressed and style in ("v2_only", "legacy_only"):
        return "all"  # a regression is only visible in a full history
    return style


def stage_date_properties(
    rng: random.Random, style: str, dates: dict[str, StageDates], horizon: int
) -> dict[str, str | None]:
    """The three date properties of every stage, null where this contact's style lacks them; a skew never
    carries a date past the recording (`horizon`)."""
    v2_shift, legacy_shift = 0, 0
    if style == "skewed":
        v2_shift, legacy_shift = rng.sample(range(0, 21), 2)
    properties: dict[str, str | None] = {}
    for stage in LIFECYCLE_STAGES:
        known = dates.get(stage)
        v2 = known is not None and style in ("all", "v2_only", "skewed")
        legacy = known is not None and style in ("all", "legacy_only", "skewed")
        properties[f"hs_v2_date_entered_{stage}"] = _shifted(known.last_entered, v2_shift, horizon) if v2 else None
        properties[f"hs_v2_date_exited_{stage}"] = (
            hubspot_time(known.last_exited) if v2 and known.last_exited is not None else None)
        properties[f"hs_lifecyclestage_{stage}_date"] = (
            _shifted(known.first_entered, legacy_shift, horizon) if legacy else None)
    return properties


def _shifted(time: int, minutes: int, horizon: int) -> str:
    return hubspot_time(max(time, min(time + minutes * MINUTE, horizon - 1)))


def recorded_history(rng: random.Random, style: str, entries: list[HistoryEntry], horizon: int) -> list[dict]:
    """The history as the API returns it (newest first); migrated contacts only show the import."""
    if style in ("v2_only", "legacy_only"):
        last = entries[-1]
        imported = min(horizon - HOUR, last.time + HOUR + rng.randrange(10 * DAY))
        return [HistoryEntry(last.value, max(imported, last.time), *IMPORT_SOURCE).to_json()]
    return [entry.to_json() for entry in reversed(entries)]
