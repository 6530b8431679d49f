"""Resources besides the two sources: the warehouse file, the KPI configuration and the sheet's directory.

The sources' resources are in pipeline/sources.py (live) and pipeline/recorded.py (recorded fixtures).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from dagster_duckdb import DuckDBResource

from connectors.raw_store import DEFAULT_SYNC_MEMORY_LIMIT, connect_warehouse
from pipeline.preflight import RunInputs, load_run_inputs
from pipeline.publish import seed_working_file

# Every asset writes the one working DuckDB file, which takes a single writer: dagster_home/dagster.yaml
# gives this pool one slot per run, so runs of any origin (job, asset page, backfill) queue one at a time.
WAREHOUSE_POOL = "kpi_warehouse"


class WarehouseResource(DuckDBResource):
    """The run's working file (KPI_WORKING_DUCKDB_PATH), and the memory budget of a sync writing to it
    (KPI_SYNC_MEMORY_LIMIT). Analysts read the published copy instead (PublishedWarehouseResource)."""

    sync_memory_limit: str = DEFAULT_SYNC_MEMORY_LIMIT
    seed_path: str | None = None
    """The published file: a run that finds no working file starts from it, keeping its cursors."""

    def setup_for_execution(self, context: InitResourceContext) -> None:
        if self.seed_path and seed_working_file(Path(self.database), Path(self.seed_path)):
            context.log.info(f"no working warehouse at {self.database}: started it from {self.seed_path}")

    def connect_for_sync(self) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.database, self.sync_memory_limit)


class PublishedWarehouseResource(ConfigurableResource):
    """The analysts' warehouse file (KPI_DUCKDB_PATH), replaced by a snapshot of the working file after each run."""

    path: str


class KpiConfigResource(ConfigurableResource):
    """kpi.yaml (KPI_CONFIG) with the spend CSV it names, and the instant the data describes."""

    path: str
    data_as_of: str | None = None
    """ISO-8601; the recording's recorded_at in fixture mode, None (now) against the live services."""

    def load(self) -> RunInputs:
        return load_run_inputs(self.path)

    def as_of(self) -> datetime:
        return datetime.fromisoformat(self.data_as_of) if self.data_as_of else datetime.now(UTC)


class SheetOutputResource(ConfigurableResource):
    """Directory of the weekly sheets (KPI_OUTPUT_DIR)."""

    path: str


class ExportTargetsResource(ConfigurableResource):
    """Where the BI exports go: KPI_EXPORT_PARQUET_DIR and KPI_EXPORT_POSTGRES_URL (an EnvVar: a secret); None = off."""

    parquet_dir: str | None = None
    postgres_url: str | None = None
