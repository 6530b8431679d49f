"""The sheet as a Markdown table, for the Dagster UI's asset metadata."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.sheet.formatting import row_cells
from pipeline.sheet.labels import COLUMNS
from pipeline.sheet.rows import SheetRow

_NUMERIC_COLUMNS = {1, 2, 3, 4}


def sheet_markdown(rows: Sequence[SheetRow], language: str) -> str:
    header = COLUMNS[language]
    alignment = ["---:" if index in _NUMERIC_COLUMNS else "---" for index in range(len(header))]
    lines = [_line(header), _line(alignment)]
    lines += [_line(row_cells(row, language, grouping=True)) for row in rows]
    return "\n".join(lines)


def _line(cells) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
