"""One line per step of the run, from what its assets reported (their materializations' metadata)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey

from pipeline.cli.steps import Step

GROUP_WIDTH = 11
LABEL_WIDTH = 40


def metadata_values(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Dagster's MetadataValue objects as their plain values."""
    return {name: getattr(value, "value", value) for name, value in metadata.items()}


def is_sync_report(metadata: Mapping[str, Any]) -> bool:
    """A raw table's materialization: it carries its sync's figures (pipeline/assets/raw.py)."""
    return "rows_fetched" in metadata


def sync_line(step: Step, key: AssetKey, report: Mapping[str, Any]) -> str:
    """A raw table: rows fetched from the API and what storing them did, API calls, seconds, full or incremental."""
    figures = (
        f"{report['rows_fetched']:>7,} fetched {report['rows_inserted']:>7,} inserted "
        f"{report['rows_updated']:>6,} updated {report['rows_deleted']:>5,} deleted {report['api_calls']:>4} API calls"
    )
    return _line(step.group, key.to_user_string(), figures, report["duration_s"], report["mode"])


def step_line(step: Step, materialized: list[tuple[AssetKey, dict]], checks: tuple[int, int], seconds: float) -> str:
    """Any other step: what it made, and its checks (passed, did not pass)."""
    if len(step.assets) == 1 and materialized:
        return _line(step.group, step.name, _describe(materialized[0][1]), seconds)
    passed, not_passed = checks
    made = f"{len(materialized)} of {len(step.assets)} assets materialized"
    tested = f", {passed} checks passed, {not_passed} did not" if passed + not_passed else ""
    return _line(step.group, step.key, made + tested, seconds)


def _describe(metadata: Mapping[str, Any]) -> str:
    if "xlsx" in metadata:  # the weekly sheet (pipeline/assets/reporting.py)
        restated = metadata.get("restatements", 0)
        return (
            f"sheet written; {metadata['kpi_sheet_rows']} rows in reporting.kpi_sheet, frozen: "
            f"{metadata['frozen_as']}, {restated} restatement{'s' if restated != 1 else ''}"
        )
    if "size_mb" in metadata:  # the published warehouse (pipeline/assets/published.py)
        return f"{metadata['path']} ({metadata['size_mb']} MB)"
    if "skipped" in metadata:  # an export whose variable is unset (pipeline/assets/exports.py)
        return f"skipped: {metadata['skipped']}"
    if "target" in metadata:
        return f"{len(metadata['tables'])} tables to {metadata['target']}"
    return "materialized"


def _line(group: str | None, label: str, details: str, seconds: float, note: str = "") -> str:
    suffix = f" ({note})" if note else ""
    return f"{group or '':<{GROUP_WIDTH}}{label:<{LABEL_WIDTH}} {details} {seconds:>6.1f} s{suffix}"
