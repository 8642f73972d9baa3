"""HTML pages: main text, title, author, url and publication date, via trafilatura."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from dateline.ingest.cleaning import clean_paragraphs, join_paragraphs, split_paragraphs
from dateline.ingest.dates import parse_published_at
from dateline.ingest.encoding import decode_bytes, normalise_newlines, split_bom
from dateline.ingest.headline import strip_leading_title

__all__ = ["HtmlPage", "decode_html", "extract_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": True, "original_date": True}

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


def extract_html(html: str, url: str | None = None) -> HtmlPage:
    """Extract the article in ``html``: cleaned main text, title, canonical url, author and date.

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
