"""Recording A is published for week W; B = evolve(A) closes a deal won backdated into W, merges two of W's new
leads and GDPR-deletes a third. The second run must restate W with the contract's values, the exact records
that entered and left, their reasons, and show it on the sheet's restatement tab.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pytest

from pipeline.kpi_config import load_kpi_config
from standin.generator.evolve import evolve
from tests.support import REPO
from tests.support.contract_oracle import (
    CrmState,
    contract_settings,
    deals_in_scope,
    funnel_weekly,
    hubspot_records,
    recorded_at,
    resolved_persons,
    salesforce_records,
)
from tests.support.pipeline_run import run_pipeline

pytestmark = pytest.mark.slow
COUNTS = {"new_leads": "new_leads", "mqls": "mqls", "sqls": "sqls", "opportunities": "opportunities",
          "won_deals": "won_deals", "won_amount": "won_amount"}
RATES = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate")


def _last_complete_week(dataset: Path) -> date:
    local = recorded_at(dataset).astimezone(ZoneInfo("Asia/Tokyo")).date()
    return local - timedelta(days=local.weekday() + 7)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("restatements")
    first, second = workdir / "A", workdir / "B"
    subprocess.run(
        # Seed 7: of its few opportunities, one is open and not mirrored by a HubSpot deal, for evolve to close.
        [sys.executable, "-m", "standin.generator", "--seed", "7", "--persons", "1200", "--out", str(first)],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    week = _last_complete_week(first)
    summary = evolve(first, second, seed=12, days=7, restate_week=week)
    results = [run_pipeline(workdir, dataset=dataset) for dataset in (first, second)]
    for result in results:
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return first, second, workdir, week, summary["restated_week"]


def _settings(dataset: Path):
    return contract_settings(load_kpi_config(REPO / "kpi.yaml"), recorded_at(dataset))


def _ledger_value(value):
    return None if value is None else float(value)


def _lead_events(roots, settings, week: date) -> list[tuple[str, frozenset[str]]]:
    """(record that supplied the lead entry, the person's members) of every person who became a lead in `week`."""
    state = CrmState.from_recordings(roots)
    records = hubspot_records(state, settings) | salesforce_records(state, settings)
    zone = ZoneInfo(settings.timezone)
    events = []
    for members in resolved_persons(roots, settings).values():
        dated = [(records[key].lead, key.startswith("salesforce:"), key) for key in members if records[key].lead]
        if dated:
            entered, _, key = min(dated)
            local = entered.astimezone(zone).date()
            if local - timedelta(days=local.weekday()) == week:
                events.append((key, frozenset(members)))
    return events


def _won_keys(roots, settings, week: date) -> set[str]:
    return {deal.key for deal in deals_in_scope(roots, settings)
            if deal.outcome == "won_deals" and deal.closed_on - timedelta(days=deal.closed_on.weekday()) == week}


def _restatement(workdir: Path, week: date, kpi_id: str) -> tuple:
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT week_status, published_value, current_value, entered_record_keys, left_record_keys, reasons "
            "FROM reporting.kpi_restatements WHERE week_start = ? AND kpi_id = ?", [week, kpi_id]).fetchall()
    assert len(rows) == 1, f"{kpi_id}: {rows}"
    return rows[0]


def _reasons(workdir: Path, week: date, kpi_id: str) -> dict[tuple[str, str], str]:
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        return {(change, key): reason for change, key, reason in connection.execute(
            "SELECT change, record_key, reason FROM reporting.kpi_restatement_records "
            "WHERE week_start = ? AND kpi_id = ?", [week, kpi_id]).fetchall()}


def test_the_first_run_froze_week_w_as_the_contract_counts_it(runs):
    first, _, workdir, week, _ = runs
    expected = funnel_weekly(first, _settings(first))[week]
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        frozen = dict(connection.execute(
            "SELECT kpi_id, value FROM reporting.kpi_week_close WHERE week_start = ? AND close_kind = 'preliminary'",
            [week]).fetchall())
        lead_records = {key for (key,) in connection.execute(
            "SELECT record_key FROM reporting.kpi_week_close_records "
            "WHERE week_start = ? AND event_type = 'new_lead' AND event_week = ?", [week, week]).fetchall()}
        closes = connection.execute("SELECT week_start, count(*) FROM reporting.kpi_week_close "
                                    "GROUP BY ALL ORDER BY ALL").fetchall()
    assert {kpi: frozen[kpi] for kpi in (*COUNTS, *RATES)} == {
        kpi: _ledger_value(expected[column]) for kpi, column in {**COUNTS, **{r: r for r in RATES}}.items()}
    assert lead_records == {key for key, _ in _lead_events(first, _settings(first), week)}
    # Append-only: W frozen once by the first run, W+1 by the second; W was not frozen again.
    assert closes == [(week, 11), (week + timedelta(weeks=1), 11)]


def test_every_moved_kpi_of_week_w_is_restated_with_the_contracts_values(runs):
    first, second, workdir, week, _ = runs
    then = funnel_weekly(first, _settings(first))[week]
    now = funnel_weekly([first, second], _settings(second))[week]
    assert then["new_leads"] != now["new_leads"] and then["won_deals"] != now["won_deals"]
    for kpi_id in (*COUNTS, *RATES):
        column = COUNTS.get(kpi_id, kpi_id)
        published, current = _ledger_value(then[column]), _ledger_value(now[column])
        if published == current:
            continue
        status, published_value, current_value, *_ = _restatement(workdir, week, kpi_id)
        assert (status, published_value, current_value) == ("preliminary", pytest.approx(published),
                                                            pytest.approx(current)), kpi_id


def test_the_new_leads_that_left_and_entered_are_the_exact_records_with_their_reasons(runs):
    first, second, workdir, week, restated = runs
    frozen = _lead_events(first, _settings(first), week)
    current = _lead_events([first, second], _settings(second), week)
    holders = {}
    for key, members in current:
        for member in members:
            holders[member] = key
    kept = {}
    for key, _ in sorted(frozen):
        holder = holders.get(key)
        if holder is not None and (holder not in kept or key == holder):
            kept[holder] = key
    expected_left = {key for key, _ in frozen} - set(kept.values())
    expected_entered = {key for key, _ in current if key not in kept}
    deleted, survivor = f"hubspot:{restated['deleted_contact']}", f"hubspot:{restated['merged']['survivor']}"
    merged_away = f"hubspot:{restated['merged']['merged_away']}"

    _, _, _, entered, left, reasons = _restatement(workdir, week, "new_leads")
    by_record = _reasons(workdir, week, "new_leads")
    assert (set(entered), set(left)) == (expected_entered, expected_left)
    assert by_record[("left", deleted)] == "deletion"
    merge_loser = ({survivor, merged_away} & expected_left).pop()
    assert by_record[("left", merge_loser)] == "merge"
    assert {"deletion", "merge"} <= set(reasons)


def test_the_deal_closed_won_backdated_into_w_entered_as_a_backdated_edit(runs):
    first, second, workdir, week, restated = runs
    won_then, won_now = _won_keys(first, _settings(first), week), _won_keys([first, second], _settings(second), week)
    opportunity = f"salesforce:{restated['closed_won_opportunity']}"
    _, _, _, entered, left, _ = _restatement(workdir, week, "won_deals")
    assert opportunity in won_now - won_then
    assert (set(entered), set(left)) == (won_now - won_then, won_then - won_now)
    assert _reasons(workdir, week, "won_deals")[("entered", opportunity)] == "backdated_edit"


def test_the_second_weeks_sheet_shows_week_ws_restatements(runs):
    first, second, workdir, week, restated = runs
    then = funnel_weekly(first, _settings(first))[week]
    now = funnel_weekly([first, second], _settings(second))[week]
    workbook = openpyxl.load_workbook(workdir / "output" / f"kpi_sheet_{week + timedelta(weeks=1)}.xlsx")
    tab = workbook["修正履歴(12週)"]
    header = [cell.value for cell in tab[1]]
    rows = {(row[0].date(), row[1]): dict(zip(header, row, strict=True))
            for row in tab.iter_rows(min_row=2, values_only=True) if row[0] is not None and row[1]}
    leads = rows[(week, "新規リード獲得数")]
    assert (leads["区分"], leads["速報値"], leads["現在値"], leads["差分"]) == (
        "速報", then["new_leads"], now["new_leads"], now["new_leads"] - then["new_leads"])
    assert f"hubspot:{restated['deleted_contact']}" in leads["減ったレコード"]
    assert "削除" in leads["理由"] and "マージ" in leads["理由"]
    won = rows[(week, "受注数")]
    assert f"salesforce:{restated['closed_won_opportunity']}" in won["増えたレコード"]
    assert "過去日付の変更" in won["理由"]


def test_the_drill_down_tab_lists_the_records_behind_each_count_with_links(runs):
    first, second, workdir, week, _ = runs
    report_week = week + timedelta(weeks=1)
    expected = funnel_weekly([first, second], _settings(second))[report_week]
    tab = openpyxl.load_workbook(workdir / "output" / f"kpi_sheet_{report_week}.xlsx")["明細"]
    rows = list(tab.iter_rows(min_row=2))
    labels = {"新規リード獲得数": "new_leads", "MQL数": "mqls", "SQL数": "sqls", "商談数": "opportunities",
              "受注数": "won_deals"}
    counted = {column: sum(1 for row in rows if row[0].value == label) for label, column in labels.items()}
    assert counted == {column: expected[column] for column in labels.values()}
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        portal = connection.execute("SELECT origin FROM raw_meta.source_origins WHERE source = 'hubspot'"
                                    ).fetchone()[0].removeprefix("HubSpot portal ")
    for row in rows:
        system, record_id, link = row[2].value, row[3].value, row[7].hyperlink
        if system == "HubSpot":
            kind = "0-1" if row[1].value == "人" else "0-3"
            assert link.target == f"https://app.hubspot.com/contacts/{portal}/record/{kind}/{record_id}"
        else:
            assert link.target.startswith("https://127.0.0.1:") and link.target.endswith(f"/{record_id}")
