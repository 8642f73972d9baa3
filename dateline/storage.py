"""Parquet layout of the warehouse and the atomic DuckDB publish.

Layout (stable, documented in the README)::

    <warehouse>/parquet/<table>/<file-key>.parquet                 # articles, quarantine, ...
    <warehouse>/parquet/<table>/year=YYYY/<file-key>.parquet       # mentions, events, timeline
    <warehouse>/parquet/<table>/year=__HIVE_DEFAULT_PARTITION__/... # rows without a date
    <warehouse>/timeline.duckdb                                    # built from sql/, published by rename

Each pipeline partition (one inbox file) owns exactly the files named after its
key, so re-writing a partition replaces exactly its rows.

``warehouse`` is a local path or any fsspec URL (``s3://bucket/wh``,
``gs://...``, ``memory://wh``): Parquet goes wherever the URL points. The
DuckDB file is always local (DuckDB cannot write to object storage); for a
remote warehouse ``publish_duckdb`` takes the local folder to publish into.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import shutil
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from dateline.schemas import SCHEMA_VERSION, TABLES, YEAR_PARTITIONED

log = logging.getLogger(__name__)

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
WHOLE_TABLE_KEY = "__all__"
DB_FILENAME = "timeline.duckdb"
# Parquet tables whose DuckDB table has another name, because a view takes the Parquet name.
DB_TABLE_NAMES = {"timeline": "timeline_events"}


Warehouse = str | Path


def _fs(warehouse: Warehouse) -> tuple[fsspec.AbstractFileSystem, str]:
    """The filesystem of a warehouse location and the location's path on it."""
    fs, root = fsspec.core.url_to_fs(str(warehouse))
    return fs, root.rstrip("/")


def is_local(warehouse: Warehouse) -> bool:
    return "://" not in str(warehouse) or str(warehouse).startswith("file://")


def parquet_root(warehouse: Warehouse) -> str:
    """Path of the Parquet tree on the warehouse's filesystem."""
    return _fs(warehouse)[1] + "/parquet"


def file_key(partition_key: str) -> str:
    """A file-name-safe, collision-free name for a partition key."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", partition_key).strip("._")[:80] or "key"
    return f"{safe}-{hashlib.sha1(partition_key.encode()).hexdigest()[:8]}"


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Select and cast ``table`` to ``schema`` (missing columns become NULL)."""
    cols = []
    for field in schema:
        if field.name in table.column_names:
            cols.append(table.column(field.name).cast(field.type))
        else:
            cols.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _split_by_year(table: pa.Table) -> dict[str, pa.Table]:
    if table.num_rows == 0:
        return {}
    years = pc.year(table.column("start_date"))
    parts: dict[str, pa.Table] = {}
    for year in sorted({y for y in years.to_pylist()}, key=lambda y: (y is None, y)):
        mask = pc.is_null(years) if year is None else pc.equal(years, year)
        parts[HIVE_NULL if year is None else str(year)] = table.filter(mask)
    return parts


def write_partition(warehouse: Warehouse, table_name: str, partition_key: str, table: pa.Table) -> list[str]:
    """Replace the rows of ``partition_key`` in ``table_name`` with ``table``.

    Old files of the key are removed only after the new ones are in place, so a
    crash leaves either the old or the new rows, never none. Returns the files written.
    """
    fs, root = _fs(warehouse)
    schema = TABLES[table_name]
    table = _conform(table, schema)
    base = f"{root}/parquet/{table_name}"
    name = file_key(partition_key) + ".parquet"
    if table_name in YEAR_PARTITIONED:
        targets = {f"{base}/year={y}/{name}": t for y, t in _split_by_year(table).items()}
    else:
        targets = {f"{base}/{name}": table} if table.num_rows else {}
    tag = uuid.uuid4().hex[:8]
    staged: list[tuple[str, str]] = []
    for path, part in targets.items():
        staged.append((_stage(fs, path, part, tag), path))
    for old in _files_of(fs, base, name):
        if old not in targets:
            fs.rm(old)
    for tmp, path in staged:
        _commit(fs, warehouse, tmp, path)
    return [p for _, p in staged]


def _stage(fs: fsspec.AbstractFileSystem, path: str, table: pa.Table, tag: str | None = None) -> str:
    """Write ``table`` to a hidden temporary file beside ``path``; returns the temporary path."""
    parent, _, leaf = path.rpartition("/")
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.{leaf}.{tag or uuid.uuid4().hex[:8]}.tmp"
    with fs.open(tmp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    return tmp


def _commit(fs: fsspec.AbstractFileSystem, warehouse: Warehouse, tmp: str, path: str) -> None:
    """Move a staged file into place: an atomic rename locally, a move on object stores."""
    if is_local(warehouse):
        os.replace(tmp, path)
    else:
        fs.mv(tmp, path)


def _files_of(fs: fsspec.AbstractFileSystem, base: str, name: str | None = None) -> list[str]:
    """Data files under ``base`` (recursively), only those called ``name`` when given."""
    if name is not None and isinstance(fs, LocalFileSystem):
        # One partition's files: look in each year directory rather than listing every file of the table.
        try:
            entries = list(os.scandir(base))
        except FileNotFoundError:
            return []
        found = [f"{base}/{name}"] if any(e.name == name and e.is_file() for e in entries) else []
        for e in entries:
            if e.is_dir() and not e.name.startswith((".", "_")) and os.path.isfile(f"{base}/{e.name}/{name}"):
                found.append(f"{base}/{e.name}/{name}")
        return sorted(found)
    if not fs.exists(base):
        return []
    found = []
    for path in fs.find(base):
        leaf = path.rsplit("/", 1)[-1]
        if leaf.startswith((".", "_")) or not leaf.endswith(".parquet"):
            continue
        if name is None or leaf == name:
            found.append(path)
    return sorted(found)


def drop_partition(warehouse: Warehouse, table_name: str, partition_key: str) -> int:
    """Delete every file of ``partition_key`` in ``table_name``; returns how many."""
    fs, root = _fs(warehouse)
    files = _files_of(fs, f"{root}/parquet/{table_name}", file_key(partition_key) + ".parquet")
    for f in files:
        fs.rm(f)
    return len(files)


def replace_table(warehouse: Warehouse, table_name: str, table: pa.Table) -> list[str]:
    """Write a whole (non file-partitioned) table, replacing what was there."""
    return write_partition(warehouse, table_name, WHOLE_TABLE_KEY, table)


def table_files(warehouse: Warehouse, table_name: str) -> list[str]:
    """The data files of a table, as paths on the warehouse's filesystem."""
    fs, root = _fs(warehouse)
    return _files_of(fs, f"{root}/parquet/{table_name}")


def _read_file(fs: fsspec.AbstractFileSystem, path: str, schema: pa.Schema) -> pa.Table:
    with fs.open(path, "rb") as fh:
        return _conform(pq.read_table(fh, partitioning=None), schema)


def read_table(
    warehouse: Warehouse, table_name: str, partition_keys: Iterable[str] | None = None
) -> pa.Table:
    """Read a table (or only the given partition keys) back with its declared schema."""
    fs, root = _fs(warehouse)
    schema = TABLES[table_name]
    base = f"{root}/parquet/{table_name}"
    if partition_keys is None:
        files = _files_of(fs, base)
    else:
        files = [f for k in partition_keys for f in _files_of(fs, base, file_key(k) + ".parquet")]
    if not files:
        return schema.empty_table()
    return pa.concat_tables([_read_file(fs, f, schema) for f in files])


def partition_keys_on_disk(warehouse: Warehouse, table_name: str = "articles") -> set[str]:
    """The partition keys that have rows in ``table_name``."""
    t = read_table(warehouse, table_name)
    if "partition_key" not in t.column_names or t.num_rows == 0:
        return set()
    return set(pc.unique(t.column("partition_key")).to_pylist())


def duckdb_paths(con: duckdb.DuckDBPyConnection, warehouse: Warehouse, paths: list[str]) -> list[str]:
    """Paths DuckDB can read: local as they are; others through the warehouse's fsspec filesystem,
    registered on ``con`` under its protocol."""
    if is_local(warehouse):
        return paths
    fs, _ = _fs(warehouse)
    if not con.filesystem_is_registered(fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]):
        con.register_filesystem(fs)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return [f"{protocol}://{p.lstrip('/')}" if protocol != "memory" else f"memory://{p}" for p in paths]


def _sql_files(sql_dir: Path) -> list[Path]:
    return sorted(p for p in Path(sql_dir).glob("*.sql"))


# DuckDB's own memory ceiling for the build and the checks; it spills to disk beyond it. Bulk loads do not
# need insertion order, and keeping it costs memory at millions of rows.
# 1 GB, not 500 MB: a 1M-article +1% publish took 9.0-9.8 s instead of 10.4-13.5 s, at a peak RSS of 1.0
# instead of 0.73 GB (the pipeline's peak stays in the timeline step).
DUCKDB_MEMORY_LIMIT = os.environ.get("DATELINE_DUCKDB_MEMORY", "1GB")
# DuckDB's worker threads for the build and the checks (its default is one per core).
DUCKDB_THREADS = int(os.environ.get("DATELINE_DUCKDB_THREADS", "2"))


def bounded_duckdb_config() -> dict[str, str | bool | int]:
    """Connection settings that keep a bulk DuckDB job within ``DUCKDB_MEMORY_LIMIT``."""
    return {"memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False, "threads": DUCKDB_THREADS}


def connect_bounded(database: str | Path = ":memory:", **config: str | bool | int) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for a batch job: ``bounded_duckdb_config`` (overridden by ``config``), no progress bar."""
    con = duckdb.connect(str(database), config={**bounded_duckdb_config(), **config})
    con.execute("SET enable_progress_bar = false")
    return con


# --- file manifests: which Parquet files a derived artefact was built from ------------------------

# Tables written whole by the whole-warehouse steps (one file, or one file per year, keyed WHOLE_TABLE_KEY).
WHOLE_TABLES = ("article_duplicates", "timeline")


def fingerprint_bytes(fingerprint: str | None) -> int:
    """The size a ``file_fingerprints`` entry records (size first); 0 when unknown (a store that gave none)."""
    try:
        return int((fingerprint or "").split(":", 1)[0])
    except ValueError:
        return 0


def file_fingerprints(warehouse: Warehouse, table_name: str) -> dict[str, str]:
    """Path relative to ``parquet/`` -> fingerprint of each data file of a table: size, modification time and
    (locally) inode. Every writer stages a new file and renames it into place, so a rewritten file always
    gets a new fingerprint."""
    fs, root = _fs(warehouse)
    base = f"{root}/parquet/{table_name}"
    out: dict[str, str] = {}
    if is_local(warehouse):
        def walk(path: str, rel: str) -> None:
            try:
                entries = list(os.scandir(path))
            except FileNotFoundError:
                return
            for e in entries:
                if e.name.startswith((".", "_")):
                    continue
                if e.is_dir():
                    walk(e.path, f"{rel}/{e.name}")
                elif e.name.endswith(".parquet"):
                    try:
                        st = e.stat()
                    except FileNotFoundError:
                        continue
                    out[f"{rel}/{e.name}"] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"

        walk(base, table_name)
        return out
    if not fs.exists(base):
        return out
    for path, info in fs.find(base, detail=True).items():
        leaf = path.rsplit("/", 1)[-1]
        if leaf.startswith((".", "_")) or not leaf.endswith(".parquet"):
            continue
        stamp = next((str(info[k]) for k in ("mtime", "LastModified", "last_modified", "updated", "created", "ETag")
                      if info.get(k) is not None), "")
        out[path[len(root) + len("/parquet/"):]] = f"{info.get('size')}:{stamp}"
    return out


def unit_of(table_name: str, rel_path: str) -> str:
    """What a file of a table is replaced with: its partition's file name for the per-file tables (all its year
    files go together), its ``year=`` value for the timeline, ``""`` for article_duplicates."""
    if table_name == "article_duplicates":
        return ""
    if table_name == "timeline":
        return year_of_path(rel_path) or ""
    return rel_path.rsplit("/", 1)[-1]


def changed_units(table_name: str, old: dict[str, str], new: dict[str, str]) -> set[str]:
    """Units (see ``unit_of``) with a file added, removed or rewritten between two fingerprint listings."""
    paths = {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
    return {unit_of(table_name, p) for p in paths}


def full_paths(warehouse: Warehouse, rel_paths: Iterable[str]) -> list[str]:
    """Paths on the warehouse's filesystem of files named relative to ``parquet/``."""
    base = parquet_root(warehouse)
    return [f"{base}/{p}" for p in sorted(rel_paths)]


def partition_keys_in(con: duckdb.DuckDBPyConnection, relation: str, leaves: set[str]) -> list[str]:
    """The ``partition_key`` values of ``relation`` whose files are called one of ``leaves``."""
    if not leaves:
        return []
    keys = [k for (k,) in con.execute(f"SELECT DISTINCT partition_key FROM {relation}").fetchall()]
    return sorted(k for k in keys if k is not None and file_key(k) + ".parquet" in leaves)


def unit_predicate(table_name: str, units: set[str], con: duckdb.DuckDBPyConnection, relation: str,
                   alias: str = "") -> str:
    """A SQL condition true for the rows of ``relation`` (a loaded copy of ``table_name``) that belong to ``units``
    (columns qualified by ``alias`` when given)."""
    q = f"{alias}." if alias else ""
    if not units:
        return "false"
    if table_name == "article_duplicates":
        return "true"
    if table_name == "timeline":
        years = sorted(int(u) for u in units if u not in ("", HIVE_NULL))
        conds = [f"year({q}start_date) IN ({', '.join(map(str, years))})"] if years else []
        if HIVE_NULL in units:
            conds.append(f"{q}start_date IS NULL")
        return " OR ".join(conds) or "false"
    keys = partition_keys_in(con, relation, units)
    if not keys:
        return "false"
    return f"{q}partition_key IN (" + ", ".join("'" + k.replace("'", "''") + "'" for k in keys) + ")"


# Files per INSERT while loading: DuckDB reads the footers of every file of one statement up front, and holds
# the row groups it is decoding; at a million articles a table has tens of thousands of files.
LOAD_BATCH_FILES = 1024
LOAD_BATCH_BYTES = 256 << 20


def _batches(paths: list[str], sizes: dict[str, int]) -> list[list[str]]:
    out: list[list[str]] = []
    cur: list[str] = []
    total = 0
    for p in paths:
        if cur and (len(cur) >= LOAD_BATCH_FILES or total + sizes.get(p, 0) > LOAD_BATCH_BYTES):
            out.append(cur)
            cur, total = [], 0
        cur.append(p)
        total += sizes.get(p, 0)
    if cur:
        out.append(cur)
    return out


def load_parquet(con: duckdb.DuckDBPyConnection, warehouse: Warehouse, relation: str, rel_paths: Iterable[str],
                 fingerprints: dict[str, str] | None = None, columns: list[str] | None = None) -> None:
    """Append the rows of the files ``rel_paths`` (relative to ``parquet/``) to the table ``relation``, by column
    name, a bounded batch of files per statement; ``columns`` only (default: every column of the files)."""
    rel = sorted(rel_paths)
    if not rel:
        return
    sizes = {p: fingerprint_bytes((fingerprints or {}).get(p)) for p in rel}
    select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    for batch in _batches(rel, sizes):
        paths = duckdb_paths(con, warehouse, full_paths(warehouse, batch))
        con.execute(
            f"INSERT INTO {relation} BY NAME SELECT {select} FROM "
            "read_parquet(?, hive_partitioning = false, union_by_name = true)",
            [paths],
        )


BUILD_FORMAT = 2  # bumped when the way the database is loaded changes (an older file is rebuilt, not updated)


def build_signature(sql_dir: Path) -> str:
    """What decides a database's layout besides its rows: the SQL files, the schema version, the loader."""
    h = hashlib.sha1(f"{SCHEMA_VERSION}:{BUILD_FORMAT}".encode())
    for f in _sql_files(sql_dir):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def read_manifest(con: duckdb.DuckDBPyConnection, catalog: str = "") -> tuple[str | None, dict[str, dict[str, str]]]:
    """``(build_signature, table -> {path: fingerprint})`` recorded in a database built by ``build_duckdb``
    (``catalog``: the name it is attached under); ``(None, {})`` when it has none."""
    prefix = f"{catalog}." if catalog else ""
    try:
        sig = con.execute(f"SELECT value FROM {prefix}build.info WHERE key = 'signature'").fetchone()
        rows = con.execute(f"SELECT table_name, path, fingerprint FROM {prefix}build.parquet_files").fetchall()
    except duckdb.Error:
        return None, {}
    manifest: dict[str, dict[str, str]] = {name: {} for name in TABLES}
    for table, path, fp in rows:
        manifest.setdefault(table, {})[path] = fp
    return (sig[0] if sig else None), manifest


def _write_manifest(con: duckdb.DuckDBPyConnection, sql_dir: Path, listing: dict[str, dict[str, str]]) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS build")
    con.execute("CREATE OR REPLACE TABLE build.info (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO build.info VALUES ('signature', ?)", [build_signature(sql_dir)])
    con.execute("CREATE OR REPLACE TABLE build.parquet_files (table_name VARCHAR, path VARCHAR, fingerprint VARCHAR)")
    rows = pa.table({
        "table_name": [t for t, files in listing.items() for _ in files],
        "path": [p for files in listing.values() for p in files],
        "fingerprint": [fp for files in listing.values() for fp in files.values()],
    })
    con.register("_manifest_rows", rows)
    con.execute("INSERT INTO build.parquet_files SELECT * FROM _manifest_rows")
    con.unregister("_manifest_rows")
    con.execute("COMMENT ON TABLE build.parquet_files IS 'The Parquet files (and their fingerprints) this database "
                "holds the rows of: a later publish copies the file and reloads only what changed.'")


def _run_view_files(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    """The non-DDL SQL files (views, aggregates computed at publish) and the views' column comments."""
    con.execute("CREATE OR REPLACE TABLE dateline_meta AS SELECT ? AS schema_version, now() AS built_at", [SCHEMA_VERSION])
    con.execute("SET preserve_insertion_order = true")  # views and derived tables keep their ORDER BY
    for f in _sql_files(sql_dir):
        if not f.name.startswith("0"):
            con.execute(f.read_text())
    for view, table in DB_TABLE_NAMES.items():
        _copy_column_comments(con, table, view)


def _finish_build(con: duckdb.DuckDBPyConnection, sql_dir: Path, listing: dict[str, dict[str, str]]) -> dict[str, int]:
    """The last steps of a build or an update, once the tables hold the rows of ``listing``: record the files,
    create the views and publish-time aggregates, checkpoint. Returns the row counts."""
    _write_manifest(con, sql_dir, listing)
    _run_view_files(con, sql_dir)
    con.execute("CHECKPOINT")
    return _counts(con)


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {DB_TABLE_NAMES.get(name, name)}").fetchone()[0]
            for name in TABLES}


def build_duckdb(warehouse: Warehouse, sql_dir: Path, db_path: Path) -> dict[str, int]:
    """Build a self-contained DuckDB file at ``db_path`` from the Parquet tables and ``sql/``.

    The ``sql/*.sql`` files run in name order: DDL first (tables with column
    comments), then the Parquet rows are loaded into the tables (a bounded batch of
    files at a time), then the remaining files (views). The files loaded and their
    fingerprints are recorded (``build.parquet_files``) for ``update_duckdb``.
    Returns the row count of each table.
    """
    con = connect_bounded(db_path)
    try:
        for f in _sql_files(sql_dir):
            if f.name.startswith("0"):
                con.execute(f.read_text())
        listing = {name: file_fingerprints(warehouse, name) for name in TABLES}
        for name in TABLES:
            load_parquet(con, warehouse, DB_TABLE_NAMES.get(name, name), listing[name], listing[name])
        return _finish_build(con, sql_dir, listing)
    finally:
        con.close()


def update_duckdb(warehouse: Warehouse, sql_dir: Path, db_path: Path) -> dict[str, int] | None:
    """Bring the database at ``db_path`` (a copy of an earlier ``build_duckdb``) up to date with the Parquet
    tables: the rows of every partition (or timeline year, or article_duplicates) whose files changed are
    deleted and reloaded from its current files, then the views and the aggregates computed at publish are
    rebuilt. Gives the rows ``build_duckdb`` would. The storage is compacted only once a table is fragmented
    (``fragmented_tables``). Returns the row counts, or ``None`` (nothing written) when the file was built from
    other SQL, schema or loader and must be built afresh."""
    con = connect_bounded(db_path)
    try:
        signature, old = read_manifest(con)
        if signature != build_signature(sql_dir):
            return None
        # Fragmented storage (see fragmented_tables): the tables an update rewrites a few rows of at a time are
        # reloaded whole, which drops their old row groups; any other makes this update let DuckDB merge them.
        fragmented = fragmented_tables(con)
        reload = {t for t in fragmented if t in RELOADED_WHEN_FRAGMENTED}
        vacuum = [t for t in fragmented if t not in reload]
        if fragmented:
            log.info("publish: reloading %s whole, compacting %s (fragmented)", sorted(reload) or "none", vacuum or "none")
        if not vacuum:
            con.execute("SET max_vacuum_tasks = 0")
        reloaded = {name for name in TABLES if f"main.{DB_TABLE_NAMES.get(name, name)}" in reload}
        listing = {name: file_fingerprints(warehouse, name) for name in TABLES}
        by_rows: set[str] = set()  # tables whose changed rows are listed in a temp table _changed_<name>
        for name in TABLES:
            relation = DB_TABLE_NAMES.get(name, name)
            if name in reloaded:
                con.execute(f"DELETE FROM {relation}")
                load_parquet(con, warehouse, relation, list(listing[name]), listing[name])
                continue
            units = changed_units(name, old.get(name, {}), listing[name])
            if not units:
                continue
            files = [p for p in listing[name] if unit_of(name, p) in units]
            if name in ROW_KEYS and _replace_changed_rows(con, warehouse, name, relation, units, files, listing[name]):
                by_rows.add(name)
                continue
            con.execute(f"DELETE FROM {relation} WHERE {unit_predicate(name, units, con, relation)}")
            load_parquet(con, warehouse, relation, files, listing[name])
        for (view,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
        ).fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
        changed = {name: old.get(name, {}) != listing[name] or name in reloaded for name in TABLES}
        _refresh_row_aggregates(con, changed, by_rows, {t.split(".", 1)[1] for t in reload if t.startswith("agg.")})
        return _finish_build(con, sql_dir, listing)
    finally:
        con.close()


# DuckDB's default row group size (rows).
ROW_GROUP_ROWS = 122_880
# An update appends a small row group to each table it adds rows to and leaves deleted rows behind. DuckDB's
# checkpoint would merge the small row groups at once ("vacuum"), decompressing and recompressing up to a full row
# group of every such table on every publish: at 1M articles +1%, 4.7 of the publish's 12.6 s, most of it the
# articles' text. An update leaves them instead, until a table holds more row groups than its rows need by more
# than COMPACT_EXTRA_SHARE of that need (and more than COMPACT_MIN_EXTRA_GROUPS), or more than
# COMPACT_DELETED_SHARE of its stored rows are deleted. Such a table is then reloaded whole when it is one an
# update rewrites rows of all over (RELOADED_WHEN_FRAGMENTED: its rows are at hand, and a table deleted whole
# drops its row groups); any other (the per-file tables, which only grow until partitions are re-ingested) makes
# that publish merge the row groups of every table. At 1M articles and 10,000 more a run, the timeline tables are
# reloaded about one publish in ten and the others merged about one in thirty.
COMPACT_EXTRA_SHARE = 1.0
COMPACT_MIN_EXTRA_GROUPS = 32
COMPACT_DELETED_SHARE = 0.25
RELOADED_WHEN_FRAGMENTED = frozenset({"main.timeline_events", "main.article_duplicates", "agg.actor_timeline"})


def row_group_counts(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int, int]:
    """``(row groups, rows stored in them, live rows)`` of ``table`` (``schema.table``, quoted as needed): the
    stored rows count the deleted ones a checkpoint has not reclaimed."""
    groups, stored = con.execute(
        "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT max(start + count) AS n FROM pragma_storage_info(?) "
        "WHERE column_id = 0 AND column_path = '[0]' GROUP BY row_group_id)", [table]).fetchone()
    return groups, stored, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def fragmented_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables (``schema.table``) of the database whose storage an update should compact (see
    ``COMPACT_EXTRA_SHARE``): too many row groups for their rows, or too many deleted rows."""
    out = []
    for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL").fetchall():
        groups, stored, live = row_group_counts(con, f'"{schema}"."{table}"')
        need = -(-live // ROW_GROUP_ROWS)
        if (groups - need > max(COMPACT_MIN_EXTRA_GROUPS, COMPACT_EXTRA_SHARE * need)
                or stored - live > COMPACT_DELETED_SHARE * stored):
            out.append(f"{schema}.{table}")
    return out


# Publish-time aggregates (schema agg, made by sql/) that an update refreshes row by row rather than rebuilds:
# agg table -> (the table it derives from, the key of that table's rows it carries). sql/ defines each as
# ``agg.<name>_rows`` (a view deriving its rows) and creates ``agg.<name>`` from it only when it is not there.
ROW_AGGREGATES = {"actor_timeline": ("timeline", "timeline_id")}


def _refresh_row_aggregates(con: duckdb.DuckDBPyConnection, changed: dict[str, bool], by_rows: set[str],
                            rebuild: set[str] = frozenset()) -> None:
    """Before sql/ runs again: every agg table is dropped (and rebuilt by it) except those of ``ROW_AGGREGATES``
    not in ``rebuild`` whose source table is unchanged (kept) or changed row by row (``by_rows``: its changed keys
    in ``_changed_<table>``; their rows are replaced from ``agg.<name>_rows``)."""
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'agg'").fetchall()]
    for table in tables:
        source, key = ROW_AGGREGATES.get(table, (None, None))
        if source is None or table in rebuild or (changed[source] and source not in by_rows):
            con.execute(f'DROP TABLE agg."{table}"')
        elif changed[source]:
            con.execute(f'DELETE FROM agg."{table}" WHERE "{key}" IN (SELECT k FROM "_changed_{source}")')
            con.execute("SET preserve_insertion_order = true")  # the new rows sorted like the table
            con.execute(f'INSERT INTO agg."{table}" SELECT * FROM agg."{table}_rows" '
                        f'WHERE "{key}" IN (SELECT k FROM "_changed_{source}") ORDER BY ALL')


# The whole-warehouse tables change a few rows at a time although their files are rewritten (a timeline year,
# all of article_duplicates): their rows are compared by key and content, and only those that differ replaced.
ROW_KEYS = {"timeline": "timeline_id", "article_duplicates": "article_id"}


def _replace_changed_rows(con: duckdb.DuckDBPyConnection, warehouse: Warehouse, name: str, relation: str,
                          units: set[str], files: list[str], fingerprints: dict[str, str]) -> bool:
    """Make the rows of ``units`` in ``relation`` those of ``files``, deleting and inserting only the rows that
    differ. False (nothing changed) when a key is not unique in the files: the caller replaces the units whole."""
    key = ROW_KEYS[name]
    cols = [f.name for f in TABLES[name]]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _new AS SELECT * FROM {relation} LIMIT 0")
    load_parquet(con, warehouse, "_new", files, fingerprints)
    n, distinct = con.execute(f'SELECT count(*), count(DISTINCT "{key}") FROM _new').fetchall()[0]
    if n != distinct:
        con.execute("DROP TABLE _new")
        return False
    stale = unit_predicate(name, units, con, relation, "o")
    # Rows present, identical, on both sides: an equi-join on the key and a 64-bit digest of every column.
    # Comparing the columns themselves makes the join carry both sides' lists (timeline sources, event ids)
    # and spill under the bounded memory: 4.6 s against 1.0 s for the 786k timeline rows at 1M articles. A
    # changed row whose digest collides with its old one (odds 2^-64 per changed row) would keep its old values.
    digest = "hash(" + ", ".join(f'"{c}"' for c in cols) + ")"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _kept AS SELECT o.rid, o.k
        FROM (SELECT rowid AS rid, "{key}" AS k, {digest} AS d FROM {relation} o WHERE {stale}) o
        JOIN (SELECT "{key}" AS k, {digest} AS d FROM _new) n ON o.k = n.k AND o.d = n.d""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _gone AS SELECT g.rid FROM (SELECT o.rowid AS rid FROM {relation} o
        WHERE {stale}) g ANTI JOIN _kept k ON g.rid = k.rid""")
    # The keys of the rows that change (go, arrive, or both), for ``_refresh_row_aggregates``.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE "_changed_{name}" AS
        SELECT "{key}" AS k FROM {relation} WHERE rowid IN (SELECT rid FROM _gone)
        UNION SELECT n."{key}" FROM _new n ANTI JOIN _kept k ON n."{key}" = k.k""")
    con.execute(f"DELETE FROM {relation} WHERE rowid IN (SELECT rid FROM _gone)")
    con.execute(f'INSERT INTO {relation} SELECT n.* FROM _new n ANTI JOIN _kept k ON n."{key}" = k.k')
    for temp in ("_new", "_kept", "_gone"):
        con.execute(f"DROP TABLE {temp}")
    return True


def _copy_column_comments(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    """Give the columns of ``target`` (a view over ``source``) the comments of ``source``'s columns."""
    rows = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? AND comment IS NOT NULL", [source]
    ).fetchall()
    for column, comment in rows:
        escaped = comment.replace("'", "''")
        con.execute(f'COMMENT ON COLUMN {target}."{column}" IS \'{escaped}\'')


# Chunks of the uncached copy: a multiple of any block size O_DIRECT asks writes to be aligned to.
_COPY_CHUNK = 16 << 20


def copy_uncached(src: str | Path, dst: str | Path) -> None:
    """Copy the file ``src`` to ``dst`` (created or truncated) and flush it to disk, writing around the page cache
    (``O_DIRECT``) where the platform and filesystem allow, else through it (``shutil.copyfile``).

    For the published database (1.6 GB at 1M articles): a cached copy takes as much new page-cache memory, which
    a virtual machine may have to fault in from its host (measured here: 1.2-4.2 s for the same copy, then 0.6 s
    for the checkpoint to flush it); written around the cache it took 1.2-2.0 s including the flush."""
    direct = getattr(os, "O_DIRECT", 0)
    try:
        out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | direct, 0o644) if direct else -1
    except OSError:  # a filesystem without O_DIRECT (tmpfs, some network mounts)
        out = -1
    if out < 0:
        shutil.copyfile(src, dst)
        return
    buf = mmap.mmap(-1, _COPY_CHUNK)  # page-aligned memory, as O_DIRECT needs
    try:
        with open(src, "rb", buffering=0) as source:
            while n := source.readinto(buf):
                if n % mmap.PAGESIZE and direct:  # the unaligned tail goes through the cache
                    os.close(out)
                    out = -1  # closed: neither handler below may close the number again
                    out, direct = os.open(dst, os.O_WRONLY | os.O_APPEND), 0
                done = 0
                while done < n:
                    done += os.write(out, memoryview(buf)[done:n])
        os.fsync(out)
    except OSError as exc:  # EINVAL: O_DIRECT refused for this file after all
        log.info("uncached copy of %s failed (%s): copying through the page cache", src, exc)
        if out >= 0:
            os.close(out)
            out = -1
        shutil.copyfile(src, dst)
    finally:
        if out >= 0:
            os.close(out)
        buf.close()


def publish_duckdb(
    warehouse: Warehouse, sql_dir: Path, db_dir: Path | None = None, incremental: bool = True
) -> tuple[Path, dict[str, int]]:
    """Build the database beside the published one, then rename it into place.

    Readers holding the old file keep their snapshot; new readers see the new
    file whole. Never opens the published file for writing, so an analyst's open
    connection can never block or break a run. ``db_dir`` (default: the warehouse,
    which must then be local) is the local folder the database is published in.

    With ``incremental`` (the default) the published file is copied and only the
    partitions whose Parquet files changed since it was built are reloaded
    (``update_duckdb``); a file built by other SQL or code is rebuilt from scratch.
    """
    if db_dir is None:
        if not is_local(warehouse):
            raise ValueError(f"warehouse {warehouse} is not local: give the local db_dir to publish DuckDB into")
        db_dir = Path(_fs(warehouse)[1])
    db_dir = Path(db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    final = db_dir / DB_FILENAME
    tmp = db_dir / f".{DB_FILENAME}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        counts = None
        if incremental and final.exists():
            try:
                copy_uncached(final, tmp)
                counts = update_duckdb(warehouse, sql_dir, tmp)
            except duckdb.Error as exc:  # an unreadable or foreign file: build afresh
                log.warning("could not update %s (%s): building it afresh", final, exc)
                counts = None
            if counts is None:
                for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                    leftover.unlink(missing_ok=True)
        if counts is None:
            counts = build_duckdb(warehouse, sql_dir, tmp)
        os.replace(tmp, final)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return final, counts


# --- streaming reads and the working tables (added for the 1M-article scale work) ------------------


def _schema_of(table_name: str) -> pa.Schema:
    from dateline.schemas import WORKING_TABLES

    return TABLES[table_name] if table_name in TABLES else WORKING_TABLES[table_name]


def _replace_file(fs: fsspec.AbstractFileSystem, warehouse: Warehouse, path: str, table: pa.Table) -> bool:
    """Stage ``table`` and rename it over ``path``; an empty table removes ``path``. True when written."""
    if table.num_rows == 0:
        if fs.exists(path):
            fs.rm(path)
        return False
    _commit(fs, warehouse, _stage(fs, path, table), path)
    return True


def write_working_partition(warehouse: Warehouse, table_name: str, partition_key: str, table: pa.Table) -> list[str]:
    """``write_partition`` for a working table (``schemas.WORKING_TABLES``, one file per key, no year split):
    the new file is staged and renamed over the old one; an empty table removes the key's file."""
    fs, root = _fs(warehouse)
    path = f"{root}/parquet/{table_name}/{file_key(partition_key)}.parquet"
    return [path] if _replace_file(fs, warehouse, path, _conform(table, _schema_of(table_name))) else []


def partition_file(warehouse: Warehouse, table_name: str, partition_key: str) -> str:
    """Path of the (not year-split) file of ``partition_key`` in ``table_name``."""
    return f"{parquet_root(warehouse)}/{table_name}/{file_key(partition_key)}.parquet"


def read_file_columns(warehouse: Warehouse, path: str, table_name: str, columns: list[str] | None = None) -> pa.Table:
    """One data file of a table, only ``columns`` (all when ``None``), with the declared types."""
    fs, _ = _fs(warehouse)
    schema = _schema_of(table_name)
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    with fs.open(path, "rb") as fh:
        t = pq.read_table(fh, columns=columns, partitioning=None)
    return _conform(t, schema)


def read_files_columns(warehouse: Warehouse, paths: Sequence[str], table_name: str, columns: list[str] | None = None,
                       threads: int = 2) -> Iterator[pa.Table]:
    """``read_file_columns`` of each of ``paths``, in order, read ahead on ``threads`` threads (a Parquet read
    decompresses and decodes without the GIL, so reading overlaps the caller's work on the file before). At
    most ``2 * threads`` files are read or held at once."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ahead: deque[Future[pa.Table]] = deque()
        for path in paths:
            ahead.append(pool.submit(read_file_columns, warehouse, path, table_name, columns))
            if len(ahead) >= 2 * threads:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def iter_table_files(
    warehouse: Warehouse, table_name: str, columns: list[str] | None = None
) -> Iterable[tuple[str, pa.Table]]:
    """``(path, rows)`` of each data file of a table in turn, only ``columns``: a whole table in bounded memory."""
    for path in table_files(warehouse, table_name):
        yield path, read_file_columns(warehouse, path, table_name, columns)


def year_of_path(path: str) -> str | None:
    """The ``year=`` directory of a file of a year-partitioned table (``HIVE_NULL`` for undated rows)."""
    parent = path.rsplit("/", 2)[-2] if path.count("/") >= 1 else ""
    return parent[len("year="):] if parent.startswith("year=") else None


def write_year_file(warehouse: Warehouse, table_name: str, partition_key: str, year: str, table: pa.Table) -> str | None:
    """Replace the rows of ``partition_key`` in year ``year`` of a year-partitioned table (other years untouched);
    an empty ``table`` removes that file. Returns the path written."""
    fs, root = _fs(warehouse)
    path = f"{root}/parquet/{table_name}/year={year}/{file_key(partition_key)}.parquet"
    return path if _replace_file(fs, warehouse, path, _conform(table, _schema_of(table_name))) else None


def drop_years_except(warehouse: Warehouse, table_name: str, partition_key: str, keep: Iterable[str]) -> int:
    """Remove the files of ``partition_key`` in every year of a year-partitioned table but ``keep``."""
    fs, root = _fs(warehouse)
    keep = set(keep)
    removed = 0
    for path in _files_of(fs, f"{root}/parquet/{table_name}", file_key(partition_key) + ".parquet"):
        if year_of_path(path) not in keep:
            fs.rm(path)
            removed += 1
    return removed


def partition_keys_of(warehouse: Warehouse, table_name: str = "articles") -> set[str]:
    """The partition keys that have rows in ``table_name``, from the Parquet footers (column statistics of
    ``partition_key``) without reading any rows: ``partition_keys_on_disk`` in constant memory."""
    fs, _ = _fs(warehouse)
    keys: set[str] = set()
    for path in table_files(warehouse, table_name):
        with fs.open(path, "rb") as fh:
            pf = pq.ParquetFile(fh)
            meta = pf.metadata
            idx = pf.schema_arrow.get_field_index("partition_key")
            if idx < 0 or meta.num_rows == 0:
                continue
            found: set[str] = set()
            for rg in range(meta.num_row_groups):
                stats = meta.row_group(rg).column(idx).statistics
                if stats is None or not stats.has_min_max or stats.min != stats.max:
                    found = set(pc.unique(pf.read(columns=["partition_key"]).column(0)).to_pylist())
                    break
                found.add(stats.min.decode() if isinstance(stats.min, bytes) else stats.min)
            keys |= {k for k in found if k is not None}
    return keys
