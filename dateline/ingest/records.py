"""Building the shared records: stable article ids, articles and quarantine rows."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from dateline.models import Article, Quarantined

__all__ = ["MAX_TEXT_CHARS", "ReadContext", "article_id", "finish_record", "normalise_for_id"]

# Texts longer than this (in characters, after cleaning) are quarantined as too_large.
MAX_TEXT_CHARS = 2_000_000

_WS = re.compile(r"\s+")


def normalise_for_id(text: str) -> str:
    """Whitespace-collapsed, case-folded text: what the article id hashes."""
    return _WS.sub(" ", text).strip().casefold()


def article_id(source: str, text: str) -> str:
    """Stable 16-hex-digit id of an article from its source (url or path#index) and text."""
    digest = hashlib.sha1(f"{source}\x1f{normalise_for_id(text)}".encode())
    return digest.hexdigest()[:16]


class ReadContext:
    """Per-file state shared by the format readers: where we are and what "now" is."""

    __slots__ = ("source_path", "now", "max_text_chars")

    def __init__(self, source_path: str, now: datetime, max_text_chars: int = MAX_TEXT_CHARS) -> None:
        self.source_path = source_path
        self.now = now
        self.max_text_chars = max_text_chars

    def quarantine(self, record_index: int, reason: str, message: str) -> Quarantined:
        """A quarantine row for this file."""
        return Quarantined(self.source_path, record_index, reason, message)


def finish_record(
    ctx: ReadContext,
    record_index: int,
    *,
    text: str,
    title: str | None,
    url: str | None,
    published_at: datetime | None,
    source_format: str,
    author: str | None = None,
    published_offset: str | None = None,
) -> Article | Quarantined:
    """Validate a cleaned record and turn it into an Article (with its stable id), or a Quarantined row saying why."""
    from dateline.ingest.dates import check_published_at

    if not text.strip():
        return ctx.quarantine(record_index, "empty_text", "no article text left after cleaning")
    if len(text) > ctx.max_text_chars:
        return ctx.quarantine(
            record_index, "too_large", f"text has {len(text):,} characters (limit {ctx.max_text_chars:,})"
        )
    problem = check_published_at(published_at, ctx.now)
    if problem is not None:
        return ctx.quarantine(record_index, "absurd_date", problem)
    # The file position is always part of the id's source: the same url delivered in two files is two
    # ingested records (one then marked a duplicate of the other), never two rows sharing one id.
    source = f"{ctx.source_path}#{record_index}" + (f"#{url}" if url else "")
    return Article(
        article_id=article_id(source, text),
        source_path=ctx.source_path,
        record_index=record_index,
        url=url or None,
        title=title or None,
        published_at=published_at,
        text=text,
        source_format=source_format,
        author=author or None,
        published_offset=published_offset if published_at is not None else None,
    )
