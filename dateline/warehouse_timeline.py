"""The deduplicated timeline over the whole warehouse, from scratch or incrementally.

From scratch, the events of each ``year=`` directory (two events only merge when they share a start
date) are spread over local spill files of about ``CHUNK_EVENTS`` events of whole dates and clustered a
chunk at a time, the years fanned out over a process pool (``dedupe.cluster_events`` on each chunk).
With a state folder the run also records, for every dated event, its clustering features (content
words, case-folded actors, blocks, neighbour key), whether its article is canonical, its *region* (the
connected component of the pairs that may merge) and its timeline row, plus every pair that may merge
with its score and whether the merge replay used it.

Merges only ever happen along scored pairs, so the rows of one region depend on that region alone
(``dedupe.merge_groups``). A later run therefore redoes only:

* the blocks holding an event that arrived (new or changed partition, article became canonical) or
  left: the pairs that appear are scored (in SQL, from the recorded features); for a block compared by
  sorted neighbourhood only the stretches around its changes are diffed (numbered in SQL), and a
  recorded pair that no block pairs any more is forgotten;
* a region that is one group (its articles are distinct, so the greedy merge never refused a pair in it) and
  only changes inside (an event leaves, a used pair goes, a pair appears between two of its events, new
  events whose pairs reach only it and whose articles are new to it join): its groups are the connected
  components of its pairs, found without replaying. Its pairs' used flags are kept so that the used ones join
  the region (the exact flags do: they are a spanning tree of it): a pair not used can go unchecked; when a used
  one goes and two staying pairs through a common neighbour join its events, those two become used and the
  region stays whole; otherwise (or when an event leaves) its parts are looked for and all their pairs become
  used;
* new events whose pairs all reach one recorded group of a region of several groups (and whose articles are
  new to the group) join that group: a replay would merge every part of the group as before and nothing
  else, so only the group's row and the used flags of its pairs are recomputed;
* every other touched region (a new pair bridges regions or groups, new events share an article with the
  group they reach, a region of several groups lost an event or a used pair): its merges are replayed from
  the recorded and new scores (which makes its used flags exact).

The year files holding changed rows are rewritten. The result is the table a from-scratch run writes
(tests compare both after random sequences of changes).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dateline import dedupe, partitions, schemas, storage
from dateline.disjoint_set import DisjointSet, components
from dateline.state import (
    FILES_DDL,
    StepState,
    changed_leaves,
    code_signature,
    collector_paused,
    id_table,
    leaf,
    too_large_a_change,
)
from dateline.window_diff import window_diffs

# Events clustered at once (a chunk never splits a start date); bounds a worker's memory on dense years.
CHUNK_EVENTS = 10_000
# An incremental run that would replay more than this share of the timeline's events recomputes it from scratch
# instead: a replay holds its regions' events and pairs in memory, the full path streams one chunk at a time.
REPLAY_SHARE = float(os.environ.get("DATELINE_TIMELINE_REPLAY_SHARE", "0.1"))
# Changed event partitions holding more bytes than this, and more than REPLAY_SHARE of the events' bytes, are not
# read into an incremental run at all (every file re-ingested by a new tagger version: 3.7M events at 1M
# articles): the timeline is recomputed from scratch.
LARGE_CHANGE_BYTES = 32_000_000
# Before the pairs are worked out, the share of events in the regions of the touched blocks bounds the replay from
# above (measured 3-8 times the replay: 22% for 2.8% at 100k articles, 61% for 21% at 1M): far above the
# share, the run falls back before doing the work.
EARLY_SHARE_FACTOR = 5.0
# Windowed blocks whose stretches around changes are fetched and diffed at once (bounds the memory they take).
WINDOW_BLOCKS = 2_000
# Events of the regions an incremental run replays at once (bounds the pairs it holds).
REPLAY_EVENTS = 20_000
# DuckDB's memory for reading the events of changed partitions.
WORKER_DUCKDB_MEMORY = "256MB"
READ_COLUMNS = [*schemas.TIMELINE_EVENT_COLUMNS, "partition_key"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FIRST_REPORTED = schemas.TIMELINE.field("first_reported").type
log = logging.getLogger(__name__)

EVS_SCHEMA = pa.schema([
    ("sid", pa.int64()), ("event_id", pa.string()), ("article_id", pa.string()), ("leaf", pa.string()),
    ("canon", pa.bool_()), ("region", pa.string()), ("grp", pa.string()), ("value", pa.string()),
    ("granularity", pa.string()), ("start_date", pa.date32()), ("end_date", pa.date32()), ("clause", pa.string()),
    ("trigger", pa.string()), ("actors", pa.list_(pa.string())), ("confidence", pa.float32()),
    ("published_us", pa.int64()), ("words", pa.list_(pa.string())), ("nkey", pa.string()),
    ("actors_cf", pa.list_(pa.string())),
])
BLOCKS_SCHEMA = pa.schema([("bkey", pa.uint64()), ("sid", pa.int64())])
EDGES_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("score", pa.float64()), ("used", pa.bool_())])
STATE_DDL = [
    FILES_DDL,
    # Every dated event: clustering features, canonical or not, its region and timeline row (timeline_id).
    """CREATE TABLE evs (sid BIGINT, event_id VARCHAR, article_id VARCHAR, leaf VARCHAR, canon BOOLEAN,
       region VARCHAR, grp VARCHAR, value VARCHAR, granularity VARCHAR, start_date DATE, end_date DATE,
       clause VARCHAR, trigger VARCHAR, actors VARCHAR[], confidence FLOAT, published_us BIGINT, words VARCHAR[],
       nkey VARCHAR, actors_cf VARCHAR[])""",
    # The blocks (dedupe.event_block_keys) of every dated event.
    "CREATE TABLE blocks (bkey UBIGINT, sid BIGINT)",
    # Pairs of canonical events that may merge, with their score and whether the merge replay joined two
    # groups at that pair (an unused pair changed nothing: dropping it changes no group).
    "CREATE TABLE edges (a BIGINT, b BIGINT, score DOUBLE, used BOOLEAN)",
]
_ROW_FIELDS = "sid, event_id, article_id, value, granularity, start_date, end_date, clause, trigger, actors, " \
              "confidence, published_us"


def _signature() -> str:
    here = Path(__file__).resolve().parent
    return code_signature(here / "warehouse_timeline.py", here / "dedupe.py", here / "lexicon.py",
                          here / "resources" / "stopwords.txt", here / "state.py", here / "disjoint_set.py",
                          here / "window_diff.py")


def _outputs(warehouse: str) -> dict:
    return storage.file_fingerprints(warehouse, "timeline")


def timeline_warehouse(warehouse: str, workers: int = 0, state_dir: str | Path | None = None) -> dict[str, Any]:
    """The timeline of the whole warehouse; writes ``timeline/year=YYYY/`` and returns statistics.

    With ``state_dir`` (a local folder), only the work the changed partitions and canonical articles touch
    is redone when the state there describes the current timeline files (see the module docstring). The
    state is kept in ``STATE_SHARDS`` files by start date, worked on side by side (``workers`` processes)."""
    started = time.perf_counter()
    try:
        listings = {t: storage.file_fingerprints(warehouse, t) for t in ("events", "article_duplicates")}
        stats: dict[str, Any] | str = "no state kept"
        if state_dir is not None:
            stats = _incremental_shards(warehouse, Path(state_dir), listings, workers)
        if isinstance(stats, str):
            log.info("timeline: recomputing from scratch: %s", stats)
            stats = {**_full(warehouse, listings, state_dir, workers), "mode": "full", "full_because": stats}
    finally:
        partitions._canonical_cache.clear()
    stats["seconds"] = time.perf_counter() - started
    return stats


# --- shards of the state -------------------------------------------------------------------------------

# The state is split by start date into this many files (events only merge within one start date, so every
# block, pair and region lies in one shard): an incremental run works on the shards in parallel.
STATE_SHARDS = int(os.environ.get("DATELINE_TIMELINE_SHARDS", "4"))
# State (bytes of the shard files) from which the shards are shared with a spawned worker: below it, the worker's
# start (1.5-2 s of imports) costs more than it saves (10k articles +1%: the timeline step 2.0 s with it).
SHARD_POOL_MIN_BYTES = 64_000_000
_STATE_FILE = re.compile(r"timeline(-\d+-of-\d+)?\.duckdb(\.wal)?")


def shards_of(start_dates: pa.Array | pa.ChunkedArray, shards: int) -> np.ndarray:
    """The state shard of the events starting on each of ``start_dates`` (date32): their day number modulo
    ``shards`` (numpy's % of a positive divisor, like Python's, is never negative)."""
    return start_dates.cast(pa.int32()).to_numpy(zero_copy_only=False) % shards


def _shard_names(shards: int) -> list[str]:
    return [f"timeline-{i}-of-{shards}" for i in range(shards)]


def _open_shards(state_dir: Path, shards: int) -> list[StepState]:
    """The shard states, opened; timeline state files of another layout (another shard count, or the one file of
    earlier versions) are removed."""
    names = _shard_names(shards)
    for old in state_dir.glob("timeline*.duckdb*"):
        if _STATE_FILE.fullmatch(old.name) and old.name.split(".duckdb")[0] not in names:
            old.unlink(missing_ok=True)
    return [StepState(state_dir, name, _signature()) for name in names]


def _incremental_shards(warehouse: str, state_dir: Path, listings: dict[str, dict[str, str]],
                        workers: int) -> dict[str, Any] | str:
    """An incremental run over every shard (the first in this process, the others in spawned workers), then the
    year files and the states' commit; or why the timeline must be recomputed from scratch."""
    outputs = _outputs(warehouse)
    states = _open_shards(state_dir, STATE_SHARDS)
    try:
        if not all(st.valid_for(outputs) for st in states):
            return "no state describing the current files"
        # Partitions rewritten wholesale (a new tagger version re-ingests every file): an incremental run would
        # hold their events in memory at once, the full path streams them.
        share = too_large_a_change(states[0].files("events"), listings["events"], REPLAY_SHARE, LARGE_CHANGE_BYTES)
        if share is not None:
            return (f"the changed partitions hold {share:.0%} of the events "
                    f"(more than DATELINE_TIMELINE_REPLAY_SHARE {REPLAY_SHARE:g})")
        quiet = (not changed_leaves(states[0].files("events"), listings["events"])
                 and states[0].files("article_duplicates") == listings["article_duplicates"])
        if quiet:
            stats = [{"events_in": _events_in(st.con)} for st in states]
    finally:
        for st in states:
            st.close()
    if not quiet:
        size = sum((state_dir / f"{name}.duckdb").stat().st_size for name in _shard_names(STATE_SHARDS))
        n = min(partitions.worker_count(workers), STATE_SHARDS) if size >= SHARD_POOL_MIN_BYTES else 1
        # The cores shared out between the processes: DuckDB's default (a thread per core in each) oversubscribes
        # them (1M articles +1%, the timeline on 2 cores: 29.6-30.3 s with 2 threads a process, 28.4-29.0 s with 1).
        threads = max(1, partitions.worker_count(0) // n)
        args = [(warehouse, str(state_dir), i, STATE_SHARDS, listings, threads) for i in range(STATE_SHARDS)]
        if n <= 1:
            runs = [_shard_run(*a) for a in args]
        else:  # this process takes every n-th shard, n - 1 spawned workers the others
            with ProcessPoolExecutor(max_workers=n - 1, mp_context=get_context("spawn")) as pool:
                others = {i: pool.submit(_shard_run, *a) for i, a in enumerate(args) if i % n}
                mine = {i: _shard_run(*a) for i, a in enumerate(args) if not i % n}
                runs = [mine[i] if i in mine else others[i].result() for i in range(len(args))]
        why = [r for r in runs if isinstance(r, str)]
        if why:
            return why[0]
        stats = [r for r, _ in runs]
        deltas = [d for _, d in runs if d is not None]
        if deltas:
            _rewrite_years(warehouse, set().union(*(d.gone for d in deltas)),
                           {g: y for d in deltas for g, y in d.year_of_grp.items()},
                           pa.concat_tables([d.rows for d in deltas]))
        del deltas, runs
    outputs = _outputs(warehouse)
    for st in _open_shards(state_dir, STATE_SHARDS):
        try:
            st.set_files(listings)
            st.commit(outputs)
        finally:
            st.close()
    total = {k: sum(s.get(k, 0) for s in stats) for k in {k for s in stats for k in s}}  # counts add
    total.update(_timeline_stats(warehouse, outputs))
    total["mode"] = "incremental"
    return total


def _timeline_stats(warehouse: str, outputs: dict[str, str]) -> dict[str, Any]:
    """Rows, multi-source rows, largest source count and years of the timeline files ``outputs`` (a row per
    group, whose source count is its number of distinct articles): read from their ``source_count`` column, not
    counted over the states (a grouping of every event, 0.2-0.4 s a shard at 1M articles)."""
    paths = storage.full_paths(warehouse, outputs)
    counts = np.concatenate([t.column("source_count").to_numpy() for t in storage.read_files_columns(
        warehouse, paths, "timeline", ["source_count"])] or [np.empty(0, dtype=np.int32)])
    return {**_source_summary(counts), "years": len({storage.year_of_path(p) for p in outputs})}


def _source_summary(counts: np.ndarray) -> dict[str, int]:
    """Rows, multi-source rows and the largest source count of timeline rows with source counts ``counts``."""
    return {"rows": len(counts), "multi_source_rows": int((counts > 1).sum()),
            "max_source_count": int(counts.max(initial=0))}


def _shard_run(warehouse: str, state_dir: str, shard: int, shards: int, listings: dict[str, dict[str, str]],
               threads: int = 0) -> tuple[dict[str, Any], YearDelta | None] | str:
    """``_incremental`` on one shard's state (DuckDB on ``threads`` threads; 0: its default), checkpointed (left
    marked incomplete: the caller commits it once the year files are written). Returns its statistics with the
    year-file delta, or why it cannot be done."""
    started = time.perf_counter()
    st = StepState(state_dir, _shard_names(shards)[shard], _signature())
    try:
        if threads:
            st.con.execute(f"SET threads = {int(threads)}")
        st.begin()
        st.hold_buffers()
        with collector_paused():
            out = _incremental(warehouse, st, listings, shard, shards)
        if not isinstance(out, str):
            st.con.execute("CHECKPOINT")  # here, in parallel with the other shards
            st.con.execute("RESET checkpoint_threshold")
        log.info("timeline: state shard %d of %d done in %.1f s", shard, shards, time.perf_counter() - started)
        return out
    finally:  # the canonical ids stay cached for this process's next shard (the caller clears them)
        st.close()


# --- chunks of events --------------------------------------------------------------------------------


def _prepare(e: dict) -> dict:
    """An event row as the clustering reads it, with its content words."""
    e["words"] = dedupe._event_words(e)
    return e


def _regions(eids: Iterable[str], scored: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected component of each event over the scored pairs, labelled by its smallest id."""
    return components(eids, scored)


def _published_us(e: dict) -> int | None:
    p = e.get("published_at")
    return None if p is None else (p - _EPOCH) // timedelta(microseconds=1)


def _evs_row(e: dict, sid: int, canon: bool, region: str | None, grp: str | None) -> dict:
    return dict(sid=sid, event_id=e["event_id"], article_id=e["article_id"], leaf=e["leaf"], canon=canon,
                region=region, grp=grp, value=e["value"], granularity=e.get("granularity"),
                start_date=e["start_date"], end_date=e["end_date"], clause=e["clause"], trigger=e.get("trigger"),
                actors=e.get("actors") or [], confidence=e.get("confidence"), published_us=_published_us(e),
                words=sorted(e["words"]), nkey=dedupe.neighbour_key(e, e["words"]),
                actors_cf=sorted({x.casefold() for x in e.get("actors") or []}))


def _cluster_chunk(events: list[dict], canon: list[bool], sid_base: int, keep_state: bool) -> dict[str, Any]:
    """Cluster one chunk of events (whole start dates): timeline rows, and the state rows when asked."""
    for e in events:
        _prepare(e)
    words = {e["event_id"]: e["words"] for e in events}
    keys = {e["event_id"]: dedupe.event_block_keys(e, e["words"]) for e in events}
    by_id = {e["event_id"]: e for e, c in zip(events, canon, strict=True) if c}
    scored = dedupe.score_events(by_id, words, keys)
    accepted: list[tuple[str, str]] = []
    groups = dedupe.merge_groups({eid: e["article_id"] for eid, e in by_id.items()}, scored, accepted)
    rows = [dedupe.timeline_row([by_id[m] for m in g]) for g in groups]
    out: dict[str, Any] = {"rows": rows}
    if keep_state:
        grp = {m: r["timeline_id"] for g, r in zip(groups, rows, strict=True) for m in g}
        region = _regions(by_id, scored)
        sid = {e["event_id"]: sid_base + i for i, e in enumerate(events)}
        out["evs"] = [_evs_row(e, sid[e["event_id"]], c, region.get(e["event_id"]) if c else None,
                               grp.get(e["event_id"]) if c else None) for e, c in zip(events, canon, strict=True)]
        out["blocks"] = ([k for e in events for k in keys[e["event_id"]]],
                         [sid[e["event_id"]] for e in events for _ in keys[e["event_id"]]])
        used = set(accepted)
        out["edges"] = [(sid[a], sid[b], s, (a, b) in used) for (a, b), s in scored.items()]
        out["unique_ids"] = len(sid) == len(events)
    return out


def _sorted_rows(rows: list[dict]) -> pa.Table:
    rows.sort(key=lambda r: (r["start_date"], r["timeline_id"]))
    return pa.Table.from_pylist(rows, schema=schemas.TIMELINE)


def timeline_year(warehouse: str, year: str, paths: Sequence[str], sid_base: int = 0,
                  staging: str | None = None) -> dict[str, Any]:
    """Cluster the events of one ``year=`` directory of ``events`` (its files ``paths``) into that year's timeline
    file, a bounded chunk of whole start dates at a time (the year's events are first spread over one local
    spill file per chunk, a file at a time). With ``staging`` (a local folder), the year's state rows are
    written there as Parquet, by state shard (``<year>.evs|blocks|edges.<shard>.parquet``)."""
    started = time.perf_counter()
    canon_ids = partitions._canonical_ids(warehouse)
    writers: dict[tuple[str, int], pq.ParquetWriter] = {}
    rows: list[pa.Table] = []
    events_in = 0
    state_ok = True
    sid = sid_base

    def flush(chunk: pa.Table) -> None:
        nonlocal sid, state_ok
        if chunk.num_rows == 0:
            return
        canon = partitions.is_canonical(chunk.column("article_id"), canon_ids).to_pylist()
        events = chunk.to_pylist()
        for e in events:
            e["leaf"] = storage.file_key(e.pop("partition_key") or "") + ".parquet"
        out = _cluster_chunk(events, canon, sid, staging is not None)
        base = sid
        sid += len(events)
        rows.append(_sorted_rows(out["rows"]))  # chunks come in start-date order: so do their rows
        if staging is not None:
            state_ok = state_ok and out["unique_ids"]
            bkeys, bsids = out["blocks"]
            parts = {
                "evs": pa.Table.from_pylist(out["evs"], schema=EVS_SCHEMA),
                "blocks": pa.table({"bkey": pa.array(bkeys, type=pa.uint64()), "sid": pa.array(bsids, type=pa.int64())}),
                "edges": pa.Table.from_pylist([dict(a=a, b=b, score=s, used=u) for a, b, s, u in out["edges"]],
                                              schema=EDGES_SCHEMA),
            }
            # Each state row goes to the shard of its event's start date (a pair's events share theirs).
            # Indexed by sid - base, the chunk's sids being consecutive.
            shard_at = shards_of(parts["evs"].column("start_date"), STATE_SHARDS)
            shard_of_row = {"evs": shard_at, "blocks": shard_at[np.asarray(bsids, dtype=np.int64) - base],
                            "edges": shard_at[parts["edges"].column("a").to_numpy() - base]}
            for name, t in parts.items():
                for i in np.unique(shard_of_row[name]).tolist():
                    if (name, i) not in writers:
                        writers[name, i] = pq.ParquetWriter(f"{staging}/{year}.{name}.{i}.parquet", t.schema)
                    writers[name, i].write_table(t.filter(pa.array(shard_of_row[name] == i)))

    spill = Path(tempfile.mkdtemp(prefix="dateline-timeline-"))
    try:
        # Pass 1: the start dates alone, to cut the year into chunks of whole dates of about CHUNK_EVENTS events.
        days = [storage.read_file_columns(warehouse, p, "events", ["start_date"]).column("start_date") for p in paths]
        ordinals = np.concatenate([pc.drop_null(d).cast(pa.int32()).to_numpy() for d in days]) if days else []
        values, counts = np.unique(ordinals, return_counts=True)
        bounds: list[int] = []  # first date of each chunk but the first
        held = 0
        for v, c in zip(values.tolist(), counts.tolist(), strict=True):
            if held and held + c > CHUNK_EVENTS:
                bounds.append(v)
                held = 0
            held += c
        cuts = np.array(bounds, dtype=np.int32)
        # Pass 2: each file's events go to their chunk's spill file (Arrow IPC on local disk), a file at a time.
        spills: dict[int, pa.ipc.RecordBatchFileWriter] = {}
        for p in paths:
            t = storage.read_file_columns(warehouse, p, "events", READ_COLUMNS)
            t = t.filter(pc.is_valid(t.column("start_date")))
            events_in += t.num_rows
            if t.num_rows == 0:
                continue
            chunk_of = np.searchsorted(cuts, t.column("start_date").cast(pa.int32()).to_numpy(), side="right")
            for c in np.unique(chunk_of).tolist():
                part = t.filter(pa.array(chunk_of == c))
                if c not in spills:
                    spills[c] = pa.ipc.new_file(str(spill / f"{c}.arrow"), part.schema)
                spills[c].write_table(part)
        for w in spills.values():
            w.close()
        # Pass 3: the chunks in date order.
        for c in sorted(spills):
            with pa.memory_map(str(spill / f"{c}.arrow")) as source:
                chunk = pa.ipc.open_file(source).read_all()
            flush(chunk.sort_by([("start_date", "ascending"), ("event_id", "ascending")]))
            del chunk
            (spill / f"{c}.arrow").unlink()
    finally:
        for w in writers.values():
            w.close()
        shutil.rmtree(spill, ignore_errors=True)
    table = pa.concat_tables(rows).combine_chunks() if rows else schemas.TIMELINE.empty_table()
    storage.write_year_file(warehouse, "timeline", storage.WHOLE_TABLE_KEY, year, table)
    counts = table.column("source_count").to_numpy() if table.num_rows else np.zeros(0, dtype=np.int32)
    return {**_source_summary(counts), "events_in": events_in, "state_ok": state_ok,
            "seconds": time.perf_counter() - started}


def _full(warehouse: str, listings: dict[str, dict[str, str]], state_dir: str | Path | None,
          workers: int) -> dict[str, Any]:
    base = storage.parquet_root(warehouse)
    files_of: dict[str, list[str]] = defaultdict(list)
    size_of: dict[str, int] = defaultdict(int)
    for rel, fp in listings["events"].items():
        y = storage.year_of_path(rel)
        if y and y != storage.HIVE_NULL:
            files_of[y].append(f"{base}/{rel}")
            size_of[y] += storage.fingerprint_bytes(fp)
    years = sorted(files_of, key=lambda y: -size_of[y])  # biggest first: the pool finishes together
    sid_base = {y: (i + 1) << 32 for i, y in enumerate(sorted(files_of))}
    states = _open_shards(Path(state_dir), STATE_SHARDS) if state_dir is not None else []
    staging = None
    try:
        for st in states:
            st.reset(STATE_DDL)  # marked incomplete until the new rows are in
        if states:
            staging = states[0].path.parent / f"staging-{uuid.uuid4().hex[:8]}"
            staging.mkdir()
        n = partitions.worker_count(workers) if sum(size_of.values()) >= partitions.POOL_MIN_BYTES else 1
        stats = partitions.map_partitions(
            timeline_year, [(warehouse, y, sorted(files_of[y]), sid_base[y], str(staging) if staging else None)
                            for y in years], n)
        storage.drop_years_except(warehouse, "timeline", storage.WHOLE_TABLE_KEY, years)
        state_ok = all(s["state_ok"] for s in stats)
        if states and state_ok:
            outputs = _outputs(warehouse)
            for i, st in enumerate(states):
                for name in ("evs", "blocks", "edges"):
                    found = sorted(str(p) for p in staging.glob(f"*.{name}.{i}.parquet"))
                    if found:
                        st.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)", [found])
                st.set_files(listings)
                st.commit(outputs)
    finally:
        for st in states:
            st.close()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    total: dict[str, Any] = {"rows": 0, "events_in": 0, "multi_source_rows": 0, "max_source_count": 0,
                             "years": len(years)}
    for s in stats:
        total["rows"] += s["rows"]
        total["events_in"] += s["events_in"]
        total["multi_source_rows"] += s["multi_source_rows"]
        total["max_source_count"] = max(total["max_source_count"], s["max_source_count"])
    return total


# --- incremental -----------------------------------------------------------------------------------------


def _read_events(warehouse: str, paths: list[str], shard: int = 0, shards: int = 1) -> tuple[list[str], list[dict]]:
    """The ids of the dated events in the files ``paths``, and the rows of those in shard ``shard`` of ``shards``
    (every shard reads the changed files; only its own events become Python rows)."""
    if not paths:
        return [], []
    con = storage.connect_bounded(memory_limit=WORKER_DUCKDB_MEMORY, threads=1)
    try:
        cols = ", ".join(f'"{c}"' for c in READ_COLUMNS)
        t = con.sql(
            f"SELECT {cols} FROM read_parquet($paths, hive_partitioning = false, union_by_name = true) "
            "WHERE start_date IS NOT NULL", params={"paths": storage.duckdb_paths(con, warehouse, paths)},
        ).to_arrow_table()
    finally:
        con.close()
    ids = t.column("event_id").to_pylist()
    if shards > 1:
        t = t.filter(pa.array(shards_of(t.column("start_date"), shards) == shard))
    out = t.to_pylist()
    for e in out:
        e["leaf"] = storage.file_key(e.pop("partition_key") or "") + ".parquet"
    return ids, out


class _Events:
    """The events an incremental run looks at, loaded from the state as needed (by sid)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.eid: dict[int, str] = {}
        self.nkey: dict[int, str] = {}
        self.full: dict[int, dict] = {}  # what a timeline row reads (arriving events: everything)

    def add(self, sid: int, e: dict) -> None:
        """An arriving event (read from its file, prepared)."""
        self.eid[sid], self.nkey[sid] = e["event_id"], dedupe.neighbour_key(e, e["words"])
        self.full[sid] = e

    def _fetch(self, fields: str, sids: Iterable[int], into: dict[int, dict]) -> None:
        missing = sorted(s for s in sids if s not in into)
        for lo in range(0, len(missing), 100_000):
            with id_table(self.con, "_fetch", missing[lo : lo + 100_000]):
                t = self.con.sql(f"SELECT {fields} FROM evs WHERE sid IN (SELECT id FROM _fetch)").to_arrow_table()
            cols = {c: t.column(c).to_pylist() for c in t.column_names}
            us = cols.pop("published_us", None)
            if us is not None:
                cols["published_at"] = [None if u is None else _EPOCH + timedelta(microseconds=u) for u in us]
            if "words" in cols:
                cols["words"] = [set(w or ()) for w in cols["words"]]
            cols["actors"] = [a or [] for a in cols["actors"]]
            names = list(cols)
            for values in zip(*cols.values(), strict=True):
                e = dict(zip(names, values, strict=True))
                into[e["sid"]] = e
                self.eid[e["sid"]] = e["event_id"]

    def load_nkeys(self, sids: Iterable[int]) -> None:
        missing = sorted(s for s in sids if s not in self.nkey)
        if missing:
            with id_table(self.con, "_nk", missing):
                t = self.con.sql("SELECT sid, nkey FROM evs WHERE sid IN (SELECT id FROM _nk)").to_arrow_table()
            self.nkey.update(zip(t.column("sid").to_pylist(), t.column("nkey").to_pylist(), strict=True))

    def load_rows(self, sids: Iterable[int], words: bool = False) -> None:
        """What a timeline row reads of the events ``sids`` (and their content words, to score them)."""
        self._fetch(_ROW_FIELDS + (", words" if words else ""), sids, self.full)

    def features(self, sid: int) -> dict:
        return self.full[sid]

    def pair(self, a: int, b: int) -> tuple[int, int]:
        """A pair of sids in the order of their event ids (as the clustering orients pairs)."""
        return (a, b) if self.eid[a] < self.eid[b] else (b, a)


def _members(con: duckdb.DuckDBPyConnection, ev: _Events, bkeys: Iterable[int]) -> dict[int, list[int]]:
    """The canonical members of blocks ``bkeys`` as recorded; the members of a windowed block (more than
    ``MAX_EVENT_BLOCK``) in neighbour-key order, with their keys loaded."""
    keys = sorted(set(bkeys))
    out: dict[int, list[int]] = defaultdict(list)
    if not keys:
        return out
    con.register("_bk", pa.table({"bkey": pa.array(keys, type=pa.uint64())}))
    t = con.sql("SELECT b.bkey, e.sid, e.event_id FROM blocks b JOIN _bk USING (bkey) JOIN evs e USING (sid) "
                "WHERE e.canon").to_arrow_table()
    con.unregister("_bk")
    for k, s, eid in zip(*(t.column(c).to_pylist() for c in ("bkey", "sid", "event_id")), strict=True):
        out[k].append(s)
        ev.eid[s] = eid
    ev.load_nkeys({s for m in out.values() if len(m) > dedupe.MAX_EVENT_BLOCK for s in m})
    for m in out.values():
        if len(m) > dedupe.MAX_EVENT_BLOCK:
            m.sort(key=ev.nkey.__getitem__)
    return out


def _all_pairs(members: Sequence[int], ev: _Events) -> set[tuple[int, int]]:
    """The pairs a block compares (``dedupe.block_pairs``), as oriented sid pairs."""
    if len(members) <= dedupe.MAX_EVENT_BLOCK:
        return {ev.pair(a, b) for i, a in enumerate(members) for b in members[i + 1 :]}
    ordered = sorted(members, key=ev.nkey.__getitem__)
    w = dedupe.EVENT_WINDOW
    return {ev.pair(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 : i + 1 + w]}


def _window_changes(con: duckdb.DuckDBPyConnection, ev: _Events, blocks: list[int], joins_of: dict[int, list[int]],
                    leaving: set[int]) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[list[int], list[int]]]]:
    """For blocks windowed before and after: the pairs that appear in their windows and those that drop out
    (``window_diffs`` over their recorded members around the changes: SQL numbers every block's members and
    joining events in neighbour-key order, and only the neighbourhoods come back), and each block's changes: the
    old positions joining events slot in before, and those of leaving members (both sorted)."""
    if not blocks:
        return np.empty((0, 2), dtype=np.int64), np.empty((0, 2), dtype=np.int64), {}
    joins = [(k, s) for k in blocks for s in joins_of.get(k, ())]
    con.register("_wb", pa.table({"bkey": pa.array(blocks, type=pa.uint64())}))
    con.register("_wj", pa.table({"bkey": pa.array([k for k, _ in joins], type=pa.uint64()),
                                  "sid": pa.array([s for _, s in joins], type=pa.int64()),
                                  "nkey": pa.array([ev.nkey[s] for _, s in joins], type=pa.string())}))
    # One sort per block: a member's old position (pos), and for a joining event the old position it slots in
    # before (members with a smaller key; a recorded twin of the same key sorts after it). The sort carries
    # integers only: the event ids of the few rows that come back are joined afterwards.
    with id_table(con, "_wl", sorted(leaving)):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _wm AS
            WITH u AS (SELECT b.bkey, e.sid, e.nkey, 0 AS kind
                       FROM blocks b JOIN _wb USING (bkey) JOIN evs e USING (sid) WHERE e.canon
                       UNION ALL SELECT bkey, sid, nkey, 1 AS kind FROM _wj)
            SELECT bkey, sid, kind, sid IN (SELECT id FROM _wl) AND kind = 0 AS leaving,
                   (sum(1 - kind) OVER w - (1 - kind))::BIGINT AS pos, row_number() OVER w AS rk
            FROM u WINDOW w AS (PARTITION BY bkey ORDER BY nkey, kind DESC ROWS UNBOUNDED PRECEDING)""")
    points = con.sql("SELECT bkey, sid, pos, kind FROM _wm WHERE kind = 1 OR leaving ORDER BY bkey, rk"
                     ).to_arrow_table()
    near = con.sql(f"""
        WITH p AS (SELECT bkey, pos, {dedupe.EVENT_WINDOW} + count(*) OVER (PARTITION BY bkey) AS margin
                   FROM _wm WHERE kind = 1 OR leaving),
        m AS (SELECT DISTINCT m.bkey, m.pos, m.sid, m.leaving FROM _wm m JOIN p
              ON m.bkey = p.bkey AND m.pos >= p.pos - p.margin AND m.pos < p.pos + p.margin WHERE m.kind = 0)
        SELECT m.bkey, m.pos, m.sid, m.leaving, e.event_id FROM m JOIN evs e USING (sid)
        ORDER BY m.bkey, m.pos""").to_arrow_table()
    for name in ("_wb", "_wj"):
        con.unregister(name)
    # The old positions of every member, for ``_still_paired`` (integers only: the block sort is not redone).
    con.execute("INSERT INTO _wpos SELECT bkey, sid, pos FROM _wm WHERE kind = 0")
    con.execute("DROP TABLE _wm")
    col = {c: points.column(c).to_numpy() for c in ("bkey", "sid", "pos", "kind")}
    joining = col["kind"] == 1
    rows = {c: near.column(c).to_numpy(zero_copy_only=False) for c in ("bkey", "pos", "sid", "leaving")}
    # Pairs are oriented by event id: compared as their ranks (one Arrow sort), not as Python strings.
    ids = pa.concat_arrays([near.column("event_id").combine_chunks().cast(pa.string()),
                            pa.array([ev.eid[s] for s in col["sid"][joining].tolist()], type=pa.string())])
    rank = pc.rank(ids, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)
    appeared, dropped = window_diffs(
        rows["bkey"], rows["pos"], rows["sid"], rows["leaving"], rank[: near.num_rows],
        col["bkey"][joining], col["pos"][joining], col["sid"][joining], rank[near.num_rows :],
        dedupe.EVENT_WINDOW)
    changes: dict[int, tuple[list[int], list[int]]] = {k: ([], []) for k in blocks}
    for k, pos, kind in zip(*(points.column(c).to_pylist() for c in ("bkey", "pos", "kind")), strict=True):
        changes[k][0 if kind else 1].append(pos)
    for inserts, gone in changes.values():
        inserts.sort()
        gone.sort()
    return appeared, dropped, changes


@dataclass
class YearDelta:
    """What an incremental run changes in the year files: the rows of the groups ``gone`` (whose years
    ``year_of_grp`` gives) are replaced by ``rows``."""

    gone: set[str]
    year_of_grp: dict[str, str]
    rows: pa.Table


def _incremental(warehouse: str, st: StepState, listings: dict[str, dict[str, str]], shard: int = 0,
                 shards: int = 1) -> tuple[dict[str, Any], YearDelta | None] | str:
    """The statistics of an incremental run on the state ``st`` (shard ``shard`` of ``shards``: the events whose
    start date is in it) and the change to the year files, or why the timeline must be recomputed from scratch."""
    con = st.con
    changed = sorted(changed_leaves(st.files("events"), listings["events"]))
    dup_changed = st.files("article_duplicates") != listings["article_duplicates"]
    if not changed and not dup_changed:
        return {"events_in": _events_in(con)}, None
    canon_ids = partitions._canonical_ids(warehouse)
    base = storage.parquet_root(warehouse)
    ev = _Events(con)

    # Events of the changed partitions: the recorded ones leave, the current ones arrive (new sids).
    removed = con.execute("SELECT sid, canon FROM evs WHERE leaf IN (SELECT unnest(?::VARCHAR[]))",
                          [changed]).fetchall()
    removed_sids = {s for s, _ in removed}
    changed_set = set(changed)
    ids, arriving = _read_events(warehouse, [f"{base}/{p}" for p in listings["events"] if leaf(p) in changed_set],
                                 shard, shards)  # ids: of every shard, checked here and below
    if len(set(ids)) != len(ids):
        return "an event id repeats in the changed partitions"
    if ids:
        con.register("_ids", pa.table({"event_id": pa.array(ids, type=pa.string())}))
        clash = con.execute("SELECT count(*) FROM evs JOIN _ids USING (event_id) "
                            "WHERE leaf NOT IN (SELECT unnest(?::VARCHAR[]))", [changed]).fetchall()[0][0]
        con.unregister("_ids")
        if clash:  # the state cannot tell them apart
            return "an event id of a changed partition is recorded in another partition"
    canon_new = partitions.is_canonical(pa.array([e["article_id"] for e in arriving], type=pa.string()),
                                        canon_ids).to_pylist() if arriving else []
    next_sid = (con.execute("SELECT max(sid) FROM evs").fetchall()[0][0] or 0) + 1
    added: list[int] = []
    added_canon: dict[int, bool] = {}
    keys_of: dict[int, list[int]] = {}
    for e, c in zip(arriving, canon_new, strict=True):
        _prepare(e)
        ev.add(next_sid, e)
        keys_of[next_sid] = dedupe.event_block_keys(e, e["words"])
        added.append(next_sid)
        added_canon[next_sid] = c
        next_sid += 1

    # Articles whose canonical status changed: their recorded events join or leave the timeline.
    flips: dict[int, bool] = {}
    if dup_changed:
        con.register("_canon", pa.table({"article_id": canon_ids}))
        for sid, now in con.execute(
            "SELECT sid, NOT canon FROM evs WHERE canon != (article_id IN (SELECT article_id FROM _canon)) "
            "AND leaf NOT IN (SELECT unnest(?::VARCHAR[]))", [changed]
        ).fetchall():
            flips[sid] = now
        con.unregister("_canon")
    leaving = {s for s, c in removed if c} | {s for s, now in flips.items() if not now}
    joining_old = {s for s, now in flips.items() if now}
    joining = joining_old | {s for s in added if added_canon[s]}
    ev.load_rows(joining_old, words=True)
    for s in joining_old:
        ev.nkey[s] = dedupe.neighbour_key(ev.full[s], ev.full[s]["words"])
    with id_table(con, "_moved", sorted(leaving | joining_old)):
        for k, s in con.execute("SELECT bkey, sid FROM blocks WHERE sid IN (SELECT id FROM _moved)").fetchall():
            keys_of.setdefault(s, []).append(k)

    # Blocks touched by an event joining or leaving: the pairs that appear, and those that drop out of a window.
    joins_of: dict[int, list[int]] = defaultdict(list)
    for s in joining:
        for k in keys_of.get(s, ()):
            joins_of[k].append(s)
    touched = {k for s in leaving | joining for k in keys_of.get(s, ())}
    leaves_of: dict[int, int] = defaultdict(int)
    for s in leaving:
        for k in keys_of.get(s, ()):
            leaves_of[k] += 1
    touched_share = _touched_share(con, touched)
    log.info("timeline: %d blocks touched, their regions of several groups hold %.0f%% of the events",
             len(touched), 100 * touched_share)
    if touched_share > EARLY_SHARE_FACTOR * REPLAY_SHARE:
        return (f"the change touches blocks whose regions hold {touched_share:.0%} of the events "
                f"(more than {EARLY_SHARE_FACTOR:g} x DATELINE_TIMELINE_REPLAY_SHARE {REPLAY_SHARE:g})")
    old_size = _sizes(con, touched)
    new_size = {k: old_size.get(k, 0) - leaves_of[k] + len(joins_of.get(k, ())) for k in touched}
    small = dedupe.MAX_EVENT_BLOCK
    small_blocks = [k for k in touched if old_size.get(k, 0) <= small and new_size[k] <= small]
    windowed = [k for k in touched if old_size.get(k, 0) > small and new_size[k] > small]
    appeared: set[tuple[int, int]] = set()
    dropped: set[tuple[int, int]] = set()
    changes: dict[int, tuple[list[int], list[int]]] = {}
    windowed.sort()
    con.execute("CREATE OR REPLACE TEMP TABLE _wpos (bkey UBIGINT, sid BIGINT, pos BIGINT)")
    for lo in range(0, len(windowed), WINDOW_BLOCKS):  # a slice at a time: the stretches around changes are large
        got, lost_pairs, part = _window_changes(con, ev, windowed[lo : lo + WINDOW_BLOCKS], joins_of, leaving)
        appeared.update(map(tuple, got.tolist()))
        dropped.update(map(tuple, lost_pairs.tolist()))
        changes.update(part)
    old_members = _members(con, ev, [k for k in touched if (old_size.get(k, 0) > small) != (new_size[k] > small)])
    new_members: dict[int, list[int]] = {}  # of the touched blocks windowed on one side only
    ev.load_nkeys({s for m in old_members.values() for s in m})  # one query, not one a block
    for k in old_members.keys() | {k for k in touched if new_size[k] > small and old_size.get(k, 0) <= small}:
        old = old_members.get(k, [])  # all pairs on one side, a window on the other
        new = sorted([s for s in old if s not in leaving] + joins_of.get(k, []), key=ev.nkey.__getitem__)
        before, after = _all_pairs(old, ev), _all_pairs(new, ev)
        appeared |= after - before
        dropped |= before - after
        new_members[k] = new

    # Recorded pairs that go: those of leaving events, and those no block pairs any more.
    with id_table(con, "_leaving_ids", sorted(leaving)):
        lost = {(a, b) for a, b in con.execute(
            "SELECT a, b FROM edges WHERE a IN (SELECT id FROM _leaving_ids) OR b IN (SELECT id FROM _leaving_ids)").fetchall()}
    dropped_edges = _recorded(con, {p for p in dropped if p not in lost and p not in appeared})
    still = _still_paired(con, set(dropped_edges), new_size, new_members, changes, ev)
    con.execute("DROP TABLE _wpos")
    del changes, dropped, new_members, old_members  # the largest structures of the run: what follows needs room
    unpaired = {p for p in dropped_edges if p not in still}
    lost |= unpaired
    lost_used = {p for p in unpaired if dropped_edges[p]}  # an unused pair that goes changes no group

    # The arriving events enter the state now (scored below in SQL; regions and rows follow); the recorded
    # rows of the changed partitions leave once their regions are known.
    st.insert("evs", pa.Table.from_pylist([_evs_row(ev.full[s], s, added_canon[s], None, None) for s in added],
                                          schema=EVS_SCHEMA))
    st.insert("blocks", pa.table({"bkey": pa.array([k for s in added for k in keys_of[s]], type=pa.uint64()),
                                  "sid": pa.array([s for s in added for _ in keys_of[s]], type=pa.int64())}))

    # New pairs: scored (a recorded pair keeps its score: a score depends on the two events alone).
    gained = _score(con, appeared, small_blocks, joining, leaving)
    del appeared

    # Where the joining events go. Merges only happen along scored pairs, so the groups of one region depend
    # on that region alone. A cluster of joining events whose pairs reach a single recorded group (and whose
    # articles are all new to it) simply joins that group: replaying the region would merge every part of the
    # group as before (its articles are distinct) and never a part of another one (their merges were refused
    # for shared articles, which stay). A region that is one group (its articles are distinct, so no merge in
    # it was ever refused) stays a union of whole groups when events leave it, pairs inside it go or appear
    # and such clusters join it: its groups are the connected components of its pairs (module docstring). Every
    # other touched region is replayed whole.
    joiners = sorted(joining)
    near = sorted({s for p in gained for s in p if s not in joining} | {s for p in lost for s in p} | leaving)
    ids: dict[str, str] = {}  # one string per group or region id (many events share them)
    with id_table(con, "_near", near):
        rec = {sid: (ids.setdefault(g, g) if g else g, ids.setdefault(r, r) if r else r) for sid, g, r in con.execute(
            "SELECT sid, grp, region FROM evs WHERE sid IN (SELECT id FROM _near)").fetchall()}
    del ids
    with id_table(con, "_near", [s for s in near if s not in ev.eid]):
        ev.eid.update(con.execute("SELECT sid, event_id FROM evs WHERE sid IN (SELECT id FROM _near)").fetchall())
    article_of = {s: ev.features(s)["article_id"] for s in joiners}
    # Regions changed inside (an event left, a used pair went, a pair appeared between two of its events), and
    # regions that must be replayed (a new pair between two regions).
    soft = {rec[s][1] for s in leaving | {x for p in lost_used for x in p} if s in rec and rec[s][1]}
    replayed: set[str] = set()
    for a, b in gained:
        if a not in joining and b not in joining:
            ra, rb = rec[a][1], rec[b][1]
            (soft if ra == rb else replayed).update((ra, rb))
    linked: DisjointSet[int] = DisjointSet()
    targets: dict[int, set[int]] = defaultdict(set)  # joining event -> recorded neighbours
    for a, b in gained:
        if a in joining and b in joining:
            linked.union(a, b)
        elif a in joining:
            targets[a].add(b)
        elif b in joining:
            targets[b].add(a)
    clusters: dict[int, list[int]] = defaultdict(list)
    for s in joiners:
        clusters[linked.find(s)].append(s)
    reach = {c: {rec[o][0] for s in m for o in targets.get(s, ())} for c, m in clusters.items()}
    group_articles: dict[str, set[str]] = defaultdict(set)
    single = sorted({next(iter(g)) for g in reach.values() if len(g) == 1})
    for grp, art in con.execute("SELECT grp, article_id FROM evs WHERE canon AND grp IN (SELECT unnest(?::VARCHAR[]))",
                                [single]).fetchall():
        group_articles[grp].add(art)
    region_of_grp = {rec[o][0]: rec[o][1] for s in joiners for o in targets.get(s, ())}
    one_group = _one_group_regions(con, soft | set(region_of_grp.values()))
    replayed |= soft - one_group
    while True:  # a cluster that cannot simply join makes its regions replayed, which may stop others joining
        attach: dict[str, list[int]] = defaultdict(list)
        slow_clusters = []
        for c, m in clusters.items():
            grps = reach[c]
            if len(grps) == 1 and region_of_grp[next(iter(grps))] not in replayed:
                attach[next(iter(grps))].extend(m)
            elif grps:
                slow_clusters.append(c)
        grown = {region_of_grp[g] for c in slow_clusters for g in reach[c]} - replayed
        for g, m in attach.items():
            arts = [article_of[s] for s in m]
            if len(set(arts)) != len(arts) or group_articles[g] & set(arts):
                grown.add(region_of_grp[g])
        if not grown:
            break
        replayed |= grown
    simple = (soft | {region_of_grp[g] for g in attach}) & one_group - replayed
    joins_simple = {g: m for g, m in attach.items() if region_of_grp[g] in simple}
    attach = {g: m for g, m in attach.items() if region_of_grp[g] not in simple}

    # The slow regions: replayed from their recorded and new scored pairs (unless that is most of the work).
    n_replay, n_canon = con.execute(
        "SELECT count(*) FILTER (WHERE region IN (SELECT unnest(?::VARCHAR[]))), count(*) FROM evs WHERE canon",
        [sorted(replayed)]).fetchall()[0]
    if n_replay > REPLAY_SHARE * n_canon:
        return (f"the change would replay {n_replay} of {n_canon} events "
                f"(more than DATELINE_TIMELINE_REPLAY_SHARE {REPLAY_SHARE:g})")
    # Regions a cluster of joining events or a new pair bridges are replayed together; the rest a slice at a time.
    bridged: DisjointSet[str] = DisjointSet()
    for r in replayed:
        bridged.find(r)
    for c in clusters:
        rs = sorted({region_of_grp[g] for g in reach[c]})
        for r in rs[1:]:
            bridged.union(rs[0], r)
    for a, b in gained:
        if a not in joining and b not in joining and rec[a][1] != rec[b][1]:
            bridged.union(rec[a][1], rec[b][1])
    size_of = dict(con.execute("SELECT region, count(*) FROM evs WHERE canon AND region IN (SELECT unnest(?::VARCHAR[])) "
                               "GROUP BY region", [sorted(replayed)]).fetchall())
    units: dict[str, list[str]] = defaultdict(list)
    for r in sorted(replayed):
        units[bridged.find(r)].append(r)
    slices: list[list[str]] = [[]]
    held = 0
    for unit in units.values():
        if held and held + sum(size_of.get(r, 0) for r in unit) > REPLAY_EVENTS:
            slices.append([])
            held = 0
        slices[-1].extend(unit)
        held += sum(size_of.get(r, 0) for r in unit)
    slice_of = {r: i for i, regions in enumerate(slices) for r in regions}
    cluster_slice: dict[int, list[int]] = defaultdict(list)
    for c, m in clusters.items():
        if not reach[c]:
            cluster_slice[len(slices) - 1].extend(m)
        elif any(region_of_grp[g] in replayed for g in reach[c]):
            cluster_slice[slice_of[region_of_grp[next(iter(reach[c]))]]].extend(m)
    old_groups: dict[str, set[int]] = defaultdict(set)
    year_of_grp: dict[str, str] = {}
    old_region: dict[int, str] = {}
    old_grp: dict[int, str] = {}

    def recorded_members(column: str, keys: Iterable[str]) -> list[tuple[int, str]]:
        """The canonical recorded events (sid, region) whose ``column`` (region or grp) is one of ``keys``, their
        id, article, group and region noted as recorded."""
        rows = con.execute(f"SELECT sid, event_id, article_id, grp, year(start_date), region FROM evs "
                           f"WHERE canon AND {column} IN (SELECT unnest(?::VARCHAR[]))", [sorted(keys)]).fetchall()
        for sid, e, art, grp, year, region in rows:
            ev.eid[sid] = e
            article_of[sid] = art
            old_groups[grp].add(sid)
            year_of_grp[grp] = str(year)
            old_region[sid], old_grp[sid] = region, grp
        return [(sid, region) for sid, *_, region in rows]

    groups: list[list[int]] = []
    region_of: dict[int, str] = {}
    flags: dict[tuple[int, int], bool] = {}  # pairs whose used flag is new or changes
    was_used: dict[tuple[int, int], bool] = {}
    recorded_gained: set[tuple[int, int]] = set()  # new pairs some block had already paired
    n_replayed = 0
    eid = ev.eid
    gained_from: dict[int, list[tuple[int, int]]] = defaultdict(list)  # by first event: a slice reads only its own
    for p in gained:
        gained_from[p[0]].append(p)
    for i, regions in enumerate(slices):
        region_old = recorded_members("region", regions)
        replay = [s for s, *_ in region_old if s not in leaving] + cluster_slice.get(i, [])
        n_replayed += len(replay)
        in_replay = set(replay)
        t = _edges_of(con, [s for s, *_ in region_old], lost)
        pairs = list(zip(t.column("a").to_pylist(), t.column("b").to_pylist(), strict=True))
        recorded = dict(zip(pairs, t.column("score").to_pylist(), strict=True))
        used_before = dict(zip(pairs, t.column("used").to_pylist(), strict=True))
        del t, pairs
        inside = [(p, sc) for p, sc in recorded.items() if p[0] in in_replay and p[1] in in_replay]
        inside += [(p, gained[p]) for s in replay for p in gained_from.get(s, ()) if p[1] in in_replay]
        recorded_gained |= {p for p in recorded if p in gained}
        sid_of = {eid[s]: s for s in replay}
        accepted: list[tuple[str, str]] = []
        groups += [[sid_of[e] for e in g] for g in dedupe.merge_groups(
            {eid[s]: article_of[s] for s in replay}, {(eid[a], eid[b]): sc for (a, b), sc in inside}, accepted)]
        region_of.update(_regions_of(replay, eid, [p for p, _ in inside]))
        used = {(sid_of[a], sid_of[b]) for a, b in accepted}
        for p, _ in inside:
            u = p in used
            if p not in used_before:
                flags[p] = u
            elif used_before[p] != u:
                flags[p], was_used[p] = u, used_before[p]
        del recorded, used_before, inside, sid_of, used
    del gained_from

    # The groups joined by new events keep their region; their rows are rebuilt like the replayed groups' rows.
    members_of: dict[str, list[int]] = defaultdict(list)
    for sid, _ in recorded_members("grp", attach):
        members_of[old_grp[sid]].append(sid)
    inner: dict[tuple[int, int], float] = {}
    if attach:
        con.register("_ag", pa.table({"grp": pa.array(sorted(attach), type=pa.string())}))
        t = con.sql("""SELECT e.a, e.b, e.score, e.used FROM edges e JOIN evs x ON x.sid = e.a JOIN evs y ON y.sid = e.b
                       WHERE x.canon AND x.grp IN (SELECT grp FROM _ag) AND y.grp = x.grp""").to_arrow_table()
        con.unregister("_ag")
        for a, b, sc, u in zip(*(t.column(c).to_pylist() for c in ("a", "b", "score", "used")), strict=True):
            if (a, b) not in lost:
                inner[(a, b)] = sc
                was_used[(a, b)] = u
    recorded_gained |= {p for p in inner if p in gained}
    group_of = {s: g for g, m in members_of.items() for s in m} | {s: g for g, m in attach.items() for s in m}
    by_group: dict[str, dict[tuple[int, int], float]] = defaultdict(dict)
    for (a, b), sc in (inner | gained).items():
        if a in group_of and group_of[a] == group_of.get(b):
            by_group[group_of[a]][(a, b)] = sc
    for g, m in attach.items():
        members = members_of[g] + m
        groups.append(members)
        region_of.update((s, region_of_grp[g]) for s in members)
        # The pairs the replay would use inside the grown group (it joins nothing else).
        sid_of = {ev.eid[s]: s for s in members}
        accepted = []
        merged = dedupe.merge_groups({ev.eid[s]: article_of[s] for s in members},
                                     {(ev.eid[a], ev.eid[b]): sc for (a, b), sc in by_group[g].items()}, accepted)
        if len(merged) != 1:
            raise RuntimeError(f"timeline state: group {g} does not stay one group when joined")  # cannot happen
        used = {(sid_of[a], sid_of[b]) for a, b in accepted}
        flags.update((p, p in used) for p in by_group[g])

    # Regions that are one group: the events that stay and those that join, grouped by the connected components
    # of their pairs (no merge in them is refused: their articles are distinct). Only a region that lost an event
    # or a used pair (with no bypass) can come apart: its members are loaded and its parts found, after which every
    # pair of them counts as used (see the module docstring). Into the others, joining events are only added (``grow``: the
    # members stay in the state, their row and group id come from SQL).
    joined_region = {s: region_of_grp[g] for g, m in joins_simple.items() for s in m}

    def region_at(sid: int) -> str | None:
        return joined_region[sid] if sid in joined_region else rec[sid][1] if sid in rec else None

    inside_simple = {p for p in gained if region_at(p[0]) in simple and region_at(p[0]) == region_at(p[1])}
    # A pair that appears in one block may be recorded from another: it is not inserted twice.
    recorded_already = set(_recorded(con, {p for p in inside_simple if p[0] not in joining and p[1] not in joining}))
    flags.update((p, True) for p in inside_simple)
    # A used pair that goes from a one-group region leaves it whole when two staying pairs still join its events
    # (those become used, so the used pairs keep joining the region); otherwise the region's parts are looked for.
    gone_used = {p for p in lost_used if rec[p[0]][1] in simple and p[0] not in leaving and p[1] not in leaving}
    bypass = _bypasses(con, gone_used, lost)
    split = ({rec[s][1] for s in leaving if s in rec} | {rec[p[0]][1] for p in gone_used if p not in bypass}) & simple
    bypass = {p: via for p, via in bypass.items() if rec[p[0]][1] not in split}
    grow = {g: m for g, m in joins_simple.items() if region_of_grp[g] not in split}
    members_in: dict[str, list[int]] = defaultdict(list)
    for sid, region in recorded_members("region", split):
        if sid not in leaving:
            members_in[region].append(sid)
    for g, m in joins_simple.items():
        if g not in grow:
            members_in[region_of_grp[g]].extend(m)
    all_used = sorted(s for m in members_in.values() for s in m)
    fresh = np.array(sorted(p for p in inside_simple if region_at(p[0]) in split), dtype=np.int64).reshape(-1, 2)
    if all_used:
        t = _edges_of(con, all_used, lost)
        recorded_pairs = np.stack([t.column("a").to_numpy(), t.column("b").to_numpy()], axis=1)
        part_of = _regions_of(all_used, ev.eid, np.concatenate([recorded_pairs.astype(np.int64), fresh]))
    else:
        part_of = {}
    n_split = 0
    for r, members in members_in.items():
        parts: dict[str, list[int]] = defaultdict(list)
        for sid in members:
            parts[part_of[sid]].append(sid)
        n_split += len(parts) > 1
        for label, part in parts.items():
            if r != label and any(ev.eid[sid] == r for sid in part):
                label = r  # the part holding the region's labelling event keeps the label
            groups.append(part)
            region_of.update((sid, label) for sid in part)

    # Rows of the groups that changed; the others keep their row.
    unchanged = {frozenset(m): g for g, m in old_groups.items()}
    grp_of: dict[int, str] = {}
    build: list[list[int]] = []
    kept: set[str] = set()
    for members in groups:
        same = unchanged.get(frozenset(members))
        if same is None:
            build.append(members)
        else:
            kept.add(same)
            grp_of.update((s, same) for s in members)
    grown = sorted(grow)
    new_rows = _timeline_rows(con, build, [(g, grow[g]) for g in grown])
    new_ids = new_rows.column("timeline_id").to_pylist()
    for members, tid in zip(build, new_ids[: len(build)], strict=True):
        grp_of.update((s, tid) for s in members)
    renamed = dict(zip(grown, new_ids[len(build):], strict=True))
    for g, m in grow.items():
        year_of_grp[g] = str(ev.full[m[0]]["start_date"].year)  # a group's events share their start date
        grp_of.update((s, renamed[g]) for s in m)
        region_of.update((s, region_of_grp[g]) for s in m)
    gone = {g for g in old_groups if g not in kept} | set(grow)

    # The state follows: regions and rows that changed, canonical flags, pairs. Not checkpointed as it goes (DuckDB
    # would once its log passed 16 MB, on this thread): once, below, beside the year-file rewrites.
    con.execute("SET checkpoint_threshold = '1TB'")
    with id_table(con, "_removed", sorted(removed_sids)):
        con.execute("DELETE FROM evs WHERE sid IN (SELECT id FROM _removed)")
        con.execute("DELETE FROM blocks WHERE sid IN (SELECT id FROM _removed)")
    upd = [(s, True, region_of[s], grp_of[s]) for s in grp_of
           if s in joining or region_of[s] != old_region.get(s) or grp_of[s] != old_grp.get(s)]
    upd += [(s, False, None, None) for s, now in flips.items() if not now]
    if upd:
        con.register("_upd", pa.table({
            "sid": pa.array([u[0] for u in upd], type=pa.int64()), "canon": pa.array([u[1] for u in upd]),
            "region": pa.array([u[2] for u in upd], type=pa.string()),
            "grp": pa.array([u[3] for u in upd], type=pa.string())}))
        con.execute("UPDATE evs SET canon = u.canon, region = u.region, grp = u.grp FROM _upd u WHERE evs.sid = u.sid")
        con.unregister("_upd")
    renamed = {g: n for g, n in renamed.items() if g != n}
    if renamed:  # the recorded members of the grown groups
        con.register("_ren", pa.table({"old": pa.array(list(renamed), type=pa.string()),
                                       "new": pa.array(list(renamed.values()), type=pa.string())}))
        con.execute("UPDATE evs SET grp = r.new FROM _ren r WHERE evs.grp = r.old AND evs.canon")
        con.unregister("_ren")
    if lost:
        con.register("_lost", pa.table({"a": pa.array([a for a, _ in lost], type=pa.int64()),
                                        "b": pa.array([b for _, b in lost], type=pa.int64())}))
        con.execute("DELETE FROM edges WHERE (a, b) IN (SELECT (a, b) FROM _lost)")
        con.unregister("_lost")
    changed_flags = [(a, b, f) for (a, b), f in flags.items() if (a, b) in was_used and was_used[(a, b)] != f]
    if changed_flags:
        con.register("_flags", pa.table({"a": pa.array([a for a, _, _ in changed_flags], type=pa.int64()),
                                         "b": pa.array([b for _, b, _ in changed_flags], type=pa.int64()),
                                         "used": pa.array([f for _, _, f in changed_flags])}))
        con.execute("UPDATE edges SET used = f.used FROM _flags f WHERE edges.a = f.a AND edges.b = f.b")
        con.unregister("_flags")
    if all_used:
        with id_table(con, "_au", all_used):
            con.execute("UPDATE edges SET used = true WHERE NOT used AND a IN (SELECT id FROM _au)")
    if bypass:
        ways = {q for via in bypass.values() for q in via}
        con.register("_by", pa.table({"a": pa.array([a for a, _ in ways], type=pa.int64()),
                                      "b": pa.array([b for _, b in ways], type=pa.int64())}))
        con.execute("UPDATE edges SET used = true FROM _by y WHERE edges.a = y.a AND edges.b = y.b AND NOT edges.used")
        con.unregister("_by")
    new_edges = sorted(p for p in gained if p not in recorded_gained and p not in recorded_already)
    st.insert("edges", pa.table([[a for a, _ in new_edges], [b for _, b in new_edges], [gained[p] for p in new_edges],
                                 [flags[p] for p in new_edges]], schema=EDGES_SCHEMA))
    # The year files are written by the caller, once this run's working structures are freed (see _write_out).
    return {"events_in": _events_in(con), "rows_rebuilt": new_rows.num_rows, "events_replayed": n_replayed,
            "events_attached": sum(len(m) for m in attach.values()), "one_group_regions": len(simple),
            "one_group_regions_split_checked": len(split), "one_group_regions_split": n_split,
            "used_pairs_bypassed": len(bypass)}, YearDelta(gone, year_of_grp, new_rows)


# ``dedupe.feature_score`` over recorded events, in SQL (the features are stored as the clustering computes them:
# content words, case-folded actors). Same arithmetic, same order of operations, so the same doubles. A word list
# holds each word once, so the shared words are counted by filtering one list on the other: half the time of
# list_intersect, which hashes both (1M articles +1%: 355k pairs a shard, 1.3 -> 0.6 s). g is materialized so
# that the filter reads its columns instead of computing them again.
_SCORE_SQL = f"""
f AS (
    SELECT p.a, p.b, ea.granularity AS gran, ea.words AS wa, eb.words AS wb, ea.actors_cf AS xa, eb.actors_cf AS xb,
           coalesce(ea.trigger <> '' AND ea.trigger = eb.trigger, false) AS same_t,
           len(list_filter(ea.words, lambda w: list_contains(eb.words, w))) AS inter
    FROM pairs p JOIN evs ea ON ea.sid = p.a JOIN evs eb ON eb.sid = p.b
    WHERE ea.article_id <> eb.article_id),
g AS MATERIALIZED (
    SELECT *, list_has_any(xa, xb) AS shared,
           CASE WHEN len(wa) > 0 AND len(wb) > 0 THEN inter / (len(wa) + len(wb) - inter)::DOUBLE ELSE 0.0 END AS jac
    FROM f)
SELECT a, b, jac + 0.5 * shared::INTEGER + 0.25 * same_t::INTEGER AS score FROM g
WHERE CASE WHEN gran IN ({", ".join(repr(g) for g in sorted(dedupe.COARSE_GRANULARITIES))})
                THEN (shared AND same_t AND jac >= 0.25) OR (jac >= 0.5 AND inter >= 3)
           WHEN shared THEN same_t OR jac >= 0.25
           WHEN len(xa) > 0 AND len(xb) > 0 THEN jac >= 0.6 AND inter >= 3
           ELSE jac >= 0.5 AND inter >= 3 END
"""


# The pairs of the touched blocks that were compared all-pairs before and after: every joining event with every
# other member of its block (recorded canonical members that stay, and the other joining ones).
_SMALL_PAIRS_SQL = """
SELECT DISTINCT CASE WHEN ej.event_id < em.event_id THEN bj.sid ELSE bm.sid END AS a,
                CASE WHEN ej.event_id < em.event_id THEN bm.sid ELSE bj.sid END AS b
FROM _small k
JOIN blocks bj ON bj.bkey = k.bkey JOIN _joining j ON j.id = bj.sid JOIN evs ej ON ej.sid = bj.sid
JOIN blocks bm ON bm.bkey = k.bkey JOIN evs em ON em.sid = bm.sid
WHERE bm.sid <> bj.sid
  AND ((em.canon AND bm.sid NOT IN (SELECT id FROM _leaving)) OR bm.sid IN (SELECT id FROM _joining))
"""


def _score(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[int, int]], small: Sequence[int] = (),
           joining: Iterable[int] = (), leaving: Iterable[int] = ()) -> dict[tuple[int, int], float]:
    """The scores of the pairs that may merge among ``pairs`` (of recorded events, oriented by event id) and
    the joining events' pairs in the all-pairs blocks ``small``."""
    pairs = list(pairs)
    con.register("_ap", pa.table({"a": pa.array([a for a, _ in pairs], type=pa.int64()),
                                  "b": pa.array([b for _, b in pairs], type=pa.int64())}))
    con.register("_small", pa.table({"bkey": pa.array(sorted(small), type=pa.uint64())}))
    with id_table(con, "_joining", sorted(joining)), id_table(con, "_leaving", sorted(leaving)):
        t = con.sql(f"WITH pairs AS (SELECT a, b FROM _ap UNION {_SMALL_PAIRS_SQL}), {_SCORE_SQL}").to_arrow_table()
    for name in ("_ap", "_small"):
        con.unregister(name)
    return dict(zip(zip(t.column("a").to_pylist(), t.column("b").to_pylist(), strict=True),
                    t.column("score").to_pylist(), strict=True))


def _regions_of(nodes: list[int], eid: dict[int, str], edges: Iterable[tuple[int, int]] | np.ndarray
                ) -> dict[int, str]:
    """Connected component of each node over ``edges`` (pairs, or an ``(n, 2)`` array), labelled by its smallest
    event id."""
    order = sorted(nodes, key=eid.__getitem__)
    sids = np.array(order, dtype=np.int64)
    by_sid = np.argsort(sids)
    ends = edges if isinstance(edges, np.ndarray) else np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    at = np.searchsorted(sids[by_sid], ends)
    found = (at < len(sids)) & (sids[by_sid][np.minimum(at, len(sids) - 1)] == ends)
    pairs = by_sid[at[found.all(axis=1)]] if len(ends) else np.empty((0, 2), dtype=np.int64)
    label = np.arange(len(order), dtype=np.int64)
    while len(pairs):
        low = np.minimum(label[pairs[:, 0]], label[pairs[:, 1]])
        before = label.copy()
        np.minimum.at(label, pairs[:, 0], low)
        np.minimum.at(label, pairs[:, 1], low)
        label = label[label]  # jump to the label's label
        if np.array_equal(label, before):
            break
    return {s: eid[order[label[i]]] for i, s in enumerate(order)}


# ``dedupe.timeline_row`` of every group of ``_rg`` (sid -> group index), over the recorded events: the best
# description by ``dedupe._description_rank``, the actors in the order of the first (best ranked) event naming
# them, sources and event ids sorted, the first publication.
_ROWS_SQL = """
WITH r AS (
    SELECT g.gi, e.*, row_number() OVER (
        PARTITION BY g.gi ORDER BY -coalesce(e.confidence, 0), coalesce(len(e.actors), 0) = 0,
                                   coalesce(e.trigger, '') = '', -length(e.clause), e.event_id) AS rk
    FROM (SELECT sid, gi FROM _rg UNION ALL SELECT e.sid, g.gi FROM evs e JOIN _gg g USING (grp) WHERE e.canon) g
    JOIN evs e USING (sid)),
named AS (
    SELECT gi, actor, min(rk * 1000000 + pos) AS k
    FROM (SELECT gi, rk, unnest(actors) AS actor, unnest(range(len(actors))) AS pos FROM r)
    GROUP BY gi, actor),
actors AS (SELECT gi, list(actor ORDER BY k) AS actors FROM named GROUP BY gi),
agg AS (SELECT gi, list(DISTINCT article_id ORDER BY article_id) AS sources, list(event_id ORDER BY event_id) AS ids,
               min(published_us) AS first_us FROM r GROUP BY gi)
SELECT b.gi, substr(sha1('timeline:' || coalesce(b.value, 'None') || ':' || agg.ids[1]), 1, 16) AS timeline_id,
       b.value, b.granularity, b.start_date, b.end_date, b.clause AS description, b.trigger,
       coalesce(actors.actors, []::VARCHAR[]) AS actors, len(agg.sources)::INTEGER AS source_count, agg.sources,
       agg.ids AS event_ids, agg.first_us, b.article_id, b.event_id
FROM r b JOIN agg USING (gi) LEFT JOIN actors USING (gi) WHERE b.rk = 1 ORDER BY b.gi
"""


def _timeline_rows(con: duckdb.DuckDBPyConnection, groups: list[list[int]],
                   grown: Sequence[tuple[str, list[int]]] = ()) -> pa.Table:
    """The timeline row of each group of recorded events (sids), then of each ``grown`` group (its recorded
    members, by group id, plus the events given), as ``dedupe.timeline_row`` makes it."""
    if not groups and not grown:
        return schemas.TIMELINE.empty_table()
    n = len(groups)
    con.register("_rg", pa.table({
        "sid": pa.array([s for m in groups for s in m] + [s for _, m in grown for s in m], type=pa.int64()),
        "gi": pa.array([i for i, m in enumerate(groups) for _ in m] + [n + i for i, (_, m) in enumerate(grown) for _ in m],
                       type=pa.int64())}))
    con.register("_gg", pa.table({"grp": pa.array([g for g, _ in grown], type=pa.string()),
                                  "gi": pa.array(range(n, n + len(grown)), type=pa.int64())}))
    t = con.sql(_ROWS_SQL).to_arrow_table()
    con.unregister("_rg")
    con.unregister("_gg")
    first = t.column("first_us").cast(pa.int64()).cast(_FIRST_REPORTED)
    t = t.drop_columns(["gi", "first_us"]).append_column("first_reported", first)
    return t.select(schemas.TIMELINE.names).cast(schemas.TIMELINE)


def _one_group_regions(con: duckdb.DuckDBPyConnection, regions: Iterable[str]) -> set[str]:
    """Those of ``regions`` whose canonical events are all in one group."""
    regions = sorted(r for r in regions if r)
    if not regions:
        return set()
    con.register("_or", pa.table({"region": pa.array(regions, type=pa.string())}))
    out = {r for r, in con.execute("SELECT region FROM evs JOIN _or USING (region) WHERE canon "
                                    "GROUP BY region HAVING count(DISTINCT grp) = 1").fetchall()}
    con.unregister("_or")
    return out


def _bypasses(con: duckdb.DuckDBPyConnection, pairs: set[tuple[int, int]], lost: set[tuple[int, int]]
              ) -> dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]]:
    """Those of the recorded ``pairs`` whose two events stay joined by two recorded pairs not ``lost`` (through a
    common neighbour), with those two pairs (as recorded)."""
    if not pairs:
        return {}
    con.register("_lp", pa.table({"a": pa.array([a for a, _ in pairs], type=pa.int64()),
                                  "b": pa.array([b for _, b in pairs], type=pa.int64())}))
    con.register("_lost", pa.table({"a": pa.array([a for a, _ in lost], type=pa.int64()),
                                    "b": pa.array([b for _, b in lost], type=pa.int64())}))
    rows = con.execute("""
        WITH ends AS (SELECT a AS s FROM _lp UNION SELECT b FROM _lp),
        kept AS (SELECT e.a, e.b FROM edges e ANTI JOIN _lost l ON e.a = l.a AND e.b = l.b
                 WHERE e.a IN (SELECT s FROM ends) OR e.b IN (SELECT s FROM ends)),
        nb AS (SELECT a AS x, b AS y, a, b FROM kept UNION ALL SELECT b AS x, a AS y, a, b FROM kept),
        -- Each pair's first end with its neighbours first (materialized: joined to the second end's neighbours
        -- before, on y alone, the neighbour lists of the large groups multiply into tens of millions of rows).
        n1 AS MATERIALIZED (SELECT l.a AS la, l.b AS lb, n.y, n.a, n.b FROM _lp l JOIN nb n ON n.x = l.a)
        SELECT n1.la, n1.lb, arg_min([n1.a, n1.b, n2.a, n2.b], n1.y)
        FROM n1 JOIN nb n2 ON n2.x = n1.lb AND n2.y = n1.y
        GROUP BY n1.la, n1.lb""").fetchall()
    con.unregister("_lp")
    con.unregister("_lost")
    return {(a, b): ((w[0], w[1]), (w[2], w[3])) for a, b, w in rows}


def _edges_of(con: duckdb.DuckDBPyConnection, sids: list[int], lost: set[tuple[int, int]]) -> pa.Table:
    """The recorded pairs (a, b, score, used) whose first event is one of ``sids``, except those ``lost``."""
    con.register("_lost", pa.table({"a": pa.array([a for a, _ in lost], type=pa.int64()),
                                    "b": pa.array([b for _, b in lost], type=pa.int64())}))
    with id_table(con, "_nodes", sids):
        t = con.sql("SELECT e.a, e.b, e.score, e.used FROM edges e JOIN _nodes n ON n.id = e.a "
                    "ANTI JOIN _lost USING (a, b)").to_arrow_table()
    con.unregister("_lost")
    return t


def _recorded(con: duckdb.DuckDBPyConnection, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], bool]:
    """Those of ``pairs`` that are recorded edges, with their ``used`` flag."""
    if not pairs:
        return {}
    con.register("_pairs", pa.table({"a": pa.array([a for a, _ in pairs], type=pa.int64()),
                                     "b": pa.array([b for _, b in pairs], type=pa.int64())}))
    out = {(a, b): u for a, b, u in con.execute("SELECT a, b, used FROM edges JOIN _pairs USING (a, b)").fetchall()}
    con.unregister("_pairs")
    return out


def _still_paired(con: duckdb.DuckDBPyConnection, edges: set[tuple[int, int]], touched: dict[int, int],
                  one_sided: dict[int, list[int]], changes: dict[int, tuple[list[int], list[int]]], ev: _Events
                  ) -> set[tuple[int, int]]:
    """Those recorded ``edges`` that some block still pairs: a touched one (``touched``: its new size; new members
    of the blocks windowed on one side only in ``one_sided``, ``changes`` of those windowed on both, whose members'
    old positions are in the temporary table ``_wpos``: see ``_window_changes``) or an untouched one (as
    recorded)."""
    if not edges:
        return set()
    # In SQL: the blocks each edge's events share, and whether one of them pairs everything (a touched block not
    # windowed, an untouched one of at most MAX_EVENT_BLOCK members). Only the others come back, by edge.
    con.register("_de", pa.table({"a": pa.array([a for a, _ in edges], type=pa.int64()),
                                  "b": pa.array([b for _, b in edges], type=pa.int64())}))
    con.register("_tk", pa.table({"bkey": pa.array(list(touched), type=pa.uint64()),
                                  "all_pairs": pa.array([k not in changes and k not in one_sided for k in touched])}))
    t = con.sql(f"""
        WITH sh AS (SELECT d.a, d.b, x.bkey FROM _de d JOIN blocks x ON x.sid = d.a
                    JOIN blocks y ON y.sid = d.b AND y.bkey = x.bkey),
        sz AS (SELECT b.bkey, count(*) AS n FROM blocks b JOIN evs e USING (sid)
               WHERE e.canon AND b.bkey IN (SELECT bkey FROM sh) AND b.bkey NOT IN (SELECT bkey FROM _tk)
               GROUP BY b.bkey),
        k AS (SELECT sh.a, sh.b, sh.bkey, coalesce(t.all_pairs, sz.n <= {dedupe.MAX_EVENT_BLOCK}) AS cheap
              FROM sh LEFT JOIN _tk t USING (bkey) LEFT JOIN sz USING (bkey))
        SELECT a, b, bool_or(cheap) AS cheap, list(bkey) FILTER (WHERE NOT cheap) AS windowed
        FROM k GROUP BY a, b""").to_arrow_table()
    con.unregister("_de")
    con.unregister("_tk")
    flag = pc.fill_null(t.column("cheap"), False)
    out = set(zip(pc.filter(t.column("a"), flag).to_pylist(), pc.filter(t.column("b"), flag).to_pylist(), strict=True))
    rest = t.filter(pc.invert(flag))
    if rest.num_rows == 0:
        return out
    # One row per (edge, windowed block); those of the blocks windowed before and after are decided over arrays:
    # old positions from ``_wpos``, the distance between them grown by the events slotted in between (at positions
    # lo < at <= hi) and shrunk by those leaving between (lo < position < hi).
    lists = rest.column("windowed").combine_chunks()
    edge_of = pc.list_parent_indices(lists).to_numpy()
    bkeys = pc.list_flatten(lists).to_numpy()
    ea, eb = rest.column("a").to_numpy(), rest.column("b").to_numpy()
    changed = np.array(sorted(changes), dtype=np.uint64)
    both = np.isin(bkeys, changed)
    con.register("_pw", pa.table({"i": pa.array(np.flatnonzero(both)), "bkey": pa.array(bkeys[both]),
                                  "a": pa.array(ea[edge_of[both]]), "b": pa.array(eb[edge_of[both]])}))
    pos = con.sql("SELECT p.i, x.pos AS pa, y.pos AS pb FROM _pw p JOIN _wpos x ON x.bkey = p.bkey AND x.sid = p.a "
                  "JOIN _wpos y ON y.bkey = p.bkey AND y.sid = p.b").to_arrow_table()
    con.unregister("_pw")
    if pos.num_rows != int(both.sum()):
        raise RuntimeError("timeline state: a recorded pair's events are not members of their shared block")
    i = pos.column("i").to_numpy()
    lo = np.minimum(pos.column("pa").to_numpy(), pos.column("pb").to_numpy())
    hi = np.maximum(pos.column("pa").to_numpy(), pos.column("pb").to_numpy())
    rank = np.searchsorted(changed, bkeys[i]).astype(np.int64)
    joins = np.array([(r << 32) | at for r, k in enumerate(changed.tolist()) for at in changes[k][0]], dtype=np.int64)
    gone = np.array([(r << 32) | g for r, k in enumerate(changed.tolist()) for g in changes[k][1]], dtype=np.int64)
    lo_code, hi_code = (rank << 32) | lo, (rank << 32) | hi
    shift = (np.searchsorted(joins, hi_code, side="right") - np.searchsorted(joins, lo_code, side="right")
             - (np.searchsorted(gone, hi_code, side="left") - np.searchsorted(gone, lo_code, side="right")))
    kept = np.zeros(rest.num_rows, dtype=bool)
    kept[edge_of[i[hi - lo + shift <= dedupe.EVENT_WINDOW]]] = True
    # The others (blocks windowed on one side only, or untouched): positions of the edges' events, in Python.
    others = np.flatnonzero(~both & ~kept[edge_of])
    ranked = sorted({int(k) for k in bkeys[others]} - one_sided.keys())
    position: dict[int, dict[int, int]] = defaultdict(dict)
    if ranked:
        sids = sorted({int(s) for j in others for s in (ea[edge_of[j]], eb[edge_of[j]])})
        con.register("_rk", pa.table({"bkey": pa.array(ranked, type=pa.uint64())}))
        with id_table(con, "_rs", sids):
            for k, s, p in con.execute("""
                    SELECT bkey, sid, pos FROM (
                        SELECT b.bkey, e.sid, row_number() OVER (PARTITION BY b.bkey ORDER BY e.nkey) - 1 AS pos
                        FROM blocks b JOIN _rk USING (bkey) JOIN evs e USING (sid) WHERE e.canon)
                    WHERE sid IN (SELECT id FROM _rs)""").fetchall():
                position[k][s] = p
        con.unregister("_rk")
    one_sided_pos = {k: {s: i for i, s in enumerate(sorted(m, key=ev.nkey.__getitem__))} for k, m in one_sided.items()}

    def paired(k: int, a: int, b: int) -> bool:
        if k in one_sided_pos:
            pos = one_sided_pos[k]
            return a in pos and b in pos and abs(pos[a] - pos[b]) <= dedupe.EVENT_WINDOW
        return abs(position[k][a] - position[k][b]) <= dedupe.EVENT_WINDOW

    for j in others.tolist():
        e = int(edge_of[j])
        if not kept[e] and paired(int(bkeys[j]), int(ea[e]), int(eb[e])):
            kept[e] = True
    return out | set(zip(ea[kept].tolist(), eb[kept].tolist(), strict=True))


def _touched_share(con: duckdb.DuckDBPyConnection, bkeys: set[int]) -> float:
    """Share of the timeline's events in the regions of more than one group among the regions of the recorded
    members of the blocks ``bkeys`` (a region that is one group is not replayed unless the change bridges it)."""
    if not bkeys:
        return 0.0
    con.register("_tk", pa.table({"bkey": pa.array(sorted(bkeys), type=pa.uint64())}))
    inside, total = con.execute("""
        WITH r AS (SELECT DISTINCT e.region FROM blocks b JOIN _tk USING (bkey) JOIN evs e USING (sid) WHERE e.canon),
             m AS (SELECT region FROM evs WHERE canon AND region IN (SELECT region FROM r)
                   GROUP BY region HAVING count(DISTINCT grp) > 1)
        SELECT count(*) FILTER (WHERE region IN (SELECT region FROM m)), count(*) FROM evs WHERE canon""").fetchall()[0]
    con.unregister("_tk")
    return inside / total if total else 0.0


def _sizes(con: duckdb.DuckDBPyConnection, bkeys: Iterable[int]) -> dict[int, int]:
    """How many canonical members each of the blocks ``bkeys`` has, as recorded."""
    keys = sorted(set(bkeys))
    if not keys:
        return {}
    con.register("_bk", pa.table({"bkey": pa.array(keys, type=pa.uint64())}))
    t = con.sql("SELECT b.bkey, count(*) AS n FROM blocks b JOIN _bk USING (bkey) JOIN evs e USING (sid) "
                "WHERE e.canon GROUP BY b.bkey").to_arrow_table()
    con.unregister("_bk")
    return dict(zip(t.column("bkey").to_pylist(), t.column("n").to_pylist(), strict=True))


def _rewrite_years(warehouse: str, gone: set[str], year_of_grp: dict[str, str], new_rows: pa.Table) -> None:
    """Replace in the timeline year files the rows of the groups ``gone`` by ``new_rows``."""
    year_col = pc.year(new_rows.column("start_date"))
    years = {str(y): new_rows.filter(pc.equal(year_col, y)) for y in pc.unique(year_col).to_pylist()}
    gone_by_year: dict[str, set[str]] = defaultdict(set)
    for g in gone:
        gone_by_year[year_of_grp[g]].add(g)
    base = storage.parquet_root(warehouse)
    fs, _ = storage._fs(warehouse)

    def rewrite(year: str) -> None:
        path = f"{base}/timeline/year={year}/{storage.file_key(storage.WHOLE_TABLE_KEY)}.parquet"
        parts = []
        if fs.exists(path):
            old = storage.read_file_columns(warehouse, path, "timeline")
            drop = pa.array(sorted(gone_by_year.get(year, ())), type=pa.string())
            parts.append(old.filter(pc.invert(pc.is_in(old.column("timeline_id"), value_set=drop))))
        parts.append(years.get(year, schemas.TIMELINE.empty_table()))
        table = pa.concat_tables(parts)
        table = table.take(pc.sort_indices(table, [("start_date", "ascending"), ("timeline_id", "ascending")]))
        storage.write_year_file(warehouse, "timeline", storage.WHOLE_TABLE_KEY, year, table)
        del parts, table
        pa.default_memory_pool().release_unused()

    # Reading and writing Parquet release the GIL: two files at a time, each thread holding one year (13 MB of
    # Parquet for the largest at 1M articles); the shards' workers are gone by now.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(rewrite, sorted(years.keys() | gone_by_year.keys())))


def _events_in(con: duckdb.DuckDBPyConnection) -> int:
    """How many events the state holds."""
    return con.execute("SELECT count(*) FROM evs").fetchall()[0][0]
