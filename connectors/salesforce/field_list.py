"""The fields a stream's queries select: every described field, unless the query URL would be too long.

simple-salesforce sends SOQL as a GET query string, and Salesforce refuses a request whose URI and headers
exceed 16,384 bytes (help article 000386264: 414 URI Too Long, or 431 when the headers tip it over); an
object with hundreds of custom fields gets there (about 470 typically named ones; Airbyte splits such lists,
``PropertyChunk``). Then the stream selects only what the warehouse uses, each raw table's typed columns
(the dbt staging models read nothing else of a Salesforce payload), plus the configured extra fields, and
says in its SyncReport notes how many fields it left out: the payload holds only what was selected.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from connectors.errors import SourceRejected
from connectors.salesforce.paging import Cursor, after_cursor, build_soql, soql_datetime
from connectors.salesforce.shaping import SOBJECT_TABLES

MAX_URI_AND_HEADERS = 16_384
# What the headers of a query take (Authorization: Bearer with a ~112-character session id, User-Agent,
# Accept, Accept-Encoding, Connection, Host of a My Domain): measured ~400 bytes; kept generous.
HEADER_ALLOWANCE = 1_024
EXTRA_FIELDS_SETTING = "SalesforceSettings extra_fields (SALESFORCE_EXTRA_FIELDS)"


def query_uri_length(sobject: str, fields: list[str], field: str, api_version: str) -> int:
    """Characters of the request target of the longest query a stream sends (a keyset window)."""
    instant = datetime(2000, 1, 1, tzinfo=UTC)
    longest = f"({after_cursor(Cursor(field, instant, 'A' * 18))}) AND {field} < {soql_datetime(instant)}"
    soql = build_soql(sobject, fields, field, longest)
    return len(f"/services/data/v{api_version}/queryAll/?{urlencode({'q': soql})}")


def select_fields(
    stream: str, sobject: str, described: list[str], field: str, extras: tuple[str, ...], api_version: str
) -> tuple[list[str], str | None]:
    """(fields to select, a SyncReport note when some were left out)."""
    configured = _extras_of(stream, sobject, described, extras)
    budget = MAX_URI_AND_HEADERS - HEADER_ALLOWANCE
    full_length = query_uri_length(sobject, described, field, api_version)
    if full_length <= budget:
        return described, None
    wanted = {*SOBJECT_TABLES[sobject].typed_columns, field, *configured}
    selected = [name for name in described if name in wanted]
    if query_uri_length(sobject, selected, field, api_version) > budget:
        raise SourceRejected(
            f"Salesforce stream {stream}: even the {len(selected)} fields the warehouse uses and "
            f"{EXTRA_FIELDS_SETTING} name make a {sobject} query URL longer than Salesforce's "
            f"{MAX_URI_AND_HEADERS:,} bytes; configure fewer extra fields")
    note = (f"{len(described) - len(selected)} of the {len(described)} fields describe lists for {sobject} were "
            f"left out: selecting all makes a query URL of {full_length:,} characters, over Salesforce's "
            f"{MAX_URI_AND_HEADERS:,}-byte limit; selected the {len(selected)} the warehouse uses and "
            f"{EXTRA_FIELDS_SETTING} names, so payloads hold only those")
    return selected, note


def _extras_of(stream: str, sobject: str, described: list[str], extras: tuple[str, ...]) -> list[str]:
    """The extra fields configured for ``sobject`` ("Lead.Region__c"); each must be one describe lists."""
    mine = [name.split(".", 1)[1] for name in extras if name.split(".", 1)[0] == sobject]
    unknown = sorted(set(mine) - set(described))
    if unknown:
        raise SourceRejected(
            f"Salesforce stream {stream}: {EXTRA_FIELDS_SETTING} names {', '.join(unknown)}, which the {sobject} "
            "describe does not list; check the spelling (custom fields end in __c) and the integration user's "
            "field-level security")
    return mine
