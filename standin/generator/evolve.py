"""The next recording of a dataset's CRM: a window of new persons, edits, archivals and deletions.

python -m standin.generator.evolve --from DIR --out DIR --seed N [--days 7]
                                  [--restate-week YYYY-MM-DD [--timezone Asia/Tokyo]]
Records nobody touched keep their exact bytes; the returned summary names every id that changed.
--restate-week also makes changes that rewrite that past week (evolve_restatement.py).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from datetime import date
from pathlib import Path

from standin.api import account_ids
from standin.generator.evolve_hubspot import evolve_hubspot
from standin.generator.evolve_restatement import RestatedWeek, Restatement
from standin.generator.evolve_salesforce import evolve_salesforce
from standin.generator.evolve_state import EvolvingDataset
from standin.generator.formats import DAY, WEEK, manifest_time, parse_epoch
from standin.generator.generate import emit_persons, start_emitter
from standin.generator.output import MANIFEST_FILE, OBJECT_FILES, PIPELINES_FILE, read_manifest, write_json
from standin.generator.vocab import INTEGRATION_USER

UNCHANGED_FILES = (PIPELINES_FILE, OBJECT_FILES["owners"], OBJECT_FILES["User"])


def evolve(src_dir: str | Path, out_dir: str | Path, seed: int, days: int = 7, restate_week: date | None = None,
           timezone: str = "Asia/Tokyo") -> dict[str, dict]:
    """Write the recording ``days`` later to ``out_dir``; return the ids added/modified/archived/deleted.

    With ``restate_week`` (a Monday; the week in ``timezone``), the summary also has "restated_week".
    """
    source, target = Path(src_dir), Path(out_dir)
    if days < 1:
        raise ValueError(f"--days must be at least 1, got {days}")
    if source.resolve() == target.resolve():
        raise ValueError(f"--out must differ from --from ({source}): evolve never rewrites a dataset in place")
    manifest = read_manifest(source)
    start = parse_epoch(manifest["recorded_at"])
    end = start + days * DAY
    week = None if restate_week is None else RestatedWeek.of(restate_week, timezone, start)
    rng = random.Random(seed)
    dataset = EvolvingDataset.load(source, rng, start, end)
    restatement = None if week is None else Restatement.choose(dataset, week)
    users = _read_lines(source / OBJECT_FILES["User"])
    owners = _read_lines(source / OBJECT_FILES["owners"])
    emitter = start_emitter(rng, dataset.ids, dataset, end, *_users_in_owner_order(users, owners),
                            tracks_lead_status=dataset.tracks_lead_status)
    evolve_salesforce(dataset)
    evolve_hubspot(dataset, emitter.owners)
    emit_persons(rng, emitter, _new_person_count(manifest, dataset, days), start, end)
    restated = None if restatement is None else restatement.make(dataset)
    target.mkdir(parents=True, exist_ok=True)
    dataset.write(target)
    for relative in UNCHANGED_FILES:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target / relative)
    evolved = {"from": manifest["recorded_at"], "seed": seed, "days": days}
    if week is not None:
        evolved["restate_week"] = week.monday.isoformat()
    write_json(target / MANIFEST_FILE, {**manifest, "recorded_at": manifest_time(end),
                                        **_same_accounts(source, manifest), "evolved": evolved})
    summary: dict[str, dict] = dataset.summary()
    if restated is not None:
        summary["restated_week"] = restated
    return summary


def _same_accounts(source: Path, manifest: dict) -> dict:
    """The next recording is of the same portal and org: the ids the stand-in serves for the source."""
    return {"hubspot": {"portalId": account_ids.portal_id(source, manifest)},
            "salesforce": {"organizationId": account_ids.organization_id(source, manifest)}}


def _read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _users_in_owner_order(users: list[dict], owners: list[dict]) -> tuple[list[dict], list[dict]]:
    """The integration user first, then each HubSpot owner's Salesforce user (matched by e-mail)."""
    by_email = {user["Email"]: user for user in users}
    integration = next((user for user in users if user["Email"].startswith(INTEGRATION_USER[2] + "@")), None)
    if integration is None:
        raise ValueError(f"salesforce/User.jsonl: no integration user ({INTEGRATION_USER[2]}@...)")
    missing = [owner["email"] for owner in owners if owner["email"] not in by_email]
    if missing:
        raise ValueError(f"hubspot/owners.jsonl: owners without a Salesforce user of the same e-mail: {missing}")
    return [integration, *(by_email[owner["email"]] for owner in owners)], owners


def _new_person_count(manifest: dict, dataset: EvolvingDataset, days: int) -> int:
    """The dataset's own arrival rate: the generator's persons per week, else contacts per year."""
    generator = manifest.get("generator") or {}
    if generator.get("persons") and generator.get("weeks"):
        per_day = generator["persons"] / (generator["weeks"] * WEEK / DAY)
    else:
        per_day = (len(dataset.records["contacts"]) + len(dataset.records["Lead"])) / 2 / 364
    return max(1, round(per_day * days))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m standin.generator.evolve", description=__doc__)
    parser.add_argument("--from", dest="source", required=True, help="dataset directory to start from")
    parser.add_argument("--out", required=True, help="dataset directory to write")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--restate-week", type=_iso_date, metavar="YYYY-MM-DD",
                        help="also close an opportunity won in, merge and delete contacts of that past week")
    parser.add_argument("--timezone", default="Asia/Tokyo", help="the zone whose Monday 00:00 starts the week")
    args = parser.parse_args(argv)
    try:
        summary = evolve(args.source, args.out, args.seed, args.days, args.restate_week, args.timezone)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    print(json.dumps(summary, ensure_ascii=False, indent=1))


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


if __name__ == "__main__":
    main()
