"""Large first loads: an object too big for one query is loaded in adaptive windows of its cursor field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from connectors.errors import SyncError
from connectors.raw_store import RawStore
from connectors.salesforce import sync_salesforce
from standin.api.server import FixtureAPI
from standin.generator.evolve import evolve
from tests.support.salesforce import assert_raw_equals_dataset, last_cursor, read_records, settings_for

TIMEOUT_ROWS = 600
UPPER_BOUND = re.compile(r"(SystemModstamp|CreatedDate) < (\S+)")


def windows_of(log: list[tuple[str, int]], sobject: str) -> list[tuple[str | None, int]]:
    """(upper bound or None, status) of each query of ``sobject``'s stream, in order."""
    return [(match.group(2) if (match := UPPER_BOUND.search(soql)) else None, status)
            for soql, status in log if f" FROM {sobject} " in soql]


def test_a_first_load_too_big_for_one_query_completes_in_narrowed_windows(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    assert len(read_records(generated_dataset, "LeadHistory")) > 3 * TIMEOUT_ROWS
    with FixtureAPI(generated_dataset) as api:
        api.salesforce.query_timeout_rows = TIMEOUT_ROWS
        reports = sync_salesforce(settings_for(api), store)
        log = list(api.salesforce.query_log)
    assert_raw_equals_dataset(store, generated_dataset)
    for stream, report in reports.items():
        sobject = stream.split(".", 1)[1]
        records = read_records(generated_dataset, sobject)
        assert (report.fetched, report.inserted) == (len(records), len(records)), stream
        assert report.cursor_after == last_cursor(generated_dataset, sobject), stream
        windows = windows_of(log, sobject)
        if len(records) <= TIMEOUT_ROWS:
            assert windows == [(None, 200)], stream  # a small object still takes one query
            continue
        assert windows[0] == (None, 400), stream  # the unbounded query timed out...
        assert sum(status == 400 for _, status in windows) >= 2, stream  # ...and so did a window, narrowed
        assert windows[-1] == (None, 200), stream  # the last window is open-ended: nothing stamped late is lost
        assert any(note.startswith("QUERY_TIMEOUT on ") for note in report.notes), stream


def test_an_incremental_run_after_a_windowed_load_reads_exactly_the_changes(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    evolved = tmp_path / "evolved"
    changed = evolve(generated_dataset, evolved, seed=5, days=7)
    with FixtureAPI(generated_dataset) as api:
        api.salesforce.query_timeout_rows = TIMEOUT_ROWS
        sync_salesforce(settings_for(api), store)
        api.replace_dataset(evolved)
        reports = sync_salesforce(settings_for(api), store)
    # Purged and expired records are absent from the later recording, kept (flagged) in raw.
    absent = {sobject: {*kinds.get("purged", []), *kinds.get("expired", [])} for sobject, kinds in changed.items()}
    assert_raw_equals_dataset(store, evolved, absent=absent)
    assert changed  # evolve changed something for the run to read
    for stream, report in reports.items():
        assert report.cursor_after == last_cursor(evolved, stream.split(".", 1)[1]), stream


def test_a_timeout_on_the_narrowest_window_stops_naming_the_object_and_the_window(generated_dataset, tmp_path):
    store = RawStore(tmp_path / "warehouse.duckdb")
    with FixtureAPI(generated_dataset) as api:
        api.salesforce.query_timeout_rows = 0  # no query that finds a row is ever fast enough
        settings = settings_for(api, first_query_window=timedelta(days=4), min_query_window=timedelta(days=1))
        with pytest.raises(SyncError) as error:
            sync_salesforce(settings, store, ["salesforce.Lead"])
    assert type(error.value) is SyncError  # worth a later run, unlike SourceRejected
    assert re.fullmatch(
        r"Salesforce stream salesforce\.Lead: the Lead query over SystemModstamp from \S+ to \S+ timed out "
        r"\(QUERY_TIMEOUT\) although that window is the narrowest allowed \(SalesforceSettings "
        r"min_query_window=1 day, 0:00:00\); pages stored so far are kept with their cursor\. Re-run when the "
        r"org is less busy, or ask Salesforce support for an index on Lead\.SystemModstamp", str(error.value))
    assert store.read_cursor("salesforce.Lead") is None
