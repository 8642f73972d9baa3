"""Issue 2 acceptance: the user's own article, undated as .txt and dated as .jsonl under another URL."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import run_pipeline

pytestmark = pytest.mark.e2e

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_f6f6ab7d25ed7fbc.txt"

EXPECTED = {  # mention text -> (value, granularity) for the copy published 2017-08-08
    "Monday": ("2017-08-07", "day"),
    "May": ("2017-05", "month"),
    "the summer of 2015": ("2015-SU", "season"),
    "2017": ("2017", "year"),
    "March 2016": ("2016-03", "month"),
    "June": ("2017-06", "month"),
    "2012": ("2012", "year"),
}
ABSOLUTE = {"the summer of 2015", "2017", "March 2016", "2012"}


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"the user's example article is not at {SEED_ARTICLE} (../shared is absent)")
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    root = tmp_path_factory.mktemp("seed")
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "iran-hamas.txt").write_text(text, encoding="utf-8")
    record = {"url": "https://example.org/hamas-iran", "published_at": "2017-08-08", "text": text}
    (inbox / "feed.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    run_pipeline(inbox, root / "warehouse")
    return root / "warehouse" / "timeline.duckdb"


def _mentions(db: Path, source: str) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        """SELECT m.text, m.value, m.granularity, m.anchor_source, m.start_date, m.timex_type
           FROM mentions m JOIN articles a USING (article_id) WHERE a.source_path = ?""",
        [source],
    ).fetchall()
    con.close()
    return {r[0]: r[1:] for r in rows}


def test_dated_copy_has_every_expected_value(seed_warehouse: Path) -> None:
    found = _mentions(seed_warehouse, "feed.jsonl")
    for text, (value, gran) in EXPECTED.items():
        assert text in found, f"{text!r} not found; got {sorted(found)}"
        assert found[text][:2] == (value, gran), text


def test_no_false_positives(seed_warehouse: Path) -> None:
    found = _mentions(seed_warehouse, "feed.jsonl")
    extra = {t: v for t, v in found.items() if t not in EXPECTED}
    # "per year" is a rate (SET P1Y); nothing else in the article is temporal. "$50 million" is never 1950.
    assert all(v[4] == "SET" for v in extra.values()), extra
    assert not any(v[0].startswith("195") for v in found.values())


def test_undated_copy_resolves_absolutes_and_flags_relatives(seed_warehouse: Path) -> None:
    found = _mentions(seed_warehouse, "iran-hamas.txt")
    for text in ABSOLUTE:
        assert found[text][:3] == (*EXPECTED[text], "absolute"), text
    for text in set(EXPECTED) - ABSOLUTE:
        assert found[text][2] in {"inferred", "unresolved"}, (text, found[text])
    assert found["Monday"][2] == "unresolved" and found["Monday"][3] is None


def test_events_come_from_the_canonical_dated_copy(seed_warehouse: Path) -> None:
    con = duckdb.connect(str(seed_warehouse), read_only=True)
    canonical = con.execute(
        "SELECT a.source_path FROM article_duplicates d JOIN articles a USING (article_id) WHERE d.duplicate_of IS NULL"
    ).fetchall()
    assert canonical == [("feed.jsonl",)]
    values = {r[0] for r in con.execute("SELECT value FROM timeline").fetchall()}
    con.close()
    assert {"2017-08-07", "2017-05", "2015-SU", "2016-03", "2012"} <= values
