"""Fuzzing the readers: random bytes, random JSON and random text never crash and are all accounted for."""

from __future__ import annotations

import gzip
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.ingest import parse_published_at, read_file
from dateline.ingest.cleaning import is_boilerplate
from dateline.models import Article, Quarantined

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["a.txt", "a.md", "a.jsonl", "a.jsonl.gz", "a.html", "a.warc", "a.warc.gz"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["text", "body", "content", "title", "headline", "url", "published_at", "date", "pubdate", "html", "id"]
)
records = st.dictionaries(
    field_names,
    st.none() | st.text(max_size=200) | st.integers() | st.floats() | st.lists(st.integers(), max_size=3),
    max_size=6,
)


def _read(name: str, data: bytes) -> list[Article | Quarantined]:
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp)
        (inbox / name).write_bytes(data)
        rows = list(read_file(inbox / name, inbox, now=NOW))
    return rows


def _check_accounting(name: str, rows: list[Article | Quarantined]) -> None:
    assert rows, "every file produces at least one row"
    assert all(isinstance(r, Article | Quarantined) for r in rows)
    assert all(r.source_path == name for r in rows)
    indices = [r.record_index for r in rows]
    if -1 in indices:
        assert len(rows) == 1 and isinstance(rows[0], Quarantined)
    assert indices == sorted(set(indices)), "record indices are unique and in order"
    for r in rows:
        if isinstance(r, Quarantined):
            assert r.reason and r.message
            assert r.reason != "reader_error", r.message  # readers handle bad content themselves
        else:
            assert r.text.strip() and "\r" not in r.text
            assert len(r.article_id) == 16
            assert r.published_at is None or r.published_at.tzinfo is UTC


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=2000))
def test_random_bytes_never_crash(name: str, data: bytes) -> None:
    if name.endswith(".gz") and data[:1] == b"!":
        data = gzip.compress(data[1:])  # sometimes valid gzip around random content
    _check_accounting(name, _read(name, data))


@FUZZ
@given(values=st.lists(json_values, min_size=1, max_size=8))
def test_random_json_lines_are_each_one_row(values: list[object]) -> None:
    lines = [json.dumps(v) for v in values]
    rows = _read("f.jsonl", ("\n".join(lines) + "\n").encode())
    _check_accounting("f.jsonl", rows)
    assert [r.record_index for r in rows] == list(range(len(lines)))


@FUZZ
@given(recs=st.lists(records, min_size=1, max_size=6), blank_every=st.integers(min_value=0, max_value=3))
def test_random_records_are_each_one_row(recs: list[dict], blank_every: int) -> None:
    lines: list[str] = []
    for i, rec in enumerate(recs):
        if blank_every and i % blank_every == 0:
            lines.append("   ")
        lines.append(json.dumps(rec))
    rows = _read("f.jsonl", "\r\n".join(lines).encode())
    _check_accounting("f.jsonl", rows)
    assert len(rows) == len(recs)
    assert [r.record_index for r in rows] == [n for n, line in enumerate(lines) if line.strip()]


@FUZZ
@given(text=st.text(max_size=1500), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_random_text_pages_are_deterministic(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    first, second = _read("p.txt", data), _read("p.txt", data)
    assert first == second
    _check_accounting("p.txt", first)
    (row,) = first
    if isinstance(row, Article):
        assert not any(is_boilerplate(p) for p in row.text.split("\n\n"))
        assert "\n\n\n" not in row.text


@FUZZ
@given(value=json_values | st.datetimes() | st.text(alphabet="0123456789-:TZ+ ,.GMTAugTue", max_size=40))
def test_parse_published_at_never_raises(value: object) -> None:
    parsed, offset = parse_published_at(value)
    assert parsed is None or parsed.tzinfo is UTC
    assert offset is None or (len(offset) == 6 and offset[0] in "+-")
