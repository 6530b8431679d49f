"""What HubSpot knows about properties: default sets, types, and the inferred /crm/v3/properties listing."""

from __future__ import annotations

import re

DEFAULT_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email", "createdate", "lastmodifieddate", "hs_object_id"),
    "deals": (
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    ),
}
LAST_MODIFIED_PROPERTY = {"contacts": "lastmodifieddate", "deals": "hs_lastmodifieddate"}
# Search returns these whether asked for or not (seen in real search responses, grouparoo's recordings).
SEARCH_ALWAYS = {
    "contacts": ("createdate", "hs_object_id", "lastmodifieddate"),
    "deals": ("createdate", "hs_lastmodifieddate", "hs_object_id"),
}
# The properties the HubSpot-Salesforce integration adds to a portal where it is installed.
INTEGRATION_PROPERTIES = {
    "contacts": ("salesforceleadid", "salesforcecontactid"),
    "deals": ("hs_salesforceopportunityid",),
}

_DATETIME = re.compile(
    r"^(createdate|lastmodifieddate|hs_lastmodifieddate|closedate|hs_v2_date_.+|hs_lifecyclestage_.+_date)$"
)
_NUMBER = {"amount", "hs_object_id"}
_ENUMERATION = {"lifecyclestage", "dealstage", "pipeline", "hs_lead_status"}
_FIELD_TYPES = {
    "datetime": "date",
    "number": "number",
    "enumeration": "select",
    "bool": "booleancheckbox",
    "string": "text",
}
_BOOL_OPTIONS = [
    {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
    {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
]


def property_type(name: str) -> str:
    if _DATETIME.match(name):
        return "datetime"
    if name in _NUMBER:
        return "number"
    if name in _ENUMERATION:
        return "enumeration"
    if name.startswith("hs_is_closed"):
        return "bool"
    return "string"


def has_salesforce_integration(hubspot: dict[str, list[dict]]) -> bool:
    """A portal has the integration when any contact or deal carries one of its properties with a value."""
    return any(
        record.get("properties", {}).get(name)
        for object_type, names in INTEGRATION_PROPERTIES.items()
        for record in hubspot.get(object_type, [])
        for name in names
    )


def known_properties(object_type: str, records: list[dict], integrated: bool = False) -> set[str]:
    """Every property name the dataset has for this object type, plus HubSpot's defaults (always defined)
    and, in a portal with the Salesforce integration, the integration's properties."""
    names = set(DEFAULT_PROPERTIES[object_type])
    if integrated:
        names.update(INTEGRATION_PROPERTIES[object_type])
    for record in records:
        names.update(record.get("properties", {}))
    return names


def property_definitions(object_type: str, records: list[dict], pipelines: dict, integrated: bool) -> list[dict]:
    values_seen: dict[str, set[str]] = {}
    for record in records:
        for name, value in record.get("properties", {}).items():
            if value is not None and property_type(name) == "enumeration":
                values_seen.setdefault(name, set()).add(value)
    stage_labels = _deal_stage_labels(pipelines)
    return [
        _definition(object_type, name, values_seen.get(name, set()), stage_labels)
        for name in sorted(known_properties(object_type, records, integrated))
    ]


def _deal_stage_labels(pipelines: dict) -> dict[str, dict[str, str]]:
    pipeline_labels = {p["id"]: p.get("label", p["id"]) for p in pipelines.get("results", [])}
    stage_labels = {
        stage["id"]: stage.get("label", stage["id"])
        for pipeline in pipelines.get("results", [])
        for stage in pipeline.get("stages", [])
    }
    return {"pipeline": pipeline_labels, "dealstage": stage_labels}


def _definition(object_type: str, name: str, values: set[str], labels: dict[str, dict[str, str]]) -> dict:
    kind = property_type(name)
    if kind == "bool":
        options = _BOOL_OPTIONS
    else:
        option_labels = labels.get(name, {}) if object_type == "deals" else {}
        options = [
            {"label": option_labels.get(value, value), "value": value, "displayOrder": order, "hidden": False}
            for order, value in enumerate(sorted(values | set(option_labels)))
        ]
    return {
        "name": name,
        "label": name.replace("_", " ").capitalize(),
        "type": kind,
        "fieldType": _FIELD_TYPES[kind],
        "groupName": "contactinformation" if object_type == "contacts" else "dealinformation",
        "description": "",
        "options": options,
        "displayOrder": -1,
        "calculated": False,
        "externalOptions": False,
        "hasUniqueValue": name == "hs_object_id",
        "hidden": False,
        "formField": False,
    }
