"""Generated benchmark datasets, cached under the work directory by seed and size, and their record counts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from connectors.salesforce.sync import STREAMS
from standin.generator import generate
from standin.generator.evolve import evolve

SALESFORCE_OBJECTS = tuple(STREAMS.values())  # every SObject the connector syncs


@dataclass(frozen=True)
class DatasetPair:
    """A recording and the next one (a week later), with the ids that changed in between."""

    base: Path
    evolved: Path
    changes: dict[str, dict[str, list[str]]]  # object -> added/modified/archived/deleted -> ids


def _build_once(target: Path, write: Callable[[Path], object]) -> None:
    """Write into a sibling directory first, so an interrupted run never leaves a half dataset in the cache."""
    if (target / "manifest.json").is_file():
        return
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    write(partial)
    partial.rename(target)


def dataset_pair(work_dir: Path, seed: int, persons: int, evolve_seed: int, days: int) -> DatasetPair:
    root = work_dir / "datasets"
    base = root / f"seed{seed}-persons{persons}"
    _build_once(base, lambda out: generate(out, seed, persons))
    evolved = root / f"{base.name}-evolved-seed{evolve_seed}-days{days}"
    changes_file = evolved.with_name(evolved.name + ".changes.json")
    if not (changes_file.is_file() and (evolved / "manifest.json").is_file()):
        shutil.rmtree(evolved, ignore_errors=True)
        _build_once(
            evolved,
            lambda out: changes_file.write_text(json.dumps(evolve(base, out, evolve_seed, days)), encoding="utf-8"),
        )
    return DatasetPair(base, evolved, json.loads(changes_file.read_text(encoding="utf-8")))


def recorded_at(dataset: Path) -> str:
    return json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))["recorded_at"]


def record_counts(dataset: Path) -> dict[str, int]:
    """Records per object in the dataset files; HubSpot split into live and archived (separate endpoints)."""
    counts = {}
    for name in ("contacts", "deals"):
        total, archived = duckdb.sql(
            "SELECT count(*), count(*) FILTER (WHERE archived) FROM read_json(?, format='newline_delimited', "
            "columns={'archived': 'BOOLEAN'})",
            params=[str(dataset / "hubspot" / f"{name}.jsonl")],
        ).fetchone()
        counts[name] = total
        counts[f"{name}_archived"] = archived
        counts[f"{name}_live"] = total - archived
    owners_file = dataset / "hubspot" / "owners.jsonl"  # optional (fixtures/README.md)
    lines = owners_file.read_text(encoding="utf-8").splitlines() if owners_file.is_file() else []
    owners = [json.loads(line) for line in lines if line.strip()]
    counts["owners_archived"] = sum(bool(owner.get("archived")) for owner in owners)
    counts["owners_live"] = len(owners) - counts["owners_archived"]
    pipelines = json.loads((dataset / "hubspot" / "pipelines_deals.json").read_text(encoding="utf-8"))
    counts["pipeline_stages"] = sum(len(pipeline.get("stages", [])) for pipeline in pipelines["results"])
    for name in SALESFORCE_OBJECTS:
        path = dataset / "salesforce" / f"{name}.jsonl"
        if not path.is_file():  # an optional object (fixtures/README.md): the org has none
            counts[name] = 0
            continue
        with path.open("rb") as lines:
            counts[name] = sum(1 for line in lines if line.strip())
    return counts
