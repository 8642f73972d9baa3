"""Start `dagster dev` on a loopback port against workspace.yaml and ask its GraphQL API what loaded."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 180

QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        locationOrLoadError {
          __typename
          ... on RepositoryLocation {
            repositories {
              name
              assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } }
              sensors { name }
              schedules { name }
              jobs { name }
            }
          }
          ... on PythonError { message }
        }
      }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def test_dagster_dev_serves_the_code_location(tmp_path: Path) -> None:
    dagster = Path(sys.executable).with_name("dagster")
    if not dagster.exists():
        pytest.skip("dagster CLI is not installed next to this interpreter")
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "DATELINE_INBOX": str(tmp_path / "inbox"),
           "DATELINE_WAREHOUSE": str(tmp_path / "warehouse")}
    proc = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        data = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"dagster dev exited early: {proc.stderr.read().decode()[-2000:]}")
            try:
                data = _graphql(port, QUERY)
                entries = data["data"]["workspaceOrError"]["locationEntries"]
                if entries and entries[0]["locationOrLoadError"]:
                    break
            except (OSError, KeyError, TypeError, ValueError):
                pass
            time.sleep(1)
        else:
            pytest.fail(f"dagster dev did not answer on port {port} within {STARTUP_TIMEOUT_S}s")
        (entry,) = data["data"]["workspaceOrError"]["locationEntries"]
        assert entry["name"] == "dateline"
        location = entry["locationOrLoadError"]
        assert location["__typename"] == "RepositoryLocation", location
        (repo,) = location["repositories"]
        assets = {"/".join(n["assetKey"]["path"]) for n in repo["assetNodes"]}
        assert assets == {"raw_articles", "temporal_mentions", "events", "article_duplicates", "timeline", "timeline_db"}
        checks = {c["name"] for n in repo["assetNodes"] for c in (n["assetChecksOrError"].get("checks") or [])}
        assert {"events_have_articles", "intervals_ordered", "event_ids_unique", "timeline_unique",
                "dates_in_sane_range", "unresolved_share", "published_db_readable"} <= checks
        assert {s["name"] for s in repo["sensors"]} == {"inbox_sensor"}
        assert {s["name"] for s in repo["schedules"]} == {"daily_publish"}
        assert {"ingest_file", "publish_timeline"} <= {j["name"] for j in repo["jobs"]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
