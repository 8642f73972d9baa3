"""Read-only queries against the published timeline database (parameterised, never string-built)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from dateline.schemas import SCHEMA_VERSION
from dateline.storage import DB_FILENAME


class WarehouseMissing(FileNotFoundError):
    """The warehouse has no published database yet."""


class WarehouseUnreadable(RuntimeError):
    """The published database exists but cannot be read as a dateline warehouse."""


def db_path(warehouse: Path) -> Path:
    return Path(warehouse) / DB_FILENAME


def open_published(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``<warehouse>/timeline.duckdb``; never blocks a pipeline run."""
    warehouse = Path(warehouse)
    path = db_path(warehouse)
    if not warehouse.is_dir():
        raise WarehouseMissing(
            f"warehouse {warehouse} does not exist yet: build it with `dateline run --warehouse {warehouse}`"
        )
    if not path.is_file():
        raise WarehouseMissing(
            f"no published database at {path}: run `dateline run --warehouse {warehouse}` first"
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        raise WarehouseUnreadable(f"cannot open {path}: {e}") from e


def schema_warning(con: duckdb.DuckDBPyConnection) -> str | None:
    """A message when the database was built with another schema version than this code reads."""
    try:
        row = con.execute("SELECT schema_version FROM dateline_meta").fetchone()
    except duckdb.Error:
        return "the database has no dateline_meta table: it was not built by dateline"
    if row is None or row[0] != SCHEMA_VERSION:
        found = None if row is None else row[0]
        return f"the database has schema version {found}, this dateline reads version {SCHEMA_VERSION}: rebuild it with `dateline run`"
    return None


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params or [])
    return [d[0] for d in cur.description], cur.fetchall()


# ---------------------------------------------------------------------------------------------------------------
# Dates for people

_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "AU": "autumn", "WI": "winter"}
_PARTS_OF_DAY = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def human_date(value: str | None, granularity: str | None, start: date | None, end: date | None = None) -> str:
    """A date the way a person writes it: '11 Mar 2024', 'week of 4 Mar 2024', 'summer 2019', '1990s'."""
    value = value or ""
    if start is None:
        return value or "undated"
    g = (granularity or "").lower()
    if g == "day":
        return _day(start)
    if g == "time":
        _, _, t = value.partition("T")
        part = _PARTS_OF_DAY.get(t[:2]) if t else None
        return f"{_day(start)}, {part}" if part else f"{_day(start)} {t}".rstrip()
    if g == "week":
        return f"week of {_day(start)}"
    if g == "month":
        return f"{start:%b %Y}"
    if g == "season":
        season = _SEASONS.get(value[-2:].upper())
        return f"{season} {start.year}" if season else f"{start:%b %Y} season"
    if g == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if g == "half":
        return f"H{1 if start.month <= 6 else 2} {start.year}"
    if g == "year":
        return str(start.year)
    if g == "decade":
        return f"{start.year}s"
    if g == "century":
        return f"{start.year}s"
    if end is not None and end - start == timedelta(days=1):
        return _day(start)
    if end is not None:
        return f"{_day(start)} – {_day(end - timedelta(days=1))}"
    return value or _day(start)


# ---------------------------------------------------------------------------------------------------------------
# The timeline

TIMELINE_COLUMNS = [
    "start_date",
    "end_date",
    "value",
    "granularity",
    "source_count",
    "actors",
    "trigger",
    "description",
    "first_reported",
    "timeline_id",
]


def timeline_rows(
    warehouse: Path,
    actor: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> tuple[list[str], list[tuple]]:
    """Timeline rows in date order, optionally for one actor (case-insensitive) and a date range.

    A row is kept when its interval ``[start_date, end_date)`` overlaps the days ``date_from`` to
    ``date_to`` (both inclusive).
    """
    where: list[str] = []
    params: list[Any] = []
    if actor:
        # No list lambdas: their syntax changed between DuckDB versions.
        where.append("timeline_id IN (SELECT timeline_id FROM actor_timeline WHERE lower(actor) = lower(?))")
        params.append(actor)
    if date_from:
        where.append("end_date > ?")
        params.append(date_from)
    if date_to:
        where.append("start_date <= ?")
        params.append(date_to)
    sql = f"SELECT {', '.join(TIMELINE_COLUMNS)} FROM timeline"
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if newest_first else "ASC"
    sql += f" ORDER BY start_date {direction}, end_date {direction}, timeline_id"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    con = open_published(warehouse)
    try:
        return _fetch(con, sql, params)
    finally:
        con.close()


def actor_names(warehouse: Path, like: str, limit: int = 5) -> list[str]:
    """Actors whose name contains ``like`` (case-insensitive), most frequent first: suggestions for a typo."""
    con = open_published(warehouse)
    try:
        rows = con.execute(
            "SELECT actor FROM actor_timeline WHERE actor ILIKE ? GROUP BY actor ORDER BY count(*) DESC, actor LIMIT ?",
            [f"%{like}%", limit],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


# ---------------------------------------------------------------------------------------------------------------
# Coverage figures

_SUMMARY_SQL = """
SELECT
    (SELECT count(*) FROM articles) AS articles,
    (SELECT count(*) FROM article_duplicates WHERE duplicate_of IS NOT NULL) AS duplicate_articles,
    (SELECT count(*) FROM quarantine) AS quarantined_records,
    (SELECT count(*) FROM mentions) AS mentions,
    (SELECT count(*) FROM mentions WHERE anchor_source IN ('absolute', 'published_at')) AS resolved,
    (SELECT count(*) FROM mentions WHERE anchor_source = 'inferred') AS inferred,
    (SELECT count(*) FROM mentions WHERE anchor_source = 'unresolved') AS unresolved,
    (SELECT count(*) FROM events) AS events,
    (SELECT count(*) FROM timeline) AS timeline_events,
    (SELECT count(*) FROM timeline WHERE source_count > 1) AS multi_source_events,
    (SELECT count(DISTINCT actor) FROM actor_timeline) AS actors,
    (SELECT min(start_date) FROM timeline) AS first_date,
    (SELECT max(start_date) FROM timeline) AS last_date,
    (SELECT schema_version FROM dateline_meta) AS schema_version,
    (SELECT built_at FROM dateline_meta) AS built_at
"""

_BY_FILE_SQL = """
SELECT c.source_path,
       count(*) AS articles,
       sum(c.mentions)::BIGINT AS mentions,
       sum(c.resolved)::BIGINT AS resolved,
       sum(c.inferred)::BIGINT AS inferred,
       sum(c.unresolved)::BIGINT AS unresolved,
       (SELECT count(*) FROM quarantine q WHERE q.source_path = c.source_path) AS quarantined
FROM coverage c
GROUP BY c.source_path
UNION ALL
SELECT q.source_path, 0, 0, 0, 0, 0, count(*)
FROM quarantine q
WHERE q.source_path NOT IN (SELECT source_path FROM articles)
GROUP BY q.source_path
ORDER BY source_path
"""


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def stats(warehouse: Path) -> dict[str, Any]:
    """Coverage figures of the published database: a summary and one row per input file."""
    con = open_published(warehouse)
    try:
        cols, rows = _fetch(con, _SUMMARY_SQL)
        summary = dict(zip(cols, rows[0], strict=True))
        by_file_cols, by_file = _fetch(con, _BY_FILE_SQL)
        warning = schema_warning(con)
    finally:
        con.close()
    summary["pct_resolved"] = _pct(summary["resolved"], summary["mentions"])
    summary["pct_inferred"] = _pct(summary["inferred"], summary["mentions"])
    summary["pct_unresolved"] = _pct(summary["unresolved"], summary["mentions"])
    return {
        "summary": summary,
        "by_file": [dict(zip(by_file_cols, r, strict=True)) for r in by_file],
        "warning": warning,
    }
