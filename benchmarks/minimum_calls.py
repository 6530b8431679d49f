"""The fewest API calls a sync could make, from the dataset itself (never from what the connector did).

Each stream has to deliver a known number of records; a call returns at most one page of them:
``pages(n, size) = max(1, ceil(n / size))`` (an empty listing still costs its one call). Page sizes are the
APIs' maxima for what the stream asks for (see README.md). Calls that deliver no records (OAuth login,
describe, property definitions, account details, the full load's high-water probe) are the connector's
fixed overhead and are counted apart, from the fixture API's request log.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from math import ceil

from benchmarks.datasets import SALESFORCE_OBJECTS

CONTACTS_WITH_HISTORY_PAGE = 50  # list endpoint and batch/read, when propertiesWithHistory is asked for
DEALS_LIST_PAGE = 100
SEARCH_PAGE = 200
ASSOCIATIONS_BATCH = 1000  # v4 associations batch/read inputs
ID_PAGE = 100  # the list endpoint without properties: the deletion sweep
OWNERS_PAGE = 500  # GET /crm/v3/owners allows 500 (the connector asks for 100: a portal has few owners)
SOQL_PAGE = 2000
_SOQL_QUERY = re.compile(r"/services/data/v[\d.]+/(query|queryAll)/?(?P<locator>[^/]*)$")


@dataclass(frozen=True)
class StreamMinimum:
    stream: str
    records: int  # records the stream has to deliver
    calls: int
    formula: str


def pages(records: int, size: int) -> int:
    return max(1, ceil(records / size))


def _changed_live(changes: dict[str, list[str]]) -> int:
    """HubSpot search skips archived records: what was added or modified and is still live."""
    touched = set(changes.get("added", [])) | set(changes.get("modified", []))
    return len(touched - set(changes.get("archived", [])))


def _changed(changes: dict[str, list[str]]) -> int:
    return len({record_id for ids in changes.values() for record_id in ids})


def hubspot_minimums(counts: dict[str, int], changes: dict | None) -> list[StreamMinimum]:
    """``changes`` None: a full load of ``counts``; else an incremental run over the dataset ``counts``."""
    stages = counts["pipeline_stages"]
    minimums = [StreamMinimum("hubspot.deal_pipelines", stages, 1, f"1 (one GET returns all {stages} stages)")]
    archived_note = "(the archived listing has no time filter: read whole every run)"
    for name, list_page in (("contacts", CONTACTS_WITH_HISTORY_PAGE), ("deals", DEALS_LIST_PAGE)):
        archived = counts[f"{name}_archived"]
        if changes is None:
            live = counts[f"{name}_live"]
            minimums.append(StreamMinimum(f"hubspot.{name}", live, pages(live, list_page),
                                          f"ceil(live {name} {live} / {list_page})"))
        else:
            minimums.append(_incremental_hubspot(name, _changed_live(changes[name]), counts[f"{name}_live"]))
        minimums.append(StreamMinimum(f"hubspot.archived_{name}", archived, pages(archived, list_page),
                                      f"ceil(archived {name} {archived} / {list_page}) {archived_note}"))
        listed = counts[f"{name}_live"] + archived
        minimums.append(StreamMinimum(
            f"hubspot.{name[:-1]}_ids", listed, pages(listed - archived, ID_PAGE) + pages(archived, ID_PAGE),
            f"ceil(live {name} / {ID_PAGE}) + ceil(archived {name} / {ID_PAGE}) (the deletion sweep, every run by "
            "default: a record deleted without a trace is in no listing)"))
    live, archived = counts["owners_live"], counts["owners_archived"]
    minimums.append(StreamMinimum(
        "hubspot.owners", live + archived, pages(live, OWNERS_PAGE) + pages(archived, OWNERS_PAGE),
        f"ceil(active owners {live} / {OWNERS_PAGE}) + ceil(archived owners {archived} / {OWNERS_PAGE}) "
        "(read whole every run)"))
    return minimums


_SEARCH_COMPLETION = {"contacts": ("batch reads with history", CONTACTS_WITH_HISTORY_PAGE)}


def _incremental_hubspot(name: str, changed: int, live: int) -> StreamMinimum:
    """Search finds the changed records but returns neither history nor associations: one more read each.

    Deals: an association can be added without moving the deal's modification date, so every live deal's
    associations are read each run anyway (batches of 1,000); those reads cover the changed deals too.
    """
    if name == "deals":
        return StreamMinimum(
            "hubspot.deals", changed, pages(changed, SEARCH_PAGE) + pages(live, ASSOCIATIONS_BATCH),
            f"changed live deals {changed}: ceil(/{SEARCH_PAGE}) search + live deals {live}: "
            f"ceil(/{ASSOCIATIONS_BATCH}) association batch reads",
        )
    label, size = _SEARCH_COMPLETION[name]
    return StreamMinimum(
        f"hubspot.{name}", changed, pages(changed, SEARCH_PAGE) + ceil(changed / size),
        f"changed live {name} {changed}: ceil(/{SEARCH_PAGE}) search + ceil(/{size}) {label}",
    )


def salesforce_minimums(counts: dict[str, int], changes: dict | None) -> list[StreamMinimum]:
    minimums = []
    for sobject in SALESFORCE_OBJECTS:
        if changes is None:
            records, what = counts[sobject], f"rows {counts[sobject]}"
        else:
            records = _changed(changes.get(sobject, {}))
            what = f"changed rows {records} (added, modified, deleted)"
        minimums.append(StreamMinimum(f"salesforce.{sobject}", records, pages(records, SOQL_PAGE),
                                      f"ceil({what} / {SOQL_PAGE})"))
    return minimums


def endpoint(method: str, path: str) -> str:
    """A short name for the kind of call a request was."""
    if path.rstrip("/") == "/services/oauth2/token":
        return "login"
    if path.rstrip("/").endswith("/describe"):
        return "describe"
    query = _SOQL_QUERY.search(path)
    if query:
        return "query next page" if query["locator"] else "query"
    if path.startswith("/crm/v3/properties/"):
        return "properties"
    if path.startswith("/crm/v3/pipelines/"):
        return "pipelines"
    if path.startswith("/account-info/"):
        return "account"
    if path.rstrip("/").endswith("/deleted"):
        return "getDeleted"
    if path.startswith(("/crm/v4/associations/", "/crm/v4/objects/")):
        return "associations"
    if path.endswith("/search"):
        return "search"
    if path.endswith("/batch/read"):
        return "batch read"
    if method == "GET" and path.startswith("/crm/v3/objects/"):
        return "list"
    if path.startswith("/crm/v3/owners"):
        return "owners"
    return f"{method} {path}"


NO_RECORD_ENDPOINTS = ("login", "describe", "properties", "account", "getDeleted")


def overhead_calls(by_endpoint: Counter[str], full_load: bool) -> int:
    """Calls that deliver no records; a full load's searches are the high-water probes (limit 1)."""
    overhead = sum(by_endpoint[name] for name in NO_RECORD_ENDPOINTS)
    return overhead + (by_endpoint["search"] if full_load else 0)
