"""Ingestion: inbox files (txt, md, jsonl, html, warc; optionally gzipped) to Articles and Quarantined rows.

Public API::

    read_inbox(inbox) -> IngestResult        # every file under the inbox, sorted
    read_file(path, inbox) -> Iterator[Article | Quarantined]
    list_inbox_files(inbox) -> list[Path]    # supported files, sorted, confined to the inbox
    parse_published_at(value) -> (utc datetime | None, original offset | None)
"""

from dateline.ingest.dates import parse_published_at
from dateline.ingest.inbox import MAX_FILE_BYTES, REASONS, IngestResult, read_file, read_inbox
from dateline.ingest.paths import list_inbox_files
from dateline.ingest.records import MAX_TEXT_CHARS, article_id

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "REASONS",
    "IngestResult",
    "article_id",
    "list_inbox_files",
    "parse_published_at",
    "read_file",
    "read_inbox",
]
