"""The words of the restatement tab, in Japanese (default) and English."""

RESTATEMENT_SHEET_NAME = {"ja": "修正履歴(12週)", "en": "Restatements (12 weeks)"}

RESTATEMENT_COLUMNS = {
    "ja": ("週(月曜)", "KPI名", "区分", "速報値", "確定値", "現在値", "差分", "変動率(%)", "増えたレコード",
           "減ったレコード", "理由", "検出日時(UTC)"),
    "en": ("Week (Monday)", "KPI", "Status", "Preliminary", "Final", "Current", "Difference", "Change (%)",
           "Records entered", "Records left", "Reasons", "Detected (UTC)"),
}

WEEK_STATUS = {
    "ja": {"preliminary": "速報", "final": "確定"},
    "en": {"preliminary": "Preliminary", "final": "Final"},
}

REASON_LABELS = {
    "ja": {"late_sync": "遅れて同期", "backdated_edit": "過去日付の変更", "merge": "マージ", "deletion": "削除",
           "stage_regression": "ステージ後退", "changed_configuration": "設定の変更"},
    "en": {"late_sync": "late sync", "backdated_edit": "backdated edit", "merge": "merge", "deletion": "deletion",
           "stage_regression": "stage regression", "changed_configuration": "changed configuration"},
}

RESTATEMENT_NOTES = {
    "ja": {
        "none": "直近12週の公表済みの値に修正はありません。",
        "explain": ("公表済みの週の値が後から変わったときの記録です。差分・変動率は、速報値(確定後は確定値)との差です。"
                    "レコード単位の理由は reporting.kpi_restatement_records にあります。"),
        "more": "他{count}件",
    },
    "en": {
        "none": "No published value of the last 12 weeks has changed.",
        "explain": ("Published weeks whose values changed later. Difference and change are against the preliminary "
                    "value (the final one once final). Per-record reasons: reporting.kpi_restatement_records."),
        "more": "{count} more",
    },
}
