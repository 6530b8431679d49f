"""Which HubSpot portal and Salesforce org a dataset is: its manifest's ids, else ones derived from its path.

A manifest may carry ``"hubspot": {"portalId": <int>}`` and ``"salesforce": {"organizationId": "00D…"}``
(18 characters). Without them, each dataset directory is a portal and an org of its own: the ids are
derived, stably, from the directory's resolved path.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from standin.api.dataset_files import DatasetError

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
PORTAL_ID_RANGE = (10_000_000, 2_000_000_000)  # HubSpot portal ids are positive int32
ORGANIZATION_ID = re.compile(r"00D[A-Za-z0-9]{15}$")


def _path_digest(root: Path, purpose: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{purpose}:{Path(root).resolve()}".encode()).digest()[:8], "big")


def portal_id(root: Path, manifest: dict) -> int:
    configured = (manifest.get("hubspot") or {}).get("portalId")
    if configured is None:
        low, high = PORTAL_ID_RANGE
        return low + _path_digest(root, "hubspot") % (high - low)
    if not isinstance(configured, int) or isinstance(configured, bool) or not 0 < configured < 2**31:
        raise DatasetError(
            f"{Path(root) / 'manifest.json'}: hubspot.portalId must be a positive int32, got {configured!r}"
        )
    return configured


def organization_id(root: Path, manifest: dict) -> str:
    configured = (manifest.get("salesforce") or {}).get("organizationId")
    if configured is None:
        digest = _path_digest(root, "salesforce")
        body = "".join(_BASE62[(digest >> (6 * place)) % 62] for place in range(8))
        return with_case_suffix(f"00D{body[:2]}0000{body[2:]}")
    if not isinstance(configured, str) or not ORGANIZATION_ID.match(configured):
        raise DatasetError(
            f"{Path(root) / 'manifest.json'}: salesforce.organizationId {configured!r} is not an 18-character "
            "organization id (00D followed by 15 letters or digits)"
        )
    return configured


def check(root: Path, manifest: dict) -> None:
    """Refuse malformed ids at load time, naming the manifest, rather than on the first request."""
    portal_id(root, manifest)
    organization_id(root, manifest)


def with_case_suffix(id15: str) -> str:
    """Salesforce's 18-character form: three characters encoding which of the 15 are upper case."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << place for place, char in enumerate(id15[start : start + 5]) if "A" <= char <= "Z")
        suffix += _SUFFIX_ALPHABET[bits]
    return id15 + suffix
