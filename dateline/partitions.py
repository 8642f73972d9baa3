"""Per-partition stages: read one inbox file's inputs from the warehouse, compute, write its outputs.

Each function handles one partition key (an inbox file) end to end and returns
small statistics, so a caller can fan keys out over processes
(``map_partitions``) without moving tables between them.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dateline import schemas, storage
from dateline.ingest.paths import relative_source_path, walk_inbox

log = logging.getLogger(__name__)
# The per-file functions import ``dateline.pipeline`` when called: it loads the tagger (about 2 s), which the
# processes of the whole-warehouse steps (the timeline's state shards) never need.


def ingest_partition(inbox: str, warehouse: str, key: str, version: str | None = None) -> dict[str, Any]:
    """Read inbox file ``key`` into the articles and quarantine tables, with the articles' dedupe signatures
    (``signatures``) and the file's fingerprint (``ingest_manifest``, not yet ``complete``).

    ``version`` is the ``processing_version`` recorded in the manifest (default: this process's).
    """
    from dateline import pipeline
    started = time.perf_counter()
    ingested_at = time.time_ns()
    source = Path(inbox) / key
    seen = _file_state(source)
    articles, quarantine = pipeline.ingest_file(source, Path(inbox), key)
    storage.write_working_partition(warehouse, "signatures", key, pipeline.article_signatures(articles))
    storage.write_partition(warehouse, "articles", key, articles)
    storage.write_partition(warehouse, "quarantine", key, quarantine)
    size, mtime_ns, sha1 = seen if seen is not None else (-1, -1, "")
    _write_manifest(warehouse, dict(partition_key=key, size=size, mtime_ns=mtime_ns, content_sha1=sha1,
                                    ingested_at_ns=ingested_at, processing_version=version or processing_version(),
                                    articles=articles.num_rows, quarantined=quarantine.num_rows, complete=False))
    return {
        "articles": articles.num_rows,
        "articles_with_published_at": articles.num_rows - articles.column("published_at").null_count,
        "quarantined": quarantine.num_rows,
        "quarantine_reasons": Counter(quarantine.column("reason").to_pylist()),
        "seconds": time.perf_counter() - started,
    }


DCT_FALLBACKS = ("infer", "file_date")


def fallback_dct(inbox: str, key: str, policy: str) -> date | None:
    """The reference date for undated articles of file ``key`` under ``policy``:
    ``infer`` (None: the tagger infers it from each text) or ``file_date`` (the file's
    modification day, UTC, as a crawler that fetched it then would know)."""
    if policy == "infer":
        return None
    if policy == "file_date":
        try:
            return datetime.fromtimestamp((Path(inbox) / key).stat().st_mtime, UTC).date()
        except OSError:
            return None
    raise ValueError(f"unknown DCT fallback policy {policy!r}: choose one of {', '.join(DCT_FALLBACKS)}")


def tag_partition(warehouse: str, key: str, inbox: str = "", dct_fallback: str = "infer") -> dict[str, Any]:
    """Tag the temporal expressions of partition ``key``'s articles (undated ones per ``dct_fallback``)."""
    from dateline import pipeline
    started = time.perf_counter()
    articles = storage.read_table(warehouse, "articles", [key])
    mentions, errors = pipeline.tag_articles(articles, fallback_dct(inbox, key, dct_fallback))
    storage.write_partition(warehouse, "mentions", key, mentions)
    for e in errors[:5]:
        log.warning("tagger failed on article %s of %s: %s", e["article_id"], key, e["error"])
    return {
        "articles": articles.num_rows,
        "tagging_errors": len(errors),
        "mentions": mentions.num_rows,
        "by_anchor_source": Counter(mentions.column("anchor_source").to_pylist()),
        "by_type": Counter(mentions.column("timex_type").to_pylist()),
        "seconds": time.perf_counter() - started,
    }


def events_partition(warehouse: str, key: str) -> dict[str, Any]:
    """Extract the events of partition ``key`` from its articles and mentions."""
    from dateline import pipeline
    started = time.perf_counter()
    articles = storage.read_table(warehouse, "articles", [key])
    mentions = storage.read_table(warehouse, "mentions", [key])
    events = pipeline.events_for_articles(articles, mentions)
    storage.write_partition(warehouse, "events", key, events)
    _mark_complete(warehouse, key)
    return {
        "events": events.num_rows,
        "events_with_trigger": events.num_rows - events.column("trigger").null_count,
        "seconds": time.perf_counter() - started,
    }


# Below this much input a process pool costs more (interpreter start-up, imports) than it saves.
POOL_MIN_BYTES = 4_000_000


def worker_count(requested: int = 0) -> int:
    """``requested`` workers, or one per CPU when it is 0."""
    return requested if requested > 0 else (os.cpu_count() or 1)


def workers_for(inbox: str, keys: Sequence[str], requested: int = 0) -> int:
    """How many processes the files ``keys`` deserve: one when they are small, else ``worker_count``."""
    total = 0
    for k in keys:
        try:
            total += (Path(inbox) / k).stat().st_size
        except OSError:
            continue
        if total >= POOL_MIN_BYTES:
            return worker_count(requested)
    return 1


def map_partitions(fn: Callable[..., dict], args: Sequence[tuple], workers: int = 0) -> list[dict]:
    """``fn(*a)`` for every ``a`` in ``args``, in order, over a pool of ``workers`` processes.

    Runs in-process when there is one item or one worker (no pool start-up cost).
    Uses ``spawn``: forking a process that runs Dagster's threads is unsafe. Inside ``kept_workers`` the
    pool outlives the call, for the next one.
    """
    n = min(worker_count(workers), len(args))
    if n <= 1:
        return [fn(*a) for a in args]
    if _kept is None:
        with ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")) as pool:
            return list(pool.map(fn, *zip(*args, strict=True)))
    if n not in _kept:
        _kept[n] = ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"))
    try:
        return list(_kept[n].map(fn, *zip(*args, strict=True)))
    except BaseException:
        _kept.pop(n).shutdown(cancel_futures=True)  # a retry starts afresh (a worker may have died)
        raise


# The pools ``map_partitions`` keeps inside ``kept_workers``, by size; None outside it.
_kept: dict[int, ProcessPoolExecutor] | None = None


@contextmanager
def kept_workers() -> Iterator[None]:
    """Keep ``map_partitions``'s worker processes from one call to the next until the block ends, when they exit.

    For several per-file stages run one after another in this process (a headless in-process run): a spawned
    worker spends about 2 s importing the tagger before its first file, once per stage otherwise. Not for the
    whole-warehouse steps: idle workers would hold their memory while those run.
    """
    global _kept
    if _kept is not None:  # nested: the outer block owns the pools
        yield
        return
    _kept = {}
    try:
        yield
    finally:
        pools, _kept = _kept, None
        for pool in pools.values():
            pool.shutdown()


def run_in_child(fn: Callable[..., dict], *args: Any) -> dict:
    """``fn(*args)`` in a fresh (spawned) process: a step that needs a lot of memory once gives it all back to
    the system when it ends, instead of leaving it to the long-lived process that runs every step."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def merge_stats(stats: Sequence[dict]) -> dict[str, Any]:
    """Sum the statistics of several partitions (numbers add, counters merge)."""
    total: dict[str, Any] = {}
    for s in stats:
        for k, v in s.items():
            if isinstance(v, Counter):
                total.setdefault(k, Counter()).update(v)
            else:
                total[k] = total.get(k, 0) + v
    return {k: dict(sorted(v.items())) if isinstance(v, Counter) else v for k, v in total.items()}


# --- incremental runs: which partitions are up to date --------------------------------------------

# Modules whose code does not change what the per-file stages write.
_VERSION_EXCLUDED = {"cli.py", "query.py", "report.py", "quality.py", "timeml.py", "partitions.py", "storage.py",
                     "state.py", "warehouse_dedupe.py", "warehouse_timeline.py", "window_diff.py"}
# A file modified this close to (or after) the moment it was read may have changed within the
# filesystem's mtime granularity: its bytes are compared (as git does for "racily clean" entries).
RACY_NS = 2_000_000_000


@functools.cache
def processing_version() -> str:
    """Hash of the code and resources that decide the per-file outputs: a partition built by other code is stale."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha1()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if (not p.is_file() or "__pycache__" in rel.parts or "report" in rel.parts
                or p.name in _VERSION_EXCLUDED or p.suffix in {".pyc", ".pyo"}):
            continue
        h.update(rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _file_state(path: Path) -> tuple[int, int, str] | None:
    """``(size, mtime_ns, sha1)`` of an inbox file, taken before it is read; ``None`` when it cannot be read."""
    try:
        st = path.stat()
        return st.st_size, st.st_mtime_ns, _sha1_of(path)
    except OSError:
        return None


def _write_manifest(warehouse: str, row: dict) -> None:
    storage.write_working_partition(warehouse, "ingest_manifest", row["partition_key"],
                                    pa.Table.from_pylist([row], schema=schemas.INGEST_MANIFEST))


def _mark_complete(warehouse: str, key: str) -> None:
    """Record that every per-file stage has run on ``key`` since it was ingested."""
    path = storage.partition_file(warehouse, "ingest_manifest", key)
    try:
        rows = storage.read_file_columns(warehouse, path, "ingest_manifest").to_pylist()
    except FileNotFoundError:
        return  # ingested before manifests existed: stays stale, re-run once
    if rows and not rows[0]["complete"]:
        _write_manifest(warehouse, {**rows[0], "complete": True})


def read_manifest(warehouse: str) -> dict[str, dict]:
    """Partition key -> its ``ingest_manifest`` row."""
    if not storage.is_local(warehouse):
        return {row["partition_key"]: row for _, t in storage.iter_table_files(warehouse, "ingest_manifest")
                for row in t.to_pylist()}
    # A run reads the manifest four times (the runner, then each per-file stage) and one file per inbox file
    # changes in between: only files whose fingerprint changed are read again. Locally a fingerprint holds the
    # inode, and every writer renames a new file into place.
    base = storage.parquet_root(warehouse)
    fingerprints = storage.file_fingerprints(warehouse, "ingest_manifest")
    cache = _manifest_cache.setdefault(str(warehouse), {})
    for path in cache.keys() - fingerprints.keys():
        del cache[path]
    out = {}
    for path, fp in sorted(fingerprints.items()):
        if cache.get(path, (None,))[0] != fp:
            rows = storage.read_file_columns(warehouse, f"{base}/{path}", "ingest_manifest").to_pylist()
            cache[path] = (fp, rows)
        for row in cache[path][1]:
            out[row["partition_key"]] = dict(row)
    return out


# Warehouse -> manifest file (relative path) -> (its fingerprint, its rows), for read_manifest.
_manifest_cache: dict[str, dict[str, tuple[str, list[dict]]]] = {}


def _has_outputs(warehouse: str, key: str, row: dict) -> bool:
    fs, _ = storage._fs(warehouse)
    for table, n in (("articles", row["articles"]), ("quarantine", row["quarantined"])):
        if n and not fs.exists(storage.partition_file(warehouse, table, key)):
            return False
    return True


def partition_status(inbox: str, warehouse: str, keys: Sequence[str], manifest: dict[str, dict] | None = None,
                     version: str | None = None) -> dict[str, str | None]:
    """Why each partition key must be (re)processed, or ``None`` when its outputs are up to date: built from
    the same bytes of its file by the same code, every per-file stage finished, its rows present."""
    manifest = read_manifest(warehouse) if manifest is None else manifest
    version = version or processing_version()
    out: dict[str, str | None] = {}
    for key in keys:
        row = manifest.get(key)
        path = Path(inbox) / key
        try:
            st = path.stat()
        except OSError:
            out[key] = "unreadable"  # let the reader quarantine it
            continue
        if row is None:
            out[key] = "new"
        elif (row["size"], row["mtime_ns"]) != (st.st_size, st.st_mtime_ns):
            out[key] = "changed"
        elif row["processing_version"] != version:
            out[key] = "code changed"
        elif not row["complete"]:
            out[key] = "incomplete"
        elif not _has_outputs(warehouse, key, row):
            out[key] = "outputs missing"
        elif st.st_mtime_ns >= row["ingested_at_ns"] - RACY_NS and _sha1_of(path) != row["content_sha1"]:
            out[key] = "changed"
        else:
            out[key] = None
    return out


def partitions_to_run(inbox: str, warehouse: str, keys: Sequence[str], version: str | None = None) -> list[str]:
    """The keys among ``keys`` that are not up to date (see ``partition_status``), in order."""
    status = partition_status(inbox, warehouse, keys, version=version)
    return [k for k in keys if status[k] is not None]


def stale_partitions(inbox: str | Path, warehouse: str | Path) -> list[str]:
    """Partition keys of the inbox files whose outputs are not up to date (new, changed, built by other code,
    or interrupted), sorted. What a headless run needs to schedule; the rest can be skipped."""
    inbox = Path(inbox)
    keys = []
    for p in walk_inbox(inbox):
        keys.append(relative_source_path(p, inbox))
    return partitions_to_run(str(inbox), str(warehouse), sorted(keys))


# --- whole-warehouse stages in bounded memory ------------------------------------------------------

_SIG_META = ["article_id", "content_hash", "shingle_count", "has_published_at", "has_url", "has_title",
             "text_length", "partition_key"]


def signatures_partition(warehouse: str, key: str) -> dict[str, Any]:
    """(Re)compute the dedupe signatures of partition ``key`` from its stored articles."""
    from dateline import pipeline
    started = time.perf_counter()
    articles = storage.read_table(warehouse, "articles", [key])
    storage.write_working_partition(warehouse, "signatures", key, pipeline.article_signatures(articles))
    return {"articles": articles.num_rows, "seconds": time.perf_counter() - started}


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def dedupe_warehouse(warehouse: str, workers: int = 0, state_dir: str | Path | None = None) -> dict[str, Any]:
    """Article dedupe over the whole warehouse (see ``dateline.warehouse_dedupe``)."""
    from dateline import warehouse_dedupe

    return warehouse_dedupe.dedupe_warehouse(warehouse, workers, state_dir)


def refresh_signatures(warehouse: str, workers: int = 0) -> dict[str, int]:
    """Make the ``signatures`` table match the ``articles`` table (see ``dateline.warehouse_dedupe``)."""
    from dateline import warehouse_dedupe

    return warehouse_dedupe.refresh_signatures(warehouse, workers)


_canonical_cache: dict[tuple, pa.Array] = {}


def _canonical_ids(warehouse: str) -> pa.Array:
    """Ids of the canonical articles (``article_duplicates.duplicate_of IS NULL``), read once per process and table version."""
    files = storage.table_files(warehouse, "article_duplicates")
    fs, _ = storage._fs(warehouse)
    key = (warehouse, tuple((f, fs.info(f).get("mtime"), fs.info(f).get("size")) for f in files))
    if key not in _canonical_cache:
        _canonical_cache.clear()
        parts = [storage.read_file_columns(warehouse, f, "article_duplicates", ["article_id", "duplicate_of"]) for f in files]
        if parts:
            t = pa.concat_tables(parts)
            ids = t.filter(pc.is_null(t.column("duplicate_of"))).column("article_id").combine_chunks()
        else:
            ids = pa.array([], type=pa.string())
        _canonical_cache[key] = ids
    return _canonical_cache[key]


def is_canonical(article_ids: pa.Array | pa.ChunkedArray, canonical_ids: pa.Array) -> pa.Array:
    """For each of ``article_ids``: is it one of ``canonical_ids``. The many canonical ids are probed against the
    few distinct ``article_ids`` (``is_in`` hashes its value set on every call: 0.22 s for the ~1M canonical ids
    of 1M articles, against 14 ms this way for a chunk of 10k events)."""
    present = canonical_ids.filter(pc.is_in(canonical_ids, value_set=pc.unique(article_ids)))
    return pc.is_in(article_ids, value_set=present)


def timeline_warehouse(warehouse: str, workers: int = 0, state_dir: str | Path | None = None) -> dict[str, Any]:
    """The timeline of the whole warehouse (see ``dateline.warehouse_timeline``)."""
    from dateline import warehouse_timeline

    return warehouse_timeline.timeline_warehouse(warehouse, workers, state_dir)


def pq_rows(warehouse: str, path: str) -> int:
    """Row count of a Parquet file from its footer."""
    fs, _ = storage._fs(warehouse)
    with fs.open(path, "rb") as fh:
        return pq.ParquetFile(fh).metadata.num_rows
