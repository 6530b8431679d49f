"""Report weeks: Monday 00:00 to Monday 00:00 in the report time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dagster import WeeklyPartitionsDefinition

FIRST_REPORT_WEEK = "2023-01-02"


def report_weeks(timezone: str) -> WeeklyPartitionsDefinition:
    """Weekly partitions starting Monday 00:00 in kpi.yaml's time zone, the one the warehouse buckets by."""
    return WeeklyPartitionsDefinition(start_date=FIRST_REPORT_WEEK, day_offset=1, timezone=timezone, end_offset=0)


def last_complete_week(as_of: datetime, timezone: str) -> date:
    """The Monday of the last week that had ended by `as_of` (local time)."""
    local_day = as_of.astimezone(ZoneInfo(timezone)).date()
    return local_day - timedelta(days=local_day.weekday() + 7)
