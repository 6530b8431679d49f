"""Asset metadata as an ops engineer reads it in the Dagster UI: tables, readable instants, rounded rates.

The UI prints a metadata value as it gets it: a float as 0.13793103448275862, an epoch in milliseconds as
a number, a JSON document behind a button. These helpers turn the run's figures into values read at a glance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from pipeline.sheet.formatting import row_cells
from pipeline.sheet.labels import COLUMNS
from pipeline.sheet.rows import SheetRow

RATE_DIGITS = 4  # 0.1379: a rate to a hundredth of a percent


def rounded(value: Any) -> Any:
    """`value` with floats rounded to RATE_DIGITS, Decimals as numbers and dates as ISO text, for JSON."""
    if isinstance(value, Mapping):
        return {str(key): rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, RATE_DIGITS)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def lines(items: Sequence[str], empty: str = "none") -> MetadataValue:
    """A list of messages as Markdown bullets; `empty` rather than an empty value when there is none."""
    if not items:
        return MetadataValue.text(empty)
    return MetadataValue.md("\n".join(f"- {item}" for item in items))


def readable_cursors(cursors: Mapping[str, Mapping | None], empty: str) -> MetadataValue:
    """One bullet per stream with its cursor's fields, instants as UTC ISO timestamps (epoch ms converted)."""
    bullets = []
    for stream, cursor in sorted(cursors.items()):
        fields = _readable_fields(cursor) if cursor else {}
        described = ", ".join(f"{name} `{value}`" for name, value in fields.items()) or empty
        bullets.append(f"{stream}: {described}")
    return lines(bullets, empty)


def _readable_fields(cursor: Mapping) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in cursor.items():
        if name.endswith("_ms") and isinstance(value, int) and not isinstance(value, bool):
            name, value = name.removesuffix("_ms"), _iso(datetime.fromtimestamp(value / 1000, UTC))
        elif isinstance(value, str):
            value = _iso_or_text(value)
        elif value is None:
            value = "none"
        # HubSpot keeps an instant twice (since and since_ms): shown once.
        if fields.get(name) == value:
            continue
        fields[name if name not in fields else f"{name} (ms)"] = str(value)
    return fields


def _iso_or_text(text: str) -> str:
    try:
        instant = datetime.fromisoformat(text.replace("+0000", "+00:00"))
    except ValueError:
        return text
    return _iso(instant) if instant.tzinfo else text


def _iso(instant: datetime) -> str:
    """UTC to the second (milliseconds when there are any), as 2025-11-17T00:59:59Z."""
    instant = instant.astimezone(UTC)
    spec = "milliseconds" if instant.microsecond else "seconds"
    return instant.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> MetadataValue:
    """A table of text cells (Dagster's table metadata: columns the UI sizes to their content)."""
    schema = TableSchema(columns=[TableColumn(name=name, type="string") for name in header])
    records = [TableRecord(dict(zip(header, row, strict=True))) for row in rows]
    return MetadataValue.table(records=records, schema=schema)


# Of the sheet's ten columns, those read at a glance: KPI名, 目標値, 実績値, 達成率(%), 前週比(%), 判定. The
# UI gives a table the width of its metadata column only; the files hold the rest (データソース, 担当者, ...).
PREVIEW_COLUMNS = (0, 1, 2, 3, 4, 9)
WORD_JOINER = "\u2060"


def sheet_preview(rows: Sequence[SheetRow], language: str) -> MetadataValue:
    """The sheet at a glance (PREVIEW_COLUMNS), numbers as the CSV shows them, one record per KPI."""
    return preview_table(language, [row_cells(row, language, grouping=True) for row in rows])


def preview_table(language: str, rows: Sequence[Sequence[str]]) -> MetadataValue:
    """PREVIEW_COLUMNS of the sheet's ten cells per row, the KPI名 kept on one line."""
    header = [COLUMNS[language][index] for index in PREVIEW_COLUMNS]
    picked = [[row[index] for index in PREVIEW_COLUMNS] for row in rows]
    # A browser breaks Japanese between any two characters, and a narrow column wraps 新規リード獲得数 or 注意
    # into pieces; word joiners (invisible) between the characters keep a name and a 判定 whole.
    return text_table(header, [[WORD_JOINER.join(row[0]), *row[1:-1], WORD_JOINER.join(row[-1])] for row in picked])


_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
# A word holding a placeholder such as hs_v2_date_entered_<stage>, without the punctuation around it.
_PLACEHOLDER_WORD = re.compile(r"[^\s`(]*<[A-Za-z_]\w*>[^\s`,;:()]*")


def markdown_safe(text: str) -> str:
    """`text` with each word holding a <placeholder> in backticks, outside code already.

    The UI renders descriptions as Markdown, where <week> is an HTML tag and vanishes: kpi_sheet_<week>.xlsx
    would read kpi_sheet_.xlsx.
    """
    parts, done = [], 0
    for code in _CODE.finditer(text):
        parts += [_PLACEHOLDER_WORD.sub(r"`\g<0>`", text[done:code.start()]), code.group(0)]
        done = code.end()
    parts.append(_PLACEHOLDER_WORD.sub(r"`\g<0>`", text[done:]))
    return "".join(parts)
