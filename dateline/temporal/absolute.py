"""Absolute dates that dateparser parses: numeric ones ("08/07/2017") and those of other locales.

dateparser is only given the exact span a rule matched and must return all of day,
month and year; its guesses for missing parts are never used. Results are cached, so
a document with many identical dates costs one parse.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

__all__ = ["parse_numeric_date", "foreign_dates", "looks_english", "month_of_word"]

_SETTINGS = {
    "DATE_ORDER": "MDY",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_LOCALE_DATE_ORDER": False,
    "STRICT_PARSING": True,
}


@lru_cache(maxsize=8192)
def parse_numeric_date(span: str) -> date | None:
    """The date a numeric span like ``8/7/2017`` or ``23-05-2016`` denotes (US order unless the first part exceeds
    12), or None."""
    import dateparser  # imported lazily: it is slow to import and rarely needed

    span = span.replace("-", "/")  # "23-05-2016" reads like "23/05/2016"
    first, second = (int(x) for x in span.split("/")[:2])
    settings = dict(_SETTINGS, DATE_ORDER="DMY" if first > 12 >= second else "MDY")  # 13/08/2017 is D/M/Y
    dt = dateparser.parse(span, languages=["en"], settings=settings)
    return dt.date() if dt else None


# --- other locales ------------------------------------------------------------------------------
# Our rules are English. For text in other languages, regexes find the *shape* of an absolute
# date (day month year, month day year, month year) and dateparser, which knows the month names
# of 200+ locales, decides whether the word is a month. Spans and granularity come from the shape,
# never from dateparser.

_W = r"[^\W\d_]{3,12}\.?"
_FOREIGN = re.compile(
    rf"(?<![\w$€£])(?:(?P<d1>[0-3]?\d)\.?\s+(?:de\s+|of\s+)?(?P<m1>{_W}),?\s+(?:de\s+|del\s+)?(?P<y1>[12]\d{{3}})"
    rf"|(?P<m2>{_W})\s+(?P<d2>[0-3]?\d),?\s+(?P<y2>[12]\d{{3}})"
    rf"|(?P<m3>{_W})\s+(?:de\s+|del\s+)?(?P<y3>[12]\d{{3}}))(?![\w%])"
)
_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    from dateline.temporal.lexicon import read_tsv

    rows = read_tsv("context_words.tsv")
    return (frozenset(r[1] for r in rows if r[0] == "english_function"),
            frozenset(r[1] for r in rows if r[0] == "foreign_function"))


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English: not clearly more foreign than English function words."""
    english, foreign = _function_words()
    words = _WORDS.findall(text[:5000].lower())
    n_en = sum(w in english for w in words)
    n_fo = sum(w in foreign for w in words)
    return not (n_fo >= 2 and n_fo > 2 * n_en)


@lru_cache(maxsize=4096)
def month_of_word(word: str) -> int | None:
    """Month number of a month name in any locale dateparser knows ("août" -> 8), else None."""
    import dateparser

    w = word.rstrip(".")
    if len(w) < 3 or w.isdigit():
        return None
    dt = dateparser.parse(f"15 {w} 2001", settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return dt.month if dt and dt.year == 2001 and dt.day == 15 else None


def foreign_dates(text: str) -> list[tuple[int, int, date | None, int, int, str]]:
    """Absolute dates in non-English ``text``: (start, end, day or None, year, month, granularity)."""
    out = []
    for m in _FOREIGN.finditer(text):
        word = m.group("m1") or m.group("m2") or m.group("m3")
        month = month_of_word(word.lower())
        if month is None:
            continue
        year = int(m.group("y1") or m.group("y2") or m.group("y3"))
        day_s = m.group("d1") or m.group("d2")
        if day_s:
            try:
                d = date(year, month, int(day_s))
            except ValueError:
                continue
            out.append((m.start(), m.end(), d, year, month, "day"))
        else:
            out.append((m.start(), m.end(), None, year, month, "month"))
    return out
