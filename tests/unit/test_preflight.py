"""kpi.yaml and its spend CSV are read and validated once per process, and again only when kpi.yaml changes."""

import os

import pytest

from pipeline.kpi_config import KpiConfigError
from pipeline.preflight import load_run_inputs
from pipeline.sheet import SpendCsvError


def write(path, timezone: str, mtime_ns: int) -> None:
    path.write_text(f"timezone: {timezone}\n", encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_one_validated_object_per_version_of_kpi_yaml(tmp_path):
    config = tmp_path / "kpi.yaml"
    write(config, "Asia/Tokyo", 1_000_000_000_000_000_000)
    first = load_run_inputs(config)
    assert load_run_inputs(config) is first
    assert first.timezone == "Asia/Tokyo"
    assert first.weekly_spend is None
    write(config, "Europe/Berlin", 1_000_000_001_000_000_000)
    assert load_run_inputs(config).timezone == "Europe/Berlin"


def test_a_bad_kpi_yaml_names_the_file_and_key_every_time(tmp_path):
    config = tmp_path / "kpi.yaml"
    config.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(KpiConfigError) as error:
            load_run_inputs(config)
        assert str(error.value) == f"{config}: timezone: Value error, unknown IANA time zone 'Mars/Olympus'"


def test_a_missing_kpi_yaml_is_named_with_its_variable(tmp_path):
    with pytest.raises(KpiConfigError) as error:
        load_run_inputs(tmp_path / "kpi.yaml")
    assert str(error.value) == f"KPI_CONFIG={tmp_path / 'kpi.yaml'}: no such file (the KPI configuration; see README)"


def test_a_missing_spend_csv_is_named_with_the_kpi_yaml_key_that_names_it(tmp_path):
    config = tmp_path / "kpi.yaml"
    config.write_text("reporting:\n  spend_csv: spend/weekly.csv\n", encoding="utf-8")
    with pytest.raises(SpendCsvError) as error:
        load_run_inputs(config)
    assert str(error.value) == (
        f"{tmp_path / 'spend' / 'weekly.csv'}: no such file (the spend CSV named by {config}: reporting.spend_csv; "
        "a relative path is taken from kpi.yaml's directory)"
    )
