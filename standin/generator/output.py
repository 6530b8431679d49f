"""Where generated records go: one JSON-lines file per object, written as records are made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from standin.generator.formats import json_line

OBJECT_FILES = {
    "contacts": "hubspot/contacts.jsonl", "deals": "hubspot/deals.jsonl", "owners": "hubspot/owners.jsonl",
    "Lead": "salesforce/Lead.jsonl", "LeadHistory": "salesforce/LeadHistory.jsonl",
    "Opportunity": "salesforce/Opportunity.jsonl", "OpportunityHistory": "salesforce/OpportunityHistory.jsonl",
    "User": "salesforce/User.jsonl", "Contact": "salesforce/Contact.jsonl",
    "OpportunityContactRole": "salesforce/OpportunityContactRole.jsonl",
}
PIPELINES_FILE = "hubspot/pipelines_deals.json"
MANIFEST_FILE = "manifest.json"


def write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_line(document), encoding="utf-8")


class StreamingDataset:
    """Appends records to their object's file; the caller hands them over in id order."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, IO[str]] = {}

    def __enter__(self) -> StreamingDataset:
        for object_name, relative in OBJECT_FILES.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[object_name] = path.open("w", encoding="utf-8", newline="\n")
        return self

    def __exit__(self, *exc_info) -> None:
        for handle in self._files.values():
            handle.close()

    def add(self, object_name: str, record: dict) -> None:
        self._files[object_name].write(json_line(record))


class CollectedRecords:
    """Keeps records in memory per object (for evolve, which merges them into an existing dataset)."""

    def __init__(self) -> None:
        self.records: dict[str, list[dict]] = {name: [] for name in OBJECT_FILES}

    def add(self, object_name: str, record: dict) -> None:
        self.records[object_name].append(record)


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing (a dataset needs manifest.json with recorded_at)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if "recorded_at" not in manifest:
        raise ValueError(f"{path}: key 'recorded_at' is missing")
    return manifest
