"""The dbt project as Dagster assets: staging, intermediate and marts in the warehouse group.

Every dbt node is keyed [schema, name], as analysts see it in DuckDB: the sources in raw_hubspot /
raw_salesforce thereby get the raw assets' keys, so the lineage runs from the APIs to the sheet.
dbt tests appear as asset checks.
"""

import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetMaterialization, AssetsDefinition, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipeline.assets.metadata import markdown_safe
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

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # The models' docs name properties as hs_v2_date_entered_<stage>, which Markdown would drop as a tag.
        return markdown_safe(super().get_description(dbt_resource_props))


def build_warehouse_assets() -> AssetsDefinition:
    """The dbt assets, read from the manifest (call prepare_manifest first)."""

    # No project=: dagster-dbt would put the DbtProject object into every asset's metadata, which the UI can
    # only show as "[DbtProject] (unserializable)"; the resource's project_dir already points at the project.
    @dbt_assets(
        manifest=DBT_PROJECT.manifest_path,
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
        invocation = dbt.cli([*colours, "build", "--vars", cli_vars], context=context)
        yield from with_row_counts(invocation.stream(), invocation.manifest, duckdb)

    return warehouse_dbt


def with_row_counts(events: Iterator, manifest: Mapping[str, Any], duckdb: WarehouseResource) -> Iterator:
    """dbt's events, each model's and seed's with its row count (dagster/row_count), views included.

    dagster-dbt's fetch_row_counts() skips views (the staging layer) and counts through dbt's adapter; here
    the counts are read from the warehouse once dbt has exited, since DuckDB admits one writing process and
    dbt holds the file until then. Events already received are passed on when dbt fails, then the failure.
    """
    received, failure = [], None
    try:
        received.extend(events)
    except Exception as error:  # dbt's failure: reported after the events that came before it
        failure = error
    with duckdb.get_connection() as connection:
        for event in received:
            yield _with_row_count(event, manifest, connection)
    if failure is not None:
        raise failure


def _with_row_count(event, manifest: Mapping[str, Any], connection):
    if not isinstance(event, Output | AssetMaterialization) or "unique_id" not in event.metadata:
        return event
    node = manifest["nodes"].get(event.metadata["unique_id"].value) or {}
    if node.get("resource_type") not in ("model", "seed") or not node.get("relation_name"):
        return event
    # relation_name names the catalog ("kpi"): the working file has the published file's name.
    (count,) = connection.execute(f"SELECT count(*) FROM {node['relation_name']}").fetchone()
    return event.with_metadata({**event.metadata, "dagster/row_count": MetadataValue.int(count)})
