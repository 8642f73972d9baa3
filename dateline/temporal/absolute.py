"""Absolute dates written numerically ("08/07/2017"), parsed by dateparser.

dateparser is only given the exact span a rule matched and must return all of day,
month and year; its guesses for missing parts are never used. Results are cached, so
a document with many identical dates costs one parse.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

__all__ = ["parse_numeric_date"]

_SETTINGS = {
    "DATE_ORDER": "MDY",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_LOCALE_DATE_ORDER": False,
    "STRICT_PARSING": True,
}


@lru_cache(maxsize=8192)
def parse_numeric_date(span: str) -> date | None:
    """The date a numeric span like ``8/7/2017`` denotes (US order unless the first part exceeds 12), or None."""
    import dateparser  # imported lazily: it is slow to import and rarely needed

    first, second = (int(x) for x in span.split("/")[:2])
    settings = dict(_SETTINGS, DATE_ORDER="DMY" if first > 12 >= second else "MDY")  # 13/08/2017 is D/M/Y
    dt = dateparser.parse(span, languages=["en"], settings=settings)
    return dt.date() if dt else None
