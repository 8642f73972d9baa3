"""Incremental whole-warehouse steps: after any change of the inbox, a run that reuses the previous run's
outputs (copied database, checks over the published rows plus the changed partitions) gives exactly what a
run from scratch gives."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from dateline import quality, schemas, storage

REPO = Path(__file__).resolve().parents[1]
SQL_DIR = REPO / "sql"
RELATIONS = ["articles", "quarantine", "mentions", "events", "article_duplicates", "timeline", "events_by_month",
             "timeline_salience", "actor_timeline", "coverage", "canonical_events"]


def db_snapshot(db: Path) -> dict[str, list[str]]:
    """Every relation of a published database as sorted row reprs (row order of tables is not a contract)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r: sorted(map(repr, con.execute(f"SELECT * FROM {r}").fetchall())) for r in RELATIONS}
    finally:
        con.close()


def _events(partition: str, rows: list[tuple[str, date, date]]) -> pa.Table:
    return pa.Table.from_pylist(
        [dict(event_id=eid, article_id=f"{partition}-a", mention_id=f"m{eid}", clause="c", clause_start=0,
              clause_end=1, sentence="s", sentence_start=0, sentence_end=1, mention_text="x", mention_start=0,
              mention_end=1, timex_type="DATE", value=start.isoformat(), granularity="day", start_date=start,
              end_date=end, anchor_source="absolute", partition_key=partition)
         for eid, start, end in rows],
        schema=schemas.EVENTS,
    )


def _articles(partition: str, n: int = 1) -> pa.Table:
    return pa.Table.from_pylist(
        [dict(article_id=f"{partition}-a" if i == 0 else f"{partition}-a{i}", source_path=partition, record_index=i,
              text="t", source_format="jsonl", content_hash=f"h{partition}{i}", partition_key=partition)
         for i in range(n)],
        schema=schemas.ARTICLES,
    )


def _duplicates(ids: list[str]) -> pa.Table:
    return pa.Table.from_pylist([dict(article_id=i, canonical_id=i) for i in ids], schema=schemas.ARTICLE_DUPLICATES)


def _timeline(rows: list[tuple[str, date]]) -> pa.Table:
    return pa.Table.from_pylist(
        [dict(timeline_id=tid, value=d.isoformat(), start_date=d, end_date=date.fromordinal(d.toordinal() + 1),
              description="d", source_count=1, sources=["x"], event_ids=[tid], article_id="x", event_id=tid)
         for tid, d in rows],
        schema=schemas.TIMELINE,
    )


def _write_timeline(wh: str, rows: list[tuple[str, date]]) -> None:
    by_year: dict[str, list] = {}
    for r in rows:
        by_year.setdefault(str(r[1].year), []).append(r)
    for year, part in by_year.items():
        storage.write_year_file(wh, "timeline", storage.WHOLE_TABLE_KEY, year, _timeline(part))
    storage.drop_years_except(wh, "timeline", storage.WHOLE_TABLE_KEY, by_year)


def test_incremental_publish_equals_a_fresh_build(tmp_path: Path) -> None:
    wh = str(tmp_path / "wh")
    d = date(2020, 5, 1)
    for p in ("p1", "p2", "p3"):
        storage.write_partition(wh, "articles", p, _articles(p))
        storage.write_partition(wh, "events", p, _events(p, [(f"{p}e1", d, date(2020, 5, 2)),
                                                             (f"{p}e2", date(2019, 1, 1), date(2019, 1, 2))]))
    storage.replace_table(wh, "article_duplicates", _duplicates(["p1-a", "p2-a", "p3-a"]))
    _write_timeline(wh, [("t1", d), ("t2", date(2019, 1, 1))])
    db, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    # A partition rewritten (other years), one removed, one added; the timeline loses a year and gains one.
    storage.write_partition(wh, "events", "p1", _events("p1", [("p1e9", date(2021, 2, 3), date(2021, 2, 4))]))
    for table in ("articles", "events"):
        storage.drop_partition(wh, table, "p2")
    storage.write_partition(wh, "articles", "p4", _articles("p4", 2))
    storage.write_partition(wh, "events", "p4", _events("p4", [("p4e1", d, date(2020, 5, 2))]))
    storage.replace_table(wh, "article_duplicates", _duplicates(["p1-a", "p3-a", "p4-a", "p4-a1"]))
    _write_timeline(wh, [("t1", d), ("t3", date(2021, 2, 3))])
    db, counts = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM build.parquet_files").fetchone()[0] == sum(
        len(storage.table_files(wh, t)) for t in schemas.TABLES)
    con.close()
    incremental = db_snapshot(db)
    fresh, fresh_counts = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "fresh", incremental=False)
    assert counts == fresh_counts and counts["events"] == 4 and counts["timeline"] == 2
    assert incremental == db_snapshot(fresh)


def test_a_database_from_other_sql_is_rebuilt_not_updated(tmp_path: Path) -> None:
    wh = str(tmp_path / "wh")
    storage.write_partition(wh, "articles", "p1", _articles("p1"))
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    storage.publish_duckdb(wh, sql, tmp_path / "db")
    (sql / "20_extra.sql").write_text("CREATE VIEW extra AS SELECT count(*) AS n FROM articles;\n")
    storage.write_partition(wh, "articles", "p2", _articles("p2"))
    db, counts = storage.publish_duckdb(wh, sql, tmp_path / "db")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT n FROM extra").fetchone()[0] == 2 == counts["articles"]
    con.close()


@pytest.mark.parametrize("change", ["clean", "duplicate_event_id", "reversed_interval", "orphan_event",
                                    "article_without_duplicates_row", "timeline_twice"])
def test_checks_over_the_published_rows_plus_the_change_equal_checks_over_every_file(
        tmp_path: Path, change: str) -> None:
    wh = str(tmp_path / "wh")
    d = date(2020, 5, 1)
    for p in ("p1", "p2"):
        storage.write_partition(wh, "articles", p, _articles(p))
        storage.write_partition(wh, "events", p, _events(p, [(f"{p}e1", d, date(2020, 5, 2))]))
    storage.replace_table(wh, "article_duplicates", _duplicates(["p1-a", "p2-a"]))
    _write_timeline(wh, [("t1", d)])
    storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    storage.write_partition(wh, "articles", "p3", _articles("p3"))
    ids = ["p1-a", "p2-a", "p3-a"]
    events = [("p3e1", d, date(2020, 5, 2))]
    if change == "duplicate_event_id":
        events.append(("p1e1", d, date(2020, 5, 2)))  # also in the unchanged partition p1
    elif change == "reversed_interval":
        events.append(("p3e2", date(2020, 5, 3), d))
    elif change == "orphan_event":
        storage.drop_partition(wh, "articles", "p1")  # p1's events lose their article
        ids.remove("p1-a")
    elif change == "article_without_duplicates_row":
        ids.remove("p2-a")
    elif change == "timeline_twice":
        _write_timeline(wh, [("t1", d), ("t1", date(2021, 1, 1))])
    storage.write_partition(wh, "events", "p3", _events("p3", events))
    storage.replace_table(wh, "article_duplicates", _duplicates(ids))
    full = [(o.name, o.passed, o.failures, sorted(map(repr, o.sample))) for o in quality.run_checks(wh)]
    scoped = [(o.name, o.passed, o.failures, sorted(map(repr, o.sample)))
              for o in quality.run_checks(wh, db_dir=tmp_path / "db")]
    assert scoped == full
    assert all(passed for _, passed, _, _ in full) == (change == "clean")


def _write_jsonl(path: Path, texts: list[str], day: str = "2024-05-10") -> None:
    path.write_text("".join(json.dumps({"url": f"https://e.example/{path.stem}/{i}", "published_at": day, "text": t})
                            + "\n" for i, t in enumerate(texts)))


@pytest.mark.e2e
def test_incremental_runs_equal_a_run_from_scratch(tmp_path: Path) -> None:
    from pipelines.runner import run_pipeline

    inbox, wh = tmp_path / "inbox", tmp_path / "wh"
    shutil.copytree(REPO / "data" / "inbox", inbox)
    run_pipeline(inbox, wh)
    steps = [
        lambda: _write_jsonl(inbox / "new.jsonl", ["The council met in Ghent on Monday to approve the tram plan.",
                                                    "Strikers in Rotterdam returned to work on 3 June 2024."]),
        lambda: (inbox / "new.jsonl").write_text((inbox / "new.jsonl").read_text().replace("Monday", "Tuesday")),
        lambda: sorted(inbox.glob("*.txt"))[0].unlink(),
    ]
    for step in steps:
        step()
        report = run_pipeline(inbox, wh)
        fresh = run_pipeline(inbox, tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
        assert db_snapshot(report.db_path) == db_snapshot(fresh.db_path)
