"""The spend CSV: daily or weekly rows by channel, totalled per Monday-start week.

Errors name the file, line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.sheet.spend import SpendCsvError, load_weekly_spend
from tests.support import REPO


def spend_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "spend.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_daily_rows_are_totalled_per_week(tmp_path):
    path = spend_file(
        tmp_path,
        "date,channel,amount\n"
        "2025-06-22,search_ads,1000\n"  # a Sunday: the week of Monday 06-16
        "2025-06-23,search_ads,2000.5\n"
        "2025-06-23,display_ads,300\n"
        "2025-06-29,search_ads,40\n",
    )
    assert load_weekly_spend(path) == {date(2025, 6, 16): 1000, date(2025, 6, 23): 2340.5}


def test_weekly_rows_with_a_byte_order_mark(tmp_path):
    path = spend_file(tmp_path, "week,channel,amount\r\n2025-06-23,search_ads,5000\r\n", encoding="utf-8-sig")
    assert load_weekly_spend(path) == {date(2025, 6, 23): 5000}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "day,channel,amount\n",
            ":1: the header needs exactly one of 'date' or 'week', plus 'channel' and "
            "'amount'; found day, channel, amount",
        ),
        ("date,week,channel,amount\n", ":1: the header needs exactly one of 'date' or 'week'"),
        (
            "date,channel,amount\n2025-06-23,search_ads,1000\n2025-06-24,search_ads,12a\n",
            ":3: column 'amount': '12a' is not a non-negative number",
        ),
        (
            "date,channel,amount\n2025-06-23,search_ads,-5\n",
            ":2: column 'amount': '-5' is not a non-negative number",
        ),
        (
            "date,channel,amount\n2025-06-23,search_ads,nan\n",
            ":2: column 'amount': 'nan' is not a non-negative",
        ),
        (
            "date,channel,amount\n2025/06/23,search_ads,1\n",
            ":2: column 'date': '2025/06/23' is not a YYYY-MM-DD date",
        ),
        (
            "week,channel,amount\n2025-06-24,search_ads,1\n",
            ":2: column 'week': 2025-06-24 is a Tuesday, not a Monday",
        ),
        ("date,channel,amount\n2025-06-23,,1\n", ":2: column 'channel' is empty"),
        (
            "week,channel,amount\n2025-06-23,search_ads,1\n2025-06-23,display_ads,1\n2025-06-23,search_ads,2\n",
            ":4: week 2025-06-23 and channel 'search_ads' already given on line 2",
        ),
    ],
)
def test_bad_input_names_the_file_line_and_column(tmp_path, text, message):
    path = spend_file(tmp_path, text)
    with pytest.raises(SpendCsvError) as raised:
        load_weekly_spend(path)
    assert str(raised.value).startswith(f"{path}{message}")


def test_a_missing_file_names_the_config_key(tmp_path):
    with pytest.raises(SpendCsvError) as raised:
        load_weekly_spend(tmp_path / "nothing.csv", named_by="/x/kpi.yaml: reporting.spend_csv")
    assert str(raised.value) == (
        f"{tmp_path / 'nothing.csv'}: no such file (the spend CSV named by /x/kpi.yaml: reporting.spend_csv; "
        "a relative path is taken from kpi.yaml's directory)"
    )


def test_the_demo_spend_covers_november_2024_to_november_2025():
    spend = load_weekly_spend(REPO / "fixtures" / "spend_demo.csv")
    weeks = list(spend)
    assert (weeks[0], weeks[-1], len(weeks)) == (date(2024, 10, 28), date(2025, 11, 24), 57)
    assert spend[date(2024, 10, 28)] == 231_000 + 99_000 + 67_000
