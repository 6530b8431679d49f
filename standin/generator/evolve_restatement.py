"""A past week restated by the next recording (``evolve --restate-week``).

Three changes made during the evolve window rewrite what a week already reported: an opportunity is closed
won with its CloseDate in that week, two contacts who arrived that week are merged into one person, and
another one who arrived that week is GDPR-deleted. Each is recorded as the services record it: the stamps,
the history row and the merge time are of the window; only the CloseDate and the contacts' createdate point
back at the week, which is what a warehouse reporting by week must notice on its next sync.

The records are chosen from the source before the random changes, which leave them alone (they are held),
and changed after them. Without the option nothing here runs and no random draw moves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from standin.generator.evolve_merges import merge_pair, newer_first
from standin.generator.evolve_salesforce import change_stage
from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import parse_epoch
from standin.generator.hubspot_merges import merged_ids
from standin.generator.pipelines import closing_opportunity_stage

CLOSE_WEEKDAY = 2  # the Wednesday: well inside the week in any time zone's reading of the date


@dataclass(frozen=True)
class RestatedWeek:
    monday: date
    start: int  # [start, end): Monday 00:00 to the next Monday 00:00, local time
    end: int

    @classmethod
    def of(cls, monday: date, timezone: str, recorded_at: int) -> RestatedWeek:
        """The week as instants; refused unless it is a Monday's week that ended by the source recording."""
        if monday.weekday() != 0:
            raise ValueError(f"--restate-week must be a Monday, got {monday} (a {monday:%A})")
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"--timezone: unknown time zone {timezone!r}") from None
        local_start = datetime.combine(monday, clock(), zone)
        week = cls(monday, int(local_start.timestamp()), int((local_start + timedelta(days=7)).timestamp()))
        if week.end > recorded_at:
            raise ValueError(f"{week.label}: the week has not ended by the source's recorded_at")
        return week

    @property
    def label(self) -> str:
        return f"evolve --restate-week {self.monday.isoformat()}"


@dataclass(frozen=True)
class Restatement:
    """The records the three changes are made to, chosen from the source and held from the random changes."""

    week: RestatedWeek
    opportunity: dict
    survivor: dict  # the merge's primary, which keeps its id
    merged_away: dict
    deleted: dict

    @classmethod
    def choose(cls, dataset: EvolvingDataset, week: RestatedWeek) -> Restatement:
        opportunity = _open_opportunity(dataset, week)
        deleted, (survivor, merged_away) = _contacts(dataset, week)
        dataset.hold("Opportunity", opportunity["Id"])
        for contact in (survivor, merged_away, deleted):
            dataset.hold("contacts", contact["id"])
        return cls(week, opportunity, survivor, merged_away, deleted)

    def make(self, dataset: EvolvingDataset) -> dict:
        """Make the changes (after the random ones); what the summary reports of them."""
        # Strictly after the source's recorded_at: a change at that very second could be in the source already.
        closed_at = dataset.rng.randrange(dataset.start + 1, dataset.end)
        self.opportunity["CloseDate"] = (self.week.monday + timedelta(days=CLOSE_WEEKDAY)).isoformat()
        change_stage(dataset, self.opportunity, closing_opportunity_stage(True), closed_at)
        merge_pair(dataset, self.survivor, self.merged_away, new_record=False)
        dataset.remove("contacts", "gdpr_deleted", self.deleted["id"])
        return {"week_start": self.week.monday.isoformat(), "closed_won_opportunity": self.opportunity["Id"],
                "merged": {"survivor": self.survivor["id"], "merged_away": self.merged_away["id"]},
                "deleted_contact": self.deleted["id"]}


def _open_opportunity(dataset: EvolvingDataset, week: RestatedWeek) -> dict:
    # Not a mirrored one: evolve never carries an opportunity's stage over to its mirror deal, which would
    # stay open beside a won opportunity.
    mirrored = {deal["properties"].get("hs_salesforceopportunityid") for deal in dataset.records["deals"]}
    candidates = [record for record in dataset.records["Opportunity"]
                  if not record["IsDeleted"] and not record["IsClosed"] and record["Id"] not in mirrored]
    if not candidates:
        raise ValueError(f"{week.label}: no open Salesforce opportunity to close won in that week")
    return dataset.rng.choice(candidates)


def _contacts(dataset: EvolvingDataset, week: RestatedWeek) -> tuple[dict, tuple[dict, dict]]:
    """The contact to delete (one without deals, whose associations would silently vanish) and the pair to
    merge as (primary, secondary). Each is its person's only record, so the emails differ."""
    sole = _sole_records_created(dataset, week)
    if len(sole) < 2:
        raise ValueError(f"{week.label}: fewer than two HubSpot contacts created that week that are each the "
                         f"only record of their person, to merge")
    linked = {link["id"] for deal in dataset.records["deals"] for link in deal["associations"]["contacts"]["results"]}
    deletable = [record for record in sole if record["id"] not in linked]
    if len(sole) < 3 or not deletable:
        raise ValueError(f"{week.label}: no third HubSpot contact created that week, the only record of its "
                         f"person and without deals, to delete")
    deleted = dataset.rng.choice(deletable)
    pair = dataset.rng.sample([record for record in sole if record is not deleted], 2)
    return deleted, newer_first(*pair)


def _sole_records_created(dataset: EvolvingDataset, week: RestatedWeek) -> list[dict]:
    """Live, never merged HubSpot-only contacts created in the week whose email no other record of the source
    has, in either CRM."""
    emails = Counter(_email(record["properties"]["email"]) for record in dataset.records["contacts"])
    emails.update(_email(record["Email"]) for name in ("Lead", "Contact") for record in dataset.records[name])
    sole = []
    for record in dataset.records["contacts"]:
        properties, email = record["properties"], _email(record["properties"]["email"])
        if (email and emails[email] == 1 and not record["archived"]
                and not properties.get("salesforceleadid") and not properties.get("salesforcecontactid")
                and not merged_ids(properties) and not properties.get("hs_calculated_merged_vids")
                and week.start <= parse_epoch(properties["createdate"]) < week.end):
            sole.append(record)
    return sole


def _email(value: str | None) -> str:
    return (value or "").strip().lower()
