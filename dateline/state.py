"""Working state of the incremental whole-warehouse steps: one local DuckDB file per step.

A step that keeps state (article dedupe, the timeline) records in it what its last
complete run read (the fingerprints of its input files), what it wrote (the
fingerprints of its output files) and what it needs to redo only the part of its
work a change touches (e.g. the LSH buckets and the pairs that passed). The state
is a cache, never a source of truth: it is used only when it was written by the
same code and the outputs it describes are still exactly the files on disk;
otherwise the step recomputes everything from the Parquet tables and writes it
afresh. Deleting the state folder is always safe.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from dateline import storage

STATE_FORMAT = 1
# DuckDB's memory for a state file (it spills beyond): the state is read and written a slice at a time.
STATE_MEMORY_LIMIT = os.environ.get("DATELINE_STATE_MEMORY", "256MB")


def code_signature(*files: str | Path) -> str:
    """Hash of the source files whose code decides a step's outputs (and of the DuckDB version)."""
    h = hashlib.sha1(f"{STATE_FORMAT}:{duckdb.__version__}".encode())
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


class StepState:
    """The state database of one step. ``valid`` is true when it describes the current outputs."""

    def __init__(self, state_dir: str | Path, name: str, signature: str) -> None:
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(state_dir) / f"{name}.duckdb"
        self.signature = signature
        try:
            self.con = storage.connect_bounded(self.path, memory_limit=STATE_MEMORY_LIMIT)
        except duckdb.Error:  # unreadable: start over
            self.path.unlink(missing_ok=True)
            self.con = storage.connect_bounded(self.path, memory_limit=STATE_MEMORY_LIMIT)
        self.meta = self._read_meta()

    def _read_meta(self) -> dict[str, str]:
        try:
            return dict(self.con.execute("SELECT key, value FROM meta").fetchall())
        except duckdb.Error:
            return {}

    def valid_for(self, outputs: dict) -> bool:
        """Written by this code, complete, and its recorded outputs are the files on disk now."""
        return (self.meta.get("signature") == self.signature and self.meta.get("complete") == "1"
                and self.meta.get("outputs") == json.dumps(outputs, sort_keys=True))

    def begin(self) -> None:
        """Mark the state incomplete until ``commit``: a run that dies half-way leaves it unusable."""
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)")
        self._set({"complete": "0"})

    def hold_buffers(self) -> None:
        """Let DuckDB keep the memory of the buffers it frees (up to the state's memory limit) and reuse it, rather
        than hand it back and fault it in again statement after statement. For the incremental runs (1M articles
        +1%: two timeline shards at a time 16.6/16.5 -> 15.2/15.6 s, the slower of each pair; the dedupe
        8.7-10.1 -> 7.7-7.9 s; a third fewer page faults). The memory is held until ``close``; a from-scratch run,
        whose peak is the run's peak, does without."""
        self.con.execute(f"SET block_allocator_memory = '{STATE_MEMORY_LIMIT}'")

    def reset(self, ddl: Iterable[str]) -> None:
        """Drop every table and create the step's tables afresh (``ddl``), marked incomplete."""
        for (name,) in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
        ).fetchall():
            self.con.execute(f'DROP TABLE "{name}"')
        self.meta = {}
        self.begin()
        for statement in ddl:
            self.con.execute(statement)

    def commit(self, outputs: dict, **extra: str) -> None:
        self._set({"signature": self.signature, "outputs": json.dumps(outputs, sort_keys=True), **extra,
                   "complete": "1"})
        self.con.execute("CHECKPOINT")

    def _set(self, values: dict[str, str]) -> None:
        self.con.execute("DELETE FROM meta WHERE key IN (SELECT unnest(?))", [list(values)])
        self.con.executemany("INSERT INTO meta VALUES (?, ?)", list(values.items()))
        self.meta.update(values)

    def insert(self, table: str, rows: pa.Table) -> None:
        """Append Arrow rows to a state table (by column name)."""
        if rows.num_rows:
            self.con.register("_rows", rows)
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
            self.con.unregister("_rows")

    def files(self, table: str) -> dict[str, str]:
        """The fingerprints of ``table``'s files the last complete run read."""
        return dict(self.con.execute("SELECT path, fingerprint FROM files WHERE table_name = ?", [table]).fetchall())

    def set_files(self, listings: dict[str, dict[str, str]]) -> None:
        self.con.execute("DELETE FROM files")
        self.insert("files", pa.table({
            "table_name": [t for t, files in listings.items() for _ in files],
            "path": [p for files in listings.values() for p in files],
            "fingerprint": [fp for files in listings.values() for fp in files.values()],
        }))

    def close(self) -> None:
        self.con.close()


FILES_DDL = "CREATE TABLE files (table_name VARCHAR, path VARCHAR, fingerprint VARCHAR)"


def leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def changed_leaves(old: dict[str, str], new: dict[str, str]) -> set[str]:
    """File names (partition file keys) with a file added, removed or rewritten between two listings."""
    return {leaf(p) for p in old.keys() | new.keys() if old.get(p) != new.get(p)}


def changed_bytes(old: dict[str, str], new: dict[str, str]) -> tuple[int, int]:
    """(bytes in the partitions changed between two listings, bytes of the table): each file counted at the larger
    of its old and new size, the table at the larger of its two totals. How much of a table a run must redo."""
    changed = changed_leaves(old, new)
    size = storage.fingerprint_bytes
    moved = sum(max(size(old.get(p)), size(new.get(p))) for p in old.keys() | new.keys() if leaf(p) in changed)
    return moved, max(sum(map(size, old.values())), sum(map(size, new.values())))


def too_large_a_change(old: dict[str, str], new: dict[str, str], share: float, floor: int) -> float | None:
    """The share of the table's bytes the partitions changed between two listings hold when it is over ``share``
    and they hold over ``floor`` bytes (a change an incremental step would rather hand to its full path), else
    None."""
    moved, total = changed_bytes(old, new)
    if moved <= floor or moved <= share * total:
        return None
    return moved / total if total else 1.0


@contextmanager
def id_table(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[int]) -> Iterator[None]:
    """The ids (64-bit integers) as a one-column table ``name`` (column ``id``) on ``con`` for the block. A long
    id list joins far faster from Arrow than bound as a list parameter (300k ids: 0.04 s against 0.27 s
    positional, 0.63 s named)."""
    con.register(name, pa.table({"id": pa.array(ids, type=pa.int64())}))
    try:
        yield
    finally:
        con.unregister(name)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an incremental run. Such a run holds millions of small tuples
    (pairs, rows) that make no reference cycles; every full collection would walk them all again (measured: the
    1M-article timeline step took 70 s with the collector, 59 s without). Reference counting still frees memory."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
