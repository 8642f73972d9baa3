"""Storage paths are pluggable: the same pipeline writes Parquet to a local folder or to any fsspec filesystem."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa
import pytest

from dateline import quality, schemas, storage

REPO = Path(__file__).resolve().parents[1]


def _mentions(article: str, day: date) -> pa.Table:
    return pa.Table.from_pylist(
        [{"mention_id": f"{article}-0", "article_id": article, "start": 0, "end": 6, "text": "Monday",
          "timex_type": "DATE", "value": day.isoformat(), "granularity": "day", "start_date": day,
          "end_date": date.fromordinal(day.toordinal() + 1), "anchor_source": "published_at", "partition_key": article}],
        schema=schemas.MENTIONS,
    )


@pytest.fixture(params=["local", "memory"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "local":
        yield str(tmp_path / "wh")
        return
    url = f"memory://dateline-test-{uuid.uuid4().hex[:8]}"
    yield url
    fsspec.filesystem("memory").rm(url.removeprefix("memory://"), recursive=True)


def test_write_read_replace_drop_on_any_filesystem(warehouse: str) -> None:
    storage.write_partition(warehouse, "mentions", "a.jsonl", _mentions("a", date(2017, 8, 7)))
    storage.write_partition(warehouse, "mentions", "b.jsonl", _mentions("b", date(2016, 3, 1)))
    assert sorted(storage.read_table(warehouse, "mentions").column("article_id").to_pylist()) == ["a", "b"]
    storage.write_partition(warehouse, "mentions", "a.jsonl", _mentions("a", date(2020, 1, 1)))
    got = storage.read_table(warehouse, "mentions", ["a.jsonl"]).column("start_date").to_pylist()
    assert got == [date(2020, 1, 1)]
    assert {p.rsplit("/", 2)[-2] for p in storage.table_files(warehouse, "mentions")} == {"year=2016", "year=2020"}
    assert storage.drop_partition(warehouse, "mentions", "a.jsonl") == 1
    assert storage.read_table(warehouse, "mentions").column("article_id").to_pylist() == ["b"]



@pytest.mark.parametrize("threads", [1, 2, 3])
def test_files_read_ahead_on_threads_come_back_in_order(warehouse: str, threads: int) -> None:
    days = [date(2010 + i, 1, 1) for i in range(7)]
    for i, day in enumerate(days):
        storage.write_partition(warehouse, "mentions", f"f{i}.jsonl", _mentions(f"a{i}", day))
    paths = sorted(storage.table_files(warehouse, "mentions"), reverse=True)  # any order: the caller's
    got = [t.column("article_id").to_pylist() for t in storage.read_files_columns(
        warehouse, paths, "mentions", ["article_id"], threads=threads)]
    assert got == [storage.read_file_columns(warehouse, p, "mentions", ["article_id"]).column("article_id").to_pylist()
                   for p in paths]
    assert sorted(a for (a,) in got) == [f"a{i}" for i in range(7)]

def test_checks_and_duckdb_publish_read_a_remote_warehouse(warehouse: str, tmp_path: Path) -> None:
    storage.write_partition(warehouse, "mentions", "a.jsonl", _mentions("a", date(2017, 8, 7)))
    assert quality.run_check(warehouse, "intervals_ordered").passed
    db, counts = storage.publish_duckdb(warehouse, REPO / "sql", tmp_path / "db")
    assert counts["mentions"] == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM mentions").fetchall() == [("2017-08-07",)]
    con.close()


def test_remote_warehouse_needs_a_local_db_dir() -> None:
    with pytest.raises(ValueError, match="not local"):
        storage.publish_duckdb("memory://nowhere", REPO / "sql")


@pytest.mark.e2e
def test_whole_pipeline_on_an_in_memory_filesystem(tmp_path: Path) -> None:
    from pipelines.runner import run_pipeline

    shutil.copytree(REPO / "data" / "inbox", tmp_path / "inbox")
    url = f"memory://dateline-e2e-{uuid.uuid4().hex[:8]}"
    try:
        report = run_pipeline(tmp_path / "inbox", url, db_dir=tmp_path / "db", workers=1)
        assert report.db_path == tmp_path / "db" / "timeline.duckdb"
        assert storage.table_files(url, "events") and not (tmp_path / "db" / "parquet").exists()
        con = duckdb.connect(str(report.db_path), read_only=True)
        assert con.execute("SELECT count(*) FROM timeline").fetchone()[0] > 5
        con.close()
    finally:
        fsspec.filesystem("memory").rm(url.removeprefix("memory://"), recursive=True)
