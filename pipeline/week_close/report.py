"""This run's restatements as the Dagster asset shows them: counts, the largest one, and log lines."""

from __future__ import annotations

from collections.abc import Sequence

from dagster import MetadataValue

from pipeline.kpi_config.sheet_config import RATE_KPIS
from pipeline.week_close.ledger import Restatement
from pipeline.week_close.schema import RESTATEMENTS, create_ledger_tables


def largest(restatements: Sequence[Restatement]) -> Restatement | None:
    """The restatement that moved its value most, relative to the published value."""
    return max(restatements, key=lambda r: (r.relative_change or 0, abs(r.difference or 0)), default=None)


def describe(restatement: Restatement) -> str:
    moved = ""
    if restatement.difference is not None and restatement.published_value:
        moved = f" ({restatement.difference / abs(restatement.published_value):+.1%})"
    kpi_id = restatement.kpi_id
    return (f"week {restatement.week_start} {kpi_id}: {_value(restatement.published_value, kpi_id)} → "
            f"{_value(restatement.current_value, kpi_id)}{moved}, {restatement.baseline.close_kind}; "
            f"reasons {', '.join(restatement.reasons()) or 'unknown'}")


def restatement_metadata(restatements: Sequence[Restatement]) -> dict:
    biggest = largest(restatements)
    return {
        "restatements": len(restatements),
        "restated_weeks": len({r.week_start for r in restatements}),
        "largest_restatement": describe(biggest) if biggest else "none",
        "restatement_list": MetadataValue.md("\n".join(f"- {describe(r)}" for r in restatements) or "none"),
    }


def restatement_log_lines(restatements: Sequence[Restatement]) -> list[str]:
    return [f"restated {describe(r)}" for r in restatements]


def _value(value: float | None, kpi_id: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if kpi_id in RATE_KPIS else f"{value:,.6g}"


def moved_beyond_share(connection, run_id: str, share: float) -> list[str]:
    """The restatements of run `run_id` that moved a published value by more than `share` of it (any move from
    0 or from —), one line each."""
    create_ledger_tables(connection)
    rows = connection.execute(
        "SELECT strftime(week_start, '%Y-%m-%d'), kpi_id, published_value, current_value, reasons "
        f"FROM {RESTATEMENTS} WHERE run_id = ? AND (published_value IS NULL OR current_value IS NULL "
        "OR abs(current_value - published_value) > ? * abs(published_value)) ORDER BY 1, 2",
        [run_id, share],
    ).fetchall()
    return [f"week {week} {kpi_id}: {_value(published, kpi_id)} → {_value(current, kpi_id)} ({', '.join(reasons)})"
            for week, kpi_id, published, current, reasons in rows]
