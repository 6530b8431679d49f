"""Shared helpers of the HubSpot connector tests: a served dataset, and what the raw layer must hold for it."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

from connectors.hubspot import HubSpotSettings
from connectors.raw_store import RawStore
from standin.api.server import FixtureAPI


@contextmanager
def served(dataset_dir: Path) -> Iterator[FixtureAPI]:
    with FixtureAPI(dataset_dir) as api:
        yield api


# What the raw payloads must carry, written from the issue rather than read from the connector, so that
# a property dropped from the connector's request fails the equality checks.
CONTACT_PROPERTIES = re.compile(
    r"^(email|firstname|lastname|company|createdate|lastmodifieddate|lifecyclestage|hs_lead_status"
    r"|hs_analytics_source|lead_intent|salesforceleadid|salesforcecontactid|hubspot_owner_id"
    r"|hs_merged_object_ids|hs_calculated_merged_vids"
    r"|hs_v2_date_(entered|exited)_.+|hs_date_(entered|exited)_.+|hs_lifecyclestage_.+_date)$"
)
DEAL_PROPERTIES = re.compile(
    r"^(dealname|amount|dealstage|pipeline|closedate|createdate|hs_lastmodifieddate|hs_is_closed"
    r"|hs_is_closed_won|hubspot_owner_id|deal_currency_code|hs_analytics_source|hs_salesforceopportunityid)$"
)


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
        "contact_properties": property_values(contacts, CONTACT_PROPERTIES),
        "deal_properties": property_values(deals, DEAL_PROPERTIES),
    }


def property_values(records: list[dict], wanted: re.Pattern) -> list[tuple[str, str, str]]:
    """(id, property, value) of every wanted property with a value: a null one reads alike requested or not."""
    return sorted(
        (record["id"], name, value)
        for record in records
        for name, value in record["properties"].items()
        if value is not None and wanted.match(name)
    )


# Rows of records the source still serves: not merged away, not deleted without a trace.
PRESENT = "merged_into IS NULL AND deleted_at IS NULL"


def stored_payloads(store: RawStore, table: str, where: str = "TRUE") -> list[dict]:
    rows = store.connection.execute(f"SELECT payload FROM {table} WHERE {where}").fetchall()
    return [json.loads(payload) for (payload,) in rows]


def stored_state(store: RawStore) -> dict:
    """The raw layer as the warehouse reads it: rows the source no longer serves (merged away, deleted
    without a trace) left out, and a deal's link to a merged-away contact followed to its survivor."""
    query = store.connection.execute
    return {
        "contacts": sorted(query(f"SELECT id, archived, email FROM raw_hubspot.contacts WHERE {PRESENT}").fetchall()),
        "history": sorted(
            query(
                "SELECT contact_id, strftime(changed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z', value "
                "FROM raw_hubspot.contact_lifecycle_history WHERE contact_id IN "
                f"(SELECT id FROM raw_hubspot.contacts WHERE {PRESENT})"
            ).fetchall()
        ),
        "deals": sorted(
            query("SELECT id, archived, dealstage FROM raw_hubspot.deals WHERE deleted_at IS NULL").fetchall()
        ),
        "deal_contacts": sorted(
            query(
                "SELECT DISTINCT link.id, coalesce(contact.merged_into, link.contact_id) FROM ("
                "SELECT id, unnest(from_json(payload->'$.associations.contacts.results[*].id', '[\"varchar\"]')) "
                "AS contact_id FROM raw_hubspot.deals WHERE deleted_at IS NULL) link "
                "LEFT JOIN raw_hubspot.contacts contact ON contact.id = link.contact_id"
            ).fetchall()
        ),
        "stages": sorted(query("SELECT pipeline_id, stage_id FROM raw_hubspot.deal_pipeline_stages").fetchall()),
        "contact_properties": property_values(
            stored_payloads(store, "raw_hubspot.contacts", PRESENT), CONTACT_PROPERTIES
        ),
        "deal_properties": property_values(
            stored_payloads(store, "raw_hubspot.deals", "deleted_at IS NULL"), DEAL_PROPERTIES
        ),
    }


@contextmanager
def silent_listener() -> Iterator[str]:
    """http://127.0.0.1:PORT of a socket whose connections the kernel accepts and nobody ever answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def canned_http(status: int, body: dict) -> Iterator[tuple[str, list[str]]]:
    """(http://127.0.0.1:PORT, paths requested so far) of a server answering every request alike."""
    payload = json.dumps(body).encode()
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            paths.append(self.path.partition("?")[0])
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
