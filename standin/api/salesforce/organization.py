"""The org a dataset is: its organization id (manifest ``salesforce.organizationId``, else derived).

A recording made before manifests carried the id is served as an org of its own: the id is derived from
the dataset directory's resolved path, so it is stable across server starts and differs between datasets.
The integration user's id is derived from the org id the same way.
"""

from __future__ import annotations

import hashlib
import re
import string
from pathlib import Path

from standin.api.dataset import Dataset, DatasetError
from standin.api.dataset_files import read_json_file

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX_ALPHABET = string.ascii_uppercase + "012345"
ORGANIZATION_ID = re.compile(r"00D[A-Za-z0-9]{15}$")


def case_safe_id(short_id: str) -> str:
    """The 18-character form of a 15-character id: a suffix encoding which characters are upper case."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << offset for offset, char in enumerate(short_id[start:start + 5]) if char.isupper())
        suffix += _SUFFIX_ALPHABET[bits]
    return short_id + suffix


def derived_id(prefix: str, seed: str) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16])
    digits = []
    for _ in range(12):
        number, remainder = divmod(number, 62)
        digits.append(_BASE62[remainder])
    return case_safe_id(prefix + "".join(digits))


def organization_id(dataset: Dataset) -> str:
    """The id of the org the stand-in serves ``dataset`` as."""
    return dataset.derived("salesforce.organization", lambda current: served_organization_id(current.root))


def integration_user_id(organization: str) -> str:
    return derived_id("005", organization)


def served_organization_id(root: Path) -> str:
    """The org id of the dataset directory ``root``: its manifest's, else derived from its resolved path."""
    manifest_path = root / "manifest.json"
    manifest = read_json_file(manifest_path) if manifest_path.is_file() else {}
    section = manifest.get("salesforce") if isinstance(manifest, dict) else None
    given = section.get("organizationId") if isinstance(section, dict) else None
    if given is None:
        return derived_id("00D", str(root.resolve()))
    if not isinstance(given, str) or not ORGANIZATION_ID.match(given):
        raise DatasetError(f"{manifest_path}: salesforce.organizationId {given!r} is not an 18-character "
                           "organization id (00D followed by 15 letters or digits)")
    return given
