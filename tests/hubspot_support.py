"""Shared helpers of the HubSpot connector tests: a served dataset, and what the raw layer must hold for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.fixture_api.server import FixtureAPI
from connectors.hubspot import HubSpotSettings
from connectors.raw_store import RawStore


@contextmanager
def served(dataset_dir: Path) -> Iterator[FixtureAPI]:
    with FixtureAPI(dataset_dir) as api:
        yield api


def settings_for(api: FixtureAPI, **overrides) -> HubSpotSettings:
    fast = {"backoff_base_s": 0.01, "max_backoff_s": 1.0}
    return HubSpotSettings(api.credentials.hubspot_token, api.base_url, api.ca_file, **(fast | overrides))


def file_records(dataset_dir: Path, object_type: str) -> list[dict]:
    lines = (dataset_dir / "hubspot" / f"{object_type}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def expected_state(dataset_dir: Path) -> dict:
    contacts = file_records(dataset_dir, "contacts")
    deals = file_records(dataset_dir, "deals")
    pipelines = json.loads((dataset_dir / "hubspot" / "pipelines_deals.json").read_text(encoding="utf-8"))
    return {
        "contacts": sorted((r["id"], bool(r.get("archived")), r["properties"].get("email")) for r in contacts),
        "history": sorted(
            {
                (r["id"], entry["timestamp"], entry["value"] or "")
                for r in contacts
                for entry in r.get("propertiesWithHistory", {}).get("lifecyclestage", [])
            }
        ),
        "deals": sorted((r["id"], bool(r.get("archived")), r["properties"].get("dealstage")) for r in deals),
        "deal_contacts": sorted(
            (r["id"], link["id"])
            for r in deals
            for link in r.get("associations", {}).get("contacts", {}).get("results", [])
        ),
        "stages": sorted((p["id"], s["id"]) for p in pipelines["results"] for s in p["stages"]),
    }


def stored_state(store: RawStore) -> dict:
    query = store.connection.execute
    return {
        "contacts": sorted(query("SELECT id, archived, email FROM raw_hubspot.contacts").fetchall()),
        "history": sorted(
            query(
                "SELECT contact_id, strftime(changed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z', value "
                "FROM raw_hubspot.contact_lifecycle_history"
            ).fetchall()
        ),
        "deals": sorted(query("SELECT id, archived, dealstage FROM raw_hubspot.deals").fetchall()),
        "deal_contacts": sorted(
            query(
                "SELECT id, unnest(from_json(payload->'$.associations.contacts.results[*].id', '[\"varchar\"]')) "
                "FROM raw_hubspot.deals"
            ).fetchall()
        ),
        "stages": sorted(query("SELECT pipeline_id, stage_id FROM raw_hubspot.deal_pipeline_stages").fetchall()),
    }
