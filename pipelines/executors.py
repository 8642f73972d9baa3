"""Which Dagster executor runs the steps: the same assets on one machine or on a cluster.

``DATELINE_EXECUTOR`` picks it (default ``multiprocess``):

- ``in_process``   every step in the run's process (debugging);
- ``multiprocess`` one process per step on this machine (Dagster's default);
- ``k8s``          one Kubernetes Job per step (``pip install -e ".[k8s]"``; see deploy/k8s/);
- ``celery``       steps as Celery tasks on a worker pool (``pip install -e ".[celery]"``; see deploy/celery/).

For the distributed executors the warehouse must be shared storage every worker
reaches (``DATELINE_WAREHOUSE=s3://bucket/dateline``); storage paths are fsspec URLs.
"""

from __future__ import annotations

import os

from dagster import ExecutorDefinition, in_process_executor, multiprocess_executor

EXECUTORS = ("in_process", "multiprocess", "k8s", "celery")


def executor_for(name: str | None = None) -> ExecutorDefinition:
    """The executor called ``name`` (default: ``$DATELINE_EXECUTOR`` or ``multiprocess``)."""
    name = name or os.environ.get("DATELINE_EXECUTOR", "multiprocess")
    if name == "in_process":
        return in_process_executor
    if name == "multiprocess":
        return multiprocess_executor
    if name == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    if name == "celery":
        from dagster_celery import celery_executor

        return celery_executor
    raise ValueError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
