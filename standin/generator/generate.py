"""Writing a whole dataset from a seed: static parts first, then persons streamed in arrival order."""

from __future__ import annotations

import random
from pathlib import Path

from standin.api.account_ids import with_case_suffix
from standin.generator.crm_users import hubspot_owners, owner_handles, salesforce_users
from standin.generator.emit import RecordEmitter, RecordSink
from standin.generator.formats import WEEK, manifest_time, parse_epoch
from standin.generator.ids import RecordIds
from standin.generator.output import MANIFEST_FILE, PIPELINES_FILE, StreamingDataset, write_json
from standin.generator.person import PersonFactory, arrival_times
from standin.generator.pipelines import pipelines_body

DEFAULT_RECORDED_AT = "2025-11-17T01:00:00Z"  # Monday 10:00 Asia/Tokyo
DEFAULT_WEEKS = 52


def generate(out_dir: str | Path, seed: int, persons: int, recorded_at: str = DEFAULT_RECORDED_AT,
             weeks: int = DEFAULT_WEEKS, status_history: bool = True) -> None:
    """Write a dataset of ``persons`` people whose events span ``weeks`` weeks before ``recorded_at``.

    Without ``status_history`` the org never tracked Lead Status: LeadHistory holds no Status rows.
    """
    if persons < 1:
        raise ValueError(f"--persons must be at least 1, got {persons}")
    if weeks < 1:
        raise ValueError(f"--weeks must be at least 1, got {weeks}")
    try:
        horizon = parse_epoch(recorded_at)
    except ValueError:
        raise ValueError(f"--recorded-at must be an ISO-8601 time with a zone, like "
                         f"{DEFAULT_RECORDED_AT!r}; got {recorded_at!r}") from None
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / MANIFEST_FILE, {"recorded_at": manifest_time(horizon), **account_ids_of(seed),
                                      "generator": {"seed": seed, "persons": persons, "weeks": weeks}})
    write_json(root / PIPELINES_FILE, pipelines_body())
    rng = random.Random(seed)
    with StreamingDataset(root) as sink:
        emitter = start_emitter(rng, RecordIds(), sink, horizon, tracks_lead_status=status_history)
        emit_persons(rng, emitter, persons, horizon - weeks * WEEK, horizon)


def account_ids_of(seed: int) -> dict:
    """The portal and org a generated dataset is (fixed by the seed, as the manifest states them)."""
    return {"hubspot": {"portalId": 40_000_000 + seed % 100_000_000},
            "salesforce": {"organizationId": with_case_suffix(f"00D5g{seed % 10**10:010d}")}}


def start_emitter(rng: random.Random, ids: RecordIds, sink: RecordSink, horizon: int,
                  users: list[dict] | None = None, owners: list[dict] | None = None,
                  tracks_lead_status: bool = True) -> RecordEmitter:
    """An emitter for a new dataset (users and owners written to ``sink``) or an existing one's users."""
    if users is None or owners is None:
        users, owners = salesforce_users(ids), hubspot_owners()
        for user in users:
            sink.add("User", user)
        for owner in owners:
            sink.add("owners", owner)
    return RecordEmitter(rng=rng, ids=ids, sink=sink, horizon=horizon,
                         sales_user_ids=[user["Id"] for user in users[1:]], integration_user_id=users[0]["Id"],
                         owners=owner_handles(owners), tracks_lead_status=tracks_lead_status)


def emit_persons(rng: random.Random, emitter: RecordEmitter, count: int, start: int, end: int) -> None:
    factory = PersonFactory(rng, emitter.horizon)
    for created in arrival_times(rng, count, start, end):
        emitter.emit(factory.make(created))
