"""The last asset of the weekly run: the analysts' warehouse file, replaced by a snapshot of the working file."""

from pathlib import Path

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipeline.publish import publish_snapshot
from pipeline.resources import WAREHOUSE_POOL, PublishedWarehouseResource, WarehouseResource

KPI_SHEET = AssetKey(["reporting", "kpi_sheet"])


@asset(
    key=AssetKey(["reporting", "published_warehouse"]),
    deps=[KPI_SHEET],  # after the sheet: published only when the syncs, dbt and the sheet succeeded
    group_name="reporting",
    kinds={"duckdb"},
    owners=["team:analytics"],
    pool=WAREHOUSE_POOL,
    description=(
        "The analysts' warehouse file (KPI_DUCKDB_PATH): a read-only snapshot of the run's working file "
        "(KPI_WORKING_DUCKDB_PATH) with every schema (raw, staging, intermediate, marts, reference, reporting), "
        "swapped in by one atomic rename. Open connections keep the previous snapshot."
    ),
)
def published_warehouse(duckdb: WarehouseResource, published: PublishedWarehouseResource) -> MaterializeResult:
    publication = publish_snapshot(Path(duckdb.database), Path(published.path))
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(publication.path)),
            "size_mb": round(publication.size_mb, 1),
            "seconds": round(publication.seconds, 3),
            "tables": MetadataValue.json(publication.tables),
        }
    )
