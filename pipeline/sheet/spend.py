"""Marketing spend from a CSV (date or week, channel, amount), totalled per report week (Monday start)."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path


class SpendCsvError(ValueError):
    """The spend CSV is unreadable or has a bad cell; the message names the file, line and column."""


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def load_weekly_spend(path: str | Path, named_by: str = "kpi.yaml: reporting.spend_csv") -> dict[date, float]:
    """Spend per week start, all channels together; weeks absent from the CSV are absent here.

    `named_by` says where the path comes from, for the message when there is no such file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpendCsvError(
            f"{path}: no such file (the spend CSV named by {named_by}; a relative path is taken from kpi.yaml's "
            "directory)"
        ) from None
    except UnicodeDecodeError as error:
        raise SpendCsvError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    period_column = _period_column(path, reader.fieldnames or [])
    totals: dict[date, float] = defaultdict(float)
    first_seen: dict[tuple[date, str], int] = {}
    for row in reader:
        line = reader.line_num
        period = _parse_period(path, line, period_column, row[period_column])
        channel = (row["channel"] or "").strip()
        if not channel:
            raise SpendCsvError(f"{path}:{line}: column 'channel' is empty")
        if (period, channel) in first_seen:
            raise SpendCsvError(
                f"{path}:{line}: {period_column} {period} and channel {channel!r} already given on line "
                f"{first_seen[period, channel]}"
            )
        first_seen[period, channel] = line
        totals[week_start_of(period)] += _parse_amount(path, line, row["amount"])
    return dict(sorted(totals.items()))


def _period_column(path: Path, header: list[str]) -> str:
    periods = [name for name in ("date", "week") if name in header]
    missing = [name for name in ("channel", "amount") if name not in header]
    if len(periods) != 1 or missing:
        raise SpendCsvError(
            f"{path}:1: the header needs exactly one of 'date' or 'week', plus 'channel' and 'amount'; "
            f"found {', '.join(header) or 'nothing'}"
        )
    return periods[0]


def _parse_period(path: Path, line: int, column: str, value: str | None) -> date:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        raise SpendCsvError(f"{path}:{line}: column {column!r}: {value!r} is not a YYYY-MM-DD date") from None
    if column == "week" and day.weekday() != 0:
        raise SpendCsvError(f"{path}:{line}: column 'week': {value} is a {day:%A}, not a Monday")
    return day


def _parse_amount(path: Path, line: int, value: str | None) -> float:
    try:
        amount = float((value or "").strip())
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or amount < 0:
        raise SpendCsvError(f"{path}:{line}: column 'amount': {value!r} is not a non-negative number")
    return amount
