"""Where this run's data begins and ends, found cheaply before anything runs: the bounds of its report weeks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
from dagster import PartitionsDefinition

from pipeline.cli.weeks import ReportWeeks, data_starts, ended_by, partitions_end, partitions_start
from pipeline.environment import Environment
from pipeline.partitions import first_recorded_week


def available_weeks(env: Environment, timezone: str, as_of: datetime, partitions: PartitionsDefinition) -> ReportWeeks:
    """The report weeks the data can fill and the sheet asset has partitions for."""
    first_partition, last_partition = partitions.get_first_partition_key(), partitions.get_last_partition_key()
    first_data_week = data_first_week(env, timezone)
    # The data's bound first: where both start the same week (partitions from the recording), it is the reason.
    firsts = [data_starts(first_data_week)] if first_data_week else []
    if first_partition:
        firsts.append(partitions_start(date.fromisoformat(first_partition)))
    lasts = [ended_by(as_of, timezone)]
    if last_partition:
        lasts.append(partitions_end(date.fromisoformat(last_partition)))
    return ReportWeeks.between(firsts, lasts)


def data_first_week(env: Environment, timezone: str) -> date | None:
    """The earliest week of the data known before the sync: the published warehouse's first funnel week and, in
    fixture mode, the week of the recording's first lead; None when neither is known."""
    weeks = [warehouse_first_week(env.duckdb_path)]
    if env.recorded:
        weeks.append(first_recorded_week(env.fixtures_dir, timezone))
    return min(filter(None, weeks), default=None)


def warehouse_first_week(published: Path) -> date | None:
    """The first week of marts.funnel_weekly in the published warehouse, if there is one to read."""
    if not published.is_file():
        return None
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            return connection.execute("SELECT min(week_start) FROM marts.funnel_weekly").fetchone()[0]
    except duckdb.Error:  # no marts yet, or an analyst holds the file open for writing
        return None
