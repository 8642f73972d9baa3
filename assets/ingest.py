"""Per-file assets: articles, their temporal mentions and their events (one partition per inbox file)."""


import time
from collections import Counter

import pyarrow.compute as pc
from dagster import AssetExecutionContext, Backoff, MaterializeResult, RetryPolicy, asset

from assets.partitions import inbox_files
from dateline import pipeline, storage
from pipelines.resources import DatelineConfig

FILE_RETRY = RetryPolicy(max_retries=3, delay=0.5, backoff=Backoff.EXPONENTIAL)


def _counts(table, column: str) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(table.column(column).to_pylist()).items(), key=lambda kv: str(kv[0]))}


@asset(
    partitions_def=inbox_files,
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="Articles read from one inbox file (boilerplate stripped, headline found), plus the "
    "records of that file that were quarantined, with their reason. Parquet: articles/, quarantine/.",
)
def raw_articles(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    key = context.partition_key
    started = time.perf_counter()
    path = dateline.inbox / key  # read_file confines it to the inbox and quarantines escapes
    articles, quarantine = pipeline.ingest_file(path, dateline.inbox, key)
    storage.write_partition(dateline.warehouse, "articles", key, articles)
    storage.write_partition(dateline.warehouse, "quarantine", key, quarantine)
    dated = articles.num_rows - articles.column("published_at").null_count
    return MaterializeResult(
        metadata={
            "dagster/row_count": articles.num_rows,
            "quarantined": quarantine.num_rows,
            "quarantine_reasons": _counts(quarantine, "reason"),
            "articles_with_published_at": dated,
            "source_path": key,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


@asset(
    partitions_def=inbox_files,
    deps=[raw_articles],
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="Every temporal expression of the file's articles as TIMEX3 (type, value, mod) with "
    "granularity and a half-open [start_date, end_date) interval. Parquet: mentions/year=YYYY/.",
)
def temporal_mentions(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    key = context.partition_key
    started = time.perf_counter()
    articles = storage.read_table(dateline.warehouse, "articles", [key])
    mentions = pipeline.tag_articles(articles)
    storage.write_partition(dateline.warehouse, "mentions", key, mentions)
    return MaterializeResult(
        metadata={
            "dagster/row_count": mentions.num_rows,
            "by_anchor_source": _counts(mentions, "anchor_source"),
            "by_type": _counts(mentions, "timex_type"),
            "articles": articles.num_rows,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


@asset(
    partitions_def=inbox_files,
    deps=[temporal_mentions],
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="One event per dated mention: its clause and sentence, trigger, actors, tense and "
    "character offsets into the article text. Parquet: events/year=YYYY/.",
)
def events(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    key = context.partition_key
    started = time.perf_counter()
    articles = storage.read_table(dateline.warehouse, "articles", [key])
    mentions = storage.read_table(dateline.warehouse, "mentions", [key])
    evs = pipeline.events_for_articles(articles, mentions)
    storage.write_partition(dateline.warehouse, "events", key, evs)
    with_actors = int(pc.sum(pc.greater(pc.list_value_length(evs.column("actors")), 0)).as_py() or 0)
    return MaterializeResult(
        metadata={
            "dagster/row_count": evs.num_rows,
            "events_with_actors": with_actors,
            "events_with_trigger": evs.num_rows - evs.column("trigger").null_count,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
