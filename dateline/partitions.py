"""Per-partition stages: read one inbox file's inputs from the warehouse, compute, write its outputs.

Each function handles one partition key (an inbox file) end to end and returns
small statistics, so a caller can fan keys out over processes
(``map_partitions``) without moving tables between them.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from dateline import pipeline, storage

log = logging.getLogger(__name__)


def ingest_partition(inbox: str, warehouse: str, key: str) -> dict[str, Any]:
    """Read inbox file ``key`` into the articles and quarantine tables."""
    started = time.perf_counter()
    articles, quarantine = pipeline.ingest_file(Path(inbox) / key, Path(inbox), key)
    storage.write_partition(warehouse, "articles", key, articles)
    storage.write_partition(warehouse, "quarantine", key, quarantine)
    return {
        "articles": articles.num_rows,
        "articles_with_published_at": articles.num_rows - articles.column("published_at").null_count,
        "quarantined": quarantine.num_rows,
        "quarantine_reasons": Counter(quarantine.column("reason").to_pylist()),
        "seconds": time.perf_counter() - started,
    }


def tag_partition(warehouse: str, key: str) -> dict[str, Any]:
    """Tag the temporal expressions of partition ``key``'s articles."""
    started = time.perf_counter()
    articles = storage.read_table(warehouse, "articles", [key])
    mentions, errors = pipeline.tag_articles(articles)
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
    started = time.perf_counter()
    articles = storage.read_table(warehouse, "articles", [key])
    mentions = storage.read_table(warehouse, "mentions", [key])
    events = pipeline.events_for_articles(articles, mentions)
    storage.write_partition(warehouse, "events", key, events)
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
    Uses ``spawn``: forking a process that runs Dagster's threads is unsafe.
    """
    n = min(worker_count(workers), len(args))
    if n <= 1:
        return [fn(*a) for a in args]
    with ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")) as pool:
        return list(pool.map(fn, *zip(*args, strict=True)))


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
