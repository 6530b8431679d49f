"""Loading a dataset: the published layout is enforced, and a bad file or record fails the load by name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from standin.api.dataset import Dataset, DatasetError
from standin.api.server import FixtureAPI

LAYOUT = "see fixtures/README.md"
HUBSPOT_LAYOUT = f"a hubspot/ folder holds contacts.jsonl, deals.jsonl, pipelines_deals.json, owners.jsonl; {LAYOUT}"


def load_error(root: Path) -> str:
    with pytest.raises(DatasetError) as raised:
        Dataset.load(root)
    return str(raised.value)


def append_line(path: Path, line: str) -> int:
    """Appends one line; returns its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    return len(lines) + 1


def test_a_complete_dataset_loads_with_hidden_files_skipped_and_owners_optional(make_dataset):
    root = make_dataset(contacts=5, deals=3)
    (root / "hubspot" / ".DS_Store").write_bytes(b"\0")
    (root / "hubspot" / "owners.jsonl").write_text('{"id": "2000001", "email": "a@example.com"}\n')

    dataset = Dataset.load(root)

    assert (len(dataset.hubspot["contacts"]), len(dataset.hubspot["deals"]), dataset.hubspot["owners"][0]["id"]) == (
        5, 3, "2000001")
    assert dataset.salesforce == {"Lead": [], "LeadHistory": [], "Opportunity": [], "OpportunityHistory": []}


def test_a_misnamed_or_unknown_file_is_refused_by_name(make_dataset):
    root = make_dataset(contacts=5, deals=3)
    misnamed = root / "hubspot" / "contact.jsonl"
    misnamed.write_text("")
    assert load_error(root) == f"{misnamed}: not a file of the dataset layout ({HUBSPOT_LAYOUT})"
    misnamed.unlink()

    unknown = root / "salesforce" / "Account.jsonl"
    unknown.write_text("")
    assert load_error(root) == (
        f"{unknown}: not a file of the dataset layout (a salesforce/ folder holds Lead.jsonl, LeadHistory.jsonl, "
        f"Opportunity.jsonl, OpportunityHistory.jsonl, User.jsonl, Contact.jsonl, Campaign.jsonl, "
        f"OpportunityContactRole.jsonl; {LAYOUT})"
    )


@pytest.mark.parametrize(
    "relative", ["hubspot/contacts.jsonl", "hubspot/deals.jsonl", "hubspot/pipelines_deals.json",
                 "salesforce/Lead.jsonl", "salesforce/OpportunityHistory.jsonl"]
)
def test_a_missing_required_file_is_an_error(make_dataset, relative):
    root = make_dataset(contacts=5, deals=3)
    (root / relative).unlink()

    assert load_error(root) == f"{root / relative}: missing (required by the dataset layout, {LAYOUT})"


@pytest.mark.parametrize(
    ("relative", "line", "problem"),
    [
        ("hubspot/contacts.jsonl", "[1, 2]", "not a JSON object: got an array"),
        ("hubspot/deals.jsonl", '{"id": "9100",',
         "not a JSON object: Expecting property name enclosed in double quotes"),
        ("salesforce/Lead.jsonl", "null", "not a JSON object: got null"),
        ("hubspot/contacts.jsonl", '{"id": "abc", "properties": {}}',
         "HubSpot record without a numeric string 'id' (got 'abc')"),
        ("hubspot/contacts.jsonl", '{"id": 1001, "properties": {}}',
         "HubSpot record without a numeric string 'id' (got 1001)"),
        ("hubspot/deals.jsonl", '{"id": "9100", "archived": false}',
         "HubSpot record '9100' without a 'properties' object"),
        ("salesforce/Opportunity.jsonl", '{"attributes": {"type": "Opportunity"}, "Name": "x"}',
         "Salesforce record without an 'Id' string"),
        ("salesforce/LeadHistory.jsonl", '{"Id": "017000000000000001", "attributes": "LeadHistory"}',
         "Salesforce record '017000000000000001': 'attributes' is not an object"),
    ],
)
def test_a_bad_line_names_file_and_line(make_dataset, relative, line, problem):
    root = make_dataset(contacts=5, deals=3)
    number = append_line(root / relative, line)

    assert load_error(root) == f"{root / relative}:{number}: {problem}"


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        ('{"recorded_at": "2025-03-31T00:00:00Z",}', "not valid JSON: Expecting property name enclosed in double "
                                                     "quotes (line 1 column 40)"),
        ('{"recorded_at": "last Monday"}', "recorded_at 'last Monday' is not an ISO-8601 date-time"),
        ('{"recorded_at": 20250331}', "recorded_at 20250331 is not an ISO-8601 date-time"),
        ('["2025-03-31T00:00:00Z"]', "key 'recorded_at' is missing"),
    ],
)
def test_a_bad_manifest_is_an_error_naming_it(make_dataset, manifest, problem):
    root = make_dataset(contacts=5, deals=3)
    (root / "manifest.json").write_text(manifest)

    assert load_error(root) == f"{root / 'manifest.json'}: {problem}"


def test_a_pipelines_file_that_is_not_a_pipelines_body_is_an_error(make_dataset):
    root = make_dataset(contacts=5, deals=3)
    pipelines = root / "hubspot" / "pipelines_deals.json"
    pipelines.write_text(json.dumps([{"id": "default"}]))
    assert load_error(root) == f"{pipelines}: not a pipelines body (an object with a 'results' list)"
    pipelines.write_text('{"results": [}')
    assert load_error(root) == f"{pipelines}: not valid JSON: Expecting value (line 1 column 14)"


def test_cli_prints_the_dataset_error_and_exits_2(make_dataset):
    root = make_dataset(contacts=5, deals=3)
    number = append_line(root / "hubspot" / "contacts.jsonl", '{"id": "x1", "properties": {}}')

    finished = subprocess.run(
        [sys.executable, "-m", "standin.api", "--dataset", str(root)],
        capture_output=True, text=True, timeout=60,
    )

    problem = f"{root / 'hubspot' / 'contacts.jsonl'}:{number}: HubSpot record without a numeric string 'id' (got 'x1')"
    assert (finished.returncode, finished.stdout) == (2, "")
    assert finished.stderr == f"fixture API: cannot load dataset {root}: {problem}\n"


def test_a_hubspot_date_that_does_not_parse_fails_when_the_server_is_built(make_dataset):
    root = make_dataset(contacts=5, deals=3)
    contacts = root / "hubspot" / "contacts.jsonl"
    records = [json.loads(line) for line in contacts.read_text().splitlines()]
    records[2]["properties"]["lastmodifieddate"] = "soon"
    contacts.write_text("".join(json.dumps(record) + "\n" for record in records))

    with pytest.raises(DatasetError) as raised:
        FixtureAPI(root)

    assert str(raised.value) == (
        "hubspot/contacts.jsonl: record '1005': property 'lastmodifieddate': 'soon' is not a datetime"
    )


def test_derived_indexes_are_rebuilt_after_touch_or_a_resized_list(make_dataset):
    dataset = Dataset.load(make_dataset(contacts=5, deals=3))
    builds = []

    def build(current: Dataset) -> int:
        builds.append(len(current.hubspot["contacts"]))
        return len(builds)

    assert [dataset.derived("count", build) for _ in range(3)] == [1, 1, 1]
    dataset.touch()
    assert dataset.derived("count", build) == 2
    dataset.hubspot["contacts"].append(dict(dataset.hubspot["contacts"][0], id="9999"))
    assert (dataset.derived("count", build), dataset.derived("count", build), builds) == (3, 3, [5, 5, 6])
