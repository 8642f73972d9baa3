"""Accounting: every input file and record ends as exactly one article or one quarantine row."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dateline.ingest import REASONS, list_inbox_files, read_file, read_inbox
from dateline.ingest import inbox as inbox_module
from dateline.ingest import records as records_module
from dateline.models import Article, Quarantined

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _rows(path: Path, inbox: Path = FIXTURES, now: datetime = NOW) -> list[Article | Quarantined]:
    return list(read_file(path, inbox, now=now))


# One row per input record; file-level failures are one row with record_index -1.
EXPECTED_FAILURES = [
    ("binary.txt", -1, "undecodable"),
    ("broken.jsonl.gz", -1, "unreadable"),
    ("corrupt.warc", -1, "unreadable"),
    ("empty.txt", -1, "empty_file"),
    ("failures.jsonl", 1, "malformed_json"),
    ("failures.jsonl", 2, "empty_text"),
    ("failures.jsonl", 3, "empty_text"),
    ("failures.jsonl", 4, "absurd_date"),
    ("failures.jsonl", 5, "absurd_date"),
    ("failures.jsonl", 6, "invalid_record"),
    ("failures.jsonl", 7, "malformed_json"),
    ("failures.jsonl", 8, "undecodable"),
    ("no_article.html", 0, "no_article_text"),
    ("notes.pdf", -1, "unsupported_format"),
]


def test_fixture_inbox_quarantine_table() -> None:
    result = read_inbox(FIXTURES, now=NOW)
    got = [(q.source_path, q.record_index, q.reason) for q in result.quarantined]
    assert got == EXPECTED_FAILURES
    assert all(q.message for q in result.quarantined)
    assert {q.reason for q in result.quarantined} <= set(REASONS)
    assert result.records == len(result.articles) + len(result.quarantined)


def test_every_visible_file_is_accounted_for() -> None:
    result = read_inbox(FIXTURES, now=NOW)
    visible = sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith("."))
    seen = {a.source_path for a in result.articles} | {q.source_path for q in result.quarantined}
    assert sorted(seen) == visible
    assert result.files == len(visible)
    assert ".DS_Store" not in seen


def test_jsonl_every_non_blank_line_is_one_row() -> None:
    data = (FIXTURES / "failures.jsonl").read_bytes()
    non_blank = [n for n, line in enumerate(data.split(b"\n")) if line.strip()]
    rows = _rows(FIXTURES / "failures.jsonl")
    assert [r.record_index for r in rows] == non_blank


def test_list_inbox_files_only_supported_sorted() -> None:
    names = [p.name for p in list_inbox_files(FIXTURES)]
    assert names == sorted(names)
    assert "notes.pdf" not in names and ".DS_Store" not in names
    assert "feed.jsonl.gz" in names and "corrupt.warc" in names and "markdown_page.md" in names


# --------------------------------------------------------------------------- dates and sizes


@pytest.mark.parametrize(
    ("published_at", "reason"),
    [
        ("2025-12-31T23:00:00Z", None),
        ("2026-01-02T23:00:00Z", None),  # within the two-day allowance for clock skew
        ("2026-01-03T01:00:00Z", "absurd_date"),
        ("2099-01-01", "absurd_date"),
        ("1899-12-31", "absurd_date"),
        ("1900-01-01", None),
        (-3000000000, "absurd_date"),  # epoch seconds in 1874
        ("not a date at all", None),  # unparseable: kept, published_at None
    ],
)
def test_absurd_dates(tmp_path: Path, published_at: object, reason: str | None) -> None:
    (tmp_path / "f.jsonl").write_text(json.dumps({"text": "Some text.", "published_at": published_at}) + "\n")
    (row,) = _rows(tmp_path / "f.jsonl", tmp_path)
    assert getattr(row, "reason", None) == reason


def test_now_is_injectable(tmp_path: Path) -> None:
    (tmp_path / "f.jsonl").write_text(json.dumps({"text": "Some text.", "published_at": "2030-06-01"}) + "\n")
    assert isinstance(_rows(tmp_path / "f.jsonl", tmp_path, now=datetime(2030, 6, 1, tzinfo=UTC))[0], Article)
    future = _rows(tmp_path / "f.jsonl", tmp_path, now=datetime(2030, 6, 1, tzinfo=UTC) - timedelta(days=3))[0]
    assert isinstance(future, Quarantined) and future.reason == "absurd_date"


def test_text_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_module, "MAX_TEXT_CHARS", 100)
    (tmp_path / "f.jsonl").write_text(
        json.dumps({"text": "word " * 10}) + "\n" + json.dumps({"text": "word " * 100}) + "\n"
    )
    (tmp_path / "big.txt").write_text("A long sentence of text here. " * 20)
    ok, big = _rows(tmp_path / "f.jsonl", tmp_path)
    assert isinstance(ok, Article)
    assert (big.record_index, big.reason) == (1, "too_large")
    (row,) = _rows(tmp_path / "big.txt", tmp_path)
    assert (row.record_index, row.reason) == (0, "too_large")


def test_file_over_the_byte_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_module, "MAX_FILE_BYTES", 10)
    (tmp_path / "a.txt").write_text("Twenty-odd bytes of text.")
    (row,) = _rows(tmp_path / "a.txt", tmp_path)
    assert (row.record_index, row.reason) == (-1, "too_large")


# --------------------------------------------------------------------------- path confinement


def test_symlink_escaping_the_inbox_is_quarantined_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret Heading For The Test\n\nThis is a secret paragraph that must never be ingested at all.")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ok.txt").write_text("A perfectly ordinary article body sentence that is long enough.")
    os.symlink(secret, inbox / "escape.txt")
    outside_dir = tmp_path / "elsewhere"
    outside_dir.mkdir()
    (outside_dir / "x.txt").write_text("Another secret sentence that must not be read by anyone here.")
    os.symlink(outside_dir, inbox / "linked_dir")
    result = read_inbox(inbox, now=NOW)
    assert [a.source_path for a in result.articles] == ["ok.txt"]
    assert sorted((q.source_path, q.reason) for q in result.quarantined) == [
        ("escape.txt", "outside_inbox"),
        ("linked_dir", "outside_inbox"),
    ]
    assert [p.name for p in list_inbox_files(inbox)] == ["ok.txt"]
    assert not any("secret" in a.text for a in result.articles)


def test_symlink_inside_the_inbox_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("A perfectly ordinary article body sentence that is long enough.")
    os.symlink(tmp_path / "real.txt", tmp_path / "alias.txt")
    result = read_inbox(tmp_path, now=NOW)
    assert [a.source_path for a in result.articles] == ["alias.txt", "real.txt"]


@pytest.mark.parametrize("relative", ["../outside.txt", "sub/../../outside.txt"])
def test_dotdot_paths_are_refused(tmp_path: Path, relative: str) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("A sentence outside the inbox that must not be read at all.")
    (row,) = _rows(inbox / relative, inbox)
    assert isinstance(row, Quarantined)
    assert (row.reason, row.record_index) == ("outside_inbox", -1)
    assert row.source_path == "../outside.txt"


def test_hidden_files_and_directories_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitkeep").write_text("")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("Hidden article text that is not part of the inbox at all.")
    (tmp_path / "readme.rst").write_text("Not supported.")
    result = read_inbox(tmp_path, now=NOW)
    assert result.articles == [] and result.files == 1
    assert [(q.source_path, q.reason) for q in result.quarantined] == [("readme.rst", "unsupported_format")]


def test_empty_inbox(tmp_path: Path) -> None:
    result = read_inbox(tmp_path, now=NOW)
    assert (result.articles, result.quarantined, result.files, result.records) == ([], [], 0, 0)


def test_a_reader_bug_costs_one_row_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline.ingest import readers

    def flaky(data: bytes, ctx):  # noqa: ANN001
        yield from readers.read_jsonl(data, ctx)
        raise RuntimeError("boom")

    monkeypatch.setitem(readers.READERS, "jsonl", flaky)
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "One."}) + "\n" + json.dumps({"text": "Two."}) + "\n")
    (tmp_path / "b.txt").write_text("A perfectly ordinary article body sentence that is long enough.")
    result = read_inbox(tmp_path, now=NOW)
    assert [(a.source_path, a.record_index) for a in result.articles] == [("a.jsonl", 0), ("a.jsonl", 1), ("b.txt", 0)]
    assert [(q.source_path, q.record_index, q.reason) for q in result.quarantined] == [("a.jsonl", 2, "reader_error")]
    assert "boom" in result.quarantined[0].message


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    for name in ("a.txt", "b.jsonl", "c.warc", "d.html", "e.md"):
        (tmp_path / name).write_bytes(b"" if name < "c" else b"  \r\n\t ")
    result = read_inbox(tmp_path, now=NOW)
    assert [(q.source_path, q.record_index, q.reason) for q in result.quarantined] == [
        (name, -1, "empty_file") for name in ("a.txt", "b.jsonl", "c.warc", "d.html", "e.md")
    ]
