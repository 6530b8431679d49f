"""The steps of the weekly job as the CLI names them: each step's group, assets and checks."""

from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetKey, AssetsDefinition, Definitions


@dataclass(frozen=True)
class Step:
    key: str
    """Dagster's step key: the op's name (hubspot_raw, warehouse_dbt, reporting__kpi_sheet, ...)."""
    group: str | None
    """The assets' group (hubspot, salesforce, warehouse, reporting, exports); None for a step of checks alone."""
    assets: tuple[AssetKey, ...]
    checks: int

    @property
    def name(self) -> str:
        """The asset key of a one-asset step, else the step key with what it materializes (raw_hubspot/*)."""
        if len(self.assets) == 1:
            return self.assets[0].to_user_string()
        if not self.assets:
            return self.key
        prefixes = {key.path[0] for key in self.assets}
        shared = f"{prefixes.pop()}/*: " if len(prefixes) == 1 else ""
        return f"{self.key} ({shared}{len(self.assets)} assets)"

    @property
    def events(self) -> int:
        """Materializations and check evaluations the step reports when it succeeds: its progress's end."""
        return len(self.assets) + self.checks


def job_steps(definitions: Definitions) -> dict[str, Step]:
    steps = {}
    for assets_def in [*definitions.assets, *definitions.asset_checks]:
        assert isinstance(assets_def, AssetsDefinition)
        groups = set(assets_def.group_names_by_key.values())
        steps[assets_def.node_def.name] = Step(
            key=assets_def.node_def.name,
            group=groups.pop() if len(groups) == 1 else None,
            assets=tuple(sorted(assets_def.keys, key=lambda key: key.to_user_string())),
            checks=len(assets_def.check_keys),
        )
    return steps
