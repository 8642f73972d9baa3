"""The whole-warehouse steps at scale: dedupe from per-file signatures equals the in-memory dedupe, the
timeline clustered a date range at a time equals the one-shot clustering, and unchanged files are skipped."""

from __future__ import annotations

import json
import os
import random
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from dateline import partitions, pipeline, schemas, storage
from dateline.dedupe import cluster_events, find_duplicate_articles

WORDS = ("market bank rate minister talks storm river court police union strike vote budget oil port "
         "election troops summit ceasefire harvest flood bridge airline profit shares").split()


def _articles(n: int = 80) -> list[dict]:
    rng = random.Random(17)
    rows = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(150)]
        text = ". ".join(" ".join(words[j : j + 15]) for j in range(0, 150, 15)) + "."
        rows.append(dict(article_id=f"a{i:03d}", text=text, url=f"https://x.example/{i}" if i % 2 else None,
                         title="T" if i % 3 else None,
                         published_at=datetime(2024, 1, 1, tzinfo=UTC) if i % 4 == 0 else None))
        if i % 5 == 0:  # syndicated near copy
            rows.append({**rows[-1], "article_id": f"w{i:03d}", "text": "(Reuters) - " + text.rsplit(". ", 2)[0] + "."})
        if i % 7 == 0:  # exact copy with other punctuation (other sentence boundaries, same content hash)
            rows.append({**rows[-1], "article_id": f"b{i:03d}", "text": text.replace(". ", ", ").upper()})
    return rows


def test_dedupe_from_per_file_signatures_equals_in_memory(tmp_path: Path) -> None:
    rows = _articles()
    expected = pa.Table.from_pylist(find_duplicate_articles(rows), schema=schemas.ARTICLE_DUPLICATES)
    wh = str(tmp_path / "wh")
    rng = random.Random(3)
    for part in range(3):  # copies land in other files than their originals
        mine = [{**r, "partition_key": f"f{part}"} for r in rows if rng.random() < 0.34 or part == 2]
        rows = [r for r in rows if r["article_id"] not in {m["article_id"] for m in mine}]
        table = pa.Table.from_pylist(mine, schema=schemas.ARTICLES)
        storage.write_partition(wh, "articles", f"f{part}", table)
        storage.write_working_partition(wh, "signatures", f"f{part}", pipeline.article_signatures(table))
    stats = partitions.dedupe_warehouse(wh)
    assert stats["near_duplicates"] > 0 and stats["exact_duplicates"] > 0
    assert storage.read_table(wh, "article_duplicates").equals(expected)
    # A signatures file lost or out of step with its articles is recomputed; an orphan one is dropped.
    os.remove(storage.partition_file(wh, "signatures", "f1"))
    storage.write_working_partition(wh, "signatures", "gone", pipeline.article_signatures(
        pa.Table.from_pylist([{"article_id": "zz", "text": "x", "partition_key": "gone"}], schema=schemas.ARTICLES)))
    stats = partitions.dedupe_warehouse(wh)
    assert stats["signatures_recomputed"] == 1
    assert not Path(storage.partition_file(wh, "signatures", "gone")).exists()
    assert storage.read_table(wh, "article_duplicates").equals(expected)


def _events(n: int = 400) -> list[dict]:
    rng = random.Random(9)
    out = []
    for i in range(n):
        d = date(2020 + rng.randrange(3), 1 + rng.randrange(2), 1 + rng.randrange(3))
        actor = rng.choice(["Paris", "Berlin", "Rome"])
        out.append(dict(event_id=f"e{i:04d}", article_id=f"a{i // 2:04d}",
                        clause=f"Ministers from {actor} met and agreed a {rng.choice(WORDS)} plan",
                        sentence="s", mention_text="Monday", trigger="met", actors=[actor], value=d.isoformat(),
                        granularity="day", start_date=d, end_date=date.fromordinal(d.toordinal() + 1),
                        confidence=0.9, published_at=datetime(2024, 1, 1, tzinfo=UTC)))
    return out


def test_timeline_a_date_range_at_a_time_equals_one_shot(monkeypatch: pytest.MonkeyPatch) -> None:
    evs = _events()
    canonical = sorted({e["article_id"] for e in evs})[5:]
    expected = pa.Table.from_pylist(cluster_events([e for e in evs if e["article_id"] in canonical]),
                                    schema=schemas.TIMELINE)
    monkeypatch.setattr(pipeline, "TIMELINE_CHUNK_EVENTS", 7)
    got = pipeline.timeline_rows(pa.Table.from_pylist(evs, schema=schemas.EVENTS), pa.array(canonical))
    assert got.equals(expected)


def _write(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"url": f"https://e.example/{path.stem}/{i}", "published_at": "2024-05-10",
                                        "text": t}) + "\n" for i, t in enumerate(texts)))


def test_unchanged_files_are_skipped_and_changed_ones_rerun(tmp_path: Path) -> None:
    from pipelines.runner import run_pipeline

    inbox, wh = tmp_path / "inbox", tmp_path / "warehouse"
    inbox.mkdir()
    _write(inbox / "a.jsonl", ["The council met on Monday.", "Talks resume in June."])
    _write(inbox / "b.jsonl", ["The bridge reopened on Friday."])
    assert partitions.stale_partitions(inbox, wh) == ["a.jsonl", "b.jsonl"]
    run_pipeline(inbox, wh)
    assert partitions.stale_partitions(inbox, wh) == []
    for table in ("articles", "quarantine", "events"):  # from the footers, as from the rows
        assert storage.partition_keys_of(str(wh), table) == storage.partition_keys_on_disk(str(wh), table)
    before = {p: p.stat().st_mtime_ns for p in (wh / "parquet" / "articles").glob("*.parquet")}
    _write(inbox / "c.jsonl", ["Voters go to the polls on Sunday."])
    assert partitions.stale_partitions(inbox, wh) == ["c.jsonl"]
    run_pipeline(inbox, wh)
    after = {p: p.stat().st_mtime_ns for p in (wh / "parquet" / "articles").glob("*.parquet")}
    assert {p: after[p] for p in before} == before, "unchanged files are not re-ingested"
    assert len(after) == 3
    # Same size, same mtime, other bytes (rewritten within the mtime granularity): the bytes decide.
    st = (inbox / "b.jsonl").stat()
    (inbox / "b.jsonl").write_text((inbox / "b.jsonl").read_text().replace("Friday", "Monday"))
    os.utime(inbox / "b.jsonl", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert partitions.stale_partitions(inbox, wh) == ["b.jsonl"]
    run_pipeline(inbox, wh)
    assert partitions.stale_partitions(inbox, wh) == []
    # Outputs removed behind the manifest's back, or another code version: stale again.
    storage.drop_partition(str(wh), "articles", "a.jsonl")
    assert partitions.stale_partitions(inbox, wh) == ["a.jsonl"]
    assert partitions.partitions_to_run(str(inbox), str(wh), ["b.jsonl"], version="other") == ["b.jsonl"]
    # A removed file's working rows go with it.
    (inbox / "c.jsonl").unlink()
    run_pipeline(inbox, wh)
    assert not Path(storage.partition_file(str(wh), "signatures", "c.jsonl")).exists()
    assert not Path(storage.partition_file(str(wh), "ingest_manifest", "c.jsonl")).exists()
    shutil.rmtree(wh)
    assert partitions.stale_partitions(inbox, wh) == ["a.jsonl", "b.jsonl"]


def test_dedupe_in_small_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Band collisions screened a few at a time and candidates verified a few articles at a time
    (bounded memory at any size) give the same clusters."""
    from dateline import dedupe

    rows = _articles()
    expected = find_duplicate_articles(rows)
    monkeypatch.setattr(dedupe, "_SCREEN_CODES", 50)
    monkeypatch.setattr(dedupe, "_VERIFY_ARTICLES", 3)
    assert find_duplicate_articles(rows) == expected


def test_manifest_read_again_follows_rewrites_and_removals(tmp_path: Path) -> None:
    """read_manifest re-reads only manifest files whose fingerprint changed, and gives what a fresh read gives."""
    inbox, wh = tmp_path / "inbox", str(tmp_path / "warehouse")
    inbox.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        _write(inbox / name, ["The council met on Monday."])
        partitions.ingest_partition(str(inbox), wh, name)

    def fresh() -> dict[str, dict]:
        partitions._manifest_cache.clear()
        return partitions.read_manifest(wh)

    first = partitions.read_manifest(wh)
    assert {k: r["complete"] for k, r in first.items()} == {"a.jsonl": False, "b.jsonl": False}
    partitions._mark_complete(wh, "a.jsonl")  # same size: only the inode tells the rewrite apart
    again = partitions.read_manifest(wh)
    assert {k: r["complete"] for k, r in again.items()} == {"a.jsonl": True, "b.jsonl": False}
    assert again == fresh()
    storage.drop_partition(wh, "ingest_manifest", "b.jsonl")
    assert set(partitions.read_manifest(wh)) == {"a.jsonl"} == set(fresh())
