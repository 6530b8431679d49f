"""The dbt project as Dagster assets: staging, intermediate and marts in the warehouse group.

Every dbt node is keyed [schema, name], as analysts see it in DuckDB: the sources in raw_hubspot /
raw_salesforce thereby get the raw assets' keys, so the lineage runs from the APIs to the sheet.
dbt tests appear as asset checks.
"""

import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipeline.environment import PROJECT_ROOT
from pipeline.kpi_config.funnel_mapping import dbt_vars
from pipeline.resources import WAREHOUSE_POOL, KpiConfigResource, WarehouseResource

DBT_PROJECT = DbtProject(project_dir=PROJECT_ROOT / "dbt_project", profiles_dir=PROJECT_ROOT / "dbt_project")
# The dbt of this interpreter's environment: found without an activated virtualenv (dagster dev, the CLI).
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def dbt_cli() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def prepare_manifest() -> None:
    """Parse the dbt project when there is no manifest yet or a model, macro, seed or test changed since.

    The parse writes into a directory of its own and the manifest is moved into place whole, so that a
    process loading the definitions meanwhile (the CLI beside `dagster dev`) never reads half a file.
    """
    if not _manifest_is_stale():
        return
    DBT_PROJECT.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parse-", dir=DBT_PROJECT.manifest_path.parent) as parse_dir:
        dbt_cli().cli(["parse", "--quiet"], target_path=Path(parse_dir)).wait()
        os.replace(Path(parse_dir) / "manifest.json", DBT_PROJECT.manifest_path)


def _manifest_is_stale() -> bool:
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    parsed_at = manifest.stat().st_mtime
    project_dir = DBT_PROJECT.project_dir
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += (project_dir / folder).rglob("*")
    return any(path.stat().st_mtime > parsed_at for path in files if path.is_file())


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:analytics"]


def build_warehouse_assets() -> AssetsDefinition:
    """The dbt assets, read from the manifest (call prepare_manifest first)."""

    @dbt_assets(
        manifest=DBT_PROJECT.manifest_path,
        project=DBT_PROJECT,
        dagster_dbt_translator=WarehouseTranslator(),
        name="warehouse_dbt",
        pool=WAREHOUSE_POOL,
    )
    def warehouse_dbt(
        context: AssetExecutionContext, dbt: DbtCliResource, duckdb: WarehouseResource, kpi_config: KpiConfigResource
    ):
        """dbt build (models, seeds, data tests, unit tests) with kpi.yaml's mappings as dbt vars."""
        variables = dbt_vars(kpi_config.load().config, kpi_config.as_of())
        context.log.info(f"dbt vars: {json.dumps(variables, ensure_ascii=False)}")
        # The profile takes the warehouse file from the vars (dbt_project/profiles.yml).
        cli_vars = json.dumps({**variables, "warehouse_path": duckdb.database})
        # Colours only for a terminal: never into a pipe, the CLI's run log or Dagster's compute logs.
        colours = [] if sys.stdout.isatty() else ["--no-use-colors"]
        yield from dbt.cli([*colours, "build", "--vars", cli_vars], context=context).stream()

    return warehouse_dbt
