"""Report weeks: Monday 00:00 to Monday 00:00 in the report time zone.

The partitions run from the first week the data can fill to the last week that had ended by the data's
as-of instant, so that every partition the UI shows can be materialized: a week before the first record
has no row in marts.funnel_weekly, and the sheet refuses it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import WeeklyPartitionsDefinition

DEFAULT_FIRST_REPORT_WEEK = date(2023, 1, 2)
"""The first week against the live services when kpi.yaml sets no reporting.first_week: the code location
cannot ask the CRMs for their oldest record while it loads."""

# The creation dates that open the funnel (a person's new_lead event), in the dataset layout of
# fixtures/README.md: HubSpot contacts' `createdate` property, Salesforce leads' `CreatedDate`.
_CREATION_DATES = {
    Path("hubspot") / "contacts.jsonl": re.compile(rb'"createdate":\s*"([^"]+)"'),
    Path("salesforce") / "Lead.jsonl": re.compile(rb'"CreatedDate":\s*"([^"]+)"'),
}


class FirstWeekError(ValueError):
    """reporting.first_week cannot be honoured by the data; the message names the key and the data's weeks."""


def report_weeks(
    timezone: str, first_week: date = DEFAULT_FIRST_REPORT_WEEK, last_week: date | None = None
) -> WeeklyPartitionsDefinition:
    """Weekly partitions from `first_week` to `last_week` (both Mondays, included; None: the last complete
    week as of now), starting Monday 00:00 in kpi.yaml's time zone, the one the warehouse buckets by."""
    # Dagster's end_date is exclusive: the Monday after the last week.
    end_date = None if last_week is None else (last_week + timedelta(weeks=1)).isoformat()
    return WeeklyPartitionsDefinition(
        start_date=first_week.isoformat(), end_date=end_date, day_offset=1, timezone=timezone, end_offset=0
    )


def week_of(instant: datetime, timezone: str) -> date:
    """The Monday of the local week holding `instant`."""
    local_day = instant.astimezone(ZoneInfo(timezone)).date()
    return local_day - timedelta(days=local_day.weekday())


def last_complete_week(as_of: datetime, timezone: str) -> date:
    """The Monday of the last week that had ended by `as_of` (local time)."""
    return week_of(as_of, timezone) - timedelta(weeks=1)


def first_recorded_week(dataset_dir: str | Path, timezone: str) -> date | None:
    """The week of the earliest contact or lead creation in a recorded dataset; None when it holds none.

    A scan of two files for one property, without parsing the records: the code location does this at
    every load, and a recording may hold hundreds of thousands of contacts.
    """
    earliest: datetime | None = None
    for relative, pattern in _CREATION_DATES.items():
        path = Path(dataset_dir) / relative
        if not path.is_file():
            continue  # the dataset's own loader names a missing file when the run starts
        with path.open("rb") as records:
            for line in records:
                match = pattern.search(line)
                if match:
                    created = _utc(match.group(1).decode())
                    earliest = created if earliest is None or created < earliest else earliest
    return None if earliest is None else week_of(earliest, timezone)


def first_report_week(configured: date | None, data_first_week: date | None, last_week: date) -> date:
    """The first partition: kpi.yaml's reporting.first_week, else the data's first week.

    A configured week before the data's first week is refused rather than clamped: it says the operator
    expects history the data does not hold (another dataset, a shorter recording), and silently starting
    later would hide that; the message gives the week to write instead.
    """
    if configured is not None and data_first_week is not None and configured < data_first_week:
        raise FirstWeekError(
            f"reporting.first_week: {configured} is before the data's first week, {data_first_week} (its earliest "
            f"contact or lead); weeks before it could never be filled. Set reporting.first_week to {data_first_week} "
            "or later, or remove it to start at the data's first week"
        )
    first = configured or data_first_week or DEFAULT_FIRST_REPORT_WEEK
    if first > last_week:
        raise FirstWeekError(
            f"reporting.first_week: {first} is after the last complete week of the data, {last_week}; "
            "there would be no report week to publish"
        )
    return first


def _utc(text: str) -> datetime:
    # HubSpot writes 2024-11-18T03:00:39.000Z, Salesforce 2024-11-18T03:13:50.000+0000; both are UTC.
    return datetime.fromisoformat(text.replace("+0000", "+00:00"))
