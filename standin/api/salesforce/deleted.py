"""getDeleted (``GET sobjects/<SObject>/deleted/?start=&end=``) over a dataset's salesforce/deleted/ files.

REST API "sObject Get Deleted" and SOAP getDeleted(): the window's seconds are ignored; start must precede
end by more than one minute; a start beyond the delete log's reach is refused with INVALID_REPLICATION_DATE
(jsforce #406; getomnico/omni PR 450 "keep first-run deletion window inside the 30-day limit"). The REST
page says results reach back no more than 15 days, older SOAP pages 30: the dataset contract serves 30, and
the connector does not lean on more than 15 (see connectors/salesforce/purges.py). The message texts are
not documented; clients should key on the errorCode.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standin.api.dataset import Dataset, parse_utc
from standin.api.messages import Request, Response, json_response
from standin.api.salesforce.fields import NOT_REPLICATEABLE

DELETE_LOG_REACH = timedelta(days=30)
SHORTEST_WINDOW = timedelta(minutes=1)


def salesforce_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _refused(message: str) -> Response:
    return json_response(400, [{"message": message, "errorCode": "INVALID_REPLICATION_DATE"}])


def _minute(text: str | None) -> datetime | None:
    try:
        return parse_utc(text).replace(second=0, microsecond=0)
    except (AttributeError, TypeError, ValueError):
        return None


def deleted_response(request: Request, sobject: str, dataset: Dataset) -> Response:
    if sobject in NOT_REPLICATEABLE:
        # Uncertain: the real answer for a history object is not documented; it has no delete log to read.
        return json_response(400, [{"message": f"entity type {sobject} does not support query",
                                    "errorCode": "INVALID_TYPE"}])
    start, end = _minute(request.first("start")), _minute(request.first("end"))
    if start is None or end is None:
        return _refused("start and end must be date-times (ISO 8601, UTC)")
    if end - start <= SHORTEST_WINDOW:
        return _refused("startDate must chronologically precede endDate by more than one minute")
    now = dataset.recorded_at
    earliest = (now - DELETE_LOG_REACH).replace(second=0, microsecond=0)
    if start < earliest:
        return _refused(f"startDate is before the earliest date available ({salesforce_datetime(earliest)})")
    covered = min(end, now.replace(second=0, microsecond=0))
    records = [
        {"id": entry["id"], "deletedDate": salesforce_datetime(parse_utc(entry["deletedDate"]))}
        for entry in dataset.salesforce_deleted.get(sobject, [])
        if start <= parse_utc(entry["deletedDate"]) <= covered
    ]
    return json_response(200, {"deletedRecords": records, "earliestDateAvailable": salesforce_datetime(earliest),
                               "latestDateCovered": salesforce_datetime(covered)})
