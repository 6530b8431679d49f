"""python -m benchmarks.run_sync --source hubspot|salesforce --db PATH: one measured sync (a benchmark child).

Runs in a fresh process so that its peak RSS belongs to this one sync. Connection details and credentials
come from the environment (the fixture API's KEY=value lines, never argv, which any local user can read).
Prints one JSON document: wall and CPU seconds of the sync, peak RSS before and after it, and each stream's SyncReport.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

from benchmarks.memory import peak_rss_kib
from connectors.raw_store import RawStore
from connectors.sync_report import SyncReport


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"benchmarks.run_sync: environment variable {name} is not set (the fixture API prints it)")
    return value


def _hubspot_sync():
    from connectors.hubspot import HubSpotSettings, sync_hubspot

    settings = HubSpotSettings(_env("HUBSPOT_ACCESS_TOKEN"), _env("HUBSPOT_BASE_URL"), _env("CA_FILE"))
    return lambda store: sync_hubspot(settings, store)


def _salesforce_sync():
    from connectors.salesforce import SalesforceSettings, sync_salesforce

    settings = SalesforceSettings(
        client_id=_env("SALESFORCE_CLIENT_ID"),
        client_secret=_env("SALESFORCE_CLIENT_SECRET"),
        username=_env("SALESFORCE_USERNAME"),
        password=_env("SALESFORCE_PASSWORD"),
        security_token=_env("SALESFORCE_SECURITY_TOKEN"),
        login_url=_env("SALESFORCE_INSTANCE_URL"),
        ca_file=_env("CA_FILE"),
    )
    return lambda store: sync_salesforce(settings, store)


SOURCES = {"hubspot": _hubspot_sync, "salesforce": _salesforce_sync}


class PeakTrackingStore(RawStore):
    """Notes the peak RSS after every committed page: memory that grows with the data shows as a rising peak."""

    def __init__(self, database: str):
        super().__init__(database)
        self.peaks_kib: list[int] = []

    def commit_page(self, *args, **kwargs):
        counts = super().commit_page(*args, **kwargs)
        self.peaks_kib.append(peak_rss_kib())
        return counts

    def peak_at_half_kib(self) -> int:
        """The peak once half the pages are stored; equal to the final peak if memory stops growing by then."""
        return self.peaks_kib[(len(self.peaks_kib) - 1) // 2]


def _cpu_seconds() -> float:
    """This process's CPU time (all threads, DuckDB's included): the connector's own work, not the server's."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_sync", description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, choices=sorted(SOURCES))
    parser.add_argument("--db", required=True, help="DuckDB warehouse file (raw layer)")
    args = parser.parse_args(argv)
    sync = SOURCES[args.source]()
    store = PeakTrackingStore(args.db)
    rss_before_kib = peak_rss_kib()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    reports: dict[str, SyncReport] = sync(store)
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    store.close()
    result = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_rss_kib": peak_rss_kib(),
        "rss_before_sync_kib": rss_before_kib,
        "peak_rss_half_pages_kib": store.peak_at_half_kib(),
        "pages": len(store.peaks_kib),
        "reports": {stream: report.as_metadata() for stream, report in reports.items()},
    }
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
