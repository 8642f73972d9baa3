"""Data-quality checks over the Parquet tables, run before the database is published.

Each check is a SQL query that returns the offending rows; a check passes when
it returns none. They run in an in-memory DuckDB over the current rows of the
warehouse, never writing to the published database. When a published database
built from these tables exists, the rows of the partitions unchanged since it was
built are read from it (read-only) and only the changed partitions' Parquet files
are read: the same rows as reading every file, at the cost of the change.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dateline import storage
from dateline.schemas import TABLES

SANE_START = date(1, 1, 1)  # history ("the seventh century") is news too
SANE_END = date(2300, 1, 1)
MAX_UNRESOLVED_SHARE = 0.5


@dataclass(frozen=True)
class QualityCheck:
    name: str
    description: str
    sql: str


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    description: str
    failures: int
    sample: list[tuple]


CHECKS: dict[str, QualityCheck] = {
    c.name: c
    for c in [
        QualityCheck(
            "inputs_accounted",
            "Every input record ends in exactly one place: an article row (canonical or a duplicate in "
            "article_duplicates) or a quarantine row; inputs = articles + duplicates + quarantined.",
            """SELECT 'record in two places' AS problem, source_path, record_index
               FROM (SELECT source_path, record_index FROM articles
                     UNION ALL SELECT source_path, record_index FROM quarantine)
               GROUP BY ALL HAVING count(*) > 1
               UNION ALL
               SELECT 'article missing from article_duplicates', a.source_path, a.record_index
               FROM articles a ANTI JOIN article_duplicates d USING (article_id)
               UNION ALL
               SELECT 'article listed twice in article_duplicates', article_id, count(*)
               FROM article_duplicates GROUP BY article_id HAVING count(*) > 1""",
        ),
        QualityCheck(
            "events_have_articles",
            "Every event belongs to an ingested article (no orphan events).",
            "SELECT e.event_id, e.article_id FROM events e ANTI JOIN articles a USING (article_id)",
        ),
        QualityCheck(
            "intervals_ordered",
            "Every interval is non-empty: start_date < end_date (half-open) in mentions, events and timeline.",
            """SELECT 'mentions', mention_id FROM mentions WHERE start_date >= end_date
               UNION ALL SELECT 'events', event_id FROM events WHERE start_date >= end_date
               UNION ALL SELECT 'timeline', timeline_id FROM timeline WHERE start_date >= end_date""",
        ),
        QualityCheck(
            "event_ids_unique",
            "event_id identifies one event: no id appears twice in events.",
            "SELECT event_id, count(*) FROM events GROUP BY event_id HAVING count(*) > 1",
        ),
        QualityCheck(
            "timeline_unique",
            "The timeline holds each timeline_id once and each event in at most one timeline row.",
            """SELECT timeline_id, count(*) FROM timeline GROUP BY timeline_id HAVING count(*) > 1
               UNION ALL
               SELECT eid, count(*) FROM (SELECT unnest(event_ids) AS eid FROM timeline) GROUP BY eid HAVING count(*) > 1""",
        ),
        QualityCheck(
            "dates_in_sane_range",
            f"Event dates lie between {SANE_START} and {SANE_END}.",
            f"""SELECT event_id, start_date FROM events
                WHERE start_date < DATE '{SANE_START}' OR end_date > DATE '{SANE_END}'""",
        ),
        QualityCheck(
            "unresolved_share",
            f"At most {MAX_UNRESOLVED_SHARE:.0%} of the mentions of the warehouse are unresolved.",
            f"""SELECT count(*) FILTER (anchor_source = 'unresolved') AS unresolved, count(*) AS total
                FROM mentions HAVING count(*) > 0
                AND count(*) FILTER (anchor_source = 'unresolved') > {MAX_UNRESOLVED_SHARE} * count(*)""",
        ),
    ]
}


# The columns the checks read, per table: only these are loaded.
CHECK_COLUMNS: dict[str, list[str]] = {
    "articles": ["article_id", "source_path", "record_index", "partition_key"],
    "quarantine": ["source_path", "record_index", "partition_key"],
    "mentions": ["mention_id", "start_date", "end_date", "anchor_source", "partition_key"],
    "events": ["event_id", "article_id", "start_date", "end_date", "partition_key"],
    "article_duplicates": ["article_id"],
    "timeline": ["timeline_id", "start_date", "end_date", "event_ids"],
}


def _published(db_dir: str | Path | None) -> Path | None:
    if db_dir is None:
        return None
    path = Path(db_dir) / storage.DB_FILENAME
    return path if path.exists() else None


def check_connection(warehouse: str | Path, db_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table holding the warehouse's current rows (``CHECK_COLUMNS``).

    With the published database of ``db_dir`` (when it records the files it was built from, see
    ``storage.build_duckdb``), each view is that database's rows minus the partitions whose files changed
    since, plus those partitions' rows read from their current files; otherwise every file is read."""
    con = storage.connect_bounded(temp_directory=tempfile.gettempdir())
    base = _published(db_dir)
    manifest: dict[str, dict[str, str]] | None = None
    if base is not None:
        try:
            con.execute(f"ATTACH '{str(base).replace(chr(39), chr(39) * 2)}' AS prev (READ_ONLY)")
            signature, manifest = storage.read_manifest(con, "prev")
            if signature is None:
                manifest = None
        except duckdb.Error:
            manifest = None
    for name, schema in TABLES.items():
        cols = CHECK_COLUMNS[name]
        columns = ", ".join(f'"{c}"' for c in cols)
        listing = storage.file_fingerprints(warehouse, name)
        con.register(f"_{name}_empty", schema.empty_table().select(cols))
        con.execute(f"CREATE TEMP TABLE changed_{name} AS SELECT {columns} FROM _{name}_empty")
        con.unregister(f"_{name}_empty")
        if manifest is None:
            storage.load_parquet(con, warehouse, f"changed_{name}", listing, listing, cols)
            con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM changed_{name}")
            continue
        units = storage.changed_units(name, manifest.get(name, {}), listing)
        storage.load_parquet(con, warehouse, f"changed_{name}",
                             [p for p in listing if storage.unit_of(name, p) in units], listing, cols)
        relation = f"prev.{storage.DB_TABLE_NAMES.get(name, name)}"
        stale = storage.unit_predicate(name, units, con, relation)
        con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM {relation} WHERE NOT ({stale}) "
                    f"UNION ALL SELECT {columns} FROM changed_{name}")
    return con


def run_checks(warehouse: str | Path, names: Sequence[str] | None = None, sample_size: int = 5,
               db_dir: str | Path | None = None) -> list[CheckOutcome]:
    """Run the named checks (default: all) over the current rows of ``warehouse`` (see ``check_connection``)."""
    con = check_connection(warehouse, db_dir)
    try:
        out = []
        for name in names if names is not None else list(CHECKS):
            check = CHECKS[name]
            rows = con.execute(check.sql).fetchall()
            out.append(CheckOutcome(name, not rows, check.description, len(rows), rows[:sample_size]))
        return out
    finally:
        con.close()


def run_check(warehouse: str | Path, name: str, sample_size: int = 5, db_dir: str | Path | None = None) -> CheckOutcome:
    """Run one named check over the current rows of ``warehouse``."""
    return run_checks(warehouse, [name], sample_size, db_dir)[0]
