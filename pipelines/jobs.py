"""Jobs and the schedule: per-file ingest, and the daily rebuild of the timeline and the database."""

from __future__ import annotations

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

from assets.ingest import events, raw_articles, temporal_mentions
from assets.timeline import article_duplicates, timeline, timeline_db

ingest_job = define_asset_job(
    "ingest_file",
    selection=AssetSelection.assets(raw_articles, temporal_mentions, events),
    description="Read one inbox file, tag its temporal expressions and extract its events.",
)

publish_job = define_asset_job(
    "publish_timeline",
    selection=AssetSelection.assets(article_duplicates, timeline, timeline_db),
    description="Deduplicate articles and events across all files, check the data, publish timeline.duckdb.",
)

daily_publish = ScheduleDefinition(
    name="daily_publish",
    job=publish_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    description="Every morning at 06:00 UTC: rebuild the timeline from all ingested files and publish it.",
)
