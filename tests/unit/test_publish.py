"""publish_snapshot: the published file is replaced whole, never written in place, and held files are safe."""

from pathlib import Path

import duckdb
import pytest

from pipeline.publish import publish_snapshot, seed_working_file
from tests.support.analyst import Analyst


def _warehouse(path: Path, weeks: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS marts")
        connection.execute("CREATE OR REPLACE TABLE marts.funnel_weekly AS SELECT range AS week FROM range(?)", [weeks])
        connection.execute("CREATE OR REPLACE VIEW marts.latest AS SELECT max(week) AS week FROM marts.funnel_weekly")
    return path


def _weeks(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("SELECT count(*) FROM marts.funnel_weekly").fetchone()[0]


def test_the_snapshot_holds_every_table_and_view_and_is_reported(tmp_path):
    working = _warehouse(tmp_path / "work" / "kpi.duckdb", 3)
    publication = publish_snapshot(working, tmp_path / "kpi.duckdb")
    assert _weeks(tmp_path / "kpi.duckdb") == 3
    assert publication.tables == {"marts": 2}
    assert publication.size_mb == pytest.approx((tmp_path / "kpi.duckdb").stat().st_size / 1e6)
    assert (tmp_path / "kpi.duckdb").stat().st_mode == working.stat().st_mode
    assert sorted(path.name for path in tmp_path.iterdir()) == ["kpi.duckdb", "work"]


@pytest.mark.parametrize("mode", ["read_only", "read_write"])
def test_a_connection_held_by_another_process_keeps_the_old_snapshot(tmp_path, mode):
    working, published = _warehouse(tmp_path / "work" / "kpi.duckdb", 3), tmp_path / "kpi.duckdb"
    publish_snapshot(working, published)
    analyst = Analyst(published, mode)
    try:
        _warehouse(working, 5)
        publish_snapshot(working, published)
        assert analyst.query("SELECT count(*) FROM marts.funnel_weekly") == [[3]]
        assert _weeks(published) == 5
    finally:
        analyst.close()


def test_a_failed_publish_leaves_the_published_file_and_no_copy(tmp_path):
    published = tmp_path / "kpi.duckdb"
    publish_snapshot(_warehouse(tmp_path / "work" / "kpi.duckdb", 3), published)
    before = published.read_bytes()
    (tmp_path / "broken.duckdb").write_bytes(b"not a database")
    with pytest.raises(duckdb.Error):
        publish_snapshot(tmp_path / "broken.duckdb", published)
    assert published.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.duckdb", "kpi.duckdb", "work"]


def test_a_copy_left_by_a_killed_publish_is_removed(tmp_path):
    stale = tmp_path / ".kpi.duckdb.x1y2.publishing"
    stale.write_bytes(b"half a database")
    publish_snapshot(_warehouse(tmp_path / "work" / "kpi.duckdb", 1), tmp_path / "kpi.duckdb")
    assert not stale.exists()


def test_without_a_working_file_nothing_is_published(tmp_path):
    published = tmp_path / "kpi.duckdb"
    publish_snapshot(_warehouse(tmp_path / "work" / "kpi.duckdb", 3), published)
    with pytest.raises(FileNotFoundError, match="run the weekly job first"):
        publish_snapshot(tmp_path / "elsewhere" / "kpi.duckdb", published)
    assert _weeks(published) == 3
    assert not (tmp_path / "elsewhere").exists()


def test_a_missing_working_file_starts_from_the_published_one_and_an_existing_one_is_kept(tmp_path):
    published, working = tmp_path / "kpi.duckdb", tmp_path / "work" / "kpi.duckdb"
    with duckdb.connect(str(published)) as connection:
        connection.execute("CREATE TABLE cursors AS SELECT 'hubspot.contacts' AS stream")
    assert seed_working_file(working, published)
    with duckdb.connect(str(working), read_only=True) as connection:
        assert connection.execute("SELECT stream FROM cursors").fetchall() == [("hubspot.contacts",)]
    with duckdb.connect(str(published)) as connection:
        connection.execute("DROP TABLE cursors")
    assert not seed_working_file(working, published)  # the working file is the writer's: never overwritten
    assert sorted(path.name for path in working.parent.iterdir()) == ["kpi.duckdb"]
