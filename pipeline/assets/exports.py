"""Exports of the warehouse for BI tools (group exports): Parquet files and PostgreSQL tables, after the sheet.

Each reads the warehouse file read-only; an export whose variable is unset does nothing and says so in its
metadata, so that a run without BI tools stays green.
"""

from collections.abc import Callable

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, Failure, MaterializeResult, MetadataValue, asset

from pipeline.exports import ExportReport, copy_to_postgres, write_parquet
from pipeline.exports.postgres import PostgresExportError
from pipeline.resources import WAREHOUSE_POOL, ExportTargetsResource, WarehouseResource

# After publishing, as dashboards should show what analysts see; a failed export leaves both in place.
PUBLISHED_WAREHOUSE = AssetKey(["reporting", "published_warehouse"])
EXPORTED = "every table of the schemas marts, reporting and reference"


def _result(report: ExportReport) -> MaterializeResult:
    return MaterializeResult(
        metadata={
            "target": report.target,
            "tables": MetadataValue.json(sorted(report.rows)),
            "rows": MetadataValue.json(report.rows),
            "seconds": round(report.seconds, 2),
        }
    )


def _skipped(variable: str) -> MaterializeResult:
    return MaterializeResult(metadata={"skipped": f"{variable} is not set: nothing exported"})


def _run(context: AssetExecutionContext, variable: str, target: str | None, export: Callable[[], ExportReport]):
    if not target:
        context.log.info(f"{variable} is not set; skipping this export")
        return _skipped(variable)
    report = export()
    context.log.info(f"exported {len(report.rows)} tables to {report.target} in {report.seconds:.1f} s")
    return _result(report)


@asset(
    key=AssetKey(["exports", "parquet"]),
    deps=[PUBLISHED_WAREHOUSE],
    pool=WAREHOUSE_POOL,
    group_name="exports",
    kinds={"parquet"},
    owners=["team:marketing-ops"],
    description=(
        f"{EXPORTED} as `KPI_EXPORT_PARQUET_DIR/<schema>.<table>.parquet`, for Tableau (Hyper) and other "
        "Parquet readers; each file replaced atomically. Skipped when KPI_EXPORT_PARQUET_DIR is unset."
    ),
)
def parquet_export(
    context: AssetExecutionContext, duckdb: WarehouseResource, exports: ExportTargetsResource
) -> MaterializeResult:
    directory = exports.parquet_dir
    return _run(context, "KPI_EXPORT_PARQUET_DIR", directory, lambda: write_parquet(duckdb.database, directory))


@asset(
    key=AssetKey(["exports", "postgres"]),
    deps=[PUBLISHED_WAREHOUSE],
    pool=WAREHOUSE_POOL,
    group_name="exports",
    kinds={"postgres"},
    owners=["team:marketing-ops"],
    description=(
        f"{EXPORTED} copied into the PostgreSQL database at KPI_EXPORT_POSTGRES_URL (same schema and table "
        "names), for Looker Studio and Tableau; each table replaced in one transaction. Skipped when unset."
    ),
)
def postgres_export(
    context: AssetExecutionContext, duckdb: WarehouseResource, exports: ExportTargetsResource
) -> MaterializeResult:
    url = exports.postgres_url
    try:
        return _run(context, "KPI_EXPORT_POSTGRES_URL", url, lambda: copy_to_postgres(duckdb.database, url))
    except PostgresExportError as error:
        raise Failure(str(error)) from None


EXPORT_ASSETS: list[AssetsDefinition] = [parquet_export, postgres_export]
