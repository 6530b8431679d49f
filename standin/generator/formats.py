"""Wire formats shared by the generator: timestamps, Salesforce ids and JSON lines.

Times are carried as integer epoch seconds so that generating 200,000 persons stays cheap.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
MINUTE = 60
HOUR = 3600
DAY = 86400
WEEK = 7 * DAY

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order: ids sort as numbers
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SALESFORCE_POD = "5g0000"
_COUNTER_WIDTH = 15 - 3 - len(_SALESFORCE_POD)

SALESFORCE_PREFIXES = {
    "Lead": "00Q", "LeadHistory": "017", "Opportunity": "006", "OpportunityHistory": "008", "User": "005",
    "Account": "001", "Contact": "003", "OpportunityContactRole": "00K",
}


def hubspot_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def salesforce_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def tokyo_date(epoch: int) -> str:
    """The calendar date in Asia/Tokyo, as Salesforce stores a date the user entered."""
    return datetime.fromtimestamp(epoch, TOKYO).strftime("%Y-%m-%d")


def parse_epoch(text: str) -> int:
    """Read back any of the timestamps above (or an ISO-8601 value from a manifest)."""
    value = text.strip().replace("Z", "+00:00")
    if value[-5] in "+-" and value[-4:].isdigit():
        value = f"{value[:-2]}:{value[-2:]}"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return int(parsed.timestamp())


def manifest_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_week_boundary(epoch: int, monday_side: bool) -> int:
    """The first Sunday 23:30 (or Monday 00:30) Asia/Tokyo at or after ``epoch``: events that straddle weeks."""
    local = datetime.fromtimestamp(epoch, TOKYO)
    sunday = (local + timedelta(days=(6 - local.weekday()) % 7)).replace(hour=23, minute=30, second=0)
    candidate = sunday + timedelta(hours=1) if monday_side else sunday
    if candidate < local:
        candidate += timedelta(days=7)
    return int(candidate.timestamp())


def salesforce_id(sobject: str, counter: int) -> str:
    """An 18-character Salesforce id: key prefix, pod, base-62 counter and the case-safety suffix."""
    digits = []
    for _ in range(_COUNTER_WIDTH):
        counter, remainder = divmod(counter, 62)
        digits.append(_BASE62[remainder])
    if counter:
        raise ValueError(f"Salesforce id counter for {sobject} overflows {_COUNTER_WIDTH} base-62 digits")
    short = SALESFORCE_PREFIXES[sobject] + _SALESFORCE_POD + "".join(reversed(digits))
    return short + salesforce_id_suffix(short)


def salesforce_id_suffix(short_id: str) -> str:
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << offset for offset, char in enumerate(short_id[start:start + 5]) if char.isupper())
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def salesforce_id_counter(record_id: str) -> int:
    counter = 0
    for char in record_id[15 - _COUNTER_WIDTH:15]:
        counter = counter * 62 + _BASE62.index(char)
    return counter


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def salesforce_attributes(sobject: str, record_id: str) -> dict:
    return {"type": sobject, "url": f"/services/data/v59.0/sobjects/{sobject}/{record_id}"}
