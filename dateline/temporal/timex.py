"""TIMEX3 values: validation, granularity and the half-open date interval a value denotes."""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["TIMEX_VALUE_RE", "is_timex_value", "granularity_of", "interval_of", "iso_week_start"]

_DATE_PART = (
    r"(?:[\dX]{2}|[\dX]{3}|[\dX]{4}"
    r"(?:-(?:(?:[\dX]{2}(?:-[\dX]{2})?)|SP|SU|FA|WI|Q[1-4X]|H[12X]|W[\dX]{2}(?:-(?:[1-7X]|WE))?))?)"
)
_TIME_PART = r"(?:T(?:MO|AF|EV|NI|MI|DT|\d{2}(?::\d{2}(?::\d{2})?)?))"
_DUR = r"P(?:(?:[\dX]+(?:\.\d+)?(?:Y|M|W|D|Q|DE|CE|ML|WE|H))+|T(?:[\dX]+(?:\.\d+)?[HMS])+|(?:[\dX]+(?:\.\d+)?[YMWD])+T(?:[\dX]+(?:\.\d+)?[HMS])+)"
_BC_PART = r"BC(?:\d{4}|\d{2})"  # years ("BC0753") and centuries ("BC04") before Christ
TIMEX_VALUE_RE = re.compile(rf"^(?:{_DATE_PART}{_TIME_PART}?|{_BC_PART}|{_DUR}|PRESENT_REF|PAST_REF|FUTURE_REF)$")

_SEASON_MONTHS = {"SP": (3, 6), "SU": (6, 9), "FA": (9, 12), "WI": (12, 15)}


def is_timex_value(value: str) -> bool:
    """True when ``value`` is a well-formed TIMEX3 value of the kinds this tagger emits."""
    return bool(TIMEX_VALUE_RE.match(value))


def iso_week_start(year: int, week: int) -> date:
    """Monday of ISO week ``week`` of ``year``."""
    return date.fromisocalendar(year, week, 1)


def _month_start(y: int, m: int) -> date:
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return date(y, m, 1)


def granularity_of(value: str) -> str | None:
    """Unit of a DATE/TIME value (``day``, ``month``, ``season``...); ``None`` for durations and refs."""
    if not value or value.startswith("P") or value.endswith("_REF"):
        return None
    if value.startswith("BC"):
        return "century" if len(value) == 4 else "year"
    if "T" in value:
        return "time"
    if len(value) == 2:
        return "century"
    if len(value) == 3:
        return "decade"
    if len(value) == 4:
        return "year"
    rest = value[5:]
    if rest in _SEASON_MONTHS:
        return "season"
    if rest.startswith("Q"):
        return "quarter"
    if rest.startswith("H"):
        return "half"
    if rest.startswith("W"):
        return "day" if len(rest) == 5 and rest[3] == "-" else "week"
    if len(rest) == 2:
        return "month"
    if len(rest) == 5:
        return "day"
    return None


def interval_of(value: str) -> tuple[date, date] | None:
    """Half-open ``[start, end)`` of a fully specified DATE/TIME value, else ``None``.

    ``2015-SU`` -> [2015-06-01, 2015-09-01); ``199`` -> [1990-01-01, 2000-01-01);
    times map to their whole day. Values containing ``X`` and durations/refs give ``None``.
    """
    if not value or "X" in value or value.startswith(("P", "BC")) or value.endswith("_REF"):
        return None  # BC values have no interval: ``datetime.date`` starts at year 1
    try:
        v = value.split("T", 1)[0]
        if len(v) == 2:
            c = int(v)
            return date(max(c * 100, 1), 1, 1), date(c * 100 + 100, 1, 1)
        if len(v) == 3:
            d = int(v)
            return date(max(d * 10, 1), 1, 1), date(d * 10 + 10, 1, 1)
        y = int(v[:4])
        if len(v) == 4:
            return date(y, 1, 1), date(y + 1, 1, 1)
        rest = v[5:]
        if rest in _SEASON_MONTHS:
            a, b = _SEASON_MONTHS[rest]
            return _month_start(y, a), _month_start(y, b)
        if rest.startswith("Q"):
            q = int(rest[1])
            return _month_start(y, 3 * q - 2), _month_start(y, 3 * q + 1)
        if rest.startswith("H"):
            h = int(rest[1])
            return _month_start(y, 6 * h - 5), _month_start(y, 6 * h + 1)
        if rest.startswith("W"):
            wk = int(rest[1:3])
            start = iso_week_start(y, wk)
            if rest.endswith("-WE"):
                return start + timedelta(days=5), start + timedelta(days=7)
            if len(rest) == 5:
                d = start + timedelta(days=int(rest[4]) - 1)
                return d, d + timedelta(days=1)
            return start, start + timedelta(days=7)
        m = int(rest[:2])
        if len(rest) == 2:
            return _month_start(y, m), _month_start(y, m + 1)
        d = date(y, m, int(rest[3:5]))
        return d, d + timedelta(days=1)
    except (ValueError, IndexError, OverflowError):  # the calendar's last day has no end within it
        return None
