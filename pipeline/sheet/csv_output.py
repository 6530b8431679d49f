"""The sheet as CSV, UTF-8 with a byte-order mark so that Excel shows the Japanese labels."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from pipeline.sheet.formatting import row_cells
from pipeline.sheet.labels import COLUMNS
from pipeline.sheet.rows import SheetRow


def write_sheet_csv(rows: Sequence[SheetRow], path: Path, language: str) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS[language])
        writer.writerows(row_cells(row, language) for row in rows)
    return path
