"""Incremental HubSpot runs that span several search pages: crashes and injected faults in the middle of them.

Each test starts from the same warehouse after a full load of the first recording, then syncs the next
recording, in which hundreds of contacts and deals changed (three per timestamp, so ties cross page
boundaries), some were added and some archived.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.hubspot import sync, sync_hubspot
from connectors.hubspot.client import HubSpotClient
from connectors.raw_store import RawStore
from standin.api.faults import Fault
from tests.support.datasets import contact_record, deal_record, iso, write_dataset
from tests.support.hubspot import expected_state, served, settings_for, stored_state

CONTACTS, DEALS, CHANGED = 600, 450, 450
LATER = datetime(2025, 7, 1, 8, tzinfo=UTC)  # after every modification in the first recording


@dataclass(frozen=True)
class Recordings:
    first: Path
    second: Path
    after_full_load: Path  # a closed warehouse holding the full load of `first`
    incremental_calls: dict[str, int]  # API calls per stream of a faultless incremental run


def next_recording(root: Path) -> Path:
    """The next recording: CHANGED live contacts and every live deal modified, 20 contacts added, 5 archived."""
    contacts = [contact_record(index) for index in range(CONTACTS)]
    live = [record for record in contacts if not record["archived"]]
    for position, record in enumerate(live[:CHANGED]):
        modified = iso(LATER + timedelta(seconds=position // 3))
        record["properties"] |= {"email": f"changed{position}@example.com", "lastmodifieddate": modified}
    for record in live[CHANGED : CHANGED + 5]:
        record |= {"archived": True, "archivedAt": iso(LATER)}
    added = [contact_record(CONTACTS + index) | {"archived": False} for index in range(20)]
    for record in added:
        record.pop("archivedAt", None)
        record["properties"]["lastmodifieddate"] = iso(LATER + timedelta(hours=1))
    deals = [deal_record(index, CONTACTS) for index in range(DEALS)]
    live_deals = [deal for deal in deals if not deal["archived"]]
    for position, deal in enumerate(live_deals[:CHANGED]):
        modified = iso(LATER + timedelta(seconds=position // 3))
        deal["properties"] |= {"dealstage": "closedwon", "hs_is_closed_won": "true", "hs_lastmodifieddate": modified}
        links = deal["associations"]["contacts"]["results"]
        new_contact = str(1001 + 2 * ((position * 7 + 3) % CONTACTS))
        if all(link["id"] != new_contact for link in links):
            links.append({"id": new_contact, "type": "deal_to_contact"})
    return write_dataset(root / "second", contacts + added, deals)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> Recordings:
    root = tmp_path_factory.mktemp("incremental")
    first = write_dataset(
        root / "first",
        [contact_record(index) for index in range(CONTACTS)],
        [deal_record(index, CONTACTS) for index in range(DEALS)],
    )
    second = next_recording(root)
    after_full_load = root / "after_full_load.duckdb"
    store = RawStore(after_full_load)
    with served(first) as api:
        sync_hubspot(settings_for(api), store)
    store.close()
    check = RawStore(shutil.copy(after_full_load, root / "faultless.duckdb"))
    with served(second) as api:
        reports = sync_hubspot(settings_for(api), check)
    assert stored_state(check) == expected_state(second)
    return Recordings(first, second, after_full_load, {name: report.api_calls for name, report in reports.items()})


def loaded_store(recordings: Recordings, tmp_path: Path) -> RawStore:
    return RawStore(shutil.copy(recordings.after_full_load, tmp_path / "wh.duckdb"))


def test_the_change_set_spans_several_pages_of_every_incremental_call(recordings):
    calls = recordings.incremental_calls
    # account details and the two objects' property definitions, before any stream
    assert calls["hubspot.account"] == 1 + 2
    # 3 range search pages, 10 batch reads of <= 50 contacts
    assert calls["hubspot.contacts"] == 3 + 10
    # 3 range search pages, an associations read for each, one re-read of all 409 live deals' associations
    assert calls["hubspot.deals"] == 3 + 3 + 1


class Crash(RuntimeError):
    pass


@pytest.mark.parametrize(
    ("owner", "method", "crash_on_call", "stream"),
    [
        (HubSpotClient, "search", 2, "hubspot.contacts"),
        (HubSpotClient, "batch_read", 5, "hubspot.contacts"),
        (HubSpotClient, "associations", 2, "hubspot.deals"),
        (RawStore, "commit_page", 3, "hubspot.contacts"),  # pipelines, contacts page 1, page 2
        (RawStore, "commit_page", 8, "hubspot.deals"),  # ..., archived contacts, deals pages 1 to 3
    ],
    ids=["2nd-search", "5th-batch-read", "2nd-associations", "3rd-commit", "8th-commit"],
)
def test_crash_mid_incremental_then_rerun_gives_the_exact_changed_dataset(
    recordings, tmp_path, monkeypatch, owner, method, crash_on_call, stream
):
    store = loaded_store(recordings, tmp_path)
    real = getattr(owner, method)
    calls = []

    def crashing(self, *args, **kwargs):
        calls.append(method)
        if len(calls) == crash_on_call:
            raise Crash(f"power cut during {method} call {crash_on_call}")
        return real(self, *args, **kwargs)

    with served(recordings.second) as api:
        monkeypatch.setattr(owner, method, crashing)
        with pytest.raises(Crash):
            sync_hubspot(settings_for(api), store)
        monkeypatch.setattr(owner, method, real)
        assert "resume" in store.read_cursor(stream)  # the crash came after a page, before the stream's end
        assert stored_state(store) != expected_state(recordings.second)
        sync_hubspot(settings_for(api), store)
    assert stored_state(store) == expected_state(recordings.second)


SEARCH = ("hubspot.contacts", "/crm/v3/objects/contacts/search")
BATCH_READ = ("hubspot.contacts", "/crm/v3/objects/contacts/batch/read")
ASSOCIATIONS = ("hubspot.deals", "/crm/v4/associations/deals/contacts/batch/read")


@pytest.mark.parametrize(("stream", "path"), [SEARCH, BATCH_READ, ASSOCIATIONS], ids=["search", "batch", "assoc"])
@pytest.mark.parametrize(
    ("kind", "options", "waits"),
    [
        ("rate_limit", {"retry_after": 0.05}, [0.05]),  # Retry-After, not the 0.01 s backoff of the settings
        ("server_error", {"status": 503}, [0.01]),
        ("drop_connection", {}, [0.01]),
    ],
    ids=["429-retry-after", "503", "dropped"],
)
def test_fault_mid_incremental_is_retried_with_the_exact_changed_dataset(
    recordings, tmp_path, monkeypatch, stream, path, kind, options, waits
):
    store = loaded_store(recordings, tmp_path)
    slept = []
    monkeypatch.setattr(sync, "HubSpotClient", lambda settings: HubSpotClient(settings, sleep=slept.append))
    with served(recordings.second) as api:
        api.faults.inject(Fault(kind, path, on_request=2, method="POST", **options))
        reports = sync_hubspot(settings_for(api), store)
        assert api.calls() == sum(report.api_calls for report in reports.values())
    assert stored_state(store) == expected_state(recordings.second)
    retried = {name: report.api_calls - recordings.incremental_calls[name] for name, report in reports.items()}
    assert retried == {name: int(name == stream) for name in reports}
    assert slept == waits
