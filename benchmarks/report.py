"""Plain-text tables of the measurements, as printed by the benchmark."""

from __future__ import annotations

from benchmarks.dbt_timing import DbtTiming
from benchmarks.measure import SyncMeasurement

KIB_PER_MIB = 1024


def table(headers: list[str], rows: list[list]) -> str:
    """Numbers right-aligned, text left-aligned, one header rule."""
    cells = [headers] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    numeric = [all(isinstance(row[column], int | float) for row in rows) for column in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            text.rjust(width) if is_number else text.ljust(width)
            for text, width, is_number in zip(row, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(cells[0]), line(["-" * width for width in widths]), *map(line, cells[1:])])


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _mib(kib: int) -> float:
    return kib / KIB_PER_MIB


def sync_summary(measurements: list[SyncMeasurement]) -> str:
    headers = ["persons", "source", "mode", "records fetched", "seconds", "connector CPU s", "records/s", "calls made",
               "overhead calls", "data calls", "minimum data calls", "data/minimum", "peak RSS MiB",
               "peak RSS at 1/2 pages MiB", "RSS before sync MiB"]
    rows = []
    for m in measurements:
        data_calls = m.server_calls - m.overhead_calls
        rows.append([m.persons, m.source, m.mode, m.fetched, m.seconds, m.cpu_seconds, m.fetched / m.seconds,
                     m.server_calls, m.overhead_calls, data_calls, m.minimum_calls, data_calls / m.minimum_calls,
                     _mib(m.peak_rss_kib), _mib(m.peak_rss_half_pages_kib), _mib(m.rss_before_sync_kib)])
    return table(headers, rows)


def stream_details(measurements: list[SyncMeasurement]) -> str:
    headers = ["persons", "mode", "stream", "records to deliver", "fetched", "calls incl. overhead",
               "minimum data calls", "minimum formula"]
    rows = []
    for m in measurements:
        for minimum in m.minimums:
            report = m.reports.get(minimum.stream, {"fetched": "-", "api_calls": "-"})
            rows.append([m.persons, m.mode, minimum.stream, minimum.records, report["fetched"],
                         report["api_calls"], minimum.calls, minimum.formula])
    return table(headers, rows)


def call_checks(measurements: list[SyncMeasurement]) -> str:
    """Per measurement: calls by endpoint, the connector's own count, non-2xx answers, raw rows vs dataset."""
    lines = []
    for m in measurements:
        endpoints = ", ".join(f"{name} {count:,}" for name, count in sorted(m.calls_by_endpoint.items()))
        rows = ", ".join(
            f"{table_name} {rows:,}/{expected:,}{'' if rows == expected else ' MISMATCH'}"
            for table_name, (rows, expected) in m.raw_rows.items()
        )
        agreement = "" if m.connector_calls == m.server_calls else " MISMATCH"
        lines.append(
            f"{m.persons:,} {m.source} {m.mode}: {endpoints}; connector counted {m.connector_calls:,} of "
            f"{m.server_calls:,} served{agreement}; non-2xx {m.failed_calls}; raw rows/dataset records: {rows}"
        )
    return "\n".join(lines)


def dbt_summary(timings: dict[int, DbtTiming]) -> str:
    headers = ["persons", "build seconds", "process seconds", "peak RSS MiB", "success", "nodes by status"]
    rows = [
        [persons, t.seconds, t.process_seconds, _mib(t.peak_rss_kib), str(t.success),
         ", ".join(f"{status} {count}" for status, count in sorted(t.statuses.items()))]
        for persons, t in timings.items()
    ]
    lines = [table(headers, rows)]
    for persons, timing in timings.items():
        lines.append(f"\n{persons:,} persons: {timing.command}\n  log: {timing.log_file}")
        lines.extend(f"  slowest: {seconds:7.1f} s  {node}" for node, seconds in timing.slowest)
        lines.extend(f"  FAILED: {failure}" for failure in timing.failures)
    return "\n".join(lines)
