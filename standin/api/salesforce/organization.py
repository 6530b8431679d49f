"""The org a dataset is (standin/api/account_ids.py) and the integration user the token names in it."""

from __future__ import annotations

import hashlib
import string

from standin.api.account_ids import with_case_suffix
from standin.api.dataset import Dataset

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def organization_id(dataset: Dataset) -> str:
    """The id of the org the stand-in serves ``dataset`` as."""
    return dataset.salesforce_organization_id


def integration_user_id(organization: str) -> str:
    """A stable user id (prefix 005) for the org: the identity URL names it."""
    number = int.from_bytes(hashlib.sha256(organization.encode()).digest()[:16])
    digits = []
    for _ in range(12):
        number, remainder = divmod(number, 62)
        digits.append(_BASE62[remainder])
    return with_case_suffix("005" + "".join(digits))
