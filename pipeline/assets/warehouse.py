"""The dbt project as Dagster assets: staging, intermediate and marts in the warehouse group.

Every dbt node is keyed [schema, name], as analysts see it in DuckDB: the sources in raw_hubspot /
raw_salesforce thereby get the raw assets' keys, so the lineage runs from the APIs to the sheet.
dbt tests appear as asset checks.
"""


import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from pipeline.config.warehouse import dbt_vars
from pipeline.resources import FixtureApiResource, KpiConfigResource
from pipeline.settings import PROJECT_ROOT

# dagster-dbt runs `dbt` from PATH (its project preparer offers no other choice), and a virtualenv's
# bin/ is not on PATH when the environment is used without activation (`.venv/bin/python -m pipeline`).
os.environ["PATH"] = os.pathsep.join([str(Path(sys.prefix) / "bin"), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=PROJECT_ROOT / "dbt_project", profiles_dir=PROJECT_ROOT / "dbt_project")


def _manifest_is_stale() -> bool:
    """No manifest yet, or a model, macro, seed, test or the project file changed since it was parsed."""
    if not dbt_project.manifest_path.exists():
        return True
    parsed_at = dbt_project.manifest_path.stat().st_mtime
    project_dir = dbt_project.project_dir
    files = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += (project_dir / folder).rglob("*")
    return any(path.stat().st_mtime > parsed_at for path in files if path.is_file())


dbt_project.prepare_if_dev()
if _manifest_is_stale():
    # Outside `dagster dev` (the CLI run, tests) nothing else parses the project.
    dbt_project.preparer.prepare(dbt_project)


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:analytics"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
    name="warehouse_dbt",
)
def warehouse_dbt(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    duckdb: DuckDBResource,
    kpi_config: KpiConfigResource,
    fixture_api: FixtureApiResource,
):
    """dbt build (models, seeds, data tests, unit tests) with kpi.yaml's mappings as dbt vars."""
    variables = dbt_vars(kpi_config.load(), fixture_api.as_of())
    context.log.info(f"dbt vars: {json.dumps(variables, ensure_ascii=False)}")
    # The dbt profile reads the warehouse path from the environment of the dbt subprocess.
    os.environ["KPI_DUCKDB_PATH"] = duckdb.database
    yield from dbt.cli(["build", "--vars", json.dumps(variables)], context=context).stream()
