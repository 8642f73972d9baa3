"""Jobs as importable functions, for scripted runs with ``dagster.execute_job(reconstructable(...))``.

Out-of-process executors re-import the job in every step process, so it must
come from a module, not a closure: ``execute_job(reconstructable(ingest_job_multiprocess), instance, ...)``.
"""

from __future__ import annotations

from dagster import JobDefinition

from pipelines.definitions import build_definitions


def ingest_job_multiprocess() -> JobDefinition:
    return build_definitions("multiprocess").resolve_job_def("ingest_file")


def publish_job_multiprocess() -> JobDefinition:
    return build_definitions("multiprocess").resolve_job_def("publish_timeline")
