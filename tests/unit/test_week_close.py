"""The week-close ledger on a hand-made warehouse: what it freezes, when it restates, and why."""

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from pipeline.week_close.events import Event
from pipeline.week_close.ledger import CloseSettings, Sheet, freeze_published_week, record_restatements
from pipeline.week_close.matching import compare_events
from pipeline.week_close.report import moved_beyond_share, restatement_metadata

WEEK = date(2025, 1, 6)
FROZEN_AT = datetime(2025, 1, 13, tzinfo=UTC)
BEFORE, AFTER = FROZEN_AT - timedelta(days=3), FROZEN_AT + timedelta(days=3)


def _event(key, members=None, amount=None, event_type="new_lead"):
    return Event(event_type, WEEK, key, tuple(members or [key]), f"person-of-{key}", amount)


def test_two_frozen_persons_now_one_keep_the_record_that_supplies_the_event():
    frozen = [_event("hubspot:1"), _event("hubspot:2")]
    current = [_event("hubspot:2", ["hubspot:1", "hubspot:2"])]
    difference = compare_events(frozen, current)
    assert [event.record_key for event in difference.left] == ["hubspot:1"]
    assert difference.merged == {"hubspot:1": "hubspot:2"}
    assert difference.entered == []


def test_a_person_found_through_another_member_has_not_left():
    frozen = [_event("hubspot:1", ["hubspot:1", "salesforce:L1"])]
    current = [_event("salesforce:L1", ["hubspot:1", "salesforce:L1"])]
    difference = compare_events(frozen, current)
    assert (difference.left, difference.entered, difference.changed) == ([], [], [])


def test_a_deal_whose_amount_moved_is_changed_not_entered():
    frozen = [_event("salesforce:O1", amount=100, event_type="won")]
    current = [_event("salesforce:O1", amount=250, event_type="won")]
    difference = compare_events(frozen, current)
    assert difference.changed == [(frozen[0], current[0])]
    assert (difference.left, difference.entered) == ([], [])


class Warehouse:
    """marts.funnel_events and marts.source_records, written by hand; a sheet counting new leads and won deals."""

    def __init__(self):
        self.connection = duckdb.connect()
        self.connection.execute("CREATE SCHEMA marts")
        self.events, self.records = [], {}
        self.last_week = WEEK + timedelta(weeks=1)

    def lead(self, key, week=WEEK, members=None, modified=BEFORE, person=None):
        person = person or f"P-{key}"
        self.events.append(("new_lead", week, key, members or [key], person, None))
        for member in members or [key]:
            self.records.setdefault(member, [member, "contact", False, None, modified, person, False])

    def won(self, key, amount, week=WEEK, modified=BEFORE):
        self.events.append(("won", week, key, [key], None, amount))
        self.records[key] = [key, "opportunity", False, None, modified, None, True]

    def store(self):
        self.connection.execute(
            "CREATE OR REPLACE TABLE marts.funnel_events (event_type VARCHAR, week_start DATE, source_system VARCHAR,"
            " source_record_id VARCHAR, source_record_ids VARCHAR[], person_id VARCHAR, amount DECIMAL(38, 2))")
        for event_type, week, key, members, person, amount in self.events:
            system, record_id = key.split(":")
            self.connection.execute("INSERT INTO marts.funnel_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    [event_type, week, system, record_id, members, person, amount])
        self.connection.execute(
            "CREATE OR REPLACE TABLE marts.source_records (record_key VARCHAR, record_type VARCHAR, is_gone BOOLEAN,"
            " merged_into_key VARCHAR, last_modified_at TIMESTAMPTZ, person_id VARCHAR, is_counted_deal BOOLEAN)")
        for row in self.records.values():
            self.connection.execute("INSERT INTO marts.source_records VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def sheet(self) -> Sheet:
        self.store()
        counts = {"new_leads": "new_lead", "won_deals": "won"}

        def actual(kpi_id, week):
            return float(sum(1 for event in self.events if event[0] == counts[kpi_id] and event[1] == week))

        return Sheet(kpi_ids=list(counts), actual=actual, inputs_md5=lambda kpi_id, week: "same",
                     last_week=self.last_week)


def _settings(run, config="funnel-v1", now=FROZEN_AT):
    return CloseSettings(final_after_weeks=4, funnel_config_md5=config, data_as_of=FROZEN_AT, run_id=run, now=now)


def _restatement_records(connection, run):
    return connection.execute(
        "SELECT kpi_id, change, record_key, reason, detail FROM reporting.kpi_restatement_records "
        "WHERE run_id = ? ORDER BY ALL", [run]).fetchall()


@pytest.fixture
def published():
    """Week W published: leads hubspot:1, hubspot:2, hubspot:3, salesforce:L4; won salesforce:O1 (100)."""
    warehouse = Warehouse()
    for key in ("hubspot:1", "hubspot:2", "hubspot:3", "salesforce:L4"):
        warehouse.lead(key)
    warehouse.won("salesforce:O1", 100)
    assert freeze_published_week(warehouse.connection, warehouse.sheet(), _settings("run-1"), WEEK) == ["preliminary"]
    return warehouse


def test_the_first_publication_freezes_values_and_records(published):
    connection = published.connection
    assert connection.execute("SELECT kpi_id, close_kind, value FROM reporting.kpi_week_close ORDER BY ALL"
                              ).fetchall() == [("new_leads", "preliminary", 4.0), ("won_deals", "preliminary", 1.0)]
    assert connection.execute("SELECT event_type, record_key FROM reporting.kpi_week_close_records ORDER BY ALL"
                              ).fetchall() == [("new_lead", "hubspot:1"), ("new_lead", "hubspot:2"),
                                               ("new_lead", "hubspot:3"), ("new_lead", "salesforce:L4"),
                                               ("won", "salesforce:O1")]
    assert freeze_published_week(connection, published.sheet(), _settings("run-2"), WEEK) == []


def test_an_unchanged_week_is_not_restated(published):
    assert record_restatements(published.connection, published.sheet(), _settings("run-2")) == []


def test_every_record_that_entered_or_left_carries_its_reason(published):
    warehouse = published
    warehouse.events = [event for event in warehouse.events if event[2] not in ("hubspot:1", "hubspot:2",
                                                                                  "hubspot:3", "salesforce:L4")]
    # hubspot:1 merged into hubspot:2, which now supplies the person's lead entry.
    warehouse.records["hubspot:1"][3] = "hubspot:2"
    warehouse.lead("hubspot:2", members=["hubspot:1", "hubspot:2"], person="P-hubspot:2", modified=AFTER)
    warehouse.records["hubspot:1"][5] = "P-hubspot:2"
    warehouse.records["hubspot:3"][2] = True  # deleted
    warehouse.lead("salesforce:L4", week=WEEK + timedelta(weeks=1))  # its creation date was moved
    warehouse.lead("salesforce:L5")  # already so at the freeze: synced late
    warehouse.lead("hubspot:6", modified=AFTER)
    warehouse.won("salesforce:O2", 300, modified=AFTER)
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-2", now=AFTER))

    assert [(r.kpi_id, r.published_value, r.current_value) for r in restated] == [
        ("new_leads", 4.0, 3.0), ("won_deals", 1.0, 2.0)]
    assert _restatement_records(warehouse.connection, "run-2") == [
        ("new_leads", "entered", "hubspot:6", "backdated_edit", f"modified {AFTER.isoformat()}"),
        ("new_leads", "entered", "salesforce:L5", "late_sync", None),
        ("new_leads", "left", "hubspot:1", "merge", "now one person with hubspot:2"),
        ("new_leads", "left", "hubspot:3", "deletion", None),
        ("new_leads", "left", "salesforce:L4", "backdated_edit", "now in the week of 2025-01-13"),
        ("won_deals", "entered", "salesforce:O2", "backdated_edit", f"modified {AFTER.isoformat()}"),
    ]
    assert warehouse.connection.execute(
        "SELECT kpi_id, week_status, published_value, previous_value, current_value, difference, "
        "entered_record_keys, left_record_keys, reasons FROM reporting.kpi_restatements ORDER BY kpi_id"
    ).fetchall() == [
        ("new_leads", "preliminary", 4.0, 4.0, 3.0, -1.0, ["hubspot:6", "salesforce:L5"],
         ["hubspot:1", "hubspot:3", "salesforce:L4"], ["backdated_edit", "deletion", "late_sync", "merge"]),
        ("won_deals", "preliminary", 1.0, 1.0, 2.0, 1.0, ["salesforce:O2"], [], ["backdated_edit"]),
    ]
    # The next run with the same data appends nothing: each change is recorded once.
    assert record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-3", now=AFTER)) == []


def test_a_changed_funnel_mapping_is_the_reason_and_a_regression_is_named(published):
    warehouse = published
    warehouse.events = [event for event in warehouse.events if event[2] != "hubspot:3"]
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-2", config="funnel-v2"))
    assert [r.reasons() for r in restated] == [["changed_configuration"]]
    warehouse.events.append(("new_lead", WEEK, "hubspot:3", ["hubspot:3"], "P-hubspot:3", None))
    warehouse.events = [event for event in warehouse.events if event[2] != "salesforce:O1"]
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-3", now=AFTER))
    assert [(r.kpi_id, r.previous_value, r.current_value, r.reasons()) for r in restated] == [
        ("new_leads", 3.0, 4.0, []), ("won_deals", 1.0, 0.0, ["stage_regression"])]


def test_a_week_becomes_final_once_and_is_then_measured_against_its_final_value(published):
    warehouse = published
    warehouse.events = [event for event in warehouse.events if event[2] != "hubspot:3"]
    warehouse.records["hubspot:3"][2] = True
    warehouse.last_week = WEEK + timedelta(weeks=4)
    later = FROZEN_AT + timedelta(weeks=3)
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-2", now=later))
    assert [(r.baseline.close_kind, r.current_value) for r in restated] == [("preliminary", 3.0)]
    assert warehouse.connection.execute(
        "SELECT kpi_id, value FROM reporting.kpi_week_close WHERE close_kind = 'final' ORDER BY ALL"
    ).fetchall() == [("new_leads", 3.0), ("won_deals", 1.0)]
    warehouse.lead("salesforce:L9")
    even_later = later + timedelta(weeks=1)
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-3", now=even_later))
    assert [(r.baseline.close_kind, r.published_value, r.current_value) for r in restated] == [("final", 3.0, 4.0)]
    assert [(r.change, r.event.record_key) for r in restated[0].records] == [("entered", "salesforce:L9")]
    assert record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-4", now=even_later)) == []
    assert warehouse.connection.execute(
        "SELECT count(*) FROM reporting.kpi_week_close WHERE close_kind = 'final'").fetchone() == (2,)


def test_the_check_names_the_restatements_of_its_run_that_moved_beyond_the_share(published):
    warehouse = published
    later = FROZEN_AT + timedelta(days=1)
    warehouse.events = [event for event in warehouse.events if event[2] != "hubspot:3"]
    warehouse.records["hubspot:3"][2] = True
    restated = record_restatements(warehouse.connection, warehouse.sheet(), _settings("run-2", now=later))
    metadata = restatement_metadata(restated)
    assert (metadata["restatements"], metadata["restated_weeks"]) == (1, 1)
    assert metadata["largest_restatement"] == "week 2025-01-06 new_leads: 4 → 3 (-25.0%), preliminary; reasons deletion"
    assert moved_beyond_share(warehouse.connection, "run-2", 0.25) == []
    assert moved_beyond_share(warehouse.connection, "run-2", 0.2499) == ["week 2025-01-06 new_leads: 4 → 3 (deletion)"]
    assert moved_beyond_share(warehouse.connection, "run-1", 0.01) == []
