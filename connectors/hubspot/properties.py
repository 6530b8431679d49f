"""Which properties to ask HubSpot for: a fixed core plus every lifecycle-stage date property defined."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    "salesforcecontactid",
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
    "hs_analytics_source",  # the deal's own original source: its channel
    # Search returns it unasked: asked for everywhere, a deal's payload is the same from the list and from search,
    # so that a deal read again unchanged is not counted as updated.
    "hs_object_id",
)
# Where the HubSpot-Salesforce integration keeps the id of the opportunity a deal mirrors.
DEFAULT_MIRROR_PROPERTY = "hs_salesforceopportunityid"
MIRROR_PROPERTY_KEY = "kpi.yaml warehouse.deals.hubspot_mirror_property"

# Stage ids may be custom numeric ids, so the names are discovered, never listed. Three generations of
# HubSpot properties date a stage: hs_v2_date_entered_* (current), hs_date_entered_* (portals from before
# the v2 properties, as in a real 2022 schema) and hs_lifecyclestage_*_date.
STAGE_DATE_PROPERTY = re.compile(
    r"^(hs_v2_date_(entered|exited)_.+|hs_date_(entered|exited)_.+|hs_lifecyclestage_.+_date)$"
)


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


def deal_properties(defined: list[str], extras: tuple[str, ...], mirror: MirrorProperty) -> list[str]:
    optional = [mirror.name] if mirror.name is not None and mirror.name in set(defined) else []
    return list(dict.fromkeys([*DEAL_PROPERTIES, *optional, *extras]))


@dataclass(frozen=True)
class MirrorProperty:
    """The deal property marking deals mirrored from Salesforce; ``required`` when configured explicitly."""

    name: str | None = DEFAULT_MIRROR_PROPERTY
    required: bool = False


def requested(
    stream: str,
    object_type: str,
    definitions: dict,
    extras: tuple[str, ...],
    mirror: MirrorProperty = MirrorProperty(),
) -> list[str]:
    """The properties to ask for, given the portal's definitions (GET /crm/v3/properties/{object})."""
    defined = defined_names(definitions)
    check_extras(stream, object_type, extras, defined)
    if object_type == "contacts":
        return contact_properties(defined, extras)
    check_mirror(stream, mirror, defined)
    return deal_properties(defined, extras, mirror)


def check_mirror(stream: str, mirror: MirrorProperty, defined: list[str]) -> None:
    """A configured mirror property the portal lacks would count every mirrored deal twice, silently.

    The default one may be missing: a portal without the Salesforce integration has no mirrors.
    """
    if not mirror.required or mirror.name is None or mirror.name in set(defined):
        return
    candidates = sorted(name for name in defined if "salesforce" in name.lower())
    found = (
        f"its deal properties with 'salesforce' in their name are: {', '.join(candidates)}"
        if candidates
        else "it defines no deal property with 'salesforce' in its name"
    )
    raise SourceRejected(
        f"HubSpot {stream}: {MIRROR_PROPERTY_KEY} names the deal property {mirror.name!r}, which this "
        f"portal does not define, so mirrored deals could not be told apart and would count twice; {found}. "
        "Set the key to the property the HubSpot-Salesforce integration fills, or to null when HubSpot deals "
        "are not synced from Salesforce"
    )


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
