"""The report-week partitions span the weeks the data can fill: from its first week to the last complete one."""

import json
from datetime import date

import pytest

from pipeline.kpi_config import KpiConfigError, load_kpi_config
from pipeline.partitions import FirstWeekError, first_recorded_week, first_report_week, report_weeks
from tests.support import REPO

TOKYO = "Asia/Tokyo"


def write_recording(root, contact_created: list[str], lead_created: list[str]):
    (root / "hubspot").mkdir()
    (root / "salesforce").mkdir()
    contacts = [{"id": str(n), "properties": {"createdate": when}} for n, when in enumerate(contact_created)]
    leads = [{"Id": f"00Q{n}", "CreatedDate": when} for n, when in enumerate(lead_created)]
    (root / "hubspot" / "contacts.jsonl").write_text("".join(json.dumps(c) + "\n" for c in contacts))
    (root / "salesforce" / "Lead.jsonl").write_text("".join(json.dumps(lead) + "\n" for lead in leads))
    return root


def test_the_demo_recording_starts_in_the_week_of_its_first_contact():
    # Its first contact was created 2024-11-18T03:00:39Z, Monday noon in Tokyo.
    assert first_recorded_week(REPO / "fixtures" / "demo", TOKYO) == date(2024, 11, 18)


def test_the_first_week_is_the_earliest_creation_of_either_crm_in_local_time(tmp_path):
    # Sunday 15:30 UTC is Monday 00:30 in Tokyo: the lead opens the week of 2025-01-06, not of 2024-12-30.
    recording = write_recording(
        tmp_path, ["2025-01-20T01:00:00.000Z", "2025-01-08T01:00:00.000Z"], ["2025-01-05T15:30:00.000+0000"]
    )
    assert first_recorded_week(recording, TOKYO) == date(2025, 1, 6)
    assert first_recorded_week(recording, "UTC") == date(2024, 12, 30)


def test_a_recording_without_records_has_no_first_week(tmp_path):
    assert first_recorded_week(write_recording(tmp_path, [], []), TOKYO) is None


def test_the_first_week_defaults_to_the_datas_and_may_be_set_later():
    last = date(2025, 11, 10)
    assert first_report_week(None, date(2024, 11, 18), last) == date(2024, 11, 18)
    assert first_report_week(date(2025, 1, 6), date(2024, 11, 18), last) == date(2025, 1, 6)


def test_a_first_week_before_the_data_is_refused_naming_the_key_and_the_datas_first_week():
    with pytest.raises(FirstWeekError) as error:
        first_report_week(date(2024, 11, 4), date(2024, 11, 18), date(2025, 11, 10))
    assert str(error.value) == (
        "reporting.first_week: 2024-11-04 is before the data's first week, 2024-11-18 (its earliest contact or "
        "lead); weeks before it could never be filled. Set reporting.first_week to 2024-11-18 or later, or remove "
        "it to start at the data's first week"
    )


def test_a_first_week_after_the_last_complete_week_is_refused():
    with pytest.raises(FirstWeekError, match="2025-11-17 is after the last complete week of the data, 2025-11-10"):
        first_report_week(date(2025, 11, 17), date(2024, 11, 18), date(2025, 11, 10))


def test_the_partitions_run_from_the_first_to_the_last_complete_week_inclusive():
    weeks = report_weeks(TOKYO, date(2024, 11, 18), date(2025, 11, 10)).get_partition_keys()
    assert (weeks[0], weeks[-1], len(weeks)) == ("2024-11-18", "2025-11-10", 52)


def test_first_week_must_be_a_monday(tmp_path):
    config = tmp_path / "kpi.yaml"
    config.write_text("reporting:\n  first_week: 2024-11-06\n", encoding="utf-8")
    with pytest.raises(KpiConfigError) as error:
        load_kpi_config(config)
    assert str(error.value) == (
        f"{config}: reporting.first_week: Value error, 2024-11-06 is not a Monday; report weeks start on Monday: "
        "the week of 2024-11-06 is 2024-11-04"
    )
    config.write_text("reporting:\n  first_week: 2024-11-04\n", encoding="utf-8")
    assert load_kpi_config(config).reporting.first_week == date(2024, 11, 4)
