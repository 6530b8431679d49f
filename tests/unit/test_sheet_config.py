"""The `reporting` section of kpi.yaml: defaults, the shipped kpi.yaml, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.kpi_config import KpiConfigError, load_kpi_config
from pipeline.kpi_config.sheet_config import DEFAULT_SHEET_KPIS, SheetConfig
from tests.support import REPO


def test_the_default_sheet_set():
    kpis = SheetConfig().kpis
    assert tuple(kpi.id for kpi in kpis) == DEFAULT_SHEET_KPIS
    assert [kpi.name_ja for kpi in kpis] == [
        "新規リード獲得数",
        "MQL数",
        "SQL数",
        "商談数",
        "受注数",
        "MQL→SQL転換率",
        "商談化率",
        "受注率",
        "受注金額",
        "CPA",
        "LTV/CAC",
    ]
    cpa = kpis[DEFAULT_SHEET_KPIS.index("cpa")]
    assert (cpa.direction, cpa.data_source, cpa.review_frequency, cpa.unit) == (
        "lower",
        "広告管理ツール",
        "週次",
        "yen",
    )
    assert kpis[-1].review_frequency == "月次"


def test_the_shipped_kpi_yaml():
    config = load_kpi_config(REPO / "kpi.yaml").reporting
    assert tuple(kpi.id for kpi in config.kpis) == DEFAULT_SHEET_KPIS
    assert config.kgi.annual_revenue == 20_000_000
    assert config.spend_csv_path(REPO) == REPO / "fixtures" / "spend_demo.csv"
    assert config.spend_csv_path(REPO).is_file()


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kpi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("reporting", "message"),
    [
        (
            "kpis: [{id: win_rate, weekly_target: 20}]",
            "reporting.kpis[0]: Value error, weekly_target 20 of win_rate must be a fraction "
            "(write 0.2 for 20%)",
        ),
        (
            "kpis: [{id: mqls, weekly_targt: 20}]",
            "reporting.kpis[0].weekly_targt: Extra inputs are not permitted",
        ),
        ("kpis: [{id: leads}]", "reporting.kpis[0].id: Input should be 'new_leads', 'mqls'"),
        (
            "kpis: [{id: cpa, direction: down}]",
            "reporting.kpis[0].direction: Input should be 'higher' or 'lower'",
        ),
        (
            "kpis: [{id: mqls}, {id: sqls}, {id: mqls}]",
            "reporting: Value error, kpis[2]: KPI 'mqls' is listed twice",
        ),
        ("kpis: []", "reporting.kpis: Tuple should have at least 1 item"),
        (
            "status_thresholds: {on_track: 80, at_risk: 90}",
            "reporting.status_thresholds: Value error, at_risk (90) must not exceed on_track (80)",
        ),
        ("ltv: {gross_margin: 0.7}", "reporting.ltv.monthly_churn: Field required"),
        ("assumptions: {win_rate: 0}", "reporting.assumptions.win_rate: Input should be greater than 0"),
        ("language: fr", "reporting.language: Input should be 'ja' or 'en'"),
    ],
)
def test_errors_name_the_key(tmp_path, reporting, message):
    path = write_config(tmp_path, f"reporting:\n  {reporting}\n")
    with pytest.raises(KpiConfigError) as raised:
        load_kpi_config(path)
    assert f"{path}: {message}" in str(raised.value)


def test_a_kpi_entry_may_override_its_catalogue_defaults(tmp_path):
    path = write_config(tmp_path, "reporting:\n  kpis: [{id: cac, name_ja: 顧客獲得単価, owner: CFO}]\n")
    (cac,) = load_kpi_config(path).reporting.kpis
    assert (cac.name_ja, cac.name_en, cac.owner, cac.direction) == ("顧客獲得単価", "CAC", "CFO", "lower")
