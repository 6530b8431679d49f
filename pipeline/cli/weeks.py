"""The report weeks a run can fill, and the `--week` asked for, checked against them before anything runs.

A report week is named by its Monday. The weeks that exist run from the latest of the first weeks (the data's,
the sheet's first partition) to the earliest of the last ones (the last week complete at the data's as-of time,
the sheet's last partition); each bound says why a week beyond it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipeline.partitions import last_complete_week


class WeekRefused(ValueError):
    """The --week given is not a report week that exists; the message names the weeks that do."""


@dataclass(frozen=True)
class WeekBound:
    week: date
    beyond: str
    """Why a week beyond this bound is refused, e.g. "before the data's first week (2024-11-18)"."""


def data_starts(week: date) -> WeekBound:
    return WeekBound(week, f"before the data's first week ({week})")


def partitions_start(week: date) -> WeekBound:
    return WeekBound(week, f"before the sheet's first partition ({week})")


def ended_by(as_of: datetime, timezone: str) -> WeekBound:
    """The last week that had ended, in `timezone`, by `as_of` (the data's as-of time)."""
    return WeekBound(
        last_complete_week(as_of, timezone), f"that week had not ended by {as_of.isoformat()} (the data's as-of time)"
    )


def partitions_end(week: date) -> WeekBound:
    return WeekBound(week, f"after the sheet's last partition ({week})")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class ReportWeeks:
    first: WeekBound | None
    """None: not known before the sync (the live services, no warehouse yet)."""
    last: WeekBound

    @classmethod
    def between(cls, firsts: list[WeekBound], lasts: list[WeekBound]) -> ReportWeeks:
        """The weeks within every bound: after the latest first week, up to the earliest last week."""
        return cls(max(firsts, key=lambda bound: bound.week, default=None), min(lasts, key=lambda bound: bound.week))

    def __str__(self) -> str:
        if self.first is None:
            return f"the report weeks that exist are the Mondays up to {self.last.week}"
        if self.first.week > self.last.week:
            return f"no report week exists yet: the first, {self.first.week}, is after the last, {self.last.week}"
        return f"the report weeks that exist are the Mondays from {self.first.week} to {self.last.week}"


def choose_report_week(text: str | None, weeks: ReportWeeks) -> date:
    """The week `text` names (YYYY-MM-DD, a Monday), or the last week that exists when it is None."""
    if text is None:
        if weeks.first is not None and weeks.first.week > weeks.last.week:
            raise WeekRefused(str(weeks))
        return weeks.last.week
    try:
        week = date.fromisoformat(text)
    except ValueError:
        raise WeekRefused(f"--week {text}: not a date (expected YYYY-MM-DD, a Monday); {weeks}") from None
    if week.weekday() != 0:
        raise WeekRefused(
            f"--week {text}: not a Monday (report weeks start on Monday; {text} is in the week of "
            f"{monday_of(week)}); {weeks}"
        )
    if weeks.first is not None and week < weeks.first.week:
        raise WeekRefused(f"--week {text}: {weeks.first.beyond}; {weeks}")
    if week > weeks.last.week:
        raise WeekRefused(f"--week {text}: {weeks.last.beyond}; {weeks}")
    return week
