"""Per-file assets: articles, their temporal mentions and their events (one partition per inbox file).

A run may cover many partitions (single-run backfill): the files are then fanned
out over a process pool, so a backfill uses every core. Partitions whose file and
code are unchanged since they were last built are skipped (see
``dateline.partitions.partition_status``), so re-running over every file costs only
the new and changed ones; tag a run ``dateline/reprocess=true`` to rebuild anyway.
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
    partitions_to_run,
    processing_version,
    tag_partition,
    workers_for,
)
from pipelines.resources import DatelineConfig

FILE_RETRY = RetryPolicy(max_retries=3, delay=0.5, backoff=Backoff.EXPONENTIAL)
# One run per backfill, however many files: per-run overhead is paid once and the pool uses all cores.
BACKFILL = BackfillPolicy.single_run()
# backfill_policy is marked beta in Dagster 1.13; we depend on it knowingly, so do not warn on every import.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")


# Run tag that makes the per-file assets process every requested partition, up to date or not.
REPROCESS_TAG = "dateline/reprocess"


def _todo(context: AssetExecutionContext, dateline: DatelineConfig) -> list[str]:
    """The requested partitions that are not up to date (new or changed file, other code, interrupted run):
    a partition built from the same bytes by the same code is skipped, unless the run is tagged
    ``dateline/reprocess=true``."""
    keys = list(context.partition_keys)
    if context.run.tags.get(REPROCESS_TAG, "").lower() == "true":
        return keys
    return partitions_to_run(dateline.inbox_dir, dateline.warehouse_dir, keys)


def _workers(dateline: DatelineConfig, keys: list[str]) -> int:
    return workers_for(dateline.inbox_dir, keys, dateline.workers)


# What every per-file asset shares: one partition per inbox file, single-run backfills, retries on I/O.
PER_FILE_ASSET = dict(
    partitions_def=inbox_files,
    backfill_policy=BACKFILL,
    group_name="ingest",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
)


def _result(context: AssetExecutionContext, todo: list[str], stats: list[dict], row_key: str) -> MaterializeResult:
    total = merge_stats(stats)
    seconds = total.pop("seconds", 0.0)
    metadata = {"dagster/row_count": total.pop(row_key, 0), **total, "files": len(stats),
                "skipped_unchanged": len(context.partition_keys) - len(todo), "cpu_seconds": round(seconds, 3)}
    if len(stats) == 1:
        metadata["source_path"] = todo[0]
    return MaterializeResult(metadata=metadata)


@asset(
    **PER_FILE_ASSET,
    description="Articles read from one inbox file (boilerplate stripped, headline found), plus the "
    "records of that file that were quarantined, with their reason, and the articles' dedupe signatures. "
    "Parquet: articles/, quarantine/ (working tables: signatures/, ingest_manifest/).",
)
def raw_articles(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    # read_file confines each path to the inbox and quarantines escapes.
    todo = _todo(context, dateline)
    args = [(dateline.inbox_dir, dateline.warehouse_dir, k, processing_version()) for k in todo]
    return _result(context, todo, map_partitions(ingest_partition, args, _workers(dateline, todo)), "articles")


@asset(
    **PER_FILE_ASSET,
    deps=[raw_articles],
    description="Every temporal expression of the file's articles as TIMEX3 (type, value, mod) with "
    "granularity and a half-open [start_date, end_date) interval. Parquet: mentions/year=YYYY/.",
)
def temporal_mentions(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    todo = _todo(context, dateline)
    args = [(dateline.warehouse_dir, k, dateline.inbox_dir, dateline.dct_fallback) for k in todo]
    return _result(context, todo, map_partitions(tag_partition, args, _workers(dateline, todo)), "mentions")


@asset(
    **PER_FILE_ASSET,
    deps=[temporal_mentions],
    description="One event per dated mention: its clause and sentence, trigger, actors, tense and "
    "character offsets into the article text. Parquet: events/year=YYYY/.",
)
def events(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    todo = _todo(context, dateline)
    args = [(dateline.warehouse_dir, k) for k in todo]
    return _result(context, todo, map_partitions(events_partition, args, _workers(dateline, todo)), "events")
