"""Which properties to ask HubSpot for: a fixed core plus every lifecycle-stage date property defined."""

from __future__ import annotations

import re

from connectors.errors import SourceRejected

CONTACT_PROPERTIES = (
    "email",
    "firstname",
    "lastname",
    "company",
    "createdate",
    "lastmodifieddate",
    "lifecyclestage",
    "hs_lead_status",
    "hs_analytics_source",
    "lead_intent",
    "salesforceleadid",
    "hubspot_owner_id",
    # The ids merged into a survivor (shaping.merged_object_ids); HubSpot leaves out one a portal lacks.
    "hs_merged_object_ids",
    "hs_calculated_merged_vids",
)
DEAL_PROPERTIES = (
    "dealname",
    "amount",
    "dealstage",
    "pipeline",
    "closedate",
    "createdate",
    "hs_lastmodifieddate",
    "hs_is_closed",
    "hs_is_closed_won",
    "hubspot_owner_id",
    "deal_currency_code",
)
# Asked for only when the portal defines it (a Salesforce-integration property).
OPTIONAL_DEAL_PROPERTIES = ("salesforceopportunityid",)

# Stage ids may be custom numeric ids, so the names are discovered, never listed.
STAGE_DATE_PROPERTY = re.compile(r"^(hs_v2_date_(entered|exited)_.+|hs_lifecyclestage_.+_date)$")


# The setting (and the env var the pipeline reads it from) that names each object's extra properties.
EXTRA_SETTINGS = {
    "contacts": ("extra_contact_properties", "HUBSPOT_EXTRA_CONTACT_PROPERTIES"),
    "deals": ("extra_deal_properties", "HUBSPOT_EXTRA_DEAL_PROPERTIES"),
}


def defined_names(definitions: dict) -> list[str]:
    """Property names in a GET /crm/v3/properties/{object} response."""
    return [definition["name"] for definition in definitions.get("results", []) if definition.get("name")]


def contact_properties(defined: list[str], extras: tuple[str, ...]) -> list[str]:
    stage_dates = sorted(name for name in defined if STAGE_DATE_PROPERTY.match(name))
    return list(dict.fromkeys([*CONTACT_PROPERTIES, *stage_dates, *extras]))


def deal_properties(defined: list[str], extras: tuple[str, ...]) -> list[str]:
    optional = [name for name in OPTIONAL_DEAL_PROPERTIES if name in set(defined)]
    return list(dict.fromkeys([*DEAL_PROPERTIES, *optional, *extras]))


def requested(stream: str, object_type: str, definitions: dict, extras: tuple[str, ...]) -> list[str]:
    """The properties to ask for, given the portal's definitions (GET /crm/v3/properties/{object})."""
    defined = defined_names(definitions)
    check_extras(stream, object_type, extras, defined)
    choose = contact_properties if object_type == "contacts" else deal_properties
    return choose(defined, extras)


def check_extras(stream: str, object_type: str, extras: tuple[str, ...], defined: list[str]) -> None:
    """HubSpot silently leaves out a property it does not define, so a misspelt extra would never arrive."""
    known = set(defined)
    unknown = [name for name in extras if name not in known]
    if unknown:
        setting, env_var = EXTRA_SETTINGS[object_type]
        raise SourceRejected(
            f"HubSpot {stream}: HubSpotSettings.{setting} ({env_var}) names {object_type} "
            f"properties this portal does not define: {', '.join(unknown)}; use the properties' "
            "internal names (Settings > Properties > the property > internal name) or create them in HubSpot"
        )
