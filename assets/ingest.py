"""Per-file assets: articles, their temporal mentions and their events (one partition per inbox file).

A run may cover many partitions (single-run backfill): the files are then fanned
out over a process pool, so a backfill uses every core.
"""

import warnings

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Backoff,
    BetaWarning,
    MaterializeResult,
    RetryPolicy,
    asset,
)

from assets.partitions import inbox_files
from dateline.partitions import (
    events_partition,
    ingest_partition,
    map_partitions,
    merge_stats,
    tag_partition,
    workers_for,
)
from pipelines.resources import DatelineConfig

FILE_RETRY = RetryPolicy(max_retries=3, delay=0.5, backoff=Backoff.EXPONENTIAL)
# One run per backfill, however many files: per-run overhead is paid once and the pool uses all cores.
BACKFILL = BackfillPolicy.single_run()
# backfill_policy is marked beta in Dagster 1.13; we depend on it knowingly, so do not warn on every import.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")


def _workers(context: AssetExecutionContext, dateline: DatelineConfig) -> int:
    return workers_for(dateline.inbox_dir, context.partition_keys, dateline.workers)


def _result(context: AssetExecutionContext, stats: list[dict], row_key: str) -> MaterializeResult:
    total = merge_stats(stats)
    seconds = total.pop("seconds", 0.0)
    metadata = {"dagster/row_count": total.pop(row_key, 0), **total, "files": len(stats),
                "cpu_seconds": round(seconds, 3)}
    if len(stats) == 1:
        metadata["source_path"] = context.partition_keys[0]
    return MaterializeResult(metadata=metadata)


@asset(
    partitions_def=inbox_files,
    backfill_policy=BACKFILL,
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="Articles read from one inbox file (boilerplate stripped, headline found), plus the "
    "records of that file that were quarantined, with their reason. Parquet: articles/, quarantine/.",
)
def raw_articles(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    # read_file confines each path to the inbox and quarantines escapes.
    args = [(dateline.inbox_dir, dateline.warehouse_dir, k) for k in context.partition_keys]
    return _result(context, map_partitions(ingest_partition, args, _workers(context, dateline)), "articles")


@asset(
    partitions_def=inbox_files,
    backfill_policy=BACKFILL,
    deps=[raw_articles],
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="Every temporal expression of the file's articles as TIMEX3 (type, value, mod) with "
    "granularity and a half-open [start_date, end_date) interval. Parquet: mentions/year=YYYY/.",
)
def temporal_mentions(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    args = [(dateline.warehouse_dir, k) for k in context.partition_keys]
    return _result(context, map_partitions(tag_partition, args, _workers(context, dateline)), "mentions")


@asset(
    partitions_def=inbox_files,
    backfill_policy=BACKFILL,
    deps=[temporal_mentions],
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="One event per dated mention: its clause and sentence, trigger, actors, tense and "
    "character offsets into the article text. Parquet: events/year=YYYY/.",
)
def events(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    args = [(dateline.warehouse_dir, k) for k in context.partition_keys]
    return _result(context, map_partitions(events_partition, args, _workers(context, dateline)), "events")
