"""HubSpot API records -> rows of the raw tables declared in connectors/raw_schema.py. Pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.errors import RecordShapeError

# HubSpot-defined association type ids (v4) by their v3 names: payloads read alike whichever call made them.
_V3_ASSOCIATION_TYPES = {3: "deal_to_contact", 4: "contact_to_deal"}


def _record_label(record: dict) -> str:
    return repr(record.get("id")) if isinstance(record, dict) and "id" in record else repr(record)[:80]


def required(stream: str, record: dict, key: str):
    if not isinstance(record, dict) or record.get(key) is None:
        raise RecordShapeError(f"HubSpot {stream}: record {_record_label(record)} has no '{key}'")
    return record[key]


def parse_time(stream: str, record: dict, field: str, raw: str | None) -> datetime | None:
    """ISO-8601 (what v3 sends) or epoch milliseconds (some date properties) -> aware UTC datetime."""
    if raw is None or raw == "":
        return None
    try:
        if str(raw).isdigit():
            return datetime.fromtimestamp(int(raw) / 1000, UTC)
        parsed = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        raise RecordShapeError(
            f"HubSpot {stream}: record {_record_label(record)} field '{field}' is not a date-time: {raw!r}"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_amount(stream: str, record: dict, raw: str | None) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise RecordShapeError(
            f"HubSpot {stream}: record {_record_label(record)} field 'amount' is not a number: {raw!r}"
        ) from None


def _base_row(stream: str, record: dict, synced_at: datetime) -> tuple[dict, dict]:
    record_id = str(required(stream, record, "id"))
    properties = required(stream, record, "properties")
    row = {
        "id": record_id,
        "archived": bool(record.get("archived", False)),
        "archived_at": parse_time(stream, record, "archivedAt", record.get("archivedAt")),
        "payload": record,
        "_synced_at": synced_at,
    }
    return row, properties


def contact_row(stream: str, record: dict, synced_at: datetime) -> dict:
    row, properties = _base_row(stream, record, synced_at)
    when = {
        name: parse_time(stream, record, name, properties.get(name))
        for name in ("createdate", "lastmodifieddate")
    }
    return (
        row
        | when
        | {
            "email": properties.get("email"),
            "lifecyclestage": properties.get("lifecyclestage"),
            "hs_lead_status": properties.get("hs_lead_status"),
            "hs_analytics_source": properties.get("hs_analytics_source"),
            "salesforceleadid": properties.get("salesforceleadid") or None,
            "salesforcecontactid": properties.get("salesforcecontactid") or None,
            "merged_object_ids": merged_object_ids(properties),
            "merged_into": None,
            "deleted_at": None,
        }
    )


def merged_object_ids(properties: dict) -> list[str]:
    """Ids merged into this contact: ``hs_merged_object_ids`` ("1;2") and, on older portals,
    ``hs_calculated_merged_vids`` ("1:1690000000000;2:..."), which misses chained merges
    (fivetran/dbt_hubspot#172), hence both."""
    ids = [part for part in (properties.get("hs_merged_object_ids") or "").split(";") if part.strip()]
    vids = [part.split(":", 1)[0] for part in (properties.get("hs_calculated_merged_vids") or "").split(";")]
    return list(dict.fromkeys(part.strip() for part in [*ids, *vids] if part.strip()))


def lifecycle_history_rows(stream: str, record: dict, synced_at: datetime) -> list[dict]:
    contact_id = str(required(stream, record, "id"))
    entries = (record.get("propertiesWithHistory") or {}).get("lifecyclestage") or []
    rows = []
    for entry in entries:
        changed_at = parse_time(
            stream, record, "propertiesWithHistory.lifecyclestage.timestamp", entry.get("timestamp")
        )
        if changed_at is None:
            raise RecordShapeError(
                f"HubSpot {stream}: record {contact_id!r}: lifecyclestage history entry with no timestamp"
            )
        rows.append(
            {
                "contact_id": contact_id,
                # part of the primary key, so never NULL: HubSpot reports a cleared stage as an empty value
                "value": entry.get("value") or "",
                "changed_at": changed_at,
                "source_type": entry.get("sourceType"),
                "source_id": entry.get("sourceId"),
                "payload": entry,
                "_synced_at": synced_at,
            }
        )
    return rows


def deal_row(stream: str, record: dict, synced_at: datetime) -> dict:
    row, properties = _base_row(stream, record, synced_at)
    when = {
        name: parse_time(stream, record, name, properties.get(name))
        for name in ("closedate", "createdate", "hs_lastmodifieddate")
    }
    return (
        row
        | when
        | {
            "dealname": properties.get("dealname"),
            "amount": parse_amount(stream, record, properties.get("amount")),
            "dealstage": properties.get("dealstage"),
            "pipeline": properties.get("pipeline"),
            "hs_analytics_source": properties.get("hs_analytics_source"),
            "deleted_at": None,
        }
    )


def pipeline_stage_rows(stream: str, body: dict, synced_at: datetime) -> list[dict]:
    rows = []
    for pipeline in required(stream, body, "results"):
        pipeline_id = str(required(stream, pipeline, "id"))
        for stage in pipeline.get("stages") or []:
            metadata = stage.get("metadata") or {}
            probability = metadata.get("probability")
            rows.append(
                {
                    "pipeline_id": pipeline_id,
                    "pipeline_label": pipeline.get("label"),
                    "stage_id": str(required(stream, stage, "id")),
                    "stage_label": stage.get("label"),
                    "display_order": stage.get("displayOrder"),
                    "is_closed": None
                    if metadata.get("isClosed") is None
                    else str(metadata["isClosed"]).lower() == "true",
                    "probability": None if probability in (None, "") else float(probability),
                    "payload": stage,
                    "_synced_at": synced_at,
                }
            )
    return rows


def owner_row(stream: str, record: dict, synced_at: datetime) -> dict:
    # An archived owner's userId is null; its user stays known as userIdIncludingInactive.
    user_id = record.get("userId")
    return {
        "id": str(required(stream, record, "id")),
        "email": record.get("email"),
        "first_name": record.get("firstName"),
        "last_name": record.get("lastName"),
        "user_id": user_id if user_id is not None else record.get("userIdIncludingInactive"),
        "archived": bool(record.get("archived", False)),
        "payload": record,
        "_synced_at": synced_at,
    }


def with_v4_associations(deal: dict, to_type: str, links: list[dict]) -> dict:
    """The deal as the list endpoint returns it with ``associations=<to_type>`` (search returns none)."""
    results = [{"id": str(link["toObjectId"]), "type": _v3_type(link)} for link in links]
    if not results:  # the list endpoint leaves out an empty association collection
        return {key: value for key, value in deal.items() if key != "associations"}
    return deal | {"associations": {to_type: {"results": results}}}


def _v3_type(link: dict) -> str:
    for association_type in link.get("associationTypes") or []:
        if association_type.get("category") == "HUBSPOT_DEFINED":
            return _V3_ASSOCIATION_TYPES.get(
                association_type.get("typeId"), str(association_type.get("typeId"))
            )
    return "deal_to_contact"
