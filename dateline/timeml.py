"""TimeML reading and writing: gold TIMEX3s in, system TIMEX3s out (TempEval-3 format)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from dateline.temporal.mention import Mention

__all__ = [
    "GoldTimex",
    "TimeMLDoc",
    "read_timeml",
    "parse_timeml",
    "write_timeml",
    "render_timeml",
    "tag_timeml_dir",
]


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """A TIMEX3 annotated inside ``<TEXT>``; offsets into :attr:`TimeMLDoc.text`."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    tid: str | None = None


@dataclass(slots=True)
class TimeMLDoc:
    """One TimeML document: id, creation date, plain text of ``<TEXT>`` and its TIMEX3s."""

    docid: str
    dct: date | None
    text: str
    gold: list[GoldTimex] = field(default_factory=list)
    dct_value: str | None = None
    title: str | None = None


_DATE_PREFIX = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _parse_dct(value: str | None) -> date | None:
    if not value:
        return None
    m = _DATE_PREFIX.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _walk_text(elem: ET.Element, parts: list[str], gold: list[GoldTimex], pos: list[int]) -> None:
    """Collect the text content of ``elem`` and the TIMEX3s inside it, tracking offsets."""
    if elem.text:
        parts.append(elem.text)
        pos[0] += len(elem.text)
    for child in elem:
        start = pos[0]
        _walk_text(child, parts, gold, pos)
        if child.tag == "TIMEX3":
            text = "".join(parts)[start : pos[0]]
            gold.append(
                GoldTimex(
                    start=start,
                    end=pos[0],
                    text=text,
                    type=child.get("type", ""),
                    value=child.get("value", ""),
                    mod=child.get("mod"),
                    tid=child.get("tid"),
                )
            )
        if child.tail:
            parts.append(child.tail)
            pos[0] += len(child.tail)


_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_DCT_TAGS = ("DCT", "DATE_TIME", "DATETIME", "DATE")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _strip_namespaces(root: ET.Element) -> None:
    """Drop ``{namespace}`` prefixes so TimeML with a default namespace reads like plain TimeML."""
    for el in root.iter():
        el.tag = _local(el.tag)
        for k in [k for k in el.attrib if k.startswith("{")]:
            el.attrib[_local(k)] = el.attrib.pop(k)


def _parse_xml(xml_text: str) -> ET.Element:
    """Parse TimeML, tolerating what hand-made corpora contain: a bare ``&`` in tweets, a stray declaration."""
    try:
        return ET.fromstring(xml_text)
    except ET.ParseError:
        fixed = _BARE_AMP.sub("&amp;", _XML_DECL.sub("", xml_text))
        return ET.fromstring(fixed)  # still broken: the caller reports the file


def _dct_of(root: ET.Element) -> str | None:
    """The document creation time: the DCT's TIMEX3, else any TIMEX3 marked CREATION_TIME, else a DCT's text."""
    for name in _DCT_TAGS:
        el = root.find(name)
        if el is not None:
            t = el.find(".//TIMEX3")
            if t is not None and t.get("value"):
                return t.get("value")
    for t in root.iter("TIMEX3"):
        if (t.get("functionInDocument") or "").upper() == "CREATION_TIME" and t.get("value"):
            return t.get("value")
    for name in _DCT_TAGS:
        el = root.find(name)
        if el is not None and "".join(el.itertext()).strip():
            return "".join(el.itertext()).strip()
    return None


def parse_timeml(xml_text: str, docid: str | None = None) -> TimeMLDoc:
    """Parse a TimeML document given as a string (see :func:`read_timeml`).

    Raises :class:`xml.etree.ElementTree.ParseError` when the XML cannot be repaired.
    """
    root = _parse_xml(xml_text)
    _strip_namespaces(root)
    docid_el = root.find("DOCID")
    doc_id = (docid_el.text or "").strip() if docid_el is not None and docid_el.text else (docid or "")
    dct_value = _dct_of(root)
    title_el = root.find("TITLE")
    title = "".join(title_el.itertext()) if title_el is not None else None
    text_el = root.find("TEXT")
    if text_el is None:
        text_el = root.find(".//TEXT")
    parts: list[str] = []
    gold: list[GoldTimex] = []
    if text_el is not None:
        _walk_text(text_el, parts, gold, [0])
    gold.sort(key=lambda g: (g.start, g.end))
    return TimeMLDoc(
        docid=doc_id,
        dct=_parse_dct(dct_value),
        text="".join(parts),
        gold=gold,
        dct_value=dct_value,
        title=title,
    )


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: corpora are not always what they claim."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_timeml(path: str | Path) -> TimeMLDoc:
    """Read a ``.tml`` file: DOCID, DCT (as a date), plain ``<TEXT>`` content and its gold TIMEX3s.

    The plain text is the text content of ``<TEXT>`` with every tag removed; gold
    offsets index into it.
    """
    p = Path(path)
    return parse_timeml(_decode(p.read_bytes()), docid=p.stem)


def render_timeml(doc: TimeMLDoc, mentions: list[Mention]) -> str:
    """Render ``doc`` as a TE3-style TimeML document whose ``<TEXT>`` carries ``mentions`` as TIMEX3s.

    The DCT is kept as TIMEX3 ``t0``; system tags are numbered ``t1``, ``t2``...
    """
    out: list[str] = ['<?xml version="1.0" ?>\n']
    out.append(
        '<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">\n\n'
    )
    out.append(f"<DOCID>{escape(doc.docid)}</DOCID>\n\n")
    dct_value = doc.dct_value or (doc.dct.isoformat() if doc.dct else "")
    dct_text = dct_value.replace("-", "")[:8] if dct_value else ""
    out.append(
        f'<DCT><TIMEX3 tid="t0" type="DATE" value={quoteattr(dct_value)} temporalFunction="false" '
        f'functionInDocument="CREATION_TIME">{escape(dct_text)}</TIMEX3></DCT>\n\n'
    )
    if doc.title:
        out.append(f"<TITLE>{escape(doc.title)}</TITLE>\n\n")
    out.append("<TEXT>")
    text = doc.text
    pos = 0
    for i, m in enumerate(sorted(mentions, key=lambda m: m.start), start=1):
        if m.start < pos:
            continue
        out.append(escape(text[pos : m.start]))
        attrs = [
            f'tid="t{i}"',
            f'type="{m.timex_type}"',
            f"value={quoteattr(m.value)}",
        ]
        attrs.append('temporalFunction="false"' if m.anchor_source == "absolute" else 'temporalFunction="true"')
        attrs.append('functionInDocument="NONE"')
        if m.anchor_source in ("published_at",):
            attrs.append('anchorTimeID="t0"')
        if getattr(m, "mod", None):
            attrs.append(f"mod={quoteattr(m.mod)}")
        if getattr(m, "freq", None):
            attrs.append(f"freq={quoteattr(m.freq)}")
        if getattr(m, "quant", None):
            attrs.append(f"quant={quoteattr(m.quant)}")
        out.append(f"<TIMEX3 {' '.join(attrs)}>{escape(text[m.start : m.end])}</TIMEX3>")
        pos = m.end
    out.append(escape(text[pos:]))
    out.append("</TEXT>\n\n</TimeML>\n")
    return "".join(out)


def write_timeml(doc: TimeMLDoc, mentions: list[Mention], path: str | Path) -> None:
    """Write :func:`render_timeml` output to ``path``."""
    Path(path).write_text(render_timeml(doc, mentions), encoding="utf-8")


def tag_timeml_dir(
    in_dir: Path,
    out_dir: Path,
    tagger: Callable[..., list] | None = None,
    on_error: Callable[[Path, str], None] | None = None,
) -> int:
    """Tag every ``*.tml`` in ``in_dir`` and write it under the same name to ``out_dir``.

    Uses each document's DCT, ignores the TIMEX3/EVENT tags already in ``<TEXT>``,
    and writes the system's TIMEX3s in the format the TE3 scorer reads. Returns the
    number of files written; a file that cannot be parsed is reported to ``on_error``
    (path, reason) and skipped, never fatal to the rest.
    """
    if tagger is None:
        from dateline.temporal import tag as tagger
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(p for p in in_dir.iterdir() if p.suffix.lower() == ".tml"):
        try:
            doc = read_timeml(path)
        except ET.ParseError as exc:
            if on_error is not None:
                on_error(path, f"not well-formed XML: {exc}")
            continue
        mentions = tagger(doc.text, doc.dct)
        write_timeml(doc, mentions, out_dir / path.name)
        n += 1
    return n
