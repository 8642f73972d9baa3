"""End to end: materialise every Dagster asset into a temp warehouse and query the published DuckDB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
from pipelines.resources import default_resources
from pipelines.runner import run_pipeline

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
SAMPLE_INBOX = REPO / "data" / "inbox"


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole pipeline on a copy of the sample inbox."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE_INBOX, root / "inbox")
    report = run_pipeline(root / "inbox", root / "warehouse")
    assert report.db_path is not None and report.db_path.exists()
    return root


def test_sample_inbox_gives_a_timeline(sample_run: Path) -> None:
    db = sample_run / "warehouse" / "timeline.duckdb"
    rows = query(db, "SELECT start_date, end_date, value, source_count, description FROM timeline ORDER BY start_date")
    assert len(rows) >= 5
    assert all(r[0] < r[1] for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert max(r[3] for r in rows) >= 2, "the sample reports at least one event from two outlets"
    # The syndicated near-copy is recognised, and events come from canonical articles only.
    assert query(db, "SELECT count(*) FROM article_duplicates WHERE duplicate_of IS NOT NULL")[0][0] >= 1
    orphans = query(
        db,
        """SELECT count(*) FROM timeline t, unnest(t.sources) s(a)
           JOIN article_duplicates d ON d.article_id = s.a WHERE d.duplicate_of IS NOT NULL""",
    )
    assert orphans[0][0] == 0
    # The deliberately malformed line is quarantined with its reason, not lost.
    assert query(db, "SELECT count(*) FROM quarantine WHERE reason = 'malformed_json'")[0][0] >= 1
    # Analyst views answer.
    for view in ["events_by_month", "actor_timeline", "timeline_salience", "coverage", "canonical_events"]:
        assert query(db, f"SELECT count(*) FROM {view}")[0][0] > 0, view


def test_parquet_is_hive_partitioned_by_year(sample_run: Path) -> None:
    events_dir = sample_run / "warehouse" / "parquet" / "events"
    years = {p.name for p in events_dir.iterdir() if p.is_dir()}
    assert years and all(y.startswith("year=") for y in years)
    con = duckdb.connect()
    n = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) WHERE year = 2025",
        [str(events_dir / "*" / "*.parquet")],
    ).fetchone()[0]
    assert n >= 0


def test_rerun_changes_nothing(sample_run: Path) -> None:
    db = sample_run / "warehouse" / "timeline.duckdb"
    tables = ["articles", "quarantine", "mentions", "events", "article_duplicates", "timeline"]

    def snapshot() -> dict[str, list[tuple]]:
        return {t: sorted(map(repr, query(db, f"SELECT * FROM {t}"))) for t in tables}

    before = snapshot()
    run_pipeline(sample_run / "inbox", sample_run / "warehouse")
    assert snapshot() == before


def test_removed_file_leaves_the_warehouse(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE_INBOX, tmp_path / "inbox")
    run_pipeline(tmp_path / "inbox", tmp_path / "warehouse")
    db = tmp_path / "warehouse" / "timeline.duckdb"
    victim = sorted((tmp_path / "inbox").glob("*.txt"))[0]
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = ?", [victim.name])[0][0] >= 1
    victim.unlink()
    run_pipeline(tmp_path / "inbox", tmp_path / "warehouse")
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = ?", [victim.name])[0][0] == 0


def test_assets_materialise_with_dagster_and_checks_pass(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.jsonl").write_text(
        json.dumps({"url": "https://example.org/a", "title": "Talks", "published_at": "2024-05-10",
                    "text": "Negotiators met in Geneva on Monday. They will meet again in June."}) + "\n"
    )
    resources = default_resources(str(inbox), str(tmp_path / "warehouse"))
    everything = [*ALL_ASSETS, *ALL_CHECKS]
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("inbox_files", ["one.jsonl"])
        per_file = materialize(everything, selection=["raw_articles", "temporal_mentions", "events"],
                               partition_key="one.jsonl", instance=instance, resources=resources)
        assert per_file.success
        whole = materialize(everything, selection=["article_duplicates", "timeline", "timeline_db"],
                            instance=instance, resources=resources)
        assert whole.success
        evaluations = whole.get_asset_check_evaluations()
        assert evaluations and all(e.passed for e in evaluations)
        mats = {m.asset_key.to_user_string(): m for m in whole.get_asset_materialization_events()}
        assert mats["timeline_db"].materialization.metadata["dagster/row_count"].value == 2
    rows = query(tmp_path / "warehouse" / "timeline.duckdb",
                 "SELECT value, start_date FROM timeline ORDER BY start_date")
    assert rows == [("2024-05-06", date(2024, 5, 6)), ("2024-06", date(2024, 6, 1))]


ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM timeline").fetchone()[0], flush=True)
sys.stdin.readline()  # hold the connection open until the test says so
print(con.execute("SELECT count(*) FROM timeline").fetchone()[0], flush=True)
"""


def test_reader_holding_the_database_does_not_block_a_run(sample_run: Path, tmp_path: Path) -> None:
    """An analyst in another process keeps a read-only connection open while the pipeline publishes."""
    shutil.copytree(sample_run / "inbox", tmp_path / "inbox")
    run_pipeline(tmp_path / "inbox", tmp_path / "warehouse")
    db = tmp_path / "warehouse" / "timeline.duckdb"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        before = int(analyst.stdout.readline())
        (tmp_path / "inbox" / "late.jsonl").write_text(
            json.dumps({"url": "https://example.org/late", "published_at": "2025-02-03",
                        "text": "The regional parliament approved the budget on Tuesday after a long debate."}) + "\n"
        )
        run_pipeline(tmp_path / "inbox", tmp_path / "warehouse")
        out, _ = analyst.communicate("go\n", timeout=60)
        assert int(out.strip()) == before, "the analyst keeps a consistent snapshot"
    finally:
        analyst.kill()
    assert query(db, "SELECT count(*) FROM timeline")[0][0] == before + 1


def test_backfill_over_all_partitions_in_one_run_with_a_process_pool(tmp_path: Path) -> None:
    """A single-run backfill of every file partition, fanned out over two processes, then one
    partition re-materialised after its file changed: exactly its rows are replaced."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from pipelines.resources import DatelineConfig

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(4):
        (inbox / f"f{i}.jsonl").write_text(
            json.dumps({"url": f"https://example.org/{i}", "published_at": f"2024-0{i + 1}-15",
                        "text": f"Story {i}: the council voted on Monday and will meet again next month."}) + "\n"
        )
    wh = tmp_path / "warehouse"
    resources = {**default_resources(str(inbox), str(wh)),
                 "dateline": DatelineConfig(inbox_dir=str(inbox), warehouse_dir=str(wh), workers=2)}
    keys = [f"f{i}.jsonl" for i in range(4)]
    everything = [*ALL_ASSETS, *ALL_CHECKS]
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("inbox_files", keys)
        tags = {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("dateline.partitions.POOL_MIN_BYTES", 0)  # force the pool on tiny files
            result = materialize(everything, selection=["raw_articles", "temporal_mentions", "events"],
                                 tags=tags, instance=instance, resources=resources)
        assert result.success
        from dateline import storage

        events = storage.read_table(wh, "events")
        assert sorted(set(events.column("partition_key").to_pylist())) == keys
        assert events.num_rows == 8  # "on Monday" and "next month" in each file

        (inbox / "f2.jsonl").write_text(
            json.dumps({"url": "https://example.org/2", "published_at": "2024-03-15",
                        "text": "Story 2 rewritten: the mayor resigned on Friday."}) + "\n"
        )
        again = materialize(everything, selection=["raw_articles", "temporal_mentions", "events"],
                            partition_key="f2.jsonl", instance=instance, resources=resources)
        assert again.success
        events = storage.read_table(wh, "events")
        per_key = {k: events.column("partition_key").to_pylist().count(k) for k in keys}
        assert per_key == {"f0.jsonl": 2, "f1.jsonl": 2, "f2.jsonl": 1, "f3.jsonl": 2}


def _process_identity(stat_line: str) -> tuple[int, int]:
    """(pid, start time in clock ticks) from a /proc/<pid>/stat line: one process, even once its pid is reused."""
    fields = stat_line[stat_line.rindex(")") + 2 :].split()
    return int(stat_line.split(" ", 1)[0]), int(fields[19])  # field 22 of the line: starttime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process identities are read from /proc")
def test_kept_workers_serve_successive_stages_and_exit_with_the_block() -> None:
    """Inside ``kept_workers`` a second fan-out runs in the processes of the first (no new start-up);
    outside it each call has processes of its own; the kept ones are gone when the block ends. Processes are
    told apart by pid and start time: a busy machine reuses pids (a whole test run starts thousands)."""
    import operator
    import os

    from dateline.partitions import kept_workers, map_partitions

    def workers() -> set[tuple[int, int]]:
        lines = map_partitions(operator.call, [(Path.read_text, Path("/proc/self/stat"))] * 4, workers=2)
        return {_process_identity(line) for line in lines}

    def alive(identity: tuple[int, int]) -> bool:
        try:
            return _process_identity(Path(f"/proc/{identity[0]}/stat").read_text()) == identity
        except (FileNotFoundError, ProcessLookupError):
            return False

    with kept_workers():
        first, second = workers(), workers()
        kept = first | second  # a call may leave one of the pool's two workers idle, so compare the union
        assert all(alive(w) for w in kept)  # per-call pools would have ended the first call's processes
    assert os.getpid() not in {pid for pid, _ in kept} and len(kept) <= 2
    assert not any(alive(w) for w in kept)
    assert not workers() & workers()


def test_headless_run_with_kept_workers_over_the_pool(tmp_path: Path) -> None:
    """The runner's per-file stages share one pool: every file's events arrive, and a second run is a no-op."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"f{i}.jsonl").write_text(json.dumps(
            {"url": f"https://example.org/{i}", "published_at": f"2024-0{i + 1}-15",
             "text": f"Story {i}: the council voted on Monday and will meet again next month."}) + "\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("dateline.partitions.POOL_MIN_BYTES", 0)  # force the pool on tiny files
        run_pipeline(inbox, tmp_path / "warehouse", workers=2)
        db = tmp_path / "warehouse" / "timeline.duckdb"
        assert query(db, "SELECT count(DISTINCT partition_key), count(*) FROM events") == [(3, 6)]
        assert len(run_pipeline(inbox, tmp_path / "warehouse", workers=2).run_ids) == 1  # nothing stale: no per-file run


def test_same_url_in_two_files_is_one_canonical_article_and_one_duplicate(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    record = json.dumps({"url": "https://example.org/same", "published_at": "2024-05-10",
                         "text": "The museum reopened on Saturday after two years of work."}) + "\n"
    (inbox / "monday.jsonl").write_text(record)
    (inbox / "tuesday.jsonl").write_text(record)
    run_pipeline(inbox, tmp_path / "warehouse")
    db = tmp_path / "warehouse" / "timeline.duckdb"
    assert query(db, "SELECT count(DISTINCT article_id), count(*) FROM articles") == [(2, 2)]
    assert query(db, "SELECT count(*) FROM article_duplicates WHERE method = 'exact'") == [(1,)]
    assert query(db, "SELECT count(*) FROM events") == [(2,)]
    assert query(db, "SELECT source_count FROM timeline") == [(1,)]


def test_a_tagger_failure_on_one_article_does_not_sink_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    from dateline import pipeline, schemas

    real_tag = pipeline.tag

    def flaky(text, dct=None):
        if "poison" in text:
            raise RecursionError("pathological input")
        return real_tag(text, dct)

    monkeypatch.setattr(pipeline, "tag", flaky)
    arts = pa.Table.from_pylist(
        [{"article_id": "ok", "text": "It rained on Monday.", "published_at": None, "partition_key": "k"},
         {"article_id": "bad", "text": "poison pill in 2012", "published_at": None, "partition_key": "k"}],
        schema=schemas.ARTICLES,
    )
    mentions, errors = pipeline.tag_articles(arts)
    assert set(mentions.column("article_id").to_pylist()) == {"ok"}
    assert errors == [{"article_id": "bad", "error": "RecursionError: pathological input"}]


def test_every_sample_input_is_accounted_for(sample_run: Path) -> None:
    """inputs = articles (canonical + duplicates) + quarantined, counted record by record."""
    from dateline.ingest import read_inbox

    inputs = read_inbox(sample_run / "inbox")
    db = sample_run / "warehouse" / "timeline.duckdb"
    canonical, duplicates = query(
        db, "SELECT count(*) FILTER (duplicate_of IS NULL), count(*) FILTER (duplicate_of IS NOT NULL) FROM article_duplicates"
    )[0]
    quarantined = query(db, "SELECT count(*) FROM quarantine")[0][0]
    assert len(inputs.articles) + len(inputs.quarantined) == canonical + duplicates + quarantined
    assert duplicates >= 1 and quarantined >= 1


@pytest.mark.parametrize(
    "fallback, value, anchor",
    [(None, "XXXX-WXX-1", "unresolved"), (date(2024, 5, 10), "2024-05-06", "inferred")],
)
def test_dct_fallback_policy_for_undated_articles(fallback, value: str, anchor: str) -> None:
    import pyarrow as pa

    from dateline import pipeline, schemas

    arts = pa.Table.from_pylist(
        [{"article_id": "a", "text": "The council met on Monday.", "published_at": None, "partition_key": "k"}],
        schema=schemas.ARTICLES,
    )
    mentions, _ = pipeline.tag_articles(arts, fallback)
    assert mentions.select(["value", "anchor_source"]).to_pylist() == [{"value": value, "anchor_source": anchor}]


def test_file_date_policy_reads_the_inbox_files_day(tmp_path: Path) -> None:
    import os

    from dateline.partitions import fallback_dct

    f = tmp_path / "a.txt"
    f.write_text("x")
    stamp = datetime(2024, 5, 10, 12, tzinfo=UTC).timestamp()
    os.utime(f, (stamp, stamp))
    assert fallback_dct(str(tmp_path), "a.txt", "file_date") == date(2024, 5, 10)
    assert fallback_dct(str(tmp_path), "a.txt", "infer") is None
    with pytest.raises(ValueError, match="unknown DCT fallback"):
        fallback_dct(str(tmp_path), "a.txt", "guess")
