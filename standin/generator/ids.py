"""Record ids handed out in creation order, so every output file is already sorted by id."""

from __future__ import annotations

from standin.generator.formats import salesforce_id

HUBSPOT_FIRST_IDS = {"contacts": 1_000_001, "deals": 5_000_001}
SALESFORCE_FIRST_COUNTER = 1_000


class RecordIds:
    def __init__(self, next_counters: dict[str, int] | None = None) -> None:
        self.next_counters = dict(HUBSPOT_FIRST_IDS)
        self.next_counters.update(next_counters or {})

    def hubspot(self, object_type: str) -> str:
        return str(self._take(object_type, HUBSPOT_FIRST_IDS[object_type]))

    def salesforce(self, sobject: str) -> str:
        return salesforce_id(sobject, self._take(sobject, SALESFORCE_FIRST_COUNTER))

    def _take(self, key: str, first: int) -> int:
        value = self.next_counters.get(key, first)
        self.next_counters[key] = value + 1
        return value
