"""HTML pages: main text, title, author, url and publication date, via trafilatura."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import lxml.etree
import lxml.html
import trafilatura

from dateline.ingest.cleaning import clean_paragraphs, join_paragraphs, split_paragraphs
from dateline.ingest.dates import parse_published_at
from dateline.ingest.encoding import decode_bytes, normalise_newlines, split_bom
from dateline.ingest.headline import is_prose, strip_leading_title

__all__ = ["HtmlPage", "decode_html", "extract_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Dates from page metadata, markup and the url only: the free-text search of htmldate
# picks up copyright years and "related stories" dates.
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": False, "original_date": True}

# Metadata keys that carry the publication time, most specific first.
_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date_published", "pubdate",
    "publishdate", "publish-date", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
    "parsely-pub-date", "sailthru.date", "date",
)  # fmt: skip
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{4,64})"')

# trafilatura and htmldate log every page they find thin; the quarantine row says it once.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """What :func:`extract_html` finds in a page. ``text`` is cleaned ('' when none was found)."""

    text: str
    title: str | None
    url: str | None
    author: str | None
    published_at: datetime | None
    published_offset: str | None


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode an HTML page: BOM first, then the declared charset (HTTP header or ``<meta>``), then detection.

    Raises :class:`~dateline.ingest.encoding.UndecodableError` for binary data.
    """
    bom, _ = split_bom(data)
    if bom is None:
        meta = _META_CHARSET.search(data[:4096])
        for name in (declared, meta.group(1) if meta else None):
            codec = _codec(name)
            if codec is None:
                continue
            if codec in {"iso8859-1", "ascii"}:
                codec = "cp1252"  # what browsers do for pages labelled latin-1 or ascii
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return normalise_newlines(text)
    return decode_bytes(data)


def _meta_published(html: str) -> str | None:
    """The publication timestamp a page states in its metadata (meta tags, JSON-LD, ``<time>``)."""
    try:
        tree = lxml.html.fromstring(html.encode("utf-8", "replace"))
    except (ValueError, lxml.etree.ParserError, lxml.etree.XMLSyntaxError):
        return None
    ranked: list[tuple[int, str]] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS and meta.get("content"):
            ranked.append((_META_DATE_KEYS.index(key), meta.get("content")))
    found = [value for _, value in sorted(ranked, key=lambda kv: kv[0])]
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        found.extend(_JSONLD_DATE.findall(script.text_content() or ""))
    for time in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate or @class='published']"):
        found.append(time.get("datetime"))
    # Prefer a full timestamp over a bare date.
    found = [v.strip() for v in found if v and v.strip()]
    with_time = [v for v in found if "T" in v or ":" in v]
    return (with_time or found or [None])[0]


def extract_html(html: str, url: str | None = None) -> HtmlPage:
    """Extract the article in ``html``: cleaned main text, title, canonical url, author and date.

    ``text`` is empty when the page holds no prose (error pages, link lists).

    ``url`` is where the page came from (e.g. the WARC target URI); the page's
    own canonical url is used when none is given. Never raises on bad markup.
    """
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    except Exception:  # noqa: BLE001 - lxml/trafilatura raise a zoo of errors on broken markup
        doc = None
    if doc is None:
        return HtmlPage("", None, url, None, None, None)
    title = _clean_meta(getattr(doc, "title", None))
    paragraphs = strip_leading_title(clean_paragraphs(split_paragraphs(doc.text or "")), title)
    if not any(is_prose(p) for p in paragraphs):
        paragraphs = []  # navigation links and captions only: not an article
    published_at, offset = parse_published_at(_meta_published(html))
    if published_at is None:
        published_at, offset = parse_published_at(getattr(doc, "date", None))
    return HtmlPage(
        text=join_paragraphs(paragraphs),
        title=title,
        url=url or _clean_meta(getattr(doc, "url", None)),
        author=_clean_meta(getattr(doc, "author", None)),
        published_at=published_at,
        published_offset=offset,
    )


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
