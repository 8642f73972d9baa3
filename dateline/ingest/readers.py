"""Format readers: one file's bytes in, Articles and Quarantined rows out.

Each reader takes the (already decompressed) bytes of one file and a
:class:`~dateline.ingest.records.ReadContext` and yields one row per input
record. Readers never raise on bad content: a bad record becomes a
Quarantined row and the rest of the file is still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime

from dateline.ingest.cleaning import (
    clean_paragraphs,
    join_paragraphs,
    normalise_line,
    split_paragraphs,
    strip_markup,
)
from dateline.ingest.dates import check_published_at, parse_published_at
from dateline.ingest.encoding import decode_bytes, detect_encoding, split_bom
from dateline.ingest.headline import find_headline, looks_like_date_line, strip_leading_title
from dateline.ingest.html import decode_html, extract_html
from dateline.ingest.records import ReadContext, finish_record
from dateline.models import Article, Quarantined

__all__ = ["READERS", "read_html", "read_jsonl", "read_text", "split_header"]

Row = Article | Quarantined
Reader = Callable[[bytes, ReadContext], Iterator[Row]]

# JSONL field names, in order of preference.
TEXT_FIELDS = ("text", "body", "content", "article", "maintext", "article_text", "full_text", "story")
HTML_FIELDS = ("html", "raw_html", "content_html", "body_html")
TITLE_FIELDS = ("title", "headline", "heading")
AUTHOR_FIELDS = ("author", "byline", "by", "authors")
URL_FIELDS = ("url", "link", "canonical_url", "source_url", "uri", "permalink")
DATE_FIELDS = (
    "published_at", "date", "pubdate", "pub_date", "published", "publish_date", "publication_date",
    "date_published", "datePublished", "datetime", "timestamp", "time", "created_at",
)  # fmt: skip

_HEADER_LINE = re.compile(
    r"^\s*(title|headline|date|published|published_at|pubdate|url|link|source|author|by|byline|section|"
    r"category|tags|language|lang)\s*:\s*(.*?)\s*$",
    re.I,
)
_HEADER_KEYS = {"title": "title", "headline": "title", "date": "date", "published": "date",
                "published_at": "date", "pubdate": "date", "url": "url", "link": "url"}  # fmt: skip
_URL = re.compile(r"^https?://\S+$", re.I)


# --------------------------------------------------------------------------- text / markdown


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split an optional ``Title:`` / ``Date:`` / ``URL:`` header block off the top of a text.

    The header is the run of leading ``Key: value`` lines (blank lines before it
    are allowed); it must hold a title, date or url (author, source, section... are
    kept under their own names). Returns (header, rest).
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    header: dict[str, str] = {}
    while i < len(lines):
        m = _HEADER_LINE.match(lines[i])
        if not m:
            break
        name = m.group(1).lower()
        value = normalise_line(m.group(2))
        key = _HEADER_KEYS.get(name, name)
        if name == "source" and _URL.match(value):
            key = "url"
        if key == "url" and not _URL.match(value):
            key = "source"
        if value:
            header.setdefault(key, value)
        i += 1
    if not header.keys() & {"title", "date", "url"}:
        return {}, text
    return header, "\n".join(lines[i:])


def read_text(data: bytes, ctx: ReadContext, source_format: str = "txt") -> Iterator[Row]:
    """A ``.txt`` / ``.md`` scraped page: one article (record 0), headline found among the leading lines."""
    text = decode_bytes(data)
    if len(text) > ctx.max_text_chars * 2:
        yield ctx.quarantine(
            0, "too_large", f"file has {len(text):,} characters (limit {ctx.max_text_chars:,})"
        )
        return
    header, body = split_header(text)
    paragraphs = clean_paragraphs(split_paragraphs(body))
    found = find_headline(paragraphs)
    title = header.get("title") or found.title
    if header.get("title"):
        # The header names the title: the leading short lines are page chrome (labels, repeats).
        paragraphs = strip_leading_title(paragraphs[len(found.preamble) :], title)
    else:
        paragraphs = found.body
    published_at, offset = None, None
    if header.get("date"):
        published_at, offset = parse_published_at(header["date"])
    if published_at is None:
        published_at, offset = _preamble_date(found.preamble, ctx)
    yield finish_record(
        ctx,
        0,
        text=join_paragraphs(paragraphs),
        title=title,
        url=header.get("url"),
        published_at=published_at,
        source_format=source_format,
        author=header.get("author") or header.get("by") or header.get("byline"),
        published_offset=offset,
    )


def _preamble_date(preamble: list[str], ctx: ReadContext) -> tuple[datetime | None, str | None]:
    """A publication date read off a date line above the body ("March 12, 2024"), if plausible.

    This is a guess, so an implausible date is ignored rather than quarantined.
    """
    for line in preamble:
        if looks_like_date_line(line):
            value, offset = parse_published_at(
                re.sub(r"^(published|updated|posted)\s*:?\s*", "", line, flags=re.I)
            )
            if value is not None and check_published_at(value, ctx.now) is None:
                return value, offset
    return None, None


def read_markdown(data: bytes, ctx: ReadContext) -> Iterator[Row]:
    """A ``.md`` page: read like text (heading markers are stripped by the cleaner)."""
    return read_text(data, ctx, source_format="md")


# --------------------------------------------------------------------------- JSONL


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _first(record: dict, names: tuple[str, ...]) -> object:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def _str_or_none(value: object) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return None


def _jsonl_lines(data: bytes) -> Iterator[tuple[int, str | None, str]]:
    """Yield ``(line number, decoded line or None, message)`` for every non-blank line."""
    bom, body = split_bom(data)
    if bom is not None and bom != "utf-8":
        # UTF-16/32 cannot be split on b"\n": decode the whole file first.
        text = body.decode(bom, errors="replace")
        for n, line in enumerate(text.replace("\r\n", "\n").split("\n")):
            if line.strip():
                yield n, line, ""
        return
    raw_lines = body.split(b"\n")
    fallback: str | None | bool = False  # False = not yet detected
    for n, raw in enumerate(raw_lines):
        raw = raw.strip(b" \t\r\x0c\x0b")
        if not raw:
            continue
        try:
            yield n, raw.decode("utf-8").lstrip("\ufeff"), ""
            continue
        except UnicodeDecodeError as exc:
            problem = str(exc)
        if fallback is False:
            bad = b"\n".join(x for x in raw_lines if not _is_utf8(x))
            fallback = detect_encoding(bad)
        if fallback:
            try:
                line = raw.decode(str(fallback))
            except UnicodeDecodeError:
                line = None
            if line is not None and "\x00" not in line:
                yield n, line, ""
                continue
        yield n, None, f"line is not valid UTF-8 and no other encoding fits ({problem})"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_jsonl(data: bytes, ctx: ReadContext) -> Iterator[Row]:
    """A JSONL file: one article per non-blank line, ``record_index`` = 0-based line number."""
    for n, line, problem in _jsonl_lines(data):
        if line is None:
            yield ctx.quarantine(n, "undecodable", problem)
            continue
        if len(line) > ctx.max_text_chars * 2:
            yield ctx.quarantine(
                n, "too_large", f"line has {len(line):,} characters (limit {ctx.max_text_chars:,})"
            )
            continue
        try:
            record = json.loads(line, strict=False)
        except (ValueError, RecursionError) as exc:
            yield ctx.quarantine(n, "malformed_json", f"line {n + 1} is not valid JSON: {_short(exc)}")
            continue
        if not isinstance(record, dict):
            yield ctx.quarantine(
                n, "malformed_json", f"line {n + 1} is JSON {type(record).__name__}, not an object"
            )
            continue
        yield _jsonl_record(record, n, ctx)


def _short(exc: BaseException, limit: int = 160) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonl_record(record: dict, n: int, ctx: ReadContext) -> Row:
    raw_text = _first(record, TEXT_FIELDS)
    title = _str_or_none(_first(record, TITLE_FIELDS))
    title = strip_markup(title).strip() or None if title else None
    url = _str_or_none(_first(record, URL_FIELDS))
    published_at, offset = parse_published_at(_first(record, DATE_FIELDS))
    author = _str_or_none(_first(record, AUTHOR_FIELDS))
    if raw_text is None:
        raw_html = _first(record, HTML_FIELDS)
        if isinstance(raw_html, str) and raw_html.strip():
            page = extract_html(raw_html, url)
            if not page.text:
                return ctx.quarantine(n, "no_article_text", "no article text found in the record's HTML")
            return finish_record(
                ctx, n, text=page.text, title=title or page.title, url=url or page.url,
                published_at=published_at or page.published_at, source_format="jsonl",
                author=author or page.author,
                published_offset=offset if published_at else page.published_offset,
            )  # fmt: skip
        return ctx.quarantine(
            n, "empty_text", f"record has no text field ({', '.join(TEXT_FIELDS[:3])}, ...)"
        )
    if not isinstance(raw_text, str):
        return ctx.quarantine(
            n, "invalid_record", f"text field is a JSON {type(raw_text).__name__}, not a string"
        )
    if len(raw_text) > ctx.max_text_chars * 2:
        return ctx.quarantine(
            n, "too_large", f"text has {len(raw_text):,} characters (limit {ctx.max_text_chars:,})"
        )
    paragraphs = clean_paragraphs(split_paragraphs(strip_markup(raw_text)))
    found = find_headline(paragraphs)
    if title is None or (found.title is not None and _fold(found.title) == _fold(title)):
        # No title field (the text is a whole scraped page), or the page repeats the title.
        title, paragraphs = title or found.title, found.body
    else:
        paragraphs = strip_leading_title(paragraphs, title)
    return finish_record(
        ctx, n, text=join_paragraphs(paragraphs), title=title, url=url,
        published_at=published_at, source_format="jsonl", author=author, published_offset=offset,
    )  # fmt: skip


# --------------------------------------------------------------------------- HTML


def read_html(data: bytes, ctx: ReadContext) -> Iterator[Row]:
    """An ``.html`` page: one article (record 0) extracted with trafilatura."""
    html = decode_html(data)
    page = extract_html(html)
    if not page.text:
        yield ctx.quarantine(0, "no_article_text", "no article text found in the HTML page")
        return
    yield finish_record(
        ctx, 0, text=page.text, title=page.title, url=page.url,
        published_at=page.published_at, source_format="html",
        author=page.author, published_offset=page.published_offset,
    )  # fmt: skip


READERS: dict[str, Reader] = {
    "txt": read_text,
    "md": read_markdown,
    "jsonl": read_jsonl,
    "html": read_html,
}
