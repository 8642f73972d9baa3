"""Ingestion basics: the public API, scraped .txt pages, JSONL feeds and the sample inbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dateline.ingest import IngestResult, list_inbox_files, read_file, read_inbox
from dateline.ingest.cleaning import clean_text, is_boilerplate
from dateline.ingest.headline import find_headline
from dateline.ingest.records import article_id
from dateline.models import Article, Quarantined

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_f6f6ab7d25ed7fbc.txt"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _read(path: Path, inbox: Path) -> list[Article | Quarantined]:
    return list(read_file(path, inbox, now=NOW))


def _one_article(path: Path, inbox: Path) -> Article:
    rows = _read(path, inbox)
    assert len(rows) == 1 and isinstance(rows[0], Article), rows
    return rows[0]


# --------------------------------------------------------------------------- scraped .txt pages


def test_scraped_page_headline_is_found_not_assumed() -> None:
    art = _one_article(FIXTURES / "scraped_page.txt", FIXTURES)
    assert art.title == "Nordic Grid Operators Agree to “Share the Load” in Winter Power Pact"
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Grid operators from Norway")
    assert paragraphs[-1].endswith("by the end of the year.")
    for junk in ("Energy", "Print Friendly", "Send to Kindle", "Photo:", "Share the Load"):
        assert junk not in art.text
    assert art.source_path == "scraped_page.txt" and art.record_index == 0
    assert art.source_format == "txt" and art.url is None and art.published_at is None


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not available")
def test_user_example_seed_article(tmp_path: Path) -> None:
    art = _one_article(SEED, SEED.parent)
    assert art.title == "Hamas Agrees to “Turn a New Page” in Ties with Iran’s Revolutionary Guards"
    assert art.text.startswith("Senior members of the terrorist organization Hamas met on Monday")
    assert art.text.endswith("Iran is currently giving Hamas $50 million per year.")
    assert "Print Friendly" not in art.text and "Kindle" not in art.text and "Flash90" not in art.text
    assert not art.text.startswith("Iran")
    assert art.text.count("\n\n") == 7  # eight body paragraphs


def test_header_block_with_windows_line_endings() -> None:
    art = _one_article(FIXTURES / "header_block_crlf.txt", FIXTURES)
    assert art.title == "Council Votes to Keep the Night Buses"
    assert art.url == "https://cityherald.example/night-buses"
    assert art.published_at == datetime(2017, 8, 8, 10, 15, tzinfo=UTC)
    assert "\r" not in art.text
    assert art.text.split("\n\n") == [
        "The city council voted on Monday to keep the night bus network running for another two years, "
        "reversing a plan to cut it in the spring.",
        "The decision costs 1.2 million euros a year, the transport alderman said.",
    ]


@pytest.mark.parametrize(
    ("lines", "title", "first_body"),
    [
        # section label, byline and date line before the body
        (["World", "Floods Close Schools Across Northern Italy", "By Anna Rossi", "March 4, 2024",
          "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         "Floods Close Schools Across Northern Italy", 4),
        # sentence-case headline
        (["Europe", "Floods close schools across northern Italy as rivers burst their banks",
          "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         "Floods close schools across northern Italy as rivers burst their banks", 2),
        # no headline at all: body starts straight away
        (["Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said.",
          "More rain is expected."], None, 0),
        # only short lines: the first one is the headline
        (["Markets Close Higher on Friday", "Stocks rose.", "Bonds fell."], "Markets Close Higher on Friday", 1),
        # a two-word line is a label, never a headline
        (["Breaking News", "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         None, 0),
    ],
)  # fmt: skip
def test_find_headline_table(lines: list[str], title: str | None, first_body: int) -> None:
    found = find_headline(lines)
    assert found.title == title
    assert found.body == lines[first_body:]


@pytest.mark.parametrize(
    ("line", "boiler"),
    [
        ("Print Friendly, PDF & Email", True),
        ("Send to Kindle", True),
        ("Share on Facebook", True),
        ("Share on Twitter", True),
        ("Email", True),
        ("[Photo: Emad Nassar / Flash90]", True),
        ("Photo: Reuters/John Doe", True),
        ("Image credit: NASA", True),
        ("Advertisement", True),
        ("Click here to subscribe", True),
        ("Related: Ghent widens cycle lanes", True),
        ("Sign up for our newsletter", True),
        ("© 2025 Stadsnieuws Gent. All rights reserved.", True),
        ("Copyright 2019 The Gazette", True),
        ("Related talks were held on Monday with the minister of finance.", False),
        ("Copyright law was changed in 2019 after a long debate in parliament.", False),
        ("The photo agency said it had sent a team to the border.", False),
        ("Iran", False),
        ("Senior members of Hamas met on Monday with representatives of Iran.", False),
    ],
)
def test_boilerplate_table(line: str, boiler: bool) -> None:
    assert is_boilerplate(line) is boiler


def test_clean_text_removes_boilerplate_and_inline_credits() -> None:
    raw = "First paragraph of the story. [Photo: A. B. / Agency]\n• Share on Facebook\n\nSecond paragraph.\r\n"
    assert clean_text(raw) == "First paragraph of the story.\n\nSecond paragraph."


def test_hard_wrapped_paragraphs_are_rejoined() -> None:
    raw = (
        "The council met on Monday to discuss the budget for the coming\n"
        "year, and agreed to raise spending on schools and on the repair\n"
        "of bridges.\n\nA second paragraph."
    )
    assert clean_text(raw).split("\n\n") == [
        "The council met on Monday to discuss the budget for the coming year, and agreed to raise "
        "spending on schools and on the repair of bridges.",
        "A second paragraph.",
    ]


# --------------------------------------------------------------------------- JSONL


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_fields_aliases_and_bad_lines(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "a", "url": "https://x.example/1", "title": "One", "published_at": "2024-05-01T10:00:00+02:00",
                        "text": "Body one.\n\nShare on Facebook"}),
            "{not json",
            "",
            json.dumps({"headline": "Two", "body": "Body two.", "pubdate": "Tue, 08 Aug 2017 10:15:00 GMT"}),
            json.dumps({"title": "Three", "content": "Body three.", "date": 1502187300}),
            json.dumps({"title": "Empty", "text": "   "}),
            json.dumps({"title": "Only boilerplate", "text": "Advertisement\nShare on Twitter"}),
            json.dumps(["a", "list"]),
            json.dumps({"title": "Four", "text": "Body four.", "published": "2017-08-08"}),
        ],
    )  # fmt: skip
    rows = _read(path, tmp_path)
    assert len(rows) == 8  # 9 lines, one blank
    kinds = [(r.record_index, type(r).__name__, getattr(r, "reason", None)) for r in rows]
    assert kinds == [
        (0, "Article", None),
        (1, "Quarantined", "malformed_json"),
        (3, "Article", None),
        (4, "Article", None),
        (5, "Quarantined", "empty_text"),
        (6, "Quarantined", "empty_text"),
        (7, "Quarantined", "malformed_json"),
        (8, "Article", None),
    ]
    one, two, three, four = (r for r in rows if isinstance(r, Article))
    assert (one.title, one.text, one.url) == ("One", "Body one.", "https://x.example/1")
    assert one.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert (two.title, two.text) == ("Two", "Body two.")
    assert two.published_at == datetime(2017, 8, 8, 10, 15, tzinfo=UTC)
    assert three.published_at == datetime(2017, 8, 8, 10, 15, tzinfo=UTC)
    assert four.published_at == datetime(2017, 8, 8, tzinfo=UTC)
    assert all(r.source_format == "jsonl" and r.source_path == "feed.jsonl" for r in (one, two, three, four))


def test_jsonl_title_repeated_at_top_of_text_is_dropped(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "f.jsonl", [json.dumps({"title": "Big News", "text": "Big News\n\nThe body."})])
    assert _one_article(path, tmp_path).text == "The body."


# --------------------------------------------------------------------------- ids and determinism


def test_article_id_is_stable_and_normalised() -> None:
    a = article_id("https://x.example/1", "Hello   World\n\nAgain")
    assert a == article_id("https://x.example/1", "hello world again")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != article_id("https://x.example/2", "hello world again")


def test_ids_do_not_depend_on_where_the_inbox_is(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "page.txt").write_bytes((FIXTURES / "scraped_page.txt").read_bytes())
    a = read_inbox(tmp_path / "a", now=NOW).articles[0]
    b = read_inbox(tmp_path / "b", now=NOW).articles[0]
    assert a.source_path == "sub/page.txt"
    assert a == b


# --------------------------------------------------------------------------- the sample inbox


def test_sample_inbox_reads_cleanly_and_deterministically() -> None:
    inbox = REPO / "data" / "inbox"
    first = read_inbox(inbox, now=NOW)
    second = read_inbox(inbox, now=NOW)
    assert isinstance(first, IngestResult)
    assert first == second
    assert first.records == len(first.articles) + len(first.quarantined)
    assert 6 <= len(first.articles) <= 10
    assert [q.reason for q in first.quarantined] == ["malformed_json"]
    assert first.files == len(list_inbox_files(inbox))
    assert all(a.title and a.published_at and a.published_at.tzinfo is UTC for a in first.articles)
    assert len({a.article_id for a in first.articles}) == len(first.articles)
    assert {a.source_format for a in first.articles} >= {"txt", "jsonl"}
    for art in first.articles:
        assert not any(is_boilerplate(p) for p in art.text.split("\n\n")), art.source_path
    assert any("(Reuters) -" in a.text for a in first.articles)


@pytest.mark.parametrize(
    ("head", "title", "url", "published"),
    [
        ("Title: A Headline Here\nAuthor: Jo Bloggs\nSource: Example Wire\nDate: 2024-05-06\n",
         "A Headline Here", None, datetime(2024, 5, 6, tzinfo=UTC)),
        ("Source: https://example.org/a\nTitle: A Headline Here\n", "A Headline Here", "https://example.org/a", None),
        ("URL: https://example.org/b\n", None, "https://example.org/b", None),
        ("Author: Jo Bloggs\n", None, None, None),  # no title/date/url: not a header block
    ],
)  # fmt: skip
def test_txt_header_block_keys(tmp_path: Path, head: str, title: str | None, url: str | None, published) -> None:
    body = "The committee met on Monday and agreed to publish its report before the end of the year."
    (tmp_path / "a.txt").write_text(head + "\n" + body + "\n")
    art = _one_article(tmp_path / "a.txt", tmp_path)
    assert (art.title, art.url, art.published_at) == (title, url, published)
    assert art.text.endswith(body)
    assert "Source:" not in art.text and "Title:" not in art.text


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # navigation junk above a sentence-case headline
        (["Most Read Stories Today", "Floods close schools across northern Italy as rivers burst",
          "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         "Floods close schools across northern Italy as rivers burst"),
        # breadcrumb above the headline
        (["Home > World > Europe", "Floods Close Schools in Italy",
          "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         "Floods Close Schools in Italy"),
        # title-cased headline followed by a sentence-case standfirst
        (["Floods Close Schools Across Northern Italy",
          "Officials in Lombardy and Veneto say classes could resume later in the week if the rain eases",
          "Heavy rain closed hundreds of schools in Lombardy and Veneto on Monday, officials said."],
         "Floods Close Schools Across Northern Italy"),
        # a question headline
        (["Opinion", "Will the Bank Cut Rates Again Before Summer?",
          "The central bank surprised markets on Thursday by holding rates, and economists are divided."],
         "Will the Bank Cut Rates Again Before Summer?"),
    ],
)  # fmt: skip
def test_find_headline_among_page_chrome(lines: list[str], title: str) -> None:
    found = find_headline(lines)
    assert found.title == title
    assert found.body == lines[-1:]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>First para.</p><p>Second &amp; last.</p>", "First para.\n\nSecond & last."),
        ("Line one<br>line two<script>var x = 1;</script>", "Line one\n\nline two"),
        ("Caf&eacute; owners &#8220;protest&#8221;", "Café owners “protest”"),
        ("Plain <3 text with a < b and c > d", "Plain <3 text with a < b and c > d"),
    ],
)
def test_jsonl_html_fragments_and_entities(tmp_path: Path, text: str, expected: str) -> None:
    path = _write_jsonl(tmp_path / "f.jsonl", [json.dumps({"title": "T &amp; U", "text": text})])
    art = _one_article(path, tmp_path)
    assert art.text == expected
    assert art.title == "T & U"


@pytest.mark.parametrize(
    ("line", "is_date"),
    [
        ("March 12, 2024", True),
        ("22 January 2025", True),
        ("Published: 14 April 2025", True),
        ("Updated 10:32 GMT, Tuesday 5 March 2024", True),
        ("2024-03-05 10:32", True),
        ("Markets Rally on May 5 Jobs Report", False),
        ("Floods Close Schools Across Northern Italy", False),
    ],
)
def test_date_lines(line: str, is_date: bool) -> None:
    from dateline.ingest.headline import looks_like_date_line

    assert looks_like_date_line(line) is is_date
