"""The code location under each executor, and a real run with Dagster's multiprocess executor."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, execute_job, reconstructable

from pipelines.definitions import build_definitions
from pipelines.executors import EXECUTORS, executor_for
from pipelines.scripted import ingest_job_multiprocess, publish_job_multiprocess


@pytest.mark.parametrize("name", EXECUTORS)
def test_code_location_loads_with_each_executor(name: str) -> None:
    if name == "k8s":
        pytest.importorskip("dagster_k8s", reason="install the [k8s] extra to load the Kubernetes variant")
    if name == "celery":
        pytest.importorskip("dagster_celery", reason="install the [celery] extra to load the Celery variant")
    defs = build_definitions(name)
    job = defs.resolve_job_def("publish_timeline")
    assert job.executor_def is executor_for(name)


def test_unknown_executor_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown executor"):
        executor_for("spark")


@pytest.mark.e2e
def test_pipeline_runs_under_the_multiprocess_executor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, wh = tmp_path / "inbox", tmp_path / "warehouse"
    inbox.mkdir()
    (inbox / "a.jsonl").write_text(json.dumps({"url": "https://example.org/a", "published_at": "2024-05-10",
                                               "text": "The ministers met in Oslo on Monday."}) + "\n")
    # Step processes re-import the code location: configure it through the environment they inherit.
    monkeypatch.setenv("DATELINE_INBOX", str(inbox))
    monkeypatch.setenv("DATELINE_WAREHOUSE", str(wh))
    monkeypatch.setenv("DATELINE_WORKERS", "1")
    (tmp_path / "home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "home")) as instance:
        instance.add_dynamic_partitions("inbox_files", ["a.jsonl"])
        ingest = execute_job(reconstructable(ingest_job_multiprocess), instance=instance, tags={"dagster/partition": "a.jsonl"})
        assert ingest.success
        publish = execute_job(reconstructable(publish_job_multiprocess), instance=instance)
        assert publish.success
        engine = [e.message for e in publish.all_events if e.event_type_value == "ENGINE_EVENT"]
        assert any("multiprocess" in (m or "").lower() or "child process" in (m or "").lower() for m in engine)
    con = duckdb.connect(str(wh / "timeline.duckdb"), read_only=True)
    assert con.execute("SELECT value FROM timeline").fetchall() == [("2024-05-06",)]
    con.close()
