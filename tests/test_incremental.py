"""Incremental whole-warehouse steps: after any change of the inbox, a run that reuses the previous run's
outputs (copied database, checks over the published rows plus the changed partitions) gives exactly what a
run from scratch gives."""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline import dedupe, partitions, pipeline, quality, schemas, storage
from dateline.dedupe import cluster_events, find_duplicate_articles

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


def _timeline(rows: list[tuple[str, date]] | list[tuple[str, date, list[str]]]) -> pa.Table:
    return pa.Table.from_pylist(
        [dict(timeline_id=r[0], value=r[1].isoformat(), start_date=r[1], end_date=date.fromordinal(r[1].toordinal() + 1),
              description="d", source_count=1, sources=["x"], event_ids=[r[0]], article_id="x", event_id=r[0],
              actors=r[2] if len(r) > 2 else [])
         for r in rows],
        schema=schemas.TIMELINE,
    )


def _write_timeline(wh: str, rows: list[tuple[str, date]] | list[tuple[str, date, list[str]]]) -> None:
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
    _write_timeline(wh, [("t1", d, ["Ann", "Bob"]), ("t2", date(2019, 1, 1), ["Ann"]), ("t4", date(2018, 1, 1), ["Dee"])])
    db, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    # A partition rewritten (other years), one removed, one added; the timeline loses a year and gains one.
    storage.write_partition(wh, "events", "p1", _events("p1", [("p1e9", date(2021, 2, 3), date(2021, 2, 4))]))
    for table in ("articles", "events"):
        storage.drop_partition(wh, table, "p2")
    storage.write_partition(wh, "articles", "p4", _articles("p4", 2))
    storage.write_partition(wh, "events", "p4", _events("p4", [("p4e1", d, date(2020, 5, 2))]))
    storage.replace_table(wh, "article_duplicates", _duplicates(["p1-a", "p3-a", "p4-a", "p4-a1"]))
    # t1 keeps its id with other actors, t2 goes, t3 arrives, t4 stays as it was.
    _write_timeline(wh, [("t1", d, ["Bob", "Cy"]), ("t3", date(2021, 2, 3), ["Ann"]), ("t4", date(2018, 1, 1), ["Dee"])])
    probe = tmp_path / "probe.duckdb"  # the update itself succeeds (publish would fall back to a fresh build)
    shutil.copyfile(db, probe)
    assert storage.update_duckdb(wh, SQL_DIR, probe) is not None
    db, counts = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM build.parquet_files").fetchone()[0] == sum(
        len(storage.table_files(wh, t)) for t in schemas.TABLES)
    assert con.execute("SELECT actor, timeline_id FROM actor_timeline").fetchall() == [
        ("Ann", "t3"), ("Bob", "t1"), ("Cy", "t1"), ("Dee", "t4")]
    con.close()
    incremental = db_snapshot(db)
    fresh, fresh_counts = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "fresh", incremental=False)
    assert counts == fresh_counts and counts["events"] == 4 and counts["timeline"] == 3
    assert incremental == db_snapshot(fresh)


def _storage_of(db: Path, table: str) -> tuple[int, int]:
    """(row groups, deleted rows not yet reclaimed) of ``table`` in the database ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        groups, stored, live = storage.row_group_counts(con, table)
        return groups, stored - live
    finally:
        con.close()


def test_updates_append_row_groups_until_a_table_is_fragmented_then_compact_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "COMPACT_MIN_EXTRA_GROUPS", 3)
    wh = str(tmp_path / "wh")
    storage.write_partition(wh, "articles", "p0", _articles("p0", 5))
    db, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    groups = [_storage_of(db, "articles")[0]]
    for i in range(1, 7):
        storage.write_partition(wh, "articles", f"p{i}", _articles(f"p{i}", 5))
        db, counts = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
        groups.append(_storage_of(db, "articles")[0])
        assert counts["articles"] == 5 * (i + 1)
    # Each update leaves its rows in a row group of their own (no rewrite of the others) until the table holds 3
    # more than its 35 rows need (one): the next publish merges them, and appending starts again.
    assert groups == [1, 2, 3, 4, 5, 1, 2]
    fresh, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "fresh", incremental=False)
    assert db_snapshot(db) == db_snapshot(fresh)


def test_a_timeline_table_with_many_deleted_rows_is_reloaded_whole_not_the_database_compacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "COMPACT_DELETED_SHARE", 0.3)
    wh = str(tmp_path / "wh")
    storage.write_partition(wh, "articles", "p0", _articles("p0", 5))
    d = date(2020, 5, 1)
    rows = [(f"t{i}", d + timedelta(days=i), ["Ann"]) for i in range(20)]
    _write_timeline(wh, rows)
    db, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
    deleted, groups = [], []
    for step in range(1, 5):  # four rows of twenty change each time: their old versions are deleted rows
        rows = [(t, day, ["Bob", f"c{step}"] if 4 * step - 4 <= i < 4 * step else actors)
                for i, (t, day, actors) in enumerate(rows)]
        _write_timeline(wh, rows)
        storage.write_partition(wh, "articles", f"p{step}", _articles(f"p{step}", 5))
        db, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "db")
        deleted.append(_storage_of(db, "timeline_events")[1])
        groups.append(_storage_of(db, "articles")[0])
    # 4, 8 deleted of 24, 28 stored; then 12 of 32 is over 0.3: the next publish reloads the table whole.
    assert deleted == [4, 8, 12, 0]
    assert groups == [2, 3, 4, 5]  # the articles' row groups are not merged by it
    fresh, _ = storage.publish_duckdb(wh, SQL_DIR, tmp_path / "fresh", incremental=False)
    assert db_snapshot(db) == db_snapshot(fresh)


@pytest.mark.parametrize(("inserts", "deleted", "fragmented"), [
    (1, 0, False),   # one row group, as built
    (4, 0, False),   # three more than needed: at the limit
    (5, 0, True),    # four more
    (1, 20, False),  # a fifth of the rows deleted
    (1, 30, True),   # over a quarter
])
def test_fragmented_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inserts: int, deleted: int,
                           fragmented: bool) -> None:
    monkeypatch.setattr(storage, "COMPACT_MIN_EXTRA_GROUPS", 3)
    con = duckdb.connect(str(tmp_path / "f.duckdb"))
    con.execute("SET max_vacuum_tasks = 0")
    con.execute("CREATE TABLE t (i INTEGER)")
    for k in range(inserts):  # a row group per checkpointed insert
        con.execute("INSERT INTO t SELECT range FROM range(?, ?)", [100 * k, 100 * k + 100 // inserts])
        con.execute("CHECKPOINT")
    con.execute("DELETE FROM t WHERE i < ?", [deleted])
    con.execute("CHECKPOINT")
    assert storage.fragmented_tables(con) == (["main.t"] if fragmented else [])
    con.close()


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


# --- article dedupe ---------------------------------------------------------------------------------------

WORDS = ("market bank rate minister talks storm river court police union strike vote budget oil port "
         "election troops summit ceasefire harvest flood bridge airline profit shares").split()


def _family_articles(seed: int) -> list[dict]:
    """Families of near-copies (each drops one sentence of a shared text: LSH buckets of many
    representatives), exact copies whose ids sort first (they take over as representative), loners."""
    rng = random.Random(seed)
    rows = []
    for f in range(5):
        words = [rng.choice(WORDS) for _ in range(200)]
        sentences = [" ".join(words[j : j + 10]) for j in range(0, 200, 10)]
        for v in range(7):
            drop = rng.randrange(len(sentences))
            text = ". ".join(s for k, s in enumerate(sentences) if k != drop) + "."
            rows.append(dict(article_id=f"f{f}v{v}", text=text, url=f"https://x.example/{f}/{v}" if v % 2 else None,
                             title="T" if v % 3 else None,
                             published_at=datetime(2024, 1, 1, tzinfo=UTC) if (f + v) % 4 == 0 else None))
            if v % 3 == 0:  # an exact copy (other case) with a smaller id
                rows.append({**rows[-1], "article_id": f"e{f}v{v}", "text": text.upper(), "url": "https://e.example",
                             "title": "E", "published_at": datetime(2023, 1, 1, tzinfo=UTC)})
    for i in range(12):
        rows.append(dict(article_id=f"z{i:02d}", text=" ".join(rng.choice(WORDS) for _ in range(80)) + ".",
                         url=None, title=None, published_at=None))
    return rows


def _write_articles(wh: str, key: str, rows: list[dict]) -> None:
    table = pa.Table.from_pylist([{**r, "partition_key": key, "source_path": key, "record_index": i,
                                   "source_format": "jsonl", "content_hash": ""} for i, r in enumerate(rows)],
                                 schema=schemas.ARTICLES)
    storage.write_partition(wh, "articles", key, table)
    storage.write_working_partition(wh, "signatures", key, pipeline.article_signatures(table))


@pytest.mark.parametrize("seed", range(5))
def test_incremental_dedupe_equals_from_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(dedupe, "LSH_WINDOW", 2)  # buckets of more than 3 representatives are windowed
    rng = random.Random(seed)
    pool = _family_articles(seed)
    rng.shuffle(pool)
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    parts: dict[str, list[dict]] = {f"p{k}": pool[k * 12 : (k + 1) * 12] for k in range(4)}
    spare = pool[48:]
    for key, rows in parts.items():
        _write_articles(wh, key, rows)
    seen = {"near_duplicates": 0, "exact_duplicates": 0}
    for step in range(8):
        if step:
            op = rng.choice(["add", "remove", "rewrite", "rewrite"])
            if op == "add" or len(parts) < 2:
                take, spare = spare[:8], spare[8:]
                parts[f"q{step}"] = take
                _write_articles(wh, f"q{step}", take)
            elif op == "remove":
                key = rng.choice(sorted(parts))
                spare += parts.pop(key)
                for table in ("articles", "signatures"):
                    storage.drop_partition(wh, table, key)
            else:
                key = rng.choice(sorted(parts))
                rows = parts[key]
                out = rng.sample(rows, k=min(len(rows), rng.randrange(1, 5)))
                take, spare = spare[:4], spare[4:] + out
                parts[key] = [r for r in rows if r not in out] + take
                _write_articles(wh, key, parts[key])
        stats = partitions.dedupe_warehouse(wh, state_dir=state_dir)
        assert stats["mode"] == ("incremental" if step else "full")
        assert (stats.get("full_because") == "no state describing the current files") == (step == 0)
        got = storage.read_table(wh, "article_duplicates")
        fresh = str(tmp_path / f"fresh{step}")
        shutil.copytree(Path(wh) / "parquet", Path(fresh) / "parquet")
        partitions.dedupe_warehouse(fresh)
        assert got.equals(storage.read_table(fresh, "article_duplicates")), f"step {step}"
        current = [r for rows in parts.values() for r in rows]
        expected = pa.Table.from_pylist(find_duplicate_articles(current), schema=schemas.ARTICLE_DUPLICATES)
        assert got.equals(expected), f"step {step}"
        assert stats["articles"] == len(current)
        assert stats["canonical_articles"] + stats["near_duplicates"] + stats["exact_duplicates"] == len(current)
        seen = {k: v + stats[k] for k, v in seen.items()}
    assert seen["near_duplicates"] > 0 and seen["exact_duplicates"] > 0


# --- the timeline -----------------------------------------------------------------------------------------

ACTORS = ["Paris", "Berlin", "Rome", "Oslo"]


def _article_events(article: str, rng: random.Random) -> list[dict]:
    out = []
    for k in range(rng.randrange(1, 4)):
        d = date(2020 + rng.randrange(2), 1, 1 + rng.randrange(3))
        gran = rng.choice(["day", "day", "day", "month", "year"])
        start = d if gran == "day" else date(d.year, d.month, 1) if gran == "month" else date(d.year, 1, 1)
        end = (date.fromordinal(start.toordinal() + 1) if gran == "day"
               else date(start.year + (start.month == 12), start.month % 12 + 1, 1) if gran == "month"
               else date(start.year + 1, 1, 1))
        actor = rng.choice(ACTORS)
        out.append(dict(
            event_id=f"e{article}{k}", article_id=article, mention_id=f"m{article}{k}",
            clause=f"Ministers from {actor} met and agreed a {rng.choice(WORDS)} {rng.choice(WORDS)} plan",
            clause_start=0, clause_end=10, sentence="s", sentence_start=0, sentence_end=10, trigger="met",
            actors=[actor], mention_text="Monday", mention_start=0, mention_end=6, timex_type="DATE",
            value=start.isoformat(), granularity=gran, start_date=start, end_date=end, anchor_source="absolute",
            confidence=rng.choice([0.5, 0.9]), published_at=datetime(2024, 1, 1 + rng.randrange(5), tzinfo=UTC)))
    return out


def _write_events(wh: str, key: str, articles: list[str], events_of: dict[str, list[dict]]) -> None:
    rows = [{**e, "partition_key": key} for a in articles for e in events_of[a]]
    storage.write_partition(wh, "events", key, pa.Table.from_pylist(rows, schema=schemas.EVENTS))


def _event_pool(seed: int, n: int) -> tuple[list[str], dict[str, list[dict]]]:
    """``n`` article ids and their random events (``_article_events``), drawn from ``seed``."""
    rng = random.Random(seed)
    pool = [f"a{i:03d}" for i in range(n)]
    return pool, {a: _article_events(a, rng) for a in pool}


def _timeline_of(events: list[dict]) -> pa.Table:
    """The timeline a run from scratch makes of ``events``, sorted as the year files hold it."""
    rows = sorted(cluster_events(events), key=lambda r: (r["start_date"], r["timeline_id"]))
    return pa.Table.from_pylist(rows, schema=schemas.TIMELINE)


def _write_duplicates(wh: str, articles: list[str], dups: set[str]) -> None:
    storage.replace_table(wh, "article_duplicates", pa.Table.from_pylist(
        [dict(article_id=a, canonical_id="x" if a in dups else a, duplicate_of="x" if a in dups else None)
         for a in sorted(articles)], schema=schemas.ARTICLE_DUPLICATES))


@pytest.mark.parametrize("seed", range(5))
def test_incremental_timeline_equals_from_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    from dateline import warehouse_timeline

    monkeypatch.setattr(dedupe, "MAX_EVENT_BLOCK", 5)  # larger blocks are windowed
    monkeypatch.setattr(dedupe, "EVENT_WINDOW", 2)
    monkeypatch.setattr(warehouse_timeline, "CHUNK_EVENTS", 25)  # several chunks per year
    monkeypatch.setattr(warehouse_timeline, "REPLAY_SHARE", 1.0)  # never fall back: the replay is under test
    monkeypatch.setattr(warehouse_timeline, "REPLAY_EVENTS", 4)  # regions replayed a few at a time
    monkeypatch.setattr(warehouse_timeline, "WINDOW_BLOCKS", 3)  # windowed blocks diffed a few at a time
    rng = random.Random(seed)
    pool = [f"a{i:03d}" for i in range(160)]
    events_of = {a: _article_events(a, rng) for a in pool}
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    parts = {f"p{k}": pool[k * 25 : (k + 1) * 25] for k in range(4)}
    spare = pool[100:]
    dups = set(rng.sample(pool[:100], 10))
    for key, arts in parts.items():
        _write_events(wh, key, arts, events_of)
    _write_duplicates(wh, pool, dups)
    for step in range(8):
        if step:
            op = rng.choice(["add", "remove", "rewrite", "dups", "rewrite+dups"])
            if op == "add" or len(parts) < 2:
                take, spare = spare[:12], spare[12:]
                parts[f"q{step}"] = take
                _write_events(wh, f"q{step}", take, events_of)
            elif op == "remove":
                key = rng.choice(sorted(parts))
                spare += parts.pop(key)
                storage.drop_partition(wh, "events", key)
            if op.startswith("rewrite"):
                key = rng.choice(sorted(parts))
                out = rng.sample(parts[key], k=min(len(parts[key]) - 1, rng.randrange(1, 6)))
                take, spare = spare[:5], spare[5:] + out
                parts[key] = [a for a in parts[key] if a not in out] + take
                _write_events(wh, key, parts[key], events_of)
            if op.endswith("dups"):
                current = [a for arts in parts.values() for a in arts]
                dups ^= set(rng.sample(current, 6))
                _write_duplicates(wh, pool, dups)
        stats = partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)
        assert stats["mode"] == ("incremental" if step else "full")
        assert (stats.get("full_because") == "no state describing the current files") == (step == 0)
        got = storage.read_table(wh, "timeline")
        fresh = str(tmp_path / f"fresh{step}")
        shutil.copytree(Path(wh) / "parquet", Path(fresh) / "parquet")
        fresh_stats = partitions.timeline_warehouse(fresh, workers=1)
        assert got.equals(storage.read_table(fresh, "timeline")), f"step {step}"
        current = [e for arts in parts.values() for a in arts if a not in dups for e in events_of[a]]
        expected = _timeline_of(current)
        assert got.equals(expected), f"step {step}"
        assert stats["rows"] == expected.num_rows
        summary = ("rows", "events_in", "multi_source_rows", "max_source_count", "years")
        assert {k: stats[k] for k in summary} == {k: fresh_stats[k] for k in summary}, f"step {step}"


def test_timeline_state_shards_worked_on_in_parallel_give_the_from_scratch_timeline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import warehouse_timeline as wt

    # Never fall back: the replay is under test (the variable reaches the spawned worker, the attribute this one).
    monkeypatch.setenv("DATELINE_TIMELINE_REPLAY_SHARE", "1.0")
    monkeypatch.setattr(wt, "REPLAY_SHARE", 1.0)
    monkeypatch.setattr(wt, "SHARD_POOL_MIN_BYTES", 0)  # a small state, shared with a worker all the same
    pool, events_of = _event_pool(11, 80)
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "timeline.duckdb").write_bytes(b"the one state file of earlier versions")
    for k in range(2):
        _write_events(wh, f"p{k}", pool[k * 30 : (k + 1) * 30], events_of)
    _write_duplicates(wh, pool, {"a005", "a040"})
    assert partitions.timeline_warehouse(wh, workers=2, state_dir=state_dir)["mode"] == "full"
    names = [f"timeline-{i}-of-{wt.STATE_SHARDS}.duckdb" for i in range(wt.STATE_SHARDS)]
    assert sorted(p.name for p in state_dir.glob("timeline*.duckdb")) == names
    for i, name in enumerate(names):  # each shard holds the events of its start dates, and some
        con = duckdb.connect(str(state_dir / name), read_only=True)
        days = [d for (d,) in con.execute("SELECT start_date FROM evs").fetchall()]
        con.close()
        assert days and set(wt.shards_of(pa.array(days, type=pa.date32()), wt.STATE_SHARDS).tolist()) == {i}
    _write_events(wh, "p2", pool[60:80], events_of)
    _write_duplicates(wh, pool, {"a005", "a061"})
    stats = partitions.timeline_warehouse(wh, workers=2, state_dir=state_dir)  # shard 1 in a spawned process
    assert stats["mode"] == "incremental", stats.get("full_because")
    current = [e for a in pool if a not in {"a005", "a061"} for e in events_of[a]]
    expected = _timeline_of(current)
    assert storage.read_table(wh, "timeline").equals(expected)
    assert stats["rows"] == expected.num_rows
    assert stats["years"] == len({d.year for d in expected.column("start_date").to_pylist()})


@pytest.mark.parametrize(("day", "shards", "shard"), [
    (date(1970, 1, 1), 2, 0), (date(1970, 1, 2), 2, 1), (date(1969, 12, 31), 2, 1), (date(1900, 3, 1), 1, 0),
    (date(2024, 5, 10), 3, 2),
])
def test_shard_of_a_start_date(day: date, shards: int, shard: int) -> None:
    from dateline import warehouse_timeline as wt

    assert wt.shards_of(pa.array([day], type=pa.date32()), shards).tolist() == [shard]


@pytest.mark.parametrize(("ids", "canonical", "expected"), [
    (["a", "b", "c"], ["a", "c"], [True, False, True]),
    (["a", "a", "z"], ["a"], [True, True, False]),  # repeated and unknown articles
    (["a", None, "b"], ["b"], [False, False, True]),  # an event without an article is never canonical
    ([], ["a"], []),
    (["a", "b"], [], [False, False]),
])
def test_which_articles_are_canonical(ids: list, canonical: list[str], expected: list[bool]) -> None:
    got = partitions.is_canonical(pa.array(ids, type=pa.string()), pa.array(canonical, type=pa.string()))
    assert got.to_pylist() == expected
    chunked = partitions.is_canonical(pa.chunked_array([ids[:1], ids[1:]], type=pa.string()),
                                      pa.array(canonical, type=pa.string()))
    assert chunked.to_pylist() == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcdefgh"), max_size=12), st.sets(st.sampled_from("abcdefgh")))
def test_which_articles_are_canonical_agrees_with_set_membership(ids: list[str], canonical: set[str]) -> None:
    got = partitions.is_canonical(pa.array(ids, type=pa.string()), pa.array(sorted(canonical), type=pa.string()))
    assert got.to_pylist() == [i in canonical for i in ids]


@pytest.mark.parametrize("early", [5.0, 1e12])  # the early bound decides, or the replay count does
def test_a_change_reaching_much_of_the_timeline_recomputes_it_from_scratch(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         early: float) -> None:
    from dateline import warehouse_timeline

    monkeypatch.setattr(warehouse_timeline, "EARLY_SHARE_FACTOR", early)

    pool, events_of = _event_pool(7, 60)
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    for k in range(3):
        _write_events(wh, f"p{k}", pool[k * 20 : (k + 1) * 20], events_of)
    _write_duplicates(wh, pool, set())
    assert partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)["mode"] == "full"
    storage.drop_partition(wh, "events", "p1")  # its events leave: their regions must be replayed
    monkeypatch.setattr(warehouse_timeline, "REPLAY_SHARE", 1e-9)  # any replay is too much
    stats = partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)
    assert stats["mode"] == "full"
    assert ("touches blocks" if early == 5.0 else "would replay") in stats["full_because"]
    monkeypatch.setattr(warehouse_timeline, "REPLAY_SHARE", 1.0)
    _write_events(wh, "p1", pool[20:30], events_of)  # the state written by the fallback serves the next run
    assert partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)["mode"] == "incremental"
    current = [e for a in pool[:30] + pool[40:] for e in events_of[a]]
    assert storage.read_table(wh, "timeline").equals(_timeline_of(current))


def test_dedupe_in_a_child_process_equals_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import warehouse_dedupe

    pool = _family_articles(1)
    wh = str(tmp_path / "wh")
    for k in range(3):
        _write_articles(wh, f"p{k}", pool[k * 20 : (k + 1) * 20])
    partitions.dedupe_warehouse(wh)
    expected = storage.read_table(wh, "article_duplicates")
    monkeypatch.setattr(warehouse_dedupe, "CHILD_MIN_BYTES", 0)
    stats = partitions.dedupe_warehouse(wh, state_dir=tmp_path / "state")
    assert stats["mode"] == "full" and storage.read_table(wh, "article_duplicates").equals(expected)
    _write_articles(wh, "p3", pool[60:70])  # the state the child wrote serves the next (incremental) run
    assert partitions.dedupe_warehouse(wh, state_dir=tmp_path / "state")["mode"] == "incremental"
    fresh = str(tmp_path / "fresh")
    shutil.copytree(Path(wh) / "parquet", Path(fresh) / "parquet")
    monkeypatch.setattr(warehouse_dedupe, "CHILD_MIN_BYTES", 10**12)
    partitions.dedupe_warehouse(fresh)
    assert storage.read_table(wh, "article_duplicates").equals(storage.read_table(fresh, "article_duplicates"))


# The rows an incremental timeline run rebuilds come from SQL over its state: the same rows as
# ``dedupe.timeline_row`` over the events (ranking ties, actor order, unicode clause lengths, missing fields).
_EVENT = st.fixed_dictionaries({
    "article_id": st.sampled_from(["a1", "a2", "a3", "a4"]),
    "clause": st.text(min_size=1, max_size=12),
    "trigger": st.sampled_from([None, "", "met", "said"]),
    "actors": st.one_of(st.none(), st.lists(st.sampled_from(["Paris", "Rome", "paris", "Oslo", "Émile"]), max_size=3)),
    "confidence": st.one_of(st.none(), st.sampled_from([0.25, 0.5, 0.7, 0.9])),
    "published_at": st.one_of(st.none(), st.integers(0, 10**6).map(
        lambda s: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=s, microseconds=s % 997))),
    "value": st.sampled_from(["2024-05-10", "2024-05", "2024"]),
})


@settings(max_examples=150, deadline=None)
@given(events=st.lists(_EVENT, min_size=1, max_size=12), cuts=st.lists(st.integers(0, 11), max_size=4))
def test_timeline_rows_from_the_state_equal_timeline_row(events: list[dict], cuts: list[int]) -> None:
    from dateline import warehouse_timeline as wt

    for i, e in enumerate(events):
        e.update(event_id=f"e{i:02d}", leaf="p.parquet", granularity="day", start_date=date(2024, 5, 10),
                 end_date=date(2024, 5, 11), words={"met", "plan"})
    con = duckdb.connect()
    try:
        for ddl in wt.STATE_DDL:
            con.execute(ddl)
        rows = [wt._evs_row(e, i, True, "r", "g") for i, e in enumerate(events)]
        con.register("_new", pa.Table.from_pylist(rows, schema=wt.EVS_SCHEMA))
        con.execute("INSERT INTO evs SELECT * FROM _new")
        bounds = sorted({0, len(events), *[c for c in cuts if c < len(events)]})
        groups = [list(range(lo, hi)) for lo, hi in zip(bounds, bounds[1:], strict=False) if hi > lo]
        got = wt._timeline_rows(con, groups)
    finally:
        con.close()
    assert got.to_pylist() == [dedupe.timeline_row([events[i] for i in g]) for g in groups]


_WORDS = ["storm", "hit", "coast", "town", "city", "harbour", "council", "voted", "budget"]
_event_strategy = st.fixed_dictionaries({
    "article_id": st.sampled_from(["a1", "a2", "a3"]),
    "words": st.sets(st.sampled_from(_WORDS), max_size=6),
    "actors": st.lists(st.sampled_from(["Ana", "ana", "Bo", "Council"]), max_size=3),
    "trigger": st.sampled_from([None, "", "voted", "hit"]),
    "granularity": st.sampled_from(["day", "month", "year", "decade"]),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(_event_strategy, min_size=2, max_size=8))
def test_the_state_scores_pairs_as_the_clustering_does(events: list[dict]) -> None:
    """The incremental timeline's SQL scoring (over the features the state stores) gives exactly the doubles of
    ``dedupe.feature_score``, and keeps exactly the pairs it does not refuse."""
    from dateline import warehouse_timeline as wt

    day = date(2020, 5, 1)
    for i, e in enumerate(events):
        e.update(event_id=f"e{i:02d}", leaf="p", value="2020-05-01", start_date=day, end_date=day + timedelta(days=1),
                 clause="c", confidence=None)
    con = duckdb.connect()
    for ddl in wt.STATE_DDL:
        con.execute(ddl)
    con.register("_rows", pa.Table.from_pylist([wt._evs_row(e, i, True, None, None) for i, e in enumerate(events)],
                                               schema=wt.EVS_SCHEMA))
    con.execute("INSERT INTO evs BY NAME SELECT * FROM _rows")
    pairs = [(i, j) for i in range(len(events)) for j in range(i + 1, len(events))]  # ids in sid order
    features = [dedupe.score_features(e, e["words"]) for e in events]
    expected = {(i, j): s for i, j in pairs if (s := dedupe.feature_score(features[i], features[j])) is not None}
    assert wt._score(con, pairs) == expected


@pytest.mark.parametrize("ids", [[], [3], [5, 1, 5, 2**62]])
def test_an_id_table_joins_its_ids_and_is_gone_after_the_block(ids: list[int]) -> None:
    from dateline.state import id_table

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS sid FROM range(10) UNION ALL SELECT 2**62")
    with id_table(con, "_ids", ids):
        got = [s for (s,) in con.execute("SELECT sid FROM t WHERE sid IN (SELECT id FROM _ids) ORDER BY sid").fetchall()]
    assert got == sorted(set(ids))
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM _ids")


def test_a_state_holds_its_freed_buffers_up_to_its_memory_limit_once_asked(tmp_path: Path) -> None:
    """Incremental runs ask their state connection to keep freed buffer memory for reuse; a state opened for a
    from-scratch run does not."""
    from dateline.state import STATE_MEMORY_LIMIT, StepState

    def held(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("SELECT current_setting('block_allocator_memory')").fetchone()[0]

    reference = duckdb.connect()
    reference.execute(f"SET block_allocator_memory = '{STATE_MEMORY_LIMIT}'")
    st = StepState(tmp_path, "step", "signature")
    try:
        assert held(st.con) != held(reference)
        st.hold_buffers()
        assert held(st.con) == held(reference)
    finally:
        st.close()


@pytest.mark.parametrize(
    ("old", "new", "moved", "total"),
    [
        ({}, {}, 0, 0),
        ({"t/p1.parquet": "100:1:1"}, {"t/p1.parquet": "100:1:1"}, 0, 100),  # unchanged
        ({"t/p1.parquet": "100:1:1"}, {"t/p1.parquet": "300:2:2"}, 300, 300),  # rewritten: the larger size
        ({"t/p1.parquet": "100:1:1", "t/p2.parquet": "100:1:1"}, {"t/p1.parquet": "100:1:1"}, 100, 200),  # removed
        ({"t/p1.parquet": "100:1:1"}, {"t/p1.parquet": "100:1:1", "t/p2.parquet": "50:1:1"}, 50, 150),  # added
        ({"t/year=2020/p1.parquet": "10:1:1"}, {"t/year=2020/p1.parquet": "10:1:1", "t/year=2021/p1.parquet": "30:1:1"},
         40, 40),  # a partition's files count together
        ({"t/p1.parquet": "None:1"}, {"t/p1.parquet": "20:2"}, 20, 20),  # a size a store did not give counts 0
    ],
)
def test_bytes_of_the_changed_partitions(old: dict, new: dict, moved: int, total: int) -> None:
    from dateline.state import changed_bytes

    assert changed_bytes(old, new) == (moved, total)


@pytest.mark.parametrize(
    ("moved", "share", "floor", "too_large"),
    [(10, 0.1, 0, False), (11, 0.1, 0, True), (10, 0.2, 0, False), (30, 0.1, 0, True), (30, 0.1, 30, False),
     (30, 0.1, 29, True), (0, 0.0, 0, False)],
)
def test_a_change_too_large_for_an_incremental_run(moved: int, share: float, floor: int, too_large: bool) -> None:
    """Over both the share of the table and the floor of bytes: the share is given, else None."""
    from dateline.state import too_large_a_change

    old = {"t/p1.parquet": f"{moved}:1:1", "t/p2.parquet": f"{100 - moved}:1:1"}
    new = {"t/p1.parquet": f"{moved}:2:2", "t/p2.parquet": f"{100 - moved}:1:1"}
    got = too_large_a_change(old, new, share, floor)
    assert got == (pytest.approx(moved / 100) if too_large else None)


def test_partitions_rewritten_wholesale_make_the_dedupe_recompute_from_scratch(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import warehouse_dedupe

    monkeypatch.setattr(warehouse_dedupe, "LARGE_CHANGE_BYTES", 0)
    monkeypatch.setattr(warehouse_dedupe, "INCREMENTAL_SHARE", 0.3)
    pool = _family_articles(3)
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    parts = {f"p{k}": pool[k * 12 : (k + 1) * 12] for k in range(4)}
    for key, rows in parts.items():
        _write_articles(wh, key, rows)
    assert partitions.dedupe_warehouse(wh, state_dir=state_dir)["mode"] == "full"
    _write_articles(wh, "p0", parts["p0"][:-1])  # a quarter of the articles: incremental
    stats = partitions.dedupe_warehouse(wh, state_dir=state_dir)
    assert stats["mode"] == "incremental", stats.get("full_because")
    for key in ("p1", "p2", "p3"):  # three quarters rewritten, as a new tagger version rewrites every file
        _write_articles(wh, key, parts[key][:-1])
    stats = partitions.dedupe_warehouse(wh, state_dir=state_dir)
    assert stats["mode"] == "full"
    assert "DATELINE_DEDUPE_INCREMENTAL_SHARE" in stats["full_because"]
    fresh = str(tmp_path / "fresh")
    shutil.copytree(Path(wh) / "parquet", Path(fresh) / "parquet")
    partitions.dedupe_warehouse(fresh)
    assert storage.read_table(wh, "article_duplicates").equals(storage.read_table(fresh, "article_duplicates"))


def test_event_partitions_rewritten_wholesale_make_the_timeline_recompute_from_scratch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import warehouse_timeline

    monkeypatch.setattr(warehouse_timeline, "LARGE_CHANGE_BYTES", 0)
    monkeypatch.setattr(warehouse_timeline, "REPLAY_SHARE", 0.3)
    pool, events_of = _event_pool(11, 80)
    wh, state_dir = str(tmp_path / "wh"), tmp_path / "state"
    for k in range(4):
        _write_events(wh, f"p{k}", pool[k * 20 : (k + 1) * 20], events_of)
    _write_duplicates(wh, pool, set())
    assert partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)["mode"] == "full"
    for k in (1, 2, 3):
        _write_events(wh, f"p{k}", pool[k * 20 : (k + 1) * 20 - 2], events_of)
    stats = partitions.timeline_warehouse(wh, workers=1, state_dir=state_dir)
    assert stats["mode"] == "full"
    assert "the changed partitions hold" in stats["full_because"]
    current = [e for k in range(4) for a in pool[k * 20 : (k + 1) * 20 - (2 if k else 0)] for e in events_of[a]]
    assert storage.read_table(wh, "timeline").equals(_timeline_of(current))
