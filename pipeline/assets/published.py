"""The last asset of the weekly run: the analysts' warehouse file, replaced by a snapshot of the working file."""

from pathlib import Path

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipeline.assets.metadata import preview_table
from pipeline.publish import publish_snapshot
from pipeline.resources import WAREHOUSE_POOL, KpiConfigResource, PublishedWarehouseResource, WarehouseResource
from pipeline.sheet.formatting import format_pct, format_value
from pipeline.sheet.labels import STATUS, UNDEFINED

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
def published_warehouse(
    duckdb: WarehouseResource, published: PublishedWarehouseResource, kpi_config: KpiConfigResource
) -> MaterializeResult:
    publication = publish_snapshot(Path(duckdb.database), Path(published.path))
    with duckdb.get_connection() as connection:
        newest_week, newest_sheet = newest_week_preview(connection, kpi_config.load().config.reporting.language)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(publication.path)),
            "size_mb": round(publication.size_mb, 1),
            "seconds": round(publication.seconds, 3),
            "tables": MetadataValue.json(publication.tables),
            # The sheet asset's page shows the week run last, which a backfill of an old week changes; this is
            # the newest week analysts now find in reporting.kpi_sheet, whatever order the weeks were run in.
            "newest_report_week": newest_week,
            "newest_week_sheet": newest_sheet,
        }
    )


def newest_week_preview(connection, language: str) -> tuple[str, MetadataValue]:
    """The newest week of reporting.kpi_sheet and its sheet at a glance, as the sheet asset shows a week."""
    if not connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'reporting' AND table_name = 'kpi_sheet'"
    ).fetchone()[0]:
        return "none", MetadataValue.text("no sheet published yet")
    rows = connection.execute(
        "SELECT week_start, kpi_name, unit, target, actual, attainment_pct, wow_pct, status FROM reporting.kpi_sheet "
        "WHERE week_start = (SELECT max(week_start) FROM reporting.kpi_sheet) ORDER BY rowid"
    ).fetchall()
    if not rows:
        return "none", MetadataValue.text("no sheet published yet")
    # The sheet's ten cells; those the preview leaves out are not read from the table.
    cells = [
        [name, format_value(target, unit, True), format_value(actual, unit, True), format_pct(attainment),
         format_pct(wow), "", "", "", "", STATUS[language][status] if status else UNDEFINED]
        for _, name, unit, target, actual, attainment, wow, status in rows
    ]
    return rows[0][0].isoformat(), preview_table(language, cells)
