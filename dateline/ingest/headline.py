"""Finding the headline of a scraped page among its leading lines.

A scraped page rarely starts with its headline: section labels ("World",
"Iran"), share buttons, breadcrumbs, bylines and dates come first. The
headline is found, not assumed: the leading short lines before the first
prose paragraph form a *preamble*; the headline is the preamble line that
reads most like a headline (five to twenty words, no final full stop, not a
one- or two-word label, a byline, a date or a breadcrumb), preferring
title-cased lines and lines near the body.
When a headline is found the whole preamble is dropped from the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Headline", "find_headline", "is_prose", "looks_like_date_line", "strip_leading_title"]

# Ends a prose sentence (a headline may end with ? or ! but rarely with a full stop).
_PROSE_END = re.compile(r"""[.…]["'”’)\]]*$""")
_WORD = re.compile(r"[^\W_][\w'’\-.&]*", re.UNICODE)
_BYLINE = re.compile(
    r"^(by|written by|words by|reporting by|authors?|byline|von|par|por)\b[\s:]", re.IGNORECASE
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_DATE_LINE = re.compile(
    rf"(\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b({_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+({_MONTHS})\b)",
    re.IGNORECASE,
)
# Breadcrumbs and menus: "Home > World > Europe", "News | Sport | Weather".
_BREADCRUMB = re.compile(r"\s[>»›|/]\s.*\s[>»›|/]\s|[»›]|\s>\s")
# What else a date line holds besides the date itself.
_DATE_FILLER = re.compile(
    rf"\b(published|updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet|cest|est|edt|"
    rf"pst|pdt|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    rf"{_MONTHS})\b\.?|\d{{1,4}}(:\d{{2}}){{0,2}}|[,:|•·\-–—/()]",
    re.IGNORECASE,
)
# Small words that stay lower-case in a title-cased headline.
_MINOR = frozenset(
    "a an and as at but by for from in into nor of on onto or over per the to up via vs with "
    "amid after before off than that".split()
)
# The preamble is the run of leading non-prose paragraphs; scraped pages rarely have more.
_MAX_PREAMBLE = 12
_MIN_HEADLINE_WORDS = 3
_MAX_HEADLINE_WORDS = 30
_MAX_HEADLINE_CHARS = 250
_LABEL_MAX_WORDS = 2


@dataclass(frozen=True, slots=True)
class Headline:
    """Result of :func:`find_headline`: the title (or None), body paragraphs, dropped preamble."""

    title: str | None
    body: list[str]
    preamble: list[str]


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def is_prose(paragraph: str) -> bool:
    """True for a paragraph of running text (long, or a sentence ending in a full stop)."""
    n = len(_words(paragraph))
    if n >= 25:
        return True
    return n >= 6 and bool(_PROSE_END.search(paragraph)) and title_case_ratio(paragraph) < 0.8


def title_case_ratio(line: str) -> float:
    """Share of the significant words of ``line`` that start with a capital letter."""
    words = [w for w in _words(line) if w.lower() not in _MINOR]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper() or w[0].isdigit()) / len(words)


def looks_like_date_line(line: str) -> bool:
    """True for a short line that is mostly a date ("March 4, 2024", "Updated 2024-03-04 10:00 GMT")."""
    if len(_words(line)) > 12 or not _DATE_LINE.search(line):
        return False
    rest = _DATE_FILLER.sub(" ", _DATE_LINE.sub(" ", line))
    return len(_words(rest)) <= 2


def _is_candidate(line: str) -> bool:
    words = _words(line)
    if not (_MIN_HEADLINE_WORDS <= len(words) <= _MAX_HEADLINE_WORDS) or len(line) > _MAX_HEADLINE_CHARS:
        return False
    if len(words) <= _LABEL_MAX_WORDS or _BYLINE.match(line) or looks_like_date_line(line):
        return False
    if _BREADCRUMB.search(line):
        return False
    if line.endswith((":", ",", ";")) or not (line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'"):
        return False
    return not _PROSE_END.search(line) or line.endswith(("...", "…"))


def find_headline(paragraphs: list[str]) -> Headline:
    """Find the headline among the leading lines of ``paragraphs`` (already boilerplate-free).

    Returns the headline (``None`` when no line reads like one), the body (the
    paragraphs from the first prose paragraph on, or all of them when no headline
    was found) and the preamble (the leading non-prose lines, dropped from the
    body only when a headline was found among them).
    """
    start = next((i for i, p in enumerate(paragraphs[: _MAX_PREAMBLE + 1]) if is_prose(p)), None)
    if start is None:
        # No prose near the top (a list of short lines): only the first line may be a headline.
        start = 1 if len(paragraphs) > 1 and _is_candidate(paragraphs[0]) else 0
    preamble = list(paragraphs[:start])
    scored = [(_score(p, i, len(preamble)), -i, p) for i, p in enumerate(preamble) if _is_candidate(p)]
    if not scored:
        return Headline(None, list(paragraphs), preamble)
    title = max(scored)[2]
    return Headline(title, list(paragraphs[start:]), preamble)


def _score(line: str, position: int, preamble_len: int) -> float:
    """How much ``line`` reads like the headline: headline length, title case, nearness to the body."""
    n = len(_words(line))
    score = 1.0 if 5 <= n <= 20 else 0.3 if n == 4 else 0.0
    ratio = title_case_ratio(line)
    if ratio >= 0.6:
        score += 0.8 * ratio
    return score + 0.3 * position / max(1, preamble_len)


def _fold(text: str) -> str:
    return " ".join(_words(text.casefold()))


def strip_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop a first paragraph that only repeats ``title`` (feeds often prepend it to the body)."""
    if title and paragraphs and _fold(paragraphs[0]) == _fold(title):
        return paragraphs[1:]
    return paragraphs
