"""The code location loads from the target workspace.yaml names, with every asset, check, sensor and schedule."""

from __future__ import annotations

import importlib
import json
import tomllib
from pathlib import Path

import yaml
from dagster import DagsterInstance, Definitions, build_sensor_context

from pipelines.sensors import plan_runs

REPO = Path(__file__).resolve().parents[1]


def load_workspace_defs() -> Definitions:
    workspace = yaml.safe_load((REPO / "workspace.yaml").read_text())
    (target,) = workspace["load_from"]
    spec = target["python_module"]
    module = importlib.import_module(spec["module_name"])
    return getattr(module, spec["attribute"])


def test_workspace_target_loads_every_definition() -> None:
    defs = load_workspace_defs()
    assert isinstance(defs, Definitions)
    repo = defs.get_repository_def()
    assets = {k.to_user_string() for k in repo.assets_defs_by_key}
    assert assets == {"raw_articles", "temporal_mentions", "events", "article_duplicates", "timeline", "timeline_db"}
    checks = {k.name for k in repo.asset_checks_defs_by_key}
    assert {"inputs_accounted", "events_have_articles", "intervals_ordered", "event_ids_unique", "timeline_unique",
            "published_db_readable"} <= checks
    assert {s.name for s in repo.sensor_defs} == {"inbox_sensor"}
    assert {s.name for s in repo.schedule_defs} == {"daily_publish"}
    assert {"ingest_file", "publish_timeline"} <= {j.name for j in repo.get_all_jobs()}


def test_pyproject_leaves_workspace_yaml_the_only_entry_point() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "dagster" not in pyproject.get("tool", {}) and "dg" not in pyproject.get("tool", {})


def test_core_never_imports_dagster() -> None:
    offenders = [
        p for p in (REPO / "dateline").rglob("*.py")
        if any(line.lstrip().startswith(("import dagster", "from dagster")) for line in p.read_text().splitlines())
    ]
    assert offenders == []


def test_plan_runs_finds_new_changed_and_removed_files() -> None:
    previous = {"a.txt": "10-1", "b.txt": "20-1", "gone.txt": "5-1"}
    current = {"a.txt": "10-1", "b.txt": "21-2", "c.jsonl": "7-3"}
    assert plan_runs(previous, current) == (["b.txt", "c.jsonl"], ["gone.txt"])
    assert plan_runs(current, current) == ([], [])


def test_sensor_requests_new_files_once(tmp_path: Path) -> None:
    from pipelines.resources import DatelineConfig
    from pipelines.sensors import inbox_sensor

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text("Some text.")
    config = DatelineConfig(inbox_dir=str(inbox), warehouse_dir=str(tmp_path / "wh"))
    with DagsterInstance.ephemeral() as instance:
        ctx = build_sensor_context(instance=instance, resources={"dateline": config})
        result = inbox_sensor(ctx)
        assert [r.partition_key for r in result.run_requests] == ["one.txt"]
        cursor = result.cursor
        assert json.loads(cursor).keys() == {"one.txt"}
        # Same files, cursor restored (as after a restart): nothing to do.
        again = inbox_sensor(build_sensor_context(instance=instance, cursor=cursor, resources={"dateline": config}))
        assert not getattr(again, "run_requests", None)
        (inbox / "two.jsonl").write_text('{"text": "x"}\n')
        third = inbox_sensor(build_sensor_context(instance=instance, cursor=cursor, resources={"dateline": config}))
        assert [r.partition_key for r in third.run_requests] == ["two.jsonl"]


def test_sensor_removes_a_deleted_files_rows_and_partition(tmp_path: Path) -> None:
    import pyarrow as pa

    from dateline import schemas, storage
    from pipelines.resources import DatelineConfig
    from pipelines.sensors import inbox_sensor

    inbox, wh = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()
    (inbox / "keep.txt").write_text("Kept.")
    storage.write_partition(str(wh), "quarantine", "gone.txt", pa.Table.from_pylist(
        [{"source_path": "gone.txt", "record_index": -1, "reason": "empty_file", "message": "x", "partition_key": "gone.txt"}],
        schema=schemas.QUARANTINE))
    config = DatelineConfig(inbox_dir=str(inbox), warehouse_dir=str(wh))
    cursor = json.dumps({"keep.txt": "5-1", "gone.txt": "9-9"})
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("inbox_files", ["keep.txt", "gone.txt"])
        result = inbox_sensor(build_sensor_context(instance=instance, cursor=cursor, resources={"dateline": config}))
    assert storage.read_table(str(wh), "quarantine").num_rows == 0
    jobs = sorted(r.job_name for r in result.run_requests)
    assert jobs == ["ingest_file", "publish_timeline"]  # keep.txt changed fingerprint; gone.txt removed
    deletes = [r for r in result.dynamic_partitions_requests if type(r).__name__.startswith("Delete")]
    assert [list(r.partition_keys) for r in deletes] == [["gone.txt"]]
