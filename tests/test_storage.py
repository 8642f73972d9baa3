"""Parquet layout and the atomic DuckDB publish."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dateline import schemas, storage

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"


def mentions(article: str, days: list[date | None]) -> pa.Table:
    rows = [
        {
            "mention_id": f"{article}-{i}",
            "article_id": article,
            "start": i,
            "end": i + 1,
            "text": "x",
            "timex_type": "DATE",
            "value": d.isoformat() if d else "XXXX",
            "granularity": "day",
            "start_date": d,
            "end_date": date.fromordinal(d.toordinal() + 1) if d else None,
            "anchor_source": "published_at" if d else "unresolved",
            "partition_key": article,
        }
        for i, d in enumerate(days)
    ]
    return pa.Table.from_pylist(rows, schema=schemas.MENTIONS)


def test_year_partitioned_layout_and_replacement(tmp_path: Path) -> None:
    storage.write_partition(tmp_path, "mentions", "a.jsonl", mentions("a", [date(2017, 5, 1), date(2016, 1, 1), None]))
    storage.write_partition(tmp_path, "mentions", "b.txt", mentions("b", [date(2017, 6, 1)]))
    dirs = sorted(Path(p).parent.name for p in storage.table_files(tmp_path, "mentions"))
    assert dirs == ["year=2016", "year=2017", "year=2017", f"year={storage.HIVE_NULL}"]
    assert storage.read_table(tmp_path, "mentions").num_rows == 4

    # Re-writing one partition replaces exactly its rows, even when its years change.
    storage.write_partition(tmp_path, "mentions", "a.jsonl", mentions("a", [date(2020, 1, 1)]))
    t = storage.read_table(tmp_path, "mentions")
    assert sorted(t.column("article_id").to_pylist()) == ["a", "b"]
    assert storage.read_table(tmp_path, "mentions", ["a.jsonl"]).column("start_date").to_pylist() == [date(2020, 1, 1)]
    assert not (tmp_path / "parquet" / "mentions" / "year=2016").exists() or not any(
        (tmp_path / "parquet" / "mentions" / "year=2016").iterdir()
    )
    assert storage.drop_partition(tmp_path, "mentions", "a.jsonl") == 1
    assert storage.read_table(tmp_path, "mentions").column("article_id").to_pylist() == ["b"]


def test_files_carry_the_declared_schema(tmp_path: Path) -> None:
    storage.write_partition(tmp_path, "mentions", "k", mentions("a", [date(2017, 5, 1)]))
    (f,) = storage.table_files(tmp_path, "mentions")
    assert pq.read_schema(f).field("start_date").type == pa.date32()


def test_file_keys_are_safe_and_distinct() -> None:
    keys = ["a/b.txt", "a_b.txt", "../x", "x y.jsonl"]
    names = [storage.file_key(k) for k in keys]
    assert len(set(names)) == len(keys)
    assert all("/" not in n and not n.startswith(".") for n in names)


def test_publish_is_atomic_and_leaves_readers_alone(tmp_path: Path) -> None:
    storage.write_partition(tmp_path, "mentions", "k", mentions("a", [date(2017, 5, 1)]))
    db, counts = storage.publish_duckdb(tmp_path, SQL_DIR)
    assert counts["mentions"] == 1 and counts["timeline"] == 0
    reader = duckdb.connect(str(db), read_only=True)
    try:
        storage.write_partition(tmp_path, "mentions", "k2", mentions("b", [date(2018, 1, 1)]))
        db2, counts2 = storage.publish_duckdb(tmp_path, SQL_DIR)  # must not block on the open reader
        assert counts2["mentions"] == 2
        assert reader.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1  # old snapshot intact
    finally:
        reader.close()
    fresh = duckdb.connect(str(db2), read_only=True)
    assert fresh.execute("SELECT count(*) FROM mentions").fetchone()[0] == 2
    assert fresh.execute("SELECT schema_version FROM dateline_meta").fetchone()[0] == schemas.SCHEMA_VERSION
    fresh.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def timeline_rows(rows: list[tuple[str, date, list[str]]]) -> pa.Table:
    return pa.Table.from_pylist([
        {"timeline_id": tid, "value": day.isoformat(), "granularity": "day", "start_date": day,
         "end_date": date.fromordinal(day.toordinal() + 1), "description": f"{tid} happened", "trigger": "happen",
         "actors": ["Ann"], "source_count": len(sources), "sources": sources, "event_ids": [f"{tid}-e"],
         "first_reported": None, "article_id": sources[0], "event_id": f"{tid}-e"}
        for tid, day, sources in rows], schema=schemas.TIMELINE)


def test_an_incremental_publish_sees_a_timeline_row_that_changed_under_the_same_id(tmp_path: Path) -> None:
    wh, db_dir = tmp_path / "wh", tmp_path / "db"
    may, june = date(2017, 5, 1), date(2017, 6, 1)
    storage.write_year_file(wh, "timeline", storage.WHOLE_TABLE_KEY, "2017",
                            timeline_rows([("t1", may, ["a1"]), ("t2", june, ["a2", "a3"]), ("t3", june, ["a3"])]))
    storage.publish_duckdb(wh, SQL_DIR, db_dir)
    # The year file is rewritten whole: t1 unchanged, t2 has another second source (same id, same count: only a
    # list element differs), t3 goes, t4 arrives.
    storage.write_year_file(wh, "timeline", storage.WHOLE_TABLE_KEY, "2017",
                            timeline_rows([("t1", may, ["a1"]), ("t2", june, ["a2", "a9"]), ("t4", june, ["a4"])]))
    db, counts = storage.publish_duckdb(wh, SQL_DIR, db_dir)
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("SELECT timeline_id, sources FROM timeline_events").fetchall())
    salience = con.execute("SELECT start_date, independent_sources FROM timeline_salience").fetchall()
    con.close()
    assert rows == {"t1": ["a1"], "t2": ["a2", "a9"], "t4": ["a4"]} and counts["timeline"] == 3
    assert sorted(salience) == [(may, 1), (june, 3)]


def _supports_o_direct(folder: Path) -> bool:
    try:
        fd = os.open(folder / ".o_direct_probe", os.O_WRONLY | os.O_CREAT | getattr(os, "O_DIRECT", 0), 0o644)
    except OSError:
        return False
    os.close(fd)
    (folder / ".o_direct_probe").unlink()
    return hasattr(os, "O_DIRECT")


@pytest.mark.parametrize("size", [0, 1, 4096, 4096 * 3 + 7, storage._COPY_CHUNK + 4096, storage._COPY_CHUNK * 2 + 1])
def test_copy_uncached_makes_an_identical_file(tmp_path: Path, size: int) -> None:
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(os.urandom(size))
    dst.write_bytes(b"older and longer " * 1000)  # truncated, not merged
    storage.copy_uncached(src, dst)
    assert dst.read_bytes() == src.read_bytes()


def test_copy_uncached_writes_around_the_page_cache_where_it_can(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the filesystem takes O_DIRECT the copy never falls back to a cached copy (shutil.copyfile)."""
    if not _supports_o_direct(tmp_path):
        pytest.skip("this filesystem does not take O_DIRECT")

    def cached_copy(*_: object) -> None:
        raise AssertionError("copied through the page cache")

    monkeypatch.setattr(storage.shutil, "copyfile", cached_copy)
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(os.urandom(storage._COPY_CHUNK + 12_345))
    storage.copy_uncached(src, dst)
    assert dst.read_bytes() == src.read_bytes()


def test_copy_uncached_falls_back_where_o_direct_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A filesystem that refuses O_DIRECT (tmpfs) gets a cached copy, not an error."""
    real_open = os.open

    def refusing_open(path, flags, *args):  # noqa: ANN001, ANN202
        if flags & getattr(os, "O_DIRECT", 0):
            raise OSError(22, "Invalid argument")
        return real_open(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", refusing_open)
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(os.urandom(10_000))
    storage.copy_uncached(src, dst)
    assert dst.read_bytes() == src.read_bytes()


def test_copy_uncached_falls_back_when_the_tail_cannot_be_reopened(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The descriptor closed before the unaligned tail is reopened is not closed a second time when that reopen
    fails: the cached copy still runs and the result is whole."""
    if not _supports_o_direct(tmp_path):
        pytest.skip("this filesystem does not take O_DIRECT")
    real_open = os.open

    def refusing_append(path, flags, *args):  # noqa: ANN001, ANN202
        if flags & os.O_APPEND:
            raise OSError(5, "Input/output error")
        return real_open(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", refusing_append)
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(os.urandom(4096 * 2 + 99))
    storage.copy_uncached(src, dst)
    assert dst.read_bytes() == src.read_bytes()
