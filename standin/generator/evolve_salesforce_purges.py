"""What leaves a Salesforce recording without a trace: records purged from the recycle bin, expired history.

A purged record (recycle bin emptied, or a hard delete) is absent from the next recording; only getDeleted
still reports it, for a while (the dataset's salesforce/deleted/<SObject>.jsonl). Deleting a lead takes its
history with it; an opportunity its history and contact roles; a contact its contact roles. Whether
getDeleted lists cascaded contact roles is not documented: they are listed, as deleted records.

Field history is kept 18 months in the UI and 24 months via the API (Salesforce Help, "Field History
Tracking"): rows older than 24 months at the new recording's time are gone from it, which is not a deletion.
"""

from __future__ import annotations

from datetime import UTC, datetime

from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import parse_epoch

PURGE_RATE = {"Lead": 0.005, "Opportunity": 0.01, "Contact": 0.005, "OpportunityContactRole": 0.01}
HISTORY_RETENTION_MONTHS = 24
# SObject -> the children that go with it: (child object, its parent field, listed by getDeleted).
CASCADES = {
    "Lead": (("LeadHistory", "LeadId", False),),
    "Opportunity": (("OpportunityHistory", "OpportunityId", False), ("OpportunityContactRole", "OpportunityId", True)),
    "Contact": (("OpportunityContactRole", "ContactId", True),),
    "OpportunityContactRole": (),
}


def purge_records(dataset: EvolvingDataset) -> None:
    for sobject, rate in PURGE_RATE.items():
        with_new_children = {row[parent_field] for child, parent_field, _ in CASCADES[sobject]
                             for row in dataset.appended[child]}
        candidates = [record for record in dataset.untouched(sobject)
                      if not record["IsDeleted"] and record["Id"] not in with_new_children]
        if sobject == "Lead":
            candidates = [record for record in candidates if not record["IsConverted"]]
        for record in dataset.pick(candidates, rate):
            _purge(dataset, sobject, record, dataset.moment())


def _purge(dataset: EvolvingDataset, sobject: str, record: dict, time: int) -> None:
    dataset.mark(sobject, "purged", record["Id"])
    dataset.log_deletion(sobject, record["Id"], time)
    for child, parent_field, logged in CASCADES[sobject]:
        for row in dataset.untouched(child):
            if row[parent_field] == record["Id"]:
                dataset.mark(child, "purged", row["Id"])
                if logged:
                    dataset.log_deletion(child, row["Id"], time)


def expire_history(dataset: EvolvingDataset) -> None:
    cutoff = _months_before(dataset.end, HISTORY_RETENTION_MONTHS)
    for history in ("LeadHistory", "OpportunityHistory"):
        for row in dataset.records[history]:
            if parse_epoch(row["CreatedDate"]) < cutoff:
                dataset.mark(history, "expired", row["Id"])


def _months_before(epoch: int, months: int) -> int:
    moment = datetime.fromtimestamp(epoch, UTC)
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return int(moment.replace(year=year, month=month + 1, day=min(moment.day, 28)).timestamp())
