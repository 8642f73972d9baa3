"""Text cleaning: boilerplate removal and paragraph normalisation.

The same cleaning applies to every format, so a story reads the same whether
it arrived as a scraped ``.txt`` page, a JSONL record or an HTML page.
Paragraphs in the cleaned text are separated by one blank line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = [
    "clean_paragraphs",
    "clean_text",
    "is_boilerplate",
    "join_paragraphs",
    "normalise_line",
    "split_paragraphs",
    "strip_inline_credits",
    "strip_markup",
]

# List bullets and decorations scrapers leave at the start of a line.
_BULLET = re.compile(r"^(?:[•·▪◦●○■□►▶➤‣⁃∙*+>|]|-(?=\s)|–(?=\s))+\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Zero-width and other invisible format characters (but keep joiners inside words).
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Inline credits/markers inside a paragraph, e.g. "... the port. [Photo: A. B. / Agency]".
_INLINE_CREDIT = re.compile(
    r"\s*[\[(](?:photo|image|picture|file photo|illustration|credit|video)s?\b[^\])\n]{0,200}[\])]",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", "\u2019", "'", ")")
# A line this long is prose, never a button or a credit.
_MAX_BOILERPLATE_LEN = 240


_MARKUP = re.compile(
    r"</?(p|br|div|span|a|em|strong|b|i|h[1-6]|li|ul|ol|blockquote|figure|figcaption)\b[^>]*>", re.I
)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    raw = resources.files("dateline.ingest").joinpath("resources/boilerplate.txt").read_text("utf-8")
    patterns = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(re.compile(line, re.IGNORECASE))
    return tuple(patterns)


def normalise_line(line: str) -> str:
    """Normalise one line: NFC, no control or invisible characters, single spaces, no bullet."""
    line = unicodedata.normalize("NFC", line)
    line = _CONTROL.sub("", _INVISIBLE.sub("", line))
    line = _SPACES.sub(" ", line).strip()
    return _BULLET.sub("", line).strip()


def is_boilerplate(line: str) -> bool:
    """True when a (normalised) line is a share button, credit, promo or rights line."""
    line = line.strip()
    if not line:
        return False
    if len(line) > _MAX_BOILERPLATE_LEN:
        return False
    return any(p.fullmatch(line) for p in _patterns())


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: one per non-blank line, hard-wrapped lines re-joined.

    Scraped pages put one paragraph per line; e-mailed or hand-written files wrap
    prose at a fixed width. A block of consecutive lines is re-joined into one
    paragraph when all its lines but the last have a similar width of 40-100
    characters and at least one of them breaks off mid-sentence.
    """
    paragraphs: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            paragraphs.extend(_unwrap(block))
            block.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _MARKDOWN_HEADING.sub("", normalise_line(raw))
        if line:
            block.append(line)
        else:
            flush()
    flush()
    return paragraphs


def _unwrap(lines: list[str]) -> list[str]:
    if len(lines) < 2:
        return list(lines)
    head = lines[:-1]
    widths = [len(x) for x in head]
    wrapped = min(widths) >= 40 and max(widths) <= 100 and max(widths) - min(widths) <= 30
    wrapped = wrapped and any(not x.endswith(_SENTENCE_END) for x in head)
    if wrapped and not any(is_boilerplate(x) for x in lines):
        return [" ".join(lines)]
    return list(lines)


def strip_inline_credits(paragraph: str) -> str:
    """Remove bracketed photo/image credits embedded in a paragraph."""
    return _INLINE_CREDIT.sub("", paragraph).strip()


def strip_markup(text: str) -> str:
    """Plain text from a feed field that carries an HTML fragment or HTML entities.

    Block tags become paragraph breaks, ``<br>`` a line break, other tags vanish,
    entities are unescaped. Text without markup is returned unchanged.
    """
    if _MARKUP.search(text):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?i)<br\s*/?>", "\n", text)
        text = re.sub(
            r"(?i)</?(p|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|tr|table)\b[^>]*>", "\n\n", text
        )
        text = re.sub(r"<[^>]{0,500}>", "", text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    return text


def join_paragraphs(paragraphs: list[str]) -> str:
    """Join paragraphs with one blank line between them."""
    return "\n\n".join(p for p in paragraphs if p)


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop boilerplate paragraphs and inline credits; keep the order of the rest."""
    out = []
    for p in paragraphs:
        if is_boilerplate(p):
            continue
        p = strip_inline_credits(p)
        if p and not is_boilerplate(p):
            out.append(p)
    return out


def clean_text(text: str) -> str:
    """Cleaned body text: paragraphs without boilerplate, separated by blank lines."""
    return join_paragraphs(clean_paragraphs(split_paragraphs(text)))
