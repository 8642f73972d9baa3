"""Arrow schemas of every table dateline writes: the contract with dashboards and DuckDB.

Dates are ``date32``, timestamps are UTC microseconds, lists are ``list<string>``.
Bump ``SCHEMA_VERSION`` whenever a column changes meaning or type.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 2

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source_path", pa.string()),
        ("record_index", pa.int32()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published_at", _TS),
        ("text", pa.string()),
        ("source_format", pa.string()),
        ("content_hash", pa.string()),
        ("partition_key", pa.string()),
        ("author", pa.string()),
        ("published_offset", pa.string()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("source_path", pa.string()),
        ("record_index", pa.int32()),
        ("reason", pa.string()),
        ("message", pa.string()),
        ("partition_key", pa.string()),
    ]
)

MENTIONS = pa.schema(
    [
        ("mention_id", pa.string()),
        ("article_id", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("timex_type", pa.string()),
        ("value", pa.string()),
        ("granularity", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("anchor_source", pa.string()),
        ("mod", pa.string()),
        ("freq", pa.string()),
        ("quant", pa.string()),
        ("partition_key", pa.string()),
    ]
)

EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("article_id", pa.string()),
        ("mention_id", pa.string()),
        ("clause", pa.string()),
        ("clause_start", pa.int32()),
        ("clause_end", pa.int32()),
        ("sentence", pa.string()),
        ("sentence_start", pa.int32()),
        ("sentence_end", pa.int32()),
        ("trigger", pa.string()),
        ("actors", _STRS),
        ("tense", pa.string()),
        ("mention_text", pa.string()),
        ("mention_start", pa.int32()),
        ("mention_end", pa.int32()),
        ("timex_type", pa.string()),
        ("value", pa.string()),
        ("granularity", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("anchor_source", pa.string()),
        ("confidence", pa.float32()),
        ("published_at", _TS),
        ("partition_key", pa.string()),
    ]
)

ARTICLE_DUPLICATES = pa.schema(
    [
        ("article_id", pa.string()),
        ("canonical_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("method", pa.string()),
        ("similarity", pa.float32()),
    ]
)

TIMELINE = pa.schema(
    [
        ("timeline_id", pa.string()),
        ("value", pa.string()),
        ("granularity", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("description", pa.string()),
        ("trigger", pa.string()),
        ("actors", _STRS),
        ("source_count", pa.int32()),
        ("sources", _STRS),
        ("event_ids", _STRS),
        ("first_reported", _TS),
        ("article_id", pa.string()),
        ("event_id", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "quarantine": QUARANTINE,
    "mentions": MENTIONS,
    "events": EVENTS,
    "article_duplicates": ARTICLE_DUPLICATES,
    "timeline": TIMELINE,
}

# Tables hive-partitioned by the year of ``start_date`` (NULL years go to Hive's default partition).
YEAR_PARTITIONED = {"mentions", "events", "timeline"}

# --- working tables -------------------------------------------------------------------------------
# Kept beside the published tables (parquet/<name>/<file-key>.parquet) to make the whole-warehouse
# steps cheap; not loaded into DuckDB, not part of the dashboard contract.

# Phase 1 of article dedupe, one row per article, written per inbox file with its articles.
SIGNATURES = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        # Distinct shingles of the text; -1 when the file holds an exact copy with a smaller id
        # (then ``signature`` is NULL: that copy's signature stands for both).
        ("shingle_count", pa.int32()),
        ("signature", pa.list_(pa.uint32(), 128)),
        ("has_published_at", pa.bool_()),
        ("has_url", pa.bool_()),
        ("has_title", pa.bool_()),
        ("text_length", pa.int32()),
        ("partition_key", pa.string()),
    ]
)

# What each partition was built from: the input file's fingerprint when it was read, and whether
# every per-file stage has finished on it since. Lets a run skip unchanged files.
INGEST_MANIFEST = pa.schema(
    [
        ("partition_key", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        # SHA-1 of the file's bytes: decides when size and mtime cannot (the file changed within the
        # mtime granularity of its reading).
        ("content_sha1", pa.string()),
        ("ingested_at_ns", pa.int64()),
        ("processing_version", pa.string()),
        ("articles", pa.int64()),
        ("quarantined", pa.int64()),
        ("complete", pa.bool_()),
    ]
)

WORKING_TABLES: dict[str, pa.Schema] = {
    "signatures": SIGNATURES,
    "ingest_manifest": INGEST_MANIFEST,
}


# Event columns the timeline reads (offsets, tense and the like are not needed).
TIMELINE_EVENT_COLUMNS = [
    "event_id", "article_id", "clause", "sentence", "mention_text", "trigger", "actors", "value",
    "granularity", "start_date", "end_date", "confidence", "published_at",
]
