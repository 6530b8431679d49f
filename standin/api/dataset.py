"""Loading a recorded dataset (the public layout described in fixtures/README.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from standin.api import account_ids
from standin.api.dataset_files import (
    DatasetError,
    check_deleted_record,
    check_record,
    dataset_files,
    deleted_files,
    numbered_lines,
    read_json_file,
)

__all__ = ["HUBSPOT_OBJECTS", "Dataset", "DatasetError", "parse_utc", "read_jsonl"]

HUBSPOT_OBJECTS = ("contacts", "deals")


def parse_utc(text: str) -> datetime:
    """Parse the ISO-8601 forms both APIs use ('...Z', '...+0000', '...+00:00') into an aware UTC datetime."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    elif len(value) > 5 and value[-5] in "+-" and value[-4:].isdigit():
        value = f"{value[:-2]}:{value[-2:]}"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(eq=False)
class Dataset:
    """All records of one dataset, held in memory in the APIs' own shapes.

    The API handlers serve from indexes derived once per dataset (see ``derived``). Code that changes
    records in place must call ``touch()`` afterwards; lists that change length are noticed on their own.
    """

    root: Path
    recorded_at: datetime
    hubspot: dict[str, list[dict]] = field(default_factory=dict)  # "contacts" / "deals" / "owners"
    hubspot_pipelines: dict = field(default_factory=lambda: {"results": []})
    salesforce: dict[str, list[dict]] = field(default_factory=dict)  # SObject name -> records
    # SObject name -> what getDeleted reports: {"id", "deletedDate"} of records purged or in the recycle bin
    salesforce_deleted: dict[str, list[dict]] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)  # manifest.json as read (ids of the portal and the org)
    _version: int = field(default=0, init=False, repr=False)
    _derived: dict[str, tuple[tuple, Any]] = field(default_factory=dict, init=False, repr=False)
    _derived_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def touch(self) -> None:
        """Say that records were changed in place, so every derived index is rebuilt on next use."""
        with self._derived_lock:
            self._version += 1

    def derived(self, key: str, build: Callable[[Dataset], Any]) -> Any:
        """``build(self)``, computed once and reused until the dataset is touched or a record list resizes."""
        with self._derived_lock:
            stamp = self._stamp()
            cached = self._derived.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            value = build(self)
            self._derived[key] = (stamp, value)
            return value

    def _stamp(self) -> tuple:
        sizes = [(name, len(records)) for name, records in self.hubspot.items()]
        sizes += [(name, len(records)) for name, records in self.salesforce.items()]
        return self._version, tuple(sizes), id(self.hubspot_pipelines)

    @property
    def hubspot_portal_id(self) -> int:
        return account_ids.portal_id(self.root, self.manifest)

    @property
    def salesforce_organization_id(self) -> str:
        return account_ids.organization_id(self.root, self.manifest)

    @staticmethod
    def read_manifest(root: str | Path) -> dict:
        manifest_path = Path(root) / "manifest.json"
        if not manifest_path.is_file():
            raise DatasetError(f"{manifest_path}: missing (a dataset needs manifest.json with recorded_at)")
        manifest = read_json_file(manifest_path)
        if not isinstance(manifest, dict) or "recorded_at" not in manifest:
            raise DatasetError(f"{manifest_path}: key 'recorded_at' is missing")
        return manifest

    @staticmethod
    def read_recorded_at(root: str | Path) -> datetime:
        manifest_path = Path(root) / "manifest.json"
        manifest = Dataset.read_manifest(root)
        recorded_at = manifest["recorded_at"]
        try:
            return parse_utc(recorded_at)
        except (AttributeError, TypeError, ValueError):
            raise DatasetError(
                f"{manifest_path}: recorded_at {recorded_at!r} is not an ISO-8601 date-time"
            ) from None

    @classmethod
    def load(cls, root: str | Path) -> Dataset:
        root = Path(root)
        manifest = cls.read_manifest(root)
        account_ids.check(root, manifest)
        dataset = cls(root=root, recorded_at=cls.read_recorded_at(root), manifest=manifest)
        for source, name, path in dataset_files(root):
            if path.suffix == ".json":
                dataset.hubspot_pipelines = _pipelines(path)
                continue
            records = []
            for number, record in numbered_lines(path):
                check_record(source, name, record, f"{path}:{number}")
                records.append(record)
            (dataset.hubspot if source == "hubspot" else dataset.salesforce)[name] = records
        for sobject, path in deleted_files(root):
            entries = []
            for number, entry in numbered_lines(path):
                check_deleted_record(entry, f"{path}:{number}", parse_utc)
                entries.append(entry)
            dataset.salesforce_deleted[sobject] = entries
        return dataset


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSON-lines file, blank lines skipped."""
    return [record for _, record in numbered_lines(path)]


def _pipelines(path: Path) -> dict:
    body = read_json_file(path)
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise DatasetError(f"{path}: not a pipelines body (an object with a 'results' list)")
    return body
