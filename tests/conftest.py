"""Fixtures shared by every layer, and the test lanes.

Tests are grouped by layer: unit/, connectors/, standin/ (the recorded-fixture stand-in itself), dbt/ and
end_to_end/. The dbt builds and the end-to-end runs are marked slow (as are the generator's calibration
tests on 20,000 persons), so that `pytest -m "not slow"` is the fast lane of the edit-test loop. Tests run
on every core (pytest-xdist), a file's tests on one worker, so that each file's expensive fixtures (a dbt
build per configuration, the end-to-end run) are built once. Helpers live in the package tests/support/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.support")

from standin.api.server import FixtureAPI  # noqa: E402
from tests.support.datasets import contact_record, deal_record, write_dataset  # noqa: E402
from tests.support.postgres import postgres_server, postgres_url  # noqa: E402, F401  (fixtures)

SLOW_LAYERS = {"dbt", "end_to_end"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_LAYERS & set(item.path.parts):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Path]:
    """make_dataset(contacts=150, deals=120, name="dataset", salesforce=None) -> dataset directory."""

    def make(
        contacts: int = 150,
        deals: int = 120,
        name: str = "dataset",
        salesforce: dict[str, list[dict]] | None = None,
    ) -> Path:
        return write_dataset(
            tmp_path / name,
            [contact_record(index) for index in range(contacts)],
            [deal_record(index, contacts) for index in range(deals)],
            salesforce,
        )

    return make


@pytest.fixture
def fixture_api(make_dataset) -> Iterator[FixtureAPI]:
    with FixtureAPI(make_dataset()) as api:
        yield api
