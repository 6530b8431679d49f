"""An existing dataset being turned into its next recording: records, the change window and the report."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from standin.generator.formats import json_line, salesforce_id_counter, salesforce_time
from standin.generator.ids import RecordIds
from standin.generator.output import OBJECT_FILES

CHANGING_OBJECTS = ("contacts", "deals", "Lead", "LeadHistory", "Opportunity", "OpportunityHistory", "Contact",
                    "OpportunityContactRole")
OPTIONAL_OBJECTS = ("Contact", "OpportunityContactRole")  # datasets from before them lack the files
HUBSPOT_OBJECTS = ("contacts", "deals")
# Changes that take a record out of the new recording altogether: a HubSpot merge or GDPR delete, a purge from
# the Salesforce recycle bin, a history row past Salesforce's retention.
REMOVED_KINDS = ("merged", "gdpr_deleted", "purged", "expired")
SALESFORCE_ID_FIELDS = {
    "Account": (("Opportunity", "AccountId"), ("Lead", "ConvertedAccountId"), ("Contact", "AccountId")),
    "Contact": (("Lead", "ConvertedContactId"), ("Contact", "Id"), ("OpportunityContactRole", "ContactId")),
}
DELETED_LOG = "salesforce/deleted"


def record_id(record: dict) -> str:
    return record["id"] if "id" in record else record["Id"]


@dataclass
class EvolvingDataset:
    rng: random.Random
    start: int  # the change window [start, end): after the old recording, before the new one
    end: int
    lines: dict[str, list[str]]
    records: dict[str, list[dict]]
    ids: RecordIds = field(default_factory=RecordIds)
    appended: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in OBJECT_FILES})
    changes: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    deleted_log: dict[str, list[str]] = field(default_factory=dict)  # SObject -> lines of deleted/<SObject>.jsonl
    held: dict[str, set[str]] = field(default_factory=dict)  # ids kept from the random changes (see hold)

    @classmethod
    def load(cls, root: Path, rng: random.Random, start: int, end: int) -> EvolvingDataset:
        lines, records = {}, {}
        for object_name in CHANGING_OBJECTS:
            path = root / OBJECT_FILES[object_name]
            missing = object_name in OPTIONAL_OBJECTS and not path.is_file()
            lines[object_name] = [] if missing else path.read_text(encoding="utf-8").splitlines(keepends=True)
            records[object_name] = [_parse(path, number, line) for number, line in enumerate(lines[object_name], 1)]
        dataset = cls(rng, start, end, lines, records)
        log = root / DELETED_LOG
        for path in sorted(log.glob("*.jsonl")) if log.is_dir() else []:
            dataset.deleted_log[path.stem] = path.read_text(encoding="utf-8").splitlines(keepends=True)
        dataset.ids = RecordIds(dataset._next_counters())
        return dataset

    def _next_counters(self) -> dict[str, int]:
        counters = {name: 1 + max((int(record_id(r)) for r in self.records[name]), default=0)
                    for name in HUBSPOT_OBJECTS}
        for name in CHANGING_OBJECTS[2:]:
            counters[name] = 1 + max((salesforce_id_counter(record_id(r)) for r in self.records[name]), default=0)
        for sobject, sources in SALESFORCE_ID_FIELDS.items():
            used = [record[column] for name, column in sources for record in self.records[name] if record[column]]
            counters[sobject] = 1 + max((salesforce_id_counter(value) for value in used), default=0)
        return {name: counter for name, counter in counters.items() if counter > 1}

    @property
    def tracks_lead_status(self) -> bool:
        """An org that never tracked Lead Status has leads but no Status history rows."""
        return not self.records["Lead"] or any(row["Field"] == "Status" for row in self.records["LeadHistory"])

    def moment(self) -> int:
        return self.rng.randrange(self.start, self.end)

    def untouched(self, object_name: str) -> list[dict]:
        changed = set().union(*self.changes.get(object_name, {}).values(), self.held.get(object_name, ()))
        return [record for record in self.records[object_name] if record_id(record) not in changed]

    def hold(self, object_name: str, held_id: str) -> None:
        """Keep a record of the source out of the random changes, for a change of this run made after them."""
        self.held.setdefault(object_name, set()).add(held_id)

    def is_held(self, object_name: str, candidate_id: str) -> bool:
        return candidate_id in self.held.get(object_name, ())

    def mark(self, object_name: str, kind: str, changed_id: str) -> None:
        self.changes.setdefault(object_name, {}).setdefault(kind, set()).add(changed_id)

    def remove(self, object_name: str, kind: str, removed_id: str) -> None:
        """Leave a record of the old recording out of the new one (a kind of REMOVED_KINDS), whatever else
        this run did to it."""
        for ids in self.changes.get(object_name, {}).values():
            ids.discard(removed_id)
        self.mark(object_name, kind, removed_id)

    def removed(self, object_name: str) -> set[str]:
        kinds = self.changes.get(object_name, {})
        return set().union(*(kinds.get(kind, set()) for kind in REMOVED_KINDS))

    def add(self, object_name: str, record: dict) -> None:
        """The sink new records go to (also what the person emitter writes into)."""
        self.appended[object_name].append(record)
        if object_name in CHANGING_OBJECTS:
            self.mark(object_name, "added", record_id(record))

    def log_deletion(self, sobject: str, deleted_id: str, deleted_at: int) -> None:
        """What getDeleted will report of a record deleted at ``deleted_at``."""
        entry = {"id": deleted_id, "deletedDate": salesforce_time(deleted_at)}
        self.deleted_log.setdefault(sobject, []).append(json_line(entry))

    def pick(self, candidates: list[dict], rate: float) -> list[dict]:
        """About ``rate`` of the candidates, at least one when there are any, in file order."""
        if not candidates:
            return []
        chosen = set(self.rng.sample(range(len(candidates)), max(1, round(rate * len(candidates)))))
        return [record for position, record in enumerate(candidates) if position in chosen]

    def write(self, root: Path) -> None:
        for object_name in CHANGING_OBJECTS:
            changed = set().union(*self.changes.get(object_name, {}).values())
            removed = self.removed(object_name)
            path = root / OBJECT_FILES[object_name]
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as output:
                for line, record in zip(self.lines[object_name], self.records[object_name], strict=True):
                    if record_id(record) not in removed:
                        output.write(json_line(record) if record_id(record) in changed else line)
                for record in self.appended[object_name]:
                    output.write(json_line(record))
        for sobject, lines in self.deleted_log.items():
            path = root / DELETED_LOG / f"{sobject}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(lines), encoding="utf-8", newline="\n")

    def summary(self) -> dict[str, dict[str, list[str]]]:
        report = {}
        for object_name in CHANGING_OBJECTS:
            key = int if object_name in HUBSPOT_OBJECTS else str
            kinds = self.changes.get(object_name, {})
            report[object_name] = {kind: sorted(ids, key=key) for kind, ids in sorted(kinds.items())}
            report[object_name].setdefault("added", [])
        return report


def _parse(path: Path, number: int, line: str) -> dict:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{number}: not a JSON object: {error.msg}") from None
