"""Every word the sheet shows, in Japanese (default) and English."""

from __future__ import annotations

UNDEFINED = "—"

COLUMNS = {
    "ja": ("KPI名", "目標値", "実績値", "達成率(%)", "前週比(%)", "データソース", "レビュー頻度", "担当者",
           "業界目安", "判定"),
    "en": ("KPI", "Target", "Actual", "Attainment (%)", "WoW (%)", "Data source", "Review cadence", "Owner",
           "Benchmark", "Status"),
}

STATUS = {
    "ja": {"on_track": "順調", "at_risk": "注意", "off_track": "未達"},
    "en": {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"},
}

_ENGLISH_TERMS = {
    "MAツール": "MA tool", "SFAツール": "SFA tool", "広告管理ツール": "Ad manager",
    "SFA+会計": "SFA + accounting",
    "週次": "Weekly", "月次": "Monthly",
}

UNIT_SUFFIX = {
    "ja": {"count": "", "rate": "(%)", "yen": "(円)", "ratio": "比"},
    "en": {"count": "", "rate": " (%)", "yen": " (JPY)", "ratio": " ratio"},
}

SHEET_NAMES = {
    "ja": ("KPIシート", "推移(12週)", "ファネル"),
    "en": ("KPI sheet", "12-week trend", "Funnel"),
}

TREND_CHART_TITLES = {
    "ja": {"count": "件数の推移", "rate": "転換率の推移(%)", "yen": "金額の推移(円)", "ratio": "比率の推移"},
    "en": {"count": "Counts by week", "rate": "Rates by week (%)", "yen": "Amounts by week (JPY)",
           "ratio": "Ratios by week"},
}

WEEK_HEADER = {"ja": "週(月曜)", "en": "Week (Monday)"}

FUNNEL_COLUMNS = {
    "ja": ("ステージ", "件数", "前段からの転換率(%)"),
    "en": ("Stage", "Count", "Conversion from previous stage (%)"),
}

FUNNEL_STAGES = {
    "ja": ("リード", "MQL", "SQL", "商談", "受注"),
    "en": ("Leads", "MQLs", "SQLs", "Opportunities", "Won deals"),
}

NOTES = {
    "ja": {
        "week": "対象週: {start} 〜 {end}",
        "ltv": "LTV/CAC は月次レビューの指標のため、対象週を含む直近4週の累計で算出しています。",
        "funnel": "リード→MQL は同じ週の件数比、それ以降は marts.funnel_weekly の転換率です。",
    },
    "en": {
        "week": "Week: {start} to {end}",
        "ltv": "LTV/CAC is reviewed monthly, so it is computed over the 4 weeks ending with this week.",
        "funnel": "Leads→MQL is the ratio of this week's counts; later stages use funnel_weekly's rates.",
    },
}


# The drill-down tab: the records behind the week's count KPIs (pipeline/sheet/xlsx_drilldown.py).
DRILLDOWN_SHEET_NAME = {"ja": "明細", "en": "Records"}

DRILLDOWN_COLUMNS = {
    "ja": ("KPI", "種別", "システム", "レコードID", "担当者", "チャネル", "日時", "リンク"),
    "en": ("KPI", "Kind", "System", "Record ID", "Owner", "Channel", "Time", "Link"),
}

RECORD_KINDS = {"ja": {"person": "人", "deal": "商談"}, "en": {"person": "person", "deal": "deal"}}

SYSTEM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce"}

OPEN_RECORD = {
    "ja": {"hubspot": "HubSpotで開く", "salesforce": "Salesforceで開く"},
    "en": {"hubspot": "Open in HubSpot", "salesforce": "Open in Salesforce"},
}

DRILLDOWN_NOTES = {
    "ja": {"empty": "対象週に該当するレコードはありません。"},
    "en": {"empty": "No records for this week."},
}

# Appended to a KPI's データソース cell when its data is dated by a fallback (pipeline/status_history.py).
DATA_SOURCE_NOTES = {
    "ja": {"no_status_history": "Salesforce ステータス履歴なし: 作成日で代用"},
    "en": {"no_status_history": "no Salesforce Status history: creation date used"},
}


def term(value: str, language: str) -> str:
    """A configured Japanese label (data source, review cadence) in the sheet's language."""
    return _ENGLISH_TERMS.get(value, value) if language == "en" else value
