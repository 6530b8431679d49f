"""The weekly KPI sheet: one partition per report week, written as .xlsx and CSV and into reporting.kpi_sheet."""

from datetime import UTC, date, datetime

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    asset,
)

from pipeline.assets.metadata import lines, rounded, sheet_preview
from pipeline.resources import WAREHOUSE_POOL, KpiConfigResource, SheetOutputResource, WarehouseResource
from pipeline.sheet import MissingReportWeek, publish_weekly_sheet
from pipeline.week_close.ledger import CloseSettings
from pipeline.week_close.report import restatement_log_lines, restatement_metadata
from pipeline.week_close.sheet_inputs import funnel_config_md5

FUNNEL_WEEKLY = AssetKey(["marts", "funnel_weekly"])
BENCHMARKS = AssetKey(["reference", "industry_benchmarks"])


def build_kpi_sheet_asset(report_weeks: PartitionsDefinition, timezone: str) -> AssetsDefinition:
    """The sheet asset, partitioned by report week (Monday 00:00 in `timezone`, kpi.yaml's)."""

    @asset(
        key=AssetKey(["reporting", "kpi_sheet"]),
        deps=[FUNNEL_WEEKLY, BENCHMARKS],
        partitions_def=report_weeks,
        group_name="reporting",
        kinds={"excel", "csv", "duckdb"},
        owners=["team:marketing-ops"],
        pool=WAREHOUSE_POOL,
        description=(
            f"The weekly KPI sheet of one report week (Monday 00:00 {timezone}): KPI名, 目標値, 実績値, "
            "達成率(%), 前週比(%), データソース, レビュー頻度, 担当者, 業界目安, 判定, as "
            "`KPI_OUTPUT_DIR/kpi_sheet_{week}.xlsx` and `.csv`; every week also in the table `reporting.kpi_sheet`. "
            "The first publication of a week freezes its values (速報値) in `reporting.kpi_week_close`; every run "
            "appends the changes to frozen weeks, with their reasons, to `reporting.kpi_restatements`. "
            "The newest week's sheet is also shown on `reporting/published_warehouse`."
        ),
    )
    def kpi_sheet(
        context: AssetExecutionContext,
        duckdb: WarehouseResource,
        kpi_config: KpiConfigResource,
        sheet_output: SheetOutputResource,
    ) -> MaterializeResult:
        inputs = kpi_config.load()
        week = date.fromisoformat(context.partition_key)
        close = CloseSettings(
            final_after_weeks=inputs.config.reporting.week_close.final_after_weeks,
            funnel_config_md5=funnel_config_md5(inputs.config),
            data_as_of=kpi_config.as_of(),
            run_id=context.run.run_id,
            now=datetime.now(UTC),
        )
        try:
            sheet = publish_weekly_sheet(duckdb, week, inputs.config.reporting, inputs.weekly_spend,
                                         sheet_output.path, close)
        except MissingReportWeek as error:
            raise Failure(str(error), allow_retries=False) from error
        for warning in sheet.plan.warnings:
            context.log.warning(warning)
        context.log.info(f"wrote {sheet.xlsx_path} and {sheet.csv_path}")
        for line in restatement_log_lines(sheet.restatements):
            context.log.warning(line)
        return MaterializeResult(
            metadata={
                "report_week": context.partition_key,
                # A table rather than Markdown: the UI sizes its columns to the cells, so KPI名 do not wrap.
                "preview": sheet_preview(sheet.rows, inputs.config.reporting.language),
                "xlsx": MetadataValue.path(str(sheet.xlsx_path)),
                "csv": MetadataValue.path(str(sheet.csv_path)),
                "target_derivation": MetadataValue.md("\n".join(f"- {step}" for step in sheet.plan.derivation)),
                "target_warnings": lines(sheet.plan.warnings),
                "kpi_sheet_rows": sheet.table_rows,
                "funnel_row": MetadataValue.json(rounded(sheet.funnel_row)),
                "frozen_as": ", ".join(sheet.frozen_as) or "already frozen",
                **restatement_metadata(sheet.restatements),
            }
        )

    return kpi_sheet
