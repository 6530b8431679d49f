"""The weekly KPI sheet: one partition per report week, written as .xlsx and CSV and into marts.kpi_sheet."""


import json
from datetime import date
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_duckdb import DuckDBResource

from pipeline.config import KpiConfig
from pipeline.partitions import report_weeks
from pipeline.reporting import (
    KPI_SHEET_COLUMNS,
    compute_all_weeks,
    compute_sheet_rows,
    kpi_sheet_table,
    load_weekly_spend,
    plan_targets,
    sheet_markdown,
    weekly_history,
    write_sheet_outputs,
)
from pipeline.resources import KpiConfigResource, ReportOutputResource
from pipeline.warehouse_io import fetch_dicts, replace_table

FUNNEL_WEEKLY = AssetKey(["marts", "funnel_weekly"])
BENCHMARKS = AssetKey(["reference", "industry_benchmarks"])



def _spend(config: KpiConfig, config_path: str) -> dict[date, float] | None:
    path = config.reporting.spend_csv_path(Path(config_path).parent)
    return load_weekly_spend(path) if path is not None else None


def _funnel_row(funnel_rows: list[dict], week: date) -> dict:
    for row in funnel_rows:
        if row["week_start"] == week:
            return row
    covered = f"{funnel_rows[0]['week_start']} to {funnel_rows[-1]['week_start']}" if funnel_rows else "no week"
    raise Failure(
        f"marts.funnel_weekly has no row for the week of {week} (it covers {covered}); "
        "a report week must have ended before the data's as-of time",
        allow_retries=False,
    )


def build_kpi_sheet_asset(timezone: str) -> AssetsDefinition:
    """The sheet asset, partitioned by report week in `timezone` (kpi.yaml's)."""

    @asset(
        key=AssetKey(["reporting", "kpi_sheet"]),
        deps=[FUNNEL_WEEKLY, BENCHMARKS],
        partitions_def=report_weeks(timezone),
        group_name="reporting",
        kinds={"excel", "csv", "duckdb"},
        owners=["team:marketing-ops"],
        description=(
            f"The weekly KPI sheet of one report week (Monday 00:00 {timezone}): KPI名, 目標値, 実績値, "
            "達成率(%), 前週比(%), データソース, レビュー頻度, 担当者, 業界目安, 判定, as "
            "KPI_OUTPUT_DIR/kpi_sheet_<week>.xlsx and .csv; every week also in the table marts.kpi_sheet."
        ),
    )
    def kpi_sheet(
        context: AssetExecutionContext,
        duckdb: DuckDBResource,
        kpi_config: KpiConfigResource,
        report_output: ReportOutputResource,
    ) -> MaterializeResult:
        week = date.fromisoformat(context.partition_key)
        config = kpi_config.load()
        reporting = config.reporting
        plan = plan_targets(reporting)
        for warning in plan.warnings:
            context.log.warning(warning)
        spend = _spend(config, kpi_config.path)
        funnel_rows = fetch_dicts(duckdb, "SELECT * FROM marts.funnel_weekly ORDER BY week_start")
        benchmarks = fetch_dicts(duckdb, "SELECT * FROM reference.industry_benchmarks")
        funnel_row = _funnel_row(funnel_rows, week)
        rows = compute_sheet_rows(funnel_rows, week, reporting, spend, benchmarks)
        table = kpi_sheet_table(compute_all_weeks(funnel_rows, reporting, spend, benchmarks), reporting.language)
        replace_table(duckdb, "marts.kpi_sheet", KPI_SHEET_COLUMNS, table)
        history = weekly_history(funnel_rows, week, reporting, spend)
        xlsx_path, csv_path = write_sheet_outputs(
            rows, history, funnel_row, report_output.path, week, reporting.language
        )
        context.log.info(f"wrote {xlsx_path} and {csv_path}")
        return MaterializeResult(
            metadata={
                "preview": MetadataValue.md(sheet_markdown(rows, reporting.language)),
                "xlsx": MetadataValue.path(str(xlsx_path)),
                "csv": MetadataValue.path(str(csv_path)),
                "target_derivation": MetadataValue.md("\n".join(f"- {step}" for step in plan.derivation)),
                "target_warnings": MetadataValue.json(list(plan.warnings)),
                "kpi_sheet_rows": len(table),
                "funnel_row": MetadataValue.json(json.loads(json.dumps(funnel_row, default=str))),
            }
        )

    return kpi_sheet
