"""The weekly KPI sheet: targets from the KGI, the sheet's rows, and the files people open on Monday.

A run for report week W (a Monday): `plan_targets(config)` for the derivation and its warnings;
`load_weekly_spend(config.spend_csv_path(config_dir))` when a spend CSV is configured;
`compute_sheet_rows(funnel_rows, W, config, spend, benchmarks)` and `weekly_history(...)` for the files
written by `write_sheet_outputs(...)`; `sheet_markdown(rows, language)` for the UI; and
`kpi_sheet_table(compute_all_weeks(...), language)` for `marts.kpi_sheet`.
"""

from pipeline.reporting.outputs import write_sheet_outputs
from pipeline.reporting.preview import sheet_markdown
from pipeline.reporting.sheet import SheetRow, compute_all_weeks, compute_sheet_rows, weekly_history
from pipeline.reporting.spend import SpendCsvError, load_weekly_spend
from pipeline.reporting.table import KPI_SHEET_COLUMNS, kpi_sheet_table
from pipeline.reporting.targets import TargetPlan, plan_targets

__all__ = [
    "KPI_SHEET_COLUMNS", "SheetRow", "SpendCsvError", "TargetPlan", "compute_all_weeks", "compute_sheet_rows",
    "kpi_sheet_table", "load_weekly_spend", "plan_targets", "sheet_markdown", "weekly_history",
    "write_sheet_outputs",
]
