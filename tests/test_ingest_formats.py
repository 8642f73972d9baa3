"""Ingestion of every supported format: HTML, WARC (built here), Markdown, gzip, encodings, BOMs."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.ingest import read_file, read_inbox
from dateline.ingest.encoding import UndecodableError, decode_bytes
from dateline.ingest.html import extract_html
from dateline.models import Article, Quarantined

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _rows(path: Path, inbox: Path = FIXTURES) -> list[Article | Quarantined]:
    return list(read_file(path, inbox, now=NOW))


# --------------------------------------------------------------------------- HTML


def test_html_page_text_title_url_and_date() -> None:
    (art,) = _rows(FIXTURES / "article_page.html")
    assert isinstance(art, Article)
    assert art.source_format == "html"
    assert art.title == "Lisbon Opens New Ferry Terminal on the Tagus"
    assert art.url == "https://atlanticcourier.example/lisbon/ferry-terminal"
    assert art.published_at == datetime(2024, 6, 3, 8, 30, tzinfo=UTC)  # 09:30+01:00
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Lisbon opened a new ferry terminal")
    for junk in ("Home", "Share on", "Advertisement", "Photo:", "Related", "©", "Lisbon Opens"):
        assert junk not in art.text


def test_html_author_and_offset_are_extracted() -> None:
    page = extract_html((FIXTURES / "article_page.html").read_text("utf-8"))
    assert page.author == "Rui Costa"
    assert page.published_offset == "+01:00"


def test_html_without_article_text_is_quarantined() -> None:
    (row,) = _rows(FIXTURES / "no_article.html")
    assert isinstance(row, Quarantined) and row.reason == "no_article_text" and row.record_index == 0


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    body = (FIXTURES / "article_page.html").read_text("utf-8").replace('charset="utf-8"', 'charset="iso-8859-1"')
    body = body.replace("©", "(c)")
    (tmp_path / "latin.htm").write_bytes(body.encode("latin-1"))
    (art,) = _rows(tmp_path / "latin.htm", tmp_path)
    assert "Cais do Sodré" in art.text


# --------------------------------------------------------------------------- WARC

_ARTICLE_HTML = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{date}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{title}</h1>
<p>{p1}</p><p>{p2}</p><p>Share on Facebook</p></article>
<footer>Copyright 2024 Example News</footer></body></html>"""


def _page(title: str, date: str, p1: str, p2: str) -> str:
    return _ARTICLE_HTML.format(title=title, date=date, p1=p1, p2=p2)


def _response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8"):
    headers = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": "2024-06-04T12:00:00Z"})  # fmt: skip


def _request(writer: WARCWriter, url: str):
    headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2]), ("User-Agent", "dateline-test")],
                               is_http_request=True)  # fmt: skip
    return writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers)


def build_crawl_warc(gz: bool) -> bytes:
    """A small crawl shaped like a real news crawl: warcinfo, request/response pairs, odd responses."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "dateline-test", "format": "WARC 1.1"}))  # 0
    url1 = "https://harbour.example/2024/06/03/strike-ends"
    w.write_record(_request(w, url1))  # 1
    w.write_record(_response(w, url1, _page(
        "Strike Ends at the Harbour", "2024-06-03T18:00:00+02:00",
        "Dock workers returned to work on Monday after the union and the operators signed a new agreement.",
        "The deal raises wages by five percent this year and a further two percent next month.",
    ).encode("utf-8")))  # 2 fmt: skip
    url2 = "https://valley.example/news/bridge-reopens"
    w.write_record(_request(w, url2))  # 3
    w.write_record(_response(w, url2, _page(
        "Bridge Reopens in Zürich", "2024-06-02",
        "The Hardbrücke in Zürich reopened on Sunday after repairs that began in March 2023, the city said.",
        "Trams will return to the bridge by the end of the year, officials told reporters at the ceremony.",
    ).encode("latin-1"), ctype="text/html; charset=ISO-8859-1"))  # 4 fmt: skip
    w.write_record(_response(w, "https://harbour.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                             ctype="image/png"))  # 5 fmt: skip
    w.write_record(_response(w, "https://harbour.example/missing", b"<html><body>Not found</body></html>",
                             status="404 Not Found"))  # 6 fmt: skip
    w.write_record(_response(w, "https://harbour.example/tags",
                             b"<html><body><ul><li><a>Ports</a></li></ul></body></html>"))  # 7 fmt: skip
    w.write_record(w.create_warc_record(url1, "metadata", payload=io.BytesIO(b"outlinks: 12\n"),
                                        warc_content_type="application/warc-fields"))  # 8 fmt: skip
    return buf.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_warc_crawl_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(build_crawl_warc(gz))
    rows = _rows(path, tmp_path)
    summary = [(r.record_index, type(r).__name__, getattr(r, "reason", None)) for r in rows]
    assert summary == [
        (2, "Article", None),
        (4, "Article", None),
        (5, "Quarantined", "not_an_article"),
        (6, "Quarantined", "not_an_article"),
        (7, "Quarantined", "no_article_text"),
    ]
    strike, bridge = rows[0], rows[1]
    assert strike.url == "https://harbour.example/2024/06/03/strike-ends"
    assert strike.title == "Strike Ends at the Harbour"
    assert strike.published_at == datetime(2024, 6, 3, 16, 0, tzinfo=UTC)
    assert strike.source_format == "warc"
    assert strike.text.startswith("Dock workers returned to work on Monday")
    assert "Share on Facebook" not in strike.text and "Copyright" not in strike.text
    assert "Hardbrücke in Zürich" in bridge.text  # latin-1 payload decoded from the HTTP charset
    assert bridge.published_at == datetime(2024, 6, 2, tzinfo=UTC)


def test_truncated_warc_keeps_what_was_read(tmp_path: Path) -> None:
    data = build_crawl_warc(gz=False)
    cut = data.index(b"Bridge Reopens")
    (tmp_path / "cut.warc").write_bytes(data[:cut])
    rows = _rows(tmp_path / "cut.warc", tmp_path)
    assert isinstance(rows[0], Article) and rows[0].record_index == 2
    assert all(isinstance(r, Quarantined) for r in rows[1:])
    assert len(rows) >= 2


@pytest.mark.parametrize("name", ["corrupt.warc"])
def test_unreadable_warc_is_one_row(name: str) -> None:
    (row,) = _rows(FIXTURES / name)
    assert (row.record_index, row.reason) == (-1, "unreadable")


def test_gzipped_garbage_warc(tmp_path: Path) -> None:
    (tmp_path / "x.warc.gz").write_bytes(gzip.compress(b"hello, not a warc at all\n" * 20))
    (row,) = _rows(tmp_path / "x.warc.gz", tmp_path)
    assert (row.record_index, row.reason) == (-1, "unreadable")


# --------------------------------------------------------------------------- text formats and encodings


@pytest.mark.parametrize(
    ("name", "fmt", "title", "snippet", "published"),
    [
        ("markdown_page.md", "md", "Glacier Survey Finds Alpine Ice Loss Slowed in 2024",
         "Swiss glaciologists said on Thursday", None),
        ("latin1_page.txt", "txt", "Zürich Opernhaus Eröffnet Neue Saison Mit Verdi",
         "Das Opernhaus Zürich eröffnete am Samstag", None),
        ("utf16_bom.txt", "txt", "Ferry Service Resumes After Storm", "The ferry between Helsinki and Tallinn",
         datetime(2024, 12, 2, tzinfo=UTC)),
        ("header_block_crlf.txt", "txt", "Council Votes to Keep the Night Buses", "The city council voted",
         datetime(2017, 8, 8, 10, 15, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_single_article_text_files(name: str, fmt: str, title: str, snippet: str, published: datetime | None) -> None:
    (art,) = _rows(FIXTURES / name)
    assert isinstance(art, Article)
    assert (art.source_format, art.title, art.published_at) == (fmt, title, published)
    assert art.text.startswith(snippet)
    assert "\r" not in art.text and "\ufeff" not in art.text
    assert "Kindle" not in art.text and "Share on" not in art.text and "By Lena" not in art.text


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("cp1252_feed.jsonl", ["Café owners protest “unfair” rent rise", "Naïve résumé rules dropped"]),
        ("utf8_bom.jsonl", ["BOM feed"]),
        ("feed.jsonl.gz", ["Gzipped one", "Gzipped two"]),
    ],
)
def test_jsonl_encodings_and_gzip(name: str, titles: list[str]) -> None:
    rows = _rows(FIXTURES / name)
    assert all(isinstance(r, Article) for r in rows)
    assert [r.title for r in rows] == titles
    assert [r.record_index for r in rows] == list(range(len(titles)))


def test_cp1252_text_keeps_its_punctuation() -> None:
    art = _rows(FIXTURES / "cp1252_feed.jsonl")[0]
    assert art.text == "Café owners in Lyon protested on Monday against a rent rise they called “unfair” — the third this year."
    assert art.published_at == datetime(2024, 2, 1, 8, tzinfo=UTC)


def test_mixed_encoding_jsonl_lines_are_decoded_one_by_one(tmp_path: Path) -> None:
    good = json.dumps({"title": "utf8", "text": "Smörgåsbord served on Monday."}, ensure_ascii=False).encode()
    latin = json.dumps({"title": "latin", "text": "Crème brûlée served on Tuesday."}, ensure_ascii=False).encode("cp1252")
    (tmp_path / "mixed.jsonl").write_bytes(good + b"\n" + latin + b"\n")
    a, b = _rows(tmp_path / "mixed.jsonl", tmp_path)
    assert a.text == "Smörgåsbord served on Monday."
    assert b.text == "Crème brûlée served on Tuesday."


def test_jsonl_record_holding_a_whole_scraped_page(tmp_path: Path) -> None:
    page = (FIXTURES / "scraped_page.txt").read_text("utf-8")
    (tmp_path / "f.jsonl").write_text(json.dumps({"url": "https://x.example/a", "text": page}) + "\n", "utf-8")
    (from_jsonl,) = _rows(tmp_path / "f.jsonl", tmp_path)
    (from_txt,) = _rows(FIXTURES / "scraped_page.txt")
    assert (from_jsonl.title, from_jsonl.text) == (from_txt.title, from_txt.text)


def test_jsonl_record_with_html_only(tmp_path: Path) -> None:
    html = (FIXTURES / "article_page.html").read_text("utf-8")
    (tmp_path / "f.jsonl").write_text(json.dumps({"url": "https://x.example/a", "html": html}) + "\n", "utf-8")
    (art,) = _rows(tmp_path / "f.jsonl", tmp_path)
    assert art.title == "Lisbon Opens New Ferry Terminal on the Tagus"
    assert art.text.startswith("Lisbon opened a new ferry terminal")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfhello\r\nworld", "hello\nworld"),
        ("h\u00e9llo".encode("utf-16"), "h\u00e9llo"),
        ("h\u00e9llo".encode("utf-32"), "h\u00e9llo"),
        ("caf\u00e9 cr\u00e8me \u2014 \u201cquoted\u201d".encode("cp1252"), "caf\u00e9 cr\u00e8me \u2014 \u201cquoted\u201d"),
        ("Gr\u00fc\u00dfe aus K\u00f6ln".encode("latin-1"), "Gr\u00fc\u00dfe aus K\u00f6ln"),
        (b"old mac\rline endings\r", "old mac\nline endings\n"),
        (b"", ""),
    ],
)
def test_decode_bytes_table(data: bytes, text: str) -> None:
    assert decode_bytes(data) == text


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x00\x01\x02\x03" * 100, b"\xff\xfe\x00\xd8" * 10])
def test_decode_bytes_rejects_binary(data: bytes) -> None:
    with pytest.raises(UndecodableError):
        decode_bytes(data)


def test_whole_fixture_inbox_reads_without_raising() -> None:
    result = read_inbox(FIXTURES, now=NOW)
    assert result.records == len(result.articles) + len(result.quarantined)
    assert {a.source_format for a in result.articles} == {"txt", "md", "jsonl", "html"}


def test_warc_without_responses_is_still_accounted_for(tmp_path: Path) -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    w.write_record(w.create_warcinfo_record("x.warc.gz", {"software": "dateline-test"}))
    w.write_record(_request(w, "https://a.example/"))
    (tmp_path / "x.warc.gz").write_bytes(buf.getvalue())
    (row,) = _rows(tmp_path / "x.warc.gz", tmp_path)
    assert (row.record_index, row.reason) == (-1, "empty_file")


# --- author and the source's own UTC offset are kept --------------------------------------------

def _only_article(path: Path, inbox: Path):
    from dateline.models import Article

    rows = [r for r in read_file(path, inbox) if isinstance(r, Article)]
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize(
    "name, content, author, offset",
    [
        ("feed.jsonl", '{"text": "The port reopened on Monday after the strike.", "author": "Ana Ruiz", '
                       '"published_at": "Tue, 08 Aug 2017 10:15:00 +0200"}\n', "Ana Ruiz", "+02:00"),
        ("feed2.jsonl", '{"text": "The port reopened on Monday after the strike.", "byline": "By Lee Chan", '
                        '"published_at": "2017-08-08T10:15:00Z"}\n', "By Lee Chan", "+00:00"),
        ("page.txt", "Title: Port reopens\nDate: 2017-08-08T10:15:00-05:00\nAuthor: Kim Park\n\n"
                     "The port reopened on Monday after a two-week strike by dock workers.\n", "Kim Park", "-05:00"),
        ("nodate.jsonl", '{"text": "The port reopened on Monday after the strike."}\n', None, None),
    ],
)
def test_author_and_original_offset_are_kept(tmp_path: Path, name: str, content: str, author, offset) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    art = _only_article(tmp_path / name, tmp_path)
    assert art.author == author
    assert art.published_offset == offset


def test_html_author_is_kept() -> None:
    art = _only_article(FIXTURES / "article_page.html", FIXTURES)
    assert (art.author, art.published_offset) == ("Rui Costa", "+01:00")
    assert art.published_at == datetime(2024, 6, 3, 8, 30, tzinfo=UTC)
