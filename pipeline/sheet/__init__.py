"""The weekly KPI sheet: targets from the KGI, the rows of a report week, and the files people open on Monday.

The sheet asset calls `publish_weekly_sheet`; the modules beside it compute (targets, actuals, rows) and
write (xlsx, csv, the reporting.kpi_sheet table, the Markdown preview for the UI).
"""

from pipeline.sheet.publish import MissingReportWeek, PublishedSheet, publish_weekly_sheet
from pipeline.sheet.spend import SpendCsvError, load_weekly_spend

__all__ = ["MissingReportWeek", "PublishedSheet", "SpendCsvError", "load_weekly_spend", "publish_weekly_sheet"]
