"""The inbox sensor: a run per new or changed file, remembered in a cursor across restarts."""

from __future__ import annotations

import json
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from assets.partitions import inbox_files
from dateline import storage
from dateline.ingest.paths import relative_source_path, walk_inbox
from pipelines.jobs import ingest_job, publish_job
from pipelines.resources import DatelineConfig

# Tables whose rows belong to one inbox file (partition) and leave with it.
FILE_TABLES = ("articles", "quarantine", "mentions", "events", "signatures", "ingest_manifest")


def drop_file_rows(warehouse: str, key: str) -> int:
    """Remove every row that inbox file ``key`` contributed; returns the number of Parquet files deleted."""
    return sum(storage.drop_partition(warehouse, table, key) for table in FILE_TABLES)


def fingerprint(path: Path) -> str:
    """Size and modification time: changes when a file is rewritten, cheap to compute."""
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def inbox_snapshot(inbox: Path) -> dict[str, str]:
    """Partition key -> fingerprint of every visible file in the inbox."""
    snapshot = {}
    for p in walk_inbox(inbox):
        try:
            snapshot[relative_source_path(p, inbox)] = fingerprint(p)
        except OSError:  # vanished between listing and stat; the next tick sees the truth
            continue
    return snapshot


def plan_runs(previous: dict[str, str], current: dict[str, str]) -> tuple[list[str], list[str]]:
    """Keys to (re)process (new or changed since ``previous``) and keys whose files disappeared."""
    changed = sorted(k for k, fp in current.items() if previous.get(k) != fp)
    removed = sorted(set(previous) - set(current))
    return changed, removed


@sensor(
    jobs=[ingest_job, publish_job],
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.STOPPED,
    description="Watches the inbox (DatelineConfig.inbox_dir) and requests one ingest run per new or "
    "changed file; the cursor remembers each file's size and mtime so restarts do not re-run old files. "
    "A file that leaves the inbox takes its rows and partition with it, and the timeline is republished.",
)
def inbox_sensor(context: SensorEvaluationContext, dateline: DatelineConfig):
    previous = json.loads(context.cursor) if context.cursor else {}
    if not dateline.inbox.is_dir():
        return SkipReason(f"inbox {dateline.inbox} does not exist")
    current = inbox_snapshot(dateline.inbox)
    changed, removed = plan_runs(previous, current)
    if not changed and not removed:
        return SkipReason("no new or changed files")
    known = set(context.instance.get_dynamic_partitions(inbox_files.name))
    for key in removed:
        drop_file_rows(dateline.warehouse, key)
    runs = [RunRequest(partition_key=k, run_key=f"{k}@{current[k]}", job_name=ingest_job.name) for k in changed]
    if removed:
        runs.append(RunRequest(run_key=f"removed:{','.join(removed)}@{len(current)}", job_name=publish_job.name))
    requests = [inbox_files.build_add_request([k for k in changed if k not in known])]
    if any(k in known for k in removed):
        requests.append(inbox_files.build_delete_request([k for k in removed if k in known]))
    return SensorResult(run_requests=runs, dynamic_partitions_requests=requests, cursor=json.dumps(current, sort_keys=True))
