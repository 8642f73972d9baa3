"""The tagger's dispatch tables on disk (dateline/temporal/dispatch_cache.py): a warm cache changes no mention,
is really read, and a foreign, broken or disabled one is a cold cache, never an error. Each run is a fresh
process, as the per-file workers of a pipeline run are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.temporal.dispatch_cache import DispatchCache, cache_folder

REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    "The company said on Monday it would cut 500 jobs by March 2016, two years after the merger in the summer of 2015.",
    "Officials met last week and again on Tuesday; the 1990s were different. Prices rose 3 percent per year.",
    "On April 5 the minister resigned. The next day, protests began, and in early 2016 the government fell.",
]

def _run(cache_dir: str) -> tuple[int, list]:
    """(entries the process found on disk, its mentions of TEXTS) in a fresh process with ``cache_dir``."""
    code = """
import json
from datetime import date
from dateline.temporal import extract, tag
from dateline.temporal.extract import flush_dispatch_cache
loaded = len(extract._DISPATCH.first) + len(extract._DISPATCH.pairs)
out = [[m.start, m.end, m.value] for t in json.loads(input()) for m in tag(t, date(2017, 8, 9))]
flush_dispatch_cache()
print(json.dumps([loaded, out]))
"""
    env = {**os.environ, "DATELINE_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(TEXTS), capture_output=True, text=True,
                          env=env, cwd=REPO, check=True)
    loaded, mentions = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded, mentions


def _cache_file(folder: Path) -> Path:
    files = list(folder.glob("dispatch-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_a_warm_cache_is_read_and_changes_no_mention(tmp_path):
    cold_loaded, cold = _run(str(tmp_path))
    assert cold_loaded == 0
    assert any(v == "2017-08-07" for _, _, v in cold)  # "on Monday", before the document date
    warm_loaded, warm = _run(str(tmp_path))
    assert warm_loaded > 0
    assert warm == cold


def test_the_cache_is_really_used_and_keyed_by_the_grammar(tmp_path):
    _, cold = _run(str(tmp_path))
    path = _cache_file(tmp_path)
    data = json.loads(path.read_text())
    assert data["first"]["Monday"]
    data["first"]["Monday"] = []  # poisoned: no rule may start at "Monday"
    path.write_text(json.dumps(data))
    _, poisoned = _run(str(tmp_path))
    assert not any(v == "2017-08-07" for _, _, v in poisoned)
    data["digest"] = "another grammar"
    path.write_text(json.dumps(data))
    _, foreign = _run(str(tmp_path))
    assert foreign == cold


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"digest": 1}'])
def test_a_broken_cache_file_is_a_cold_cache(tmp_path, content):
    _, reference = _run(str(tmp_path / "fresh"))
    path = _cache_file(tmp_path / "fresh")
    broken = tmp_path / "broken" / path.name
    broken.parent.mkdir()
    broken.write_text(content)
    loaded, mentions = _run(str(broken.parent))
    assert loaded == 0
    assert mentions == reference
    assert json.loads(broken.read_text())["first"]  # replaced by a whole file


def test_a_malformed_entry_is_ignored(tmp_path):
    digest = "d" * 64
    (tmp_path / f"dispatch-{digest[:24]}.json").write_text(json.dumps({"digest": digest, "first": {"x": ["a"]},
                                                                       "pairs": []}))
    cache = DispatchCache(digest, tmp_path)
    assert cache.first == {} and cache.pairs == {}


def test_round_trip_and_merge_of_two_writers(tmp_path):
    one, two = DispatchCache("abc", tmp_path), DispatchCache("abc", tmp_path)
    one.add_first("Monday", (1, 2))
    one.add_pair(("the", " ", None), (3,))
    one.save()
    two.add_pair(("the", " ", "summer"), (4, 5))
    two.save()  # merges what the first wrote meanwhile
    again = DispatchCache("abc", tmp_path)
    assert again.first == {"Monday": (1, 2)}
    assert again.pairs == {("the", " ", None): (3,), ("the", " ", "summer"): (4, 5)}
    assert DispatchCache("other", tmp_path).first == {}


@pytest.mark.parametrize("value", ["off", "OFF", "0", "none", ""])
def test_off_keeps_the_tables_in_memory(tmp_path, monkeypatch, value):
    monkeypatch.setenv("DATELINE_CACHE_DIR", value)
    assert cache_folder() is None
    cache = DispatchCache("abc", cache_folder())
    cache.add_first("Monday", (1,))
    cache.save()
    assert cache.first == {"Monday": (1,)}


def test_an_unwritable_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = DispatchCache("abc", blocker / "sub")
    cache.add_first("Monday", (1,))
    cache.save()  # logs, keeps the tables in memory
    assert cache.first == {"Monday": (1,)}
