"""The stages of dateline as plain functions over Arrow tables.

Each function is pure (input tables in, output table out) except
``ingest_file``, which reads one inbox file. The Dagster assets are thin
wrappers around these; a notebook can call them directly::

    articles, quarantine = ingest_file(Path("data/inbox/a.jsonl"), Path("data/inbox"))
    mentions, _errors = tag_articles(articles)
    events = events_for_articles(articles, mentions)
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from dateline import schemas
from dateline.dedupe import cluster_events, content_hash, find_duplicate_articles
from dateline.events import extract_events, mention_id
from dateline.ingest import read_file
from dateline.models import Article, Quarantined
from dateline.temporal import Mention, tag


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


def _mentions_of(article: dict) -> list[Mention]:
    return tag(article["text"], reference_date(article["published_at"]))


def tag_articles(articles: pa.Table) -> tuple[pa.Table, list[dict]]:
    """Every temporal expression of every article, normalised against its publication date.

    Returns ``(mentions, errors)``: an article the tagger fails on contributes no
    mentions and one ``{"article_id", "error"}`` entry, and never fails the batch.
    """
    rows, errors = [], []
    for art in articles.to_pylist():
        try:
            found = _mentions_of(art)
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
    canonical = {r["article_id"] for r in duplicates.to_pylist() if r["duplicate_of"] is None}
    evs = [e for e in events.to_pylist() if e["article_id"] in canonical]
    return _table(cluster_events(evs), schemas.TIMELINE)
