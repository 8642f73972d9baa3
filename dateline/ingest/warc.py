"""WARC files (how news crawls are shipped): each HTML response record becomes one article."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from dateline.ingest.encoding import UndecodableError
from dateline.ingest.html import decode_html, extract_html
from dateline.ingest.records import ReadContext, finish_record
from dateline.models import Article, Quarantined

__all__ = ["read_warc"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def read_warc(data: bytes | BinaryIO, ctx: ReadContext) -> Iterator[Article | Quarantined]:
    """A ``.warc`` / ``.warc.gz`` file: one row per ``response`` record, in record order.

    ``record_index`` is the position of the record in the WARC (0-based, counting
    every record); request, metadata and warcinfo records are skipped, they are not
    articles. Non-HTML and non-200 responses are quarantined; an unreadable WARC is
    one row with ``record_index`` -1, and a WARC that breaks off part-way gets one
    ``unreadable`` row for the rest; a WARC without any response record is one
    ``empty_file`` row. ``data`` is the file's bytes or an open binary
    stream (WARCs are streamed: news crawls ship them a gigabyte at a time).
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    index = -1
    seen_any = False
    responses = 0
    try:
        for index, record in enumerate(ArchiveIterator(stream, ensure_http_headers=False)):
            if not seen_any and not str(record.format).startswith("warc"):
                # warcio falls back to the old ARC format for anything that is not WARC.
                yield ctx.quarantine(-1, "unreadable", "not a WARC file (no WARC/1.x record header)")
                return
            seen_any = True
            if record.rec_type != "response":
                continue
            responses += 1
            yield _response(record, index, ctx)
    except Exception as exc:  # noqa: BLE001 - warcio raises ArchiveLoadFailed, zlib and parse errors
        if not seen_any:
            yield ctx.quarantine(
                -1, "unreadable", f"not a readable WARC file: {type(exc).__name__}: {exc}"[:300]
            )
        else:
            where = index + 1
            yield ctx.quarantine(where, "unreadable", f"WARC breaks off at record {where}: {exc}"[:300])
        return
    if not seen_any:
        yield ctx.quarantine(-1, "unreadable", "no WARC records found")
    elif responses == 0:
        # Nothing to ingest, but the file must still be accounted for.
        yield ctx.quarantine(-1, "empty_file", f"WARC holds no response records ({index + 1} other records)")


def _response(record, index: int, ctx: ReadContext) -> Article | Quarantined:  # noqa: ANN001 - warcio type
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    content_type = (http.get_header("Content-Type") if http is not None else None) or ""
    if status is not None and not str(status).startswith("2"):
        return ctx.quarantine(index, "not_an_article", f"HTTP status {status} for {url}")
    if content_type and not content_type.split(";")[0].strip().lower().startswith(_HTML_TYPES):
        return ctx.quarantine(index, "not_an_article", f"content type {content_type!r} is not HTML ({url})")
    try:
        body = record.content_stream().read(ctx.max_text_chars * 4 + 1)
    except Exception as exc:  # noqa: BLE001 - truncated or badly encoded payloads
        return ctx.quarantine(index, "unreadable", f"payload could not be read: {exc}"[:300])
    if len(body) > ctx.max_text_chars * 4:
        return ctx.quarantine(index, "too_large", f"payload over {ctx.max_text_chars * 4:,} bytes ({url})")
    if not body.strip():
        return ctx.quarantine(index, "empty_text", f"empty payload ({url})")
    try:
        html = decode_html(body, _charset(content_type))
    except UndecodableError as exc:
        return ctx.quarantine(index, "undecodable", f"{exc} ({url})")
    page = extract_html(html, url)
    if not page.text:
        return ctx.quarantine(index, "no_article_text", f"no article text found in the HTML page ({url})")
    return finish_record(
        ctx, index, text=page.text, title=page.title, url=page.url,
        published_at=page.published_at, source_format="warc",
        author=page.author, published_offset=page.published_offset,
    )  # fmt: skip
