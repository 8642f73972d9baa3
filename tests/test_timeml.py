"""TimeML reading/writing and the tag-timeml directory round trip."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from dateline.temporal import tag
from dateline.timeml import parse_timeml, read_timeml, render_timeml, tag_timeml_dir

FIX = Path(__file__).parent / "fixtures" / "temporal"
SHARED_TB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tempeval3" / "timebank"


def test_read_timeml_text_offsets_and_gold() -> None:
    doc = read_timeml(FIX / "sample.tml")
    assert doc.docid == "SAMPLE0001"
    assert doc.dct == date(2017, 8, 8)
    assert doc.dct_value == "2017-08-08"
    assert doc.text.startswith("\nThe council met on Monday & said")
    assert "<" not in doc.text.replace("<estimated>", "")
    assert [(g.text, g.type, g.value, g.mod) for g in doc.gold] == [
        ("Monday", "DATE", "2017-08-07", None),
        ("March 2016", "DATE", "2016-03", None),
        ("about three years", "DURATION", "P3Y", "APPROX"),
    ]
    for g in doc.gold:
        assert doc.text[g.start : g.end] == g.text


def test_read_timeml_without_dct() -> None:
    doc = read_timeml(FIX / "no_dct.tml")
    assert doc.dct is None
    assert doc.text == "Prices rose in 2015."
    assert doc.gold[0].start == 15


def _roundtrip(out_xml: str, text: str) -> tuple[ET.Element, list[tuple[str, dict[str, str]]]]:
    root = ET.fromstring(out_xml)
    text_el = root.find("TEXT")
    assert text_el is not None
    assert "".join(text_el.itertext()) == text  # the document text is unchanged
    return root, [(t.text or "", dict(t.attrib)) for t in text_el.iter("TIMEX3")]


def test_render_is_wellformed_and_keeps_dct() -> None:
    doc = read_timeml(FIX / "sample.tml")
    mentions = tag(doc.text, doc.dct)
    root, timexes = _roundtrip(render_timeml(doc, mentions), doc.text)
    dct = root.find("DCT/TIMEX3")
    assert dct is not None and dct.get("tid") == "t0" and dct.get("value") == "2017-08-08"
    assert dct.get("functionInDocument") == "CREATION_TIME"
    assert [t for t, _ in timexes] == [m.text for m in mentions]
    assert [a["value"] for _, a in timexes] == [m.value for m in mentions]
    assert len({a["tid"] for _, a in timexes}) == len(timexes)
    assert all(a["tid"] != "t0" for _, a in timexes)
    # gold tags were ignored: only the system's tags are written
    vals = {a["value"] for _, a in timexes}
    assert "2017-08-07" in vals and "2016-03" in vals
    again = parse_timeml(render_timeml(doc, mentions))
    assert again.text == doc.text and again.dct == doc.dct
    assert [(g.start, g.end, g.value) for g in again.gold] == [(m.start, m.end, m.value) for m in mentions]


def test_tag_timeml_dir(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in FIX.glob("*.tml"):
        shutil.copy(f, src / f.name)
    n = tag_timeml_dir(src, tmp_path / "out")
    assert n == 2
    for f in sorted((tmp_path / "out").glob("*.tml")):
        original = read_timeml(src / f.name)
        _, timexes = _roundtrip(f.read_text(encoding="utf-8"), original.text)
        assert timexes, f.name


@pytest.mark.skipif(not SHARED_TB.is_dir(), reason=f"TempEval-3 data not available at {SHARED_TB}")
def test_tag_timeml_dir_on_timebank_sample(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(SHARED_TB.glob("*.tml"))[:5]:
        shutil.copy(f, src / f.name)
    assert tag_timeml_dir(src, tmp_path / "out") == 5
    for f in sorted((tmp_path / "out").glob("*.tml")):
        original = read_timeml(src / f.name)
        root, timexes = _roundtrip(f.read_text(encoding="utf-8"), original.text)
        assert root.find("DCT/TIMEX3").get("value") == original.dct_value  # type: ignore[union-attr]
        assert not list(root.iter("EVENT"))


# Corpora other than TimeBank write TimeML a little differently; each variant must still read.
LENIENT = [
    pytest.param(
        '<TimeML xmlns="http://timeml.org/ns"><DOCID>ns</DOCID><DCT><TIMEX3 tid="t0" type="DATE" '
        'value="2013-03-22" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>'
        "<TEXT>We met on Monday.</TEXT></TimeML>",
        date(2013, 3, 22), "We met on Monday.", id="default-namespace"),
    pytest.param(
        '<TimeML><TEXT><TIMEX3 tid="t0" type="TIME" value="2012-06-14T10:31:00" '
        'functionInDocument="CREATION_TIME">10:31 AM - 14 Jun 12</TIMEX3> see u tmrw & bring food</TEXT></TimeML>',
        date(2012, 6, 14), "10:31 AM - 14 Jun 12 see u tmrw & bring food", id="tweet-bare-ampersand-dct-in-text"),
    pytest.param(
        "<TimeML><DCT>2009-05-01</DCT><TEXT>In 1939 the war began.</TEXT></TimeML>",
        date(2009, 5, 1), "In 1939 the war began.", id="dct-as-plain-text"),
    pytest.param(
        '<?xml version="1.0" encoding="UTF-8"?><TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="20010911"/>'
        "</DCT><TEXT><s>Planes struck <SIGNAL>on</SIGNAL> <TIMEX3 tid='t1' type='DATE' value='2001-09-11'>Tuesday"
        "</TIMEX3>.</s></TEXT></TimeML>",
        date(2001, 9, 11), "Planes struck on Tuesday.", id="compact-dct-nested-sentences"),
]


@pytest.mark.parametrize("xml, dct, text", LENIENT)
def test_parse_timeml_variants(xml: str, dct: date, text: str) -> None:
    doc = parse_timeml(xml)
    assert (doc.dct, doc.text) == (dct, text)


def test_read_timeml_latin1_file(tmp_path: Path) -> None:
    p = tmp_path / "latin.tml"
    p.write_bytes('<TimeML><DCT><TIMEX3 value="1998-02-06"/></DCT><TEXT>Caf\u00e9 opened in May.</TEXT></TimeML>'
                  .encode("cp1252"))
    doc = read_timeml(p)
    assert doc.text == "Caf\u00e9 opened in May." and doc.dct == date(1998, 2, 6)


def test_tag_timeml_dir_skips_and_reports_a_broken_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIX / "sample.tml", src / "good.tml")
    (src / "broken.tml").write_text("<TimeML><TEXT>unclosed", encoding="utf-8")
    errors: list[tuple[str, str]] = []
    n = tag_timeml_dir(src, tmp_path / "out", on_error=lambda p, why: errors.append((p.name, why)))
    assert n == 1 and [e[0] for e in errors] == ["broken.tml"] and "XML" in errors[0][1]
    assert (tmp_path / "out" / "good.tml").is_file() and not (tmp_path / "out" / "broken.tml").exists()
