"""Data-quality checks over the Parquet tables, run before the database is published.

Each check is a SQL query that returns the offending rows; a check passes when
it returns none. They run in an in-memory DuckDB over the Parquet files, so
they never touch the published database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dateline.schemas import TABLES, YEAR_PARTITIONED
from dateline.storage import bounded_duckdb_config, duckdb_paths, table_files

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


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def parquet_connection(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per Parquet table (empty tables when no files yet)."""
    con = duckdb.connect(config=bounded_duckdb_config())
    for name, schema in TABLES.items():
        files = duckdb_paths(con, warehouse, table_files(warehouse, name))
        if files:
            hive = "true" if name in YEAR_PARTITIONED else "false"
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_sql_list(files)}, hive_partitioning = {hive}, union_by_name = true)"
            )
        else:
            con.register(f"{name}_empty", schema.empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_empty")
    return con


def run_check(warehouse: str | Path, name: str, sample_size: int = 5) -> CheckOutcome:
    """Run one named check over the Parquet tables of ``warehouse``."""
    check = CHECKS[name]
    con = parquet_connection(warehouse)
    try:
        rows = con.execute(check.sql).fetchall()
    finally:
        con.close()
    return CheckOutcome(name, not rows, check.description, len(rows), rows[:sample_size])
