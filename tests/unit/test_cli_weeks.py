"""--week is checked against the report weeks that exist, before anything runs; each refusal names them."""

from datetime import date, datetime

import pytest

from pipeline.cli.weeks import (
    ReportWeeks,
    WeekRefused,
    choose_report_week,
    data_starts,
    ended_by,
    partitions_end,
    partitions_start,
)

AS_OF = datetime.fromisoformat("2025-11-17T01:00:00+00:00")  # Monday 10:00 in Tokyo: the week of 11-10 has ended
WEEKS = ReportWeeks.between(
    [partitions_start(date(2023, 1, 2)), data_starts(date(2024, 11, 18))],
    [ended_by(AS_OF, "Asia/Tokyo"), partitions_end(date(2026, 11, 23))],
)
EXIST = "the report weeks that exist are the Mondays from 2024-11-18 to 2025-11-10"


def refusal(text: str | None, weeks: ReportWeeks = WEEKS) -> str:
    with pytest.raises(WeekRefused) as error:
        choose_report_week(text, weeks)
    return str(error.value)


def test_the_latest_first_week_and_the_earliest_last_week_bound_the_weeks():
    assert (WEEKS.first.week, WEEKS.last.week) == (date(2024, 11, 18), date(2025, 11, 10))


def test_no_week_given_is_the_last_complete_one_and_a_monday_in_range_is_taken():
    assert choose_report_week(None, WEEKS) == date(2025, 11, 10)
    assert choose_report_week("2024-11-18", WEEKS) == date(2024, 11, 18)
    assert choose_report_week("2025-06-23", WEEKS) == date(2025, 6, 23)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2022-12-26", "before the data's first week (2024-11-18)"),
        ("2024-11-11", "before the data's first week (2024-11-18)"),
        ("2025-11-17", "that week had not ended by 2025-11-17T01:00:00+00:00 (the data's as-of time)"),
        ("2025-11-12", "not a Monday (report weeks start on Monday; 2025-11-12 is in the week of 2025-11-10)"),
        ("2025-13-01", "not a date (expected YYYY-MM-DD, a Monday)"),
        ("last week", "not a date (expected YYYY-MM-DD, a Monday)"),
    ],
)
def test_every_bad_week_is_refused_naming_the_weeks_that_exist(text, reason):
    assert refusal(text) == f"--week {text}: {reason}; {EXIST}"


def test_data_older_than_the_partitions_is_bounded_by_the_first_partition():
    weeks = ReportWeeks.between([partitions_start(date(2023, 1, 2)), data_starts(date(2022, 6, 6))],
                                [ended_by(AS_OF, "Asia/Tokyo")])
    assert refusal("2022-12-26", weeks) == (
        "--week 2022-12-26: before the sheet's first partition (2023-01-02); "
        "the report weeks that exist are the Mondays from 2023-01-02 to 2025-11-10"
    )


def test_a_recording_newer_than_the_clock_is_bounded_by_the_last_partition():
    weeks = ReportWeeks.between([], [ended_by(AS_OF, "Asia/Tokyo"), partitions_end(date(2025, 11, 3))])
    assert refusal("2025-11-10", weeks) == (
        "--week 2025-11-10: after the sheet's last partition (2025-11-03); "
        "the report weeks that exist are the Mondays up to 2025-11-03"
    )


def test_data_whose_first_week_has_not_ended_has_no_week_to_report():
    weeks = ReportWeeks.between([data_starts(date(2025, 11, 17))], [ended_by(AS_OF, "Asia/Tokyo")])
    assert refusal(None, weeks) == "no report week exists yet: the first, 2025-11-17, is after the last, 2025-11-10"
