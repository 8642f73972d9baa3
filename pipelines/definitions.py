"""The Dagster code location of dateline (loaded through workspace.yaml)."""

from __future__ import annotations

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from assets import ingest as ingest_assets
from assets import timeline as timeline_assets
from pipelines.executors import executor_for
from pipelines.jobs import daily_publish, ingest_job, publish_job
from pipelines.resources import default_resources
from pipelines.sensors import inbox_sensor

ASSET_MODULES = [ingest_assets, timeline_assets]
ALL_ASSETS = load_assets_from_modules(ASSET_MODULES)
ALL_CHECKS = load_asset_checks_from_modules(ASSET_MODULES)



def build_definitions(executor: str | None = None) -> Definitions:
    """The code location, with the steps run by ``executor`` (see pipelines/executors.py)."""
    return Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[ingest_job, publish_job],
        schedules=[daily_publish],
        sensors=[inbox_sensor],
        resources=default_resources(),
        executor=executor_for(executor),
    )


defs = build_definitions()
