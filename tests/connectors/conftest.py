"""Fixtures of the connector tests: a generated dataset large enough to page (PERSONS in tests/support)."""

import shutil
from pathlib import Path

import pytest

from standin.generator import generate
from tests.support.salesforce import PERSONS


@pytest.fixture(scope="session")
def generated_dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("salesforce") / "generated"
    generate(root, 11, PERSONS)
    return root


@pytest.fixture
def dataset_copy(generated_dataset, tmp_path) -> Path:
    """A private copy a test may change between two runs."""
    return Path(shutil.copytree(generated_dataset, tmp_path / "dataset"))
