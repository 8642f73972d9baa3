"""The stages of dateline as plain functions over Arrow tables.

Each function is pure (input tables in, output table out) except
``ingest_file``, which reads one inbox file. The Dagster assets are thin
wrappers around these; a notebook can call them directly::

    articles, quarantine = ingest_file(Path("data/inbox/a.jsonl"), Path("data/inbox"))
    mentions, _errors = tag_articles(articles)
    events = events_for_articles(articles, mentions)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dateline import dedupe, schemas
from dateline.dedupe import cluster_events, content_hash, find_duplicate_articles
from dateline.events import extract_events, mention_id
from dateline.ingest import read_file
from dateline.models import Article, Quarantined
from dateline.temporal import Mention, tag
from dateline.temporal.extract import flush_dispatch_cache


def _table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def ingest_file(path: Path, inbox: Path, partition_key: str | None = None) -> tuple[pa.Table, pa.Table]:
    """Read one inbox file into ``(articles, quarantine)`` tables. Never raises on bad content."""
    key = partition_key if partition_key is not None else path.relative_to(inbox).as_posix()
    articles, quarantined = [], []
    for item in read_file(path, inbox):
        if isinstance(item, Article):
            articles.append({**item.as_dict(), "content_hash": content_hash(item.text), "partition_key": key})
        elif isinstance(item, Quarantined):
            quarantined.append({**item.as_dict(), "partition_key": key})
    return _table(articles, schemas.ARTICLES), _table(quarantined, schemas.QUARANTINE)


def reference_date(published_at: datetime | None) -> date | None:
    """The document creation time the tagger resolves relative expressions against."""
    return published_at.date() if published_at is not None else None


def _mentions_of(article: dict, fallback_dct: date | None = None) -> list[Mention]:
    dct = reference_date(article["published_at"])
    if dct is not None or fallback_dct is None:
        return tag(article["text"], dct)
    # The fallback is a guess about the publication date: what rests on it is inferred, not published.
    return [
        replace(m, anchor_source="inferred") if m.anchor_source == "published_at" else m
        for m in tag(article["text"], fallback_dct)
    ]


def tag_articles(articles: pa.Table, fallback_dct: date | None = None) -> tuple[pa.Table, list[dict]]:
    """Every temporal expression of every article, normalised against its publication date.

    An article without one is resolved against ``fallback_dct`` when given (relative
    values then count as ``inferred``), else against a reference the tagger infers
    from the article's own text.

    Returns ``(mentions, errors)``: an article the tagger fails on contributes no
    mentions and one ``{"article_id", "error"}`` entry, and never fails the batch.
    """
    rows, errors = [], []
    for art in articles.to_pylist():
        try:
            found = _mentions_of(art, fallback_dct)
        except Exception as exc:  # noqa: BLE001 - one pathological text must not sink the partition
            errors.append({"article_id": art["article_id"], "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        for m in found:
            rows.append(
                {
                    **m.as_dict(),
                    "mention_id": mention_id(art["article_id"], m.start, m.end),
                    "article_id": art["article_id"],
                    "partition_key": art.get("partition_key"),
                }
            )
    flush_dispatch_cache()  # the tagger's dispatch tables, for the next process (a worker of the next run)
    return _table(rows, schemas.MENTIONS), errors


def _mention_from_row(row: dict) -> Mention:
    fields = Mention.__dataclass_fields__
    return Mention(**{k: row[k] for k in fields if k in row})


def events_for_articles(articles: pa.Table, mentions: pa.Table) -> pa.Table:
    """One event per dated mention, tied to its clause, for the given articles."""
    by_article: dict[str, list[Mention]] = {}
    for row in mentions.to_pylist():
        by_article.setdefault(row["article_id"], []).append(_mention_from_row(row))
    rows = []
    for art in articles.to_pylist():
        ms = sorted(by_article.get(art["article_id"], []), key=lambda m: m.start)
        for ev in extract_events(art["article_id"], art["text"], ms, art["published_at"]):
            rows.append({**ev.as_dict(), "partition_key": art.get("partition_key")})
    return _table(rows, schemas.EVENTS)


def dedupe_articles(articles: pa.Table) -> pa.Table:
    """Exact and near-duplicate article clusters, one row per article (see ``find_duplicate_articles``)."""
    cols = ["article_id", "text", "published_at", "url", "title"]
    return _table(find_duplicate_articles(articles.select(cols).to_pylist()), schemas.ARTICLE_DUPLICATES)


def build_timeline(events: pa.Table, duplicates: pa.Table) -> pa.Table:
    """Timeline rows from the events of canonical articles, the same event from many sources merged."""
    canonical = duplicates.filter(pc.is_null(duplicates.column("duplicate_of"))).column("article_id")
    return timeline_rows(events, canonical)


# Events are clustered a start date range at a time: two events can only merge when they share a
# start date, so the clusters of disjoint date ranges are independent (and memory stays bounded).
TIMELINE_CHUNK_EVENTS = 50_000


def timeline_rows(events: pa.Table, canonical_ids: pa.Array | pa.ChunkedArray) -> pa.Table:
    """``build_timeline`` for the events of one slice of the warehouse (e.g. one year), given the canonical
    article ids; clusters a bounded chunk of start dates at a time. Rows sorted by (start_date, timeline_id)."""
    cols = [c for c in schemas.TIMELINE_EVENT_COLUMNS if c in events.column_names]
    evs = events.select(cols)
    if isinstance(canonical_ids, pa.ChunkedArray):
        canonical_ids = canonical_ids.combine_chunks()
    canonical = pc.is_in(evs.column("article_id"), value_set=canonical_ids)
    evs = evs.filter(pc.and_(pc.is_valid(evs.column("start_date")), canonical))
    if evs.num_rows == 0:
        return schemas.TIMELINE.empty_table()
    evs = evs.sort_by("start_date")
    days = evs.column("start_date").cast(pa.int32()).to_numpy()
    parts = []
    lo = 0
    while lo < len(days):
        hi = min(lo + TIMELINE_CHUNK_EVENTS, len(days))
        hi = int(np.searchsorted(days, days[hi - 1], side="right"))  # never split one start date
        parts.append(_table(cluster_events(evs.slice(lo, hi - lo).to_pylist()), schemas.TIMELINE))
        lo = hi
    return pa.concat_tables(parts)


def article_signatures(articles: pa.Table) -> pa.Table:
    """Phase 1 of article dedupe for a batch of articles (one inbox file): one ``signatures`` row per article
    with its content hash, MinHash signature and shingle count (see ``dedupe.article_signatures``) and the
    metadata that decides which copy is canonical."""
    ids = articles.column("article_id").to_pylist()
    hashes, counts, sig = dedupe.article_signatures(ids, articles.column("text").to_pylist())
    signature = pa.FixedSizeListArray.from_arrays(pa.array(sig.ravel(), type=pa.uint32()), dedupe.NUM_PERM,
                                                  mask=pa.array(counts < 0))

    def present(name: str) -> pa.Array:
        col = articles.column(name)
        return pc.fill_null(pc.and_(pc.is_valid(col), pc.not_equal(col, "")), False)

    return pa.Table.from_arrays(
        [
            articles.column("article_id"),
            pa.array(hashes, type=pa.string()),
            pa.array(counts, type=pa.int32()),
            signature,
            pc.is_valid(articles.column("published_at")),
            present("url"),
            present("title"),
            pc.fill_null(pc.utf8_length(articles.column("text")), 0).cast(pa.int32()),
            articles.column("partition_key"),
        ],
        schema=schemas.SIGNATURES,
    )
