"""Reading files and whole inboxes: confinement, decompression, dispatch and accounting."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dateline.ingest import records
from dateline.ingest.encoding import UndecodableError
from dateline.ingest.paths import format_of, is_inside, relative_source_path, walk_inbox
from dateline.ingest.readers import READERS
from dateline.ingest.records import ReadContext
from dateline.ingest.warc import read_warc
from dateline.models import Article, Quarantined

__all__ = ["MAX_FILE_BYTES", "IngestResult", "read_file", "read_inbox"]

# Files (or decompressed streams) larger than this are quarantined whole as too_large.
MAX_FILE_BYTES = 512 * 1024 * 1024

_EMPTY_PROBE = 1 << 16

# Quarantine reason codes used by ingestion, for the pipeline and its docs.
REASONS = {
    "empty_file": "the file has no content",
    "empty_text": "no article text (missing field, or nothing left after boilerplate removal)",
    "undecodable": "bytes are not text in any recognisable encoding",
    "unreadable": "the file (or a compressed / WARC stream) could not be read",
    "malformed_json": "a JSONL line is not a JSON object",
    "invalid_record": "a JSONL field has the wrong type",
    "no_article_text": "no article text found in an HTML page",
    "not_an_article": "a WARC response that is not a successful HTML page",
    "too_large": "text or file over the size limit",
    "absurd_date": "publication date before 1900 or in the future",
    "unsupported_format": "file extension not handled by ingestion",
    "outside_inbox": "path escapes the inbox (symlink or ..)",
    "reader_error": "unexpected error while reading (a bug): the rest of the file is lost",
}


@dataclass
class IngestResult:
    """Everything read from an inbox: articles, quarantined rows, files seen and records produced.

    ``records == len(articles) + len(quarantined)``: every input record (or whole
    unreadable file) ends in exactly one of the two lists.
    """

    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    files: int = 0
    records: int = 0


def _read_bytes(path: Path, gz: bool, ctx: ReadContext) -> bytes | Quarantined:
    try:
        if not path.is_file():
            return ctx.quarantine(-1, "unreadable", "not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return ctx.quarantine(-1, "too_large", f"file is {size:,} bytes (limit {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        return ctx.quarantine(-1, "unreadable", f"could not read file: {exc.strerror or exc}")
    if gz:
        try:
            with gzip.GzipFile(fileobj=_BytesReader(data)) as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            return ctx.quarantine(-1, "unreadable", f"not a readable gzip stream: {exc}")
        if len(data) > MAX_FILE_BYTES:
            return ctx.quarantine(-1, "too_large", f"decompressed data over {MAX_FILE_BYTES:,} bytes")
    return data


class _BytesReader:
    """Minimal file object over bytes (io.BytesIO copies; this does not)."""

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        chunk = self._view[self._pos : end].tobytes()
        self._pos = end
        return chunk


def read_file(path: Path, inbox: Path, *, now: datetime | None = None) -> Iterator[Article | Quarantined]:
    """Read one file of the inbox into Articles and Quarantined rows. Never raises on bad content.

    ``source_path`` is ``path`` relative to ``inbox`` (posix). ``now`` (default: the
    current time) is what "in the future" means for publication dates.
    """
    path, inbox = Path(path), Path(inbox)
    ctx = ReadContext(relative_source_path(path, inbox), now or datetime.now(UTC), records.MAX_TEXT_CHARS)
    if not is_inside(path, inbox):
        yield ctx.quarantine(-1, "outside_inbox", f"{path} is outside the inbox {inbox} (symlink or '..')")
        return
    fmt = format_of(path)
    if fmt is None:
        yield ctx.quarantine(-1, "unsupported_format", f"no reader for files named like {path.name!r}")
        return
    if fmt == "warc":
        yield from _guarded(_stream_warc(path, ctx), ctx)
        return
    data = _read_bytes(path, gz=path.name.lower().endswith(".gz"), ctx=ctx)
    if isinstance(data, Quarantined):
        yield data
        return
    if not data.strip():
        yield ctx.quarantine(-1, "empty_file", "the file is empty")
        return
    yield from _guarded(READERS[fmt](data, ctx), ctx)


def _stream_warc(path: Path, ctx: ReadContext) -> Iterator[Article | Quarantined]:
    """WARCs are streamed from disk record by record, whatever their size."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield ctx.quarantine(-1, "unreadable", f"could not read file: {exc.strerror or exc}")
        return
    with fh:
        head = fh.read(_EMPTY_PROBE)
        if not head.strip() and len(head) < _EMPTY_PROBE:
            yield ctx.quarantine(-1, "empty_file", "the file is empty")
            return
        fh.seek(0)
        yield from read_warc(fh, ctx)


def _guarded(rows: Iterator[Article | Quarantined], ctx: ReadContext) -> Iterator[Article | Quarantined]:
    """Pass rows through; an unexpected error ends the file with one quarantine row, never a crash."""
    next_index = -1
    try:
        for row in rows:
            next_index = row.record_index + 1
            yield row
    except UndecodableError as exc:
        yield ctx.quarantine(next_index, "undecodable", str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must never fail the run
        yield ctx.quarantine(next_index, "reader_error", f"{type(exc).__name__}: {exc}"[:300])


def read_inbox(inbox: Path, *, now: datetime | None = None) -> IngestResult:
    """Read every file under ``inbox`` (sorted, deterministic) into an :class:`IngestResult`.

    Unsupported files and symlinks escaping the inbox are reported as Quarantined
    rows so nothing silently disappears; hidden files (``.gitkeep``) are skipped.
    """
    inbox = Path(inbox)
    now = now or datetime.now(UTC)
    result = IngestResult()
    for path in walk_inbox(inbox):
        result.files += 1
        for row in read_file(path, inbox, now=now):
            result.records += 1
            if isinstance(row, Article):
                result.articles.append(row)
            else:
                result.quarantined.append(row)
    return result
