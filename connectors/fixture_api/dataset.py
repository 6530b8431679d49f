"""Loading a recorded dataset (the public layout described in fixtures/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HUBSPOT_OBJECTS = ("contacts", "deals")


class DatasetError(ValueError):
    """A dataset file is missing or malformed; the message names the file and line."""


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


def read_jsonl(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise DatasetError(f"{path}:{number}: not a JSON object: {error.msg}") from None
    return records


@dataclass
class Dataset:
    """All records of one dataset, held in memory in the APIs' own shapes."""

    root: Path
    recorded_at: datetime
    hubspot: dict[str, list[dict]] = field(default_factory=dict)  # "contacts" / "deals" / "owners"
    hubspot_pipelines: dict = field(default_factory=lambda: {"results": []})
    salesforce: dict[str, list[dict]] = field(default_factory=dict)  # SObject name -> records

    @staticmethod
    def read_recorded_at(root: str | Path) -> datetime:
        manifest_path = Path(root) / "manifest.json"
        if not manifest_path.is_file():
            raise DatasetError(f"{manifest_path}: missing (a dataset needs manifest.json with recorded_at)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if "recorded_at" not in manifest:
            raise DatasetError(f"{manifest_path}: key 'recorded_at' is missing")
        return parse_utc(manifest["recorded_at"])

    @classmethod
    def load(cls, root: str | Path) -> Dataset:
        root = Path(root)
        dataset = cls(root=root, recorded_at=cls.read_recorded_at(root))
        for path in sorted((root / "hubspot").glob("*.jsonl")):
            dataset.hubspot[path.stem] = read_jsonl(path)
        pipelines = root / "hubspot" / "pipelines_deals.json"
        if pipelines.is_file():
            dataset.hubspot_pipelines = json.loads(pipelines.read_text(encoding="utf-8"))
        for path in sorted((root / "salesforce").glob("*.jsonl")):
            dataset.salesforce[path.stem] = read_jsonl(path)
        return dataset
