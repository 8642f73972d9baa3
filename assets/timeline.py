"""Whole-warehouse assets: article dedupe, the deduplicated timeline, and the published DuckDB file."""


import time
from collections.abc import Iterable

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
    multi_asset_check,
)
from dagster_duckdb import DuckDBResource
from tabulate import tabulate

from assets.ingest import FILE_RETRY, events, raw_articles, temporal_mentions
from dateline import partitions, quality, storage
from pipelines.resources import DatelineConfig

PREVIEW_ROWS = 10


@asset(
    deps=[raw_articles],
    group_name="timeline",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="Exact and near-duplicate (syndicated) article clusters: one row per article with its "
    "canonical_id; duplicate_of is NULL for the canonical copy. Parquet: article_duplicates/.",
)
def article_duplicates(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    # Phase 2 only: the MinHash signatures were computed per file by raw_articles (signatures/);
    # texts are read back just for candidate pairs.
    stats = partitions.dedupe_warehouse(dateline.warehouse, dateline.workers, dateline.state_folder)
    return MaterializeResult(
        metadata={
            "dagster/row_count": stats["articles"],
            "canonical_articles": stats["canonical_articles"],
            "exact_duplicates": stats["exact_duplicates"],
            "near_duplicates": stats["near_duplicates"],
            "signatures_recomputed": stats.get("signatures_recomputed", 0),
            "mode": stats["mode"],
            **({"full_because": stats["full_because"]} if "full_because" in stats else {}),
            "seconds": round(stats.get("seconds", 0.0), 3),
        }
    )


@asset(
    deps=[events, article_duplicates],
    group_name="timeline",
    kinds={"python", "parquet"},
    retry_policy=FILE_RETRY,
    description="The deduplicated timeline: events of canonical articles, the same event from several "
    "sources merged into one row with source_count, sources and first_reported. Parquet: timeline/year=YYYY/.",
)
def timeline(context: AssetExecutionContext, dateline: DatelineConfig) -> MaterializeResult:
    # A year of events at a time (events only merge on a shared start date), years over a process pool.
    stats = partitions.timeline_warehouse(dateline.warehouse, dateline.workers, dateline.state_folder)
    return MaterializeResult(
        metadata={
            "dagster/row_count": stats["rows"],
            "events_in": stats["events_in"],
            "multi_source_rows": stats["multi_source_rows"],
            "max_source_count": stats["max_source_count"],
            "mode": stats["mode"],
            # Why an incremental run was not possible (data engineers ask when a small change took long).
            **({"full_because": stats["full_because"]} if "full_because" in stats else {}),
            "seconds": round(stats["seconds"], 3),
        }
    )


@multi_asset_check(
    specs=[
        AssetCheckSpec(name, asset=timeline, description=check.description, blocking=True)
        for name, check in quality.CHECKS.items()
    ],
    can_subset=True,
    description="The data-quality checks of dateline/quality.py, run together over one view of the warehouse.",
)
def timeline_checks(context: AssetCheckExecutionContext, dateline: DatelineConfig) -> Iterable[AssetCheckResult]:
    # One connection for all of them: rows of unchanged partitions come from the published database.
    names = [key.name for key in context.selected_asset_check_keys]
    for outcome in quality.run_checks(dateline.warehouse, names, db_dir=dateline.db_folder):
        yield AssetCheckResult(
            check_name=outcome.name,
            asset_key=timeline.key,
            passed=outcome.passed,
            severity=AssetCheckSeverity.ERROR,
            metadata={"failures": outcome.failures, "sample": MetadataValue.json([list(map(str, r)) for r in outcome.sample])},
        )


@asset(
    deps=[timeline, article_duplicates, events, temporal_mentions, raw_articles],
    group_name="warehouse",
    kinds={"duckdb"},
    pool="duckdb_writer",
    retry_policy=FILE_RETRY,
    description="timeline.duckdb: every table loaded from Parquet plus the analyst views of sql/, built "
    "beside the published file and renamed over it (readers never see a half-written database).",
)
def timeline_db(context: AssetExecutionContext, dateline: DatelineConfig, warehouse_db: DuckDBResource) -> MaterializeResult:
    started = time.perf_counter()
    path, counts = storage.publish_duckdb(dateline.warehouse, dateline.sql, dateline.db_folder)
    with warehouse_db.get_connection() as con:
        cur = con.execute(
            f"SELECT start_date, value, source_count, left(description, 120) AS description "
            f"FROM timeline ORDER BY start_date DESC LIMIT {PREVIEW_ROWS}"
        )
        preview = tabulate(cur.fetchall(), headers=[d[0] for d in cur.description], tablefmt="github")
    return MaterializeResult(
        metadata={
            "dagster/row_count": counts.get("timeline", 0),
            "table_row_counts": counts,
            "path": MetadataValue.path(str(path.resolve())),
            "newest_timeline_rows": MetadataValue.md(preview),
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


@asset_check(asset=timeline_db, description="The published database opens read-only and its timeline view answers.")
def published_db_readable(warehouse_db: DuckDBResource) -> AssetCheckResult:
    with warehouse_db.get_connection() as con:
        n = con.execute("SELECT count(*) FROM timeline").fetchone()[0]
        meta = con.execute("SELECT schema_version FROM dateline_meta").fetchone()[0]
    return AssetCheckResult(passed=True, metadata={"timeline_rows": n, "schema_version": meta})
