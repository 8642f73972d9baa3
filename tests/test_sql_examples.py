"""sql/: every table and view is described, views answer (also on an empty warehouse), and every analyst
example in sql/examples/ runs as-is against the published database of the sample and returns rows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dateline import storage
from dateline.schemas import TABLES
from pipelines.runner import run_pipeline

REPO = Path(__file__).resolve().parents[1]
SQL_DIR = REPO / "sql"
EXAMPLES = sorted((SQL_DIR / "examples").glob("*.sql"))
VIEWS = ["timeline", "canonical_events", "events_by_month", "actor_timeline", "timeline_salience", "coverage"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's data layout: <root>/data/warehouse built from a copy of the sample inbox."""
    root = tmp_path_factory.mktemp("sql")
    shutil.copytree(REPO / "data" / "inbox", root / "data" / "inbox")
    run_pipeline(root / "data" / "inbox", root / "data" / "warehouse")
    return root


@pytest.fixture()
def con(root: Path):
    # Examples that read Parquet use paths relative to the repository root, as an analyst runs them.
    cwd = os.getcwd()
    os.chdir(root)
    c = duckdb.connect(str(root / "data" / "warehouse" / "timeline.duckdb"), read_only=True)
    try:
        yield c
    finally:
        c.close()
        os.chdir(cwd)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_and_returns_rows(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    text = path.read_text()
    assert text.startswith("-- "), f"{path.name} starts with a comment saying what it answers"
    cur = con.execute(text)
    rows = cur.fetchall()
    assert rows, f"{path.name} returned no rows on the sample"
    assert all(d[0] for d in cur.description)


def test_every_table_and_view_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    relations = con.execute(
        """SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal
           UNION ALL
           SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"""
    ).fetchall()
    names = {r[0] for r in relations}
    assert set(TABLES) | {"dateline_meta"} | set(VIEWS) <= names
    assert [r[0] for r in relations if not r[1]] == []
    missing = con.execute(
        """SELECT table_name || '.' || column_name FROM duckdb_columns()
           WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')"""
    ).fetchall()
    assert missing == []


def test_canonical_events_columns_say_what_events_columns_say(con: duckdb.DuckDBPyConnection) -> None:
    def comments(rel: str) -> list[tuple]:
        return con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [rel]
        ).fetchall()

    assert comments("canonical_events") == comments("events")


def test_select_star_from_timeline_is_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT start_date, end_date FROM timeline").fetchall()
    assert len(rows) >= 5
    assert rows == sorted(rows, reverse=True)
    assert con.execute("SELECT count(*) FROM timeline").fetchone()[0] == len(
        storage.read_table(Path("data/warehouse"), "timeline")
    ), "re-ordering loses no rows"


def test_views_agree_with_the_tables(con: duckdb.DuckDBPyConnection) -> None:
    one = con.execute
    assert one("SELECT sum(mentions) FROM coverage").fetchone()[0] == one("SELECT count(*) FROM mentions").fetchone()[0]
    assert one("SELECT count(*) FROM coverage").fetchone()[0] == one("SELECT count(*) FROM articles").fetchone()[0]
    assert one("SELECT count(*) FROM actor_timeline").fetchone()[0] == one(
        "SELECT coalesce(sum(len(actors)), 0) FROM timeline").fetchone()[0]
    top = one("SELECT independent_sources FROM timeline_salience WHERE rank = 1").fetchall()
    assert top and {r[0] for r in top} == {one("SELECT max(independent_sources) FROM timeline_salience").fetchone()[0]}
    assert one("SELECT sum(events) FROM events_by_month").fetchone()[0] == one(
        "SELECT count(*) FROM canonical_events WHERE start_date IS NOT NULL").fetchone()[0]


def test_views_answer_on_an_empty_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    counts = storage.build_duckdb(tmp_path / "warehouse", SQL_DIR, db)
    assert set(counts.values()) == {0}
    c = duckdb.connect(str(db), read_only=True)
    try:
        for view in VIEWS:
            assert c.execute(f"SELECT count(*) FROM {view}").fetchone()[0] == 0, view
        for path in EXAMPLES:
            if "read_parquet" not in path.read_text():
                c.execute(path.read_text()).fetchall()
    finally:
        c.close()
