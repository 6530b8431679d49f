"""The dataset layout of fixtures/README.md, checked file by file and record by record at load time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

# name -> required; files of any other name in these folders are refused (hidden files are skipped).
HUBSPOT_FILES = {"contacts.jsonl": True, "deals.jsonl": True, "pipelines_deals.json": True, "owners.jsonl": False}
SALESFORCE_FILES = {
    f"{sobject}.jsonl": required
    for sobject, required in (
        ("Lead", True), ("LeadHistory", True), ("Opportunity", True), ("OpportunityHistory", True),
        ("User", False), ("Contact", False), ("Campaign", False), ("OpportunityContactRole", False),
    )
}
# salesforce/deleted/<SObject>.jsonl: what getDeleted reports of a replicateable object (history objects are not).
DELETED_FOLDER = "deleted"
DELETED_FILES = {f"{sobject}.jsonl" for sobject in ("Lead", "Opportunity", "Contact", "OpportunityContactRole",
                                                    "Campaign")}
_HUBSPOT_RECORD_FILES = {"contacts", "deals"}  # owners have no 'properties'
_JSON_TYPE_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


class DatasetError(ValueError):
    """A dataset file is missing or malformed; the message names the file and line."""


def dataset_files(root: Path) -> Iterator[tuple[str, str, Path]]:
    """(source, name, path) of every data file, after checking the folders hold exactly the layout's files."""
    for source, expected in (("hubspot", HUBSPOT_FILES), ("salesforce", SALESFORCE_FILES)):
        folder = root / source
        present = sorted(path for path in folder.iterdir() if not path.name.startswith(".")) if folder.is_dir() else []
        for path in present:
            if source == "salesforce" and path.name == DELETED_FOLDER and path.is_dir():
                continue
            if path.name not in expected or not path.is_file():
                raise DatasetError(
                    f"{path}: not a file of the dataset layout (a {source}/ folder holds {', '.join(expected)};"
                    " see fixtures/README.md)"
                )
        for name, required in expected.items():
            if required and not (folder / name).is_file():
                raise DatasetError(f"{folder / name}: missing (required by the dataset layout, see fixtures/README.md)")
        for path in present:
            if path.is_file():
                yield source, path.name.removesuffix(".jsonl").removesuffix(".json"), path


def deleted_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(SObject, path) of every salesforce/deleted/<SObject>.jsonl, after checking the folder holds only those."""
    folder = root / "salesforce" / DELETED_FOLDER
    present = sorted(path for path in folder.iterdir() if not path.name.startswith(".")) if folder.is_dir() else []
    for path in present:
        if path.name not in DELETED_FILES or not path.is_file():
            raise DatasetError(f"{path}: not a file of the dataset layout (salesforce/{DELETED_FOLDER}/ holds "
                               f"{', '.join(sorted(DELETED_FILES))}; see fixtures/README.md)")
        yield path.name.removesuffix(".jsonl"), path


def read_json_file(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path}: not valid JSON: {error.msg} (line {error.lineno} column {error.colno})") from None
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text: {error.reason}") from None


def numbered_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON-lines file; anything but an object is an error."""
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield number, _json_object(line, f"{path}:{number}")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text: {error.reason}") from None


def _json_object(line: str, where: str) -> dict:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not a JSON object: {error.msg}") from None
    if not isinstance(value, dict):
        raise DatasetError(f"{where}: not a JSON object: got {_JSON_TYPE_NAMES.get(type(value), 'null')}")
    return value


def check_deleted_record(record: dict, where: str, parse_time) -> None:
    """A getDeleted entry: {"id": "<record Id>", "deletedDate": "<date-time>"}."""
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise DatasetError(f"{where}: deleted record without an 'id' string")
    try:
        parse_time(record["deletedDate"])
    except (KeyError, AttributeError, TypeError, ValueError):
        raise DatasetError(f"{where}: deleted record {record['id']!r} without a 'deletedDate' date-time") from None


def check_record(source: str, name: str, record: dict, where: str) -> None:
    """The keys the API handlers rely on, checked here so that a bad record fails the load, not a request."""
    if source == "salesforce":
        if not isinstance(record.get("Id"), str) or not record["Id"]:
            raise DatasetError(f"{where}: Salesforce record without an 'Id' string")
        # Bulk-API exports carry no 'attributes'; the REST stand-in adds them as the real API always does.
        if "attributes" in record and not isinstance(record["attributes"], dict):
            raise DatasetError(f"{where}: Salesforce record {record['Id']!r}: 'attributes' is not an object")
        return
    if name not in _HUBSPOT_RECORD_FILES:
        return
    record_id = record.get("id")
    if not isinstance(record_id, str) or not (record_id.isascii() and record_id.isdigit()):
        raise DatasetError(f"{where}: HubSpot record without a numeric string 'id' (got {record_id!r})")
    if not isinstance(record.get("properties"), dict):
        raise DatasetError(f"{where}: HubSpot record {record_id!r} without a 'properties' object")
