"""One warehouse syncs recording A, then B = evolve(A), through the pipeline: what the real APIs do between two
weekly runs (merges of both kinds and chains, GDPR deletes, recycle-bin purges, an association added to a deal
that did not change, opportunities on contacts, deals mirrored from Salesforce) must give the contract's numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.kpi_config import load_kpi_config
from standin.generator.evolve import evolve
from tests.support import REPO
from tests.support.contract_oracle import contract_settings, funnel_weekly, recorded_at, resolved_persons
from tests.support.pipeline_run import run_pipeline

EVOLVE_SEED = 12


def _records(root: Path, relative: str) -> dict[str, dict]:
    path = root / relative
    if not path.is_file():
        return {}
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {record.get("id", record.get("Id")): record for record in lines}


def _merged_ids(contact: dict) -> set[str]:
    properties = contact["properties"]
    ids = set((properties.get("hs_merged_object_ids") or "").split(";"))
    ids |= {part.split(":")[0] for part in (properties.get("hs_calculated_merged_vids") or "").split(";")}
    return {merged for merged in ids if merged}


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> tuple[Path, Path, Path]:
    workdir = tmp_path_factory.mktemp("recordings")
    first, second = workdir / "A", workdir / "B"
    subprocess.run(
        [sys.executable, "-m", "standin.generator", "--seed", "41", "--persons", "1200", "--out", str(first)],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    evolve(first, second, seed=EVOLVE_SEED, days=7)
    for dataset in (first, second):
        result = run_pipeline(workdir, dataset=dataset)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return first, second, workdir


def test_the_second_recording_holds_every_real_world_change(recordings):
    first, second, _ = recordings
    contacts_a, contacts_b = _records(first, "hubspot/contacts.jsonl"), _records(second, "hubspot/contacts.jsonl")
    merged_in_b = {merged: survivor for survivor, contact in contacts_b.items() for merged in _merged_ids(contact)}
    vanished = set(contacts_a) - set(contacts_b)
    kept_id_merges = {merged for merged in vanished if merged_in_b.get(merged) in contacts_a}
    new_id_merges = {merged for merged in vanished if merged_in_b.get(merged) not in {*contacts_a, None}}
    deals_a, deals_b = _records(first, "hubspot/deals.jsonl"), _records(second, "hubspot/deals.jsonl")
    silently_associated = [
        deal_id for deal_id, deal in deals_b.items()
        if deal_id in deals_a
        and deal["properties"]["hs_lastmodifieddate"] == deals_a[deal_id]["properties"]["hs_lastmodifieddate"]
        and deal.get("associations") != deals_a[deal_id].get("associations")
    ]
    leads_b = _records(second, "salesforce/Lead.jsonl")
    converted = {lead.get("ConvertedOpportunityId") for lead in leads_b.values()}
    roles_b = _records(second, "salesforce/OpportunityContactRole.jsonl")

    assert kept_id_merges and new_id_merges
    assert vanished - set(merged_in_b), "GDPR deletes: contacts gone without being merged"
    assert set(deals_a) - set(deals_b), "GDPR deletes of deals"
    assert set(_records(first, "salesforce/Lead.jsonl")) - set(leads_b), "purged leads"
    assert set(_records(first, "salesforce/Opportunity.jsonl")) - set(_records(second, "salesforce/Opportunity.jsonl"))
    assert silently_associated
    assert any(role["OpportunityId"] not in converted for role in roles_b.values()), "opportunities on contacts"
    assert any(deal["properties"].get("hs_salesforceopportunityid") for deal in deals_b.values())


def _warehouse_funnel(workdir: Path) -> dict:
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        cursor = connection.execute("SELECT * FROM marts.funnel_weekly ORDER BY week_start")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def test_funnel_weekly_after_both_runs_is_the_contracts_for_every_week_and_column(recordings):
    first, second, workdir = recordings
    settings = contract_settings(load_kpi_config(REPO / "kpi.yaml"), recorded_at(second))
    expected = funnel_weekly([first, second], settings)
    actual = _warehouse_funnel(workdir)

    # What only the history explains: B alone (merged-away records gone) would give other numbers.
    assert funnel_weekly(second, settings) != expected
    assert list(actual) == list(expected)
    for week, expected_row in expected.items():
        assert actual[week] == expected_row, f"week {week}"


def test_persons_after_both_runs_are_the_contracts(recordings):
    first, second, workdir = recordings
    settings = contract_settings(load_kpi_config(REPO / "kpi.yaml"), recorded_at(second))
    with duckdb.connect(str(workdir / "kpi.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT hubspot_contact_ids, salesforce_lead_ids, salesforce_contact_ids FROM marts.persons"
        ).fetchall()
    actual = sorted(
        sorted([*(f"hubspot:{id_}" for id_ in contacts), *(f"salesforce:{id_}" for id_ in leads + people)])
        for contacts, leads, people in rows
    )

    assert actual == sorted(sorted(members) for members in resolved_persons([first, second], settings).values())
