"""Read-only queries against the published timeline database (parameterised, never string-built)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from dateline.storage import DB_FILENAME


class WarehouseMissing(FileNotFoundError):
    """The warehouse has no published database yet."""


def open_published(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``<warehouse>/timeline.duckdb``; never blocks a pipeline run."""
    path = Path(warehouse) / DB_FILENAME
    if not path.exists():
        raise WarehouseMissing(f"no database at {path}: run `dateline run --warehouse {warehouse}` first")
    return duckdb.connect(str(path), read_only=True)


TIMELINE_COLUMNS = ["start_date", "value", "granularity", "source_count", "actors", "description"]


def timeline_rows(
    warehouse: Path,
    actor: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
) -> tuple[list[str], list[tuple]]:
    """Timeline rows in date order, optionally for one actor (case-insensitive) and a date range.

    A row is kept when its interval overlaps ``[date_from, date_to]``.
    """
    where, params = [], []
    if actor:
        where.append("list_contains(list_transform(actors, a -> lower(a)), lower(?))")
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
    sql += " ORDER BY start_date, end_date, timeline_id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    con = open_published(warehouse)
    try:
        return TIMELINE_COLUMNS, con.execute(sql, params).fetchall()
    finally:
        con.close()
