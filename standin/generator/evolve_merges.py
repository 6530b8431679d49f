"""A week's HubSpot merges and GDPR / permanent deletes (the rules are in hubspot_merges.py).

Every run merges contacts both ways, classic (the primary keeps its id) and into a new record, with a
chain within the run (a survivor of this week is merged again) and, when the dataset has one, across runs
(a survivor of an earlier merge is merged away). Merged-away and deleted records leave the recording.
"""

from __future__ import annotations

from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import parse_epoch
from standin.generator.hubspot_merges import merge_contacts, merged_ids, reassociate

MERGE_RATE = 0.002  # of live contacts, for each kind of merge
GDPR_DELETE_RATE = {"contacts": 0.002, "deals": 0.002}
MIN_MERGE_CANDIDATES = 6


def merge_and_delete(dataset: EvolvingDataset) -> None:
    _merge_contacts(dataset)
    _delete_without_trace(dataset)


def _merge_contacts(dataset: EvolvingDataset) -> None:
    live = [record for record in dataset.untouched("contacts") if not record["archived"]]
    if len(live) < MIN_MERGE_CANDIDATES:
        return
    count = max(1, round(MERGE_RATE * len(live)))
    earlier = next((record for record in live if merged_ids(record["properties"])), None)
    pool = [record for record in live if record is not earlier]
    pairs = candidate_pairs(dataset, pool, 2 * count)
    classic, fresh = pairs[:count], pairs[count:]
    if earlier is not None:  # a chain across runs: an earlier survivor is merged away now
        classic[-1] = (classic[-1][0], earlier)
    survivors = [merge_pair(dataset, *pair, new_record=False) for pair in classic]
    for pair in fresh:
        merge_pair(dataset, *pair, new_record=True)
    # A chain within the run: this week's first survivor merges again, into a new record.
    chained = next(record for record in pool if record["id"] not in _paired(pairs))
    merge_pair(dataset, survivors[0], chained, new_record=True, after=survivors[0]["updatedAt"])


def candidate_pairs(dataset: EvolvingDataset, pool: list[dict], count: int) -> list[tuple[dict, dict]]:
    """``count`` pairs (primary, secondary): plausible duplicates (same name) first, then any two records,
    which have different emails. The primary is the newer record: its createdate and stage dates become
    the survivor's, the worst case for a warehouse that must date the person by the earliest."""
    rng = dataset.rng
    by_name: dict[tuple, list[dict]] = {}
    for record in pool:
        by_name.setdefault((record["properties"]["lastname"], record["properties"]["firstname"]), []).append(record)
    twins = [group[:2] for group in by_name.values() if len(group) >= 2]
    rng.shuffle(twins)
    pairs = twins[: count - 1]  # at least one pair of two different people
    used = _paired(pairs)
    rest = [record for record in pool if record["id"] not in used]
    picked = rng.sample(rest, 2 * (count - len(pairs)))
    # Merges must move deals too (their associations follow the survivor): a record of the last pair, which
    # merges into a new record (both originals vanish), has deals.
    linked = _deal_contact_ids(dataset)
    with_deals = [record for record in rest if record["id"] in linked and record not in picked]
    if with_deals and not {record["id"] for record in picked[-2:]} & linked:
        picked[-1] = rng.choice(with_deals)
    pairs += [picked[index : index + 2] for index in range(0, len(picked), 2)]
    return [newer_first(*pair) for pair in pairs]


def newer_first(first: dict, second: dict) -> tuple[dict, dict]:
    """(primary, secondary) of a merge: the newer record is the primary (see candidate_pairs)."""
    def age(record: dict) -> tuple[str, int]:
        return record["createdAt"], int(record["id"])

    return (first, second) if age(first) >= age(second) else (second, first)


def _deal_contact_ids(dataset: EvolvingDataset) -> set[str]:
    return {link["id"] for deal in dataset.records["deals"] for link in deal["associations"]["contacts"]["results"]}


def _paired(pairs) -> set[str]:
    return {record["id"] for pair in pairs for record in pair}


def merge_pair(dataset: EvolvingDataset, primary: dict, secondary: dict, new_record: bool,
               after: str | None = None) -> dict:
    """A merge inside the window, recorded as HubSpot records it (hubspot_merges.py); deals follow the survivor."""
    # A merge of a record merged earlier this week comes after that merge, still inside the window.
    time = dataset.moment() if after is None else dataset.rng.randrange(parse_epoch(after), dataset.end)
    new_id = dataset.ids.hubspot("contacts") if new_record else None
    survivor, vanished = merge_contacts(primary, secondary, time, new_id)
    for record in vanished:
        dataset.remove("contacts", "merged", record["id"])
    if new_record:
        dataset.add("contacts", survivor)
    else:
        dataset.mark("contacts", "modified", survivor["id"])
    gone = {record["id"] for record in vanished}
    removed_deals = dataset.removed("deals")  # out of the new recording already: nothing to report of them
    for deal in dataset.records["deals"]:
        if deal["id"] not in removed_deals and reassociate(deal, gone, survivor["id"]):
            dataset.mark("deals", "modified", deal["id"])
    for deal in dataset.appended["deals"]:  # new this run: reported as added only
        reassociate(deal, gone, survivor["id"])
    return survivor


def _delete_without_trace(dataset: EvolvingDataset) -> None:
    """GDPR / permanent deletes: the record leaves every listing, archived included. Contacts are taken
    among those without deals (a deal would silently lose its association, see hubspot_merges.py)."""
    linked = {link["id"] for deal in [*dataset.records["deals"], *dataset.appended["deals"]]
              for link in deal["associations"]["contacts"]["results"]}
    contacts = [record for record in dataset.untouched("contacts") if record["id"] not in linked]
    for record in dataset.pick(contacts, GDPR_DELETE_RATE["contacts"]):
        dataset.remove("contacts", "gdpr_deleted", record["id"])
    for record in dataset.pick(dataset.untouched("deals"), GDPR_DELETE_RATE["deals"]):
        dataset.remove("deals", "gdpr_deleted", record["id"])
