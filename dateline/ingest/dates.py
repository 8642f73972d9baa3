"""Parsing ``published_at`` values from feeds into timezone-aware UTC datetimes."""

from __future__ import annotations

import math
import re
import warnings
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

import dateparser

__all__ = [
    "EARLIEST_PUBLISHED",
    "FUTURE_TOLERANCE",
    "check_published_at",
    "format_offset",
    "parse_published_at",
    "to_utc",
]

# Publication dates before this are absurd for a news feed.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
# Publication dates more than this far after "now" are absurd (clock skew allowed).
FUTURE_TOLERANCE = timedelta(days=2)

_NUMERIC = re.compile(r"[+-]?\d+(\.\d+)?")
# Epoch values above this are milliseconds (1e11 s is the year 5138).
_EPOCH_MS_THRESHOLD = 1e11
_EPOCH_US_THRESHOLD = 1e14
_DATEPARSER_SETTINGS = {
    # Absolute dates only: "yesterday" would depend on when the pipeline runs.
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "YMD",
    "STRICT_PARSING": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_MAX_STRING = 200


def format_offset(delta: timedelta | None) -> str | None:
    """``timedelta(hours=2)`` -> ``"+02:00"``; ``None`` stays ``None``."""
    if delta is None:
        return None
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, rest = divmod(total, 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def to_utc(value: datetime) -> tuple[datetime, str | None]:
    """Convert to UTC; naive datetimes are taken to be UTC. Returns (utc, original offset)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC), None
    return value.astimezone(UTC), format_offset(value.utcoffset())


def _from_epoch(number: float) -> datetime | None:
    if not math.isfinite(number):
        return None
    if abs(number) >= _EPOCH_US_THRESHOLD:
        number /= 1_000_000
    elif abs(number) >= _EPOCH_MS_THRESHOLD:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_string(text: str) -> tuple[datetime | None, str | None]:
    text = text.strip()
    if not text or len(text) > _MAX_STRING:
        return None, None
    if _NUMERIC.fullmatch(text):
        if len(text.lstrip("+-").split(".")[0]) <= 4:
            return None, None  # a bare year or a small number: not a publication instant
        if len(text.lstrip("+-").split(".")[0]) == 8 and "." not in text:
            # 20170808: a compact date, not an epoch.
            try:
                return to_utc(datetime.strptime(text.lstrip("+"), "%Y%m%d"))
            except ValueError:
                pass
        parsed = _from_epoch(float(text))
        return (parsed, "+00:00") if parsed else (None, None)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return to_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        # RFC 2822 "-0000" means "offset unknown"; email.utils returns it naive.
        return to_utc(parsed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = dateparser.parse(text, settings=dict(_DATEPARSER_SETTINGS))
        except Exception:  # noqa: BLE001 - dateparser raises many types on odd input
            parsed = None
    if parsed is None:
        return None, None
    return to_utc(parsed)


def parse_published_at(value: object) -> tuple[datetime | None, str | None]:
    """Parse a feed's publication date into ``(UTC datetime, original UTC offset)``.

    Accepts datetimes, dates, epoch seconds (or milliseconds) as numbers or numeric
    strings, ISO 8601, RFC 2822 ("Tue, 08 Aug 2017 10:15:00 GMT") and anything
    dateparser reads ("8 August 2017", "08/08/2017 10:15 CEST"). The offset is a
    string like ``"+02:00"``, or ``None`` when the value carried no timezone (it
    is then taken to be UTC). Unparseable values give ``(None, None)``; this never
    raises.
    """
    try:
        if value is None or isinstance(value, bool):
            return None, None
        if isinstance(value, datetime):
            return to_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC), None
        if isinstance(value, int | float):
            parsed = _from_epoch(float(value))
            return (parsed, "+00:00") if parsed else (None, None)
        if isinstance(value, str):
            return _parse_string(value)
        if isinstance(value, dict) and len(value) == 1:
            # Exports wrap dates: {"$date": ...} (MongoDB), {"date": ...}, {"iso": ...}.
            (inner,) = value.values()
            if not isinstance(inner, dict):
                return parse_published_at(inner)
    except (OverflowError, ValueError):
        return None, None
    return None, None


def check_published_at(value: datetime | None, now: datetime | None = None) -> str | None:
    """Return a human message if ``value`` is absurd (before 1900 or in the future), else None."""
    if value is None:
        return None
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if value < EARLIEST_PUBLISHED:
        return f"published_at {value.isoformat()} is before {EARLIEST_PUBLISHED.year}"
    if value > now + FUTURE_TOLERANCE:
        return f"published_at {value.isoformat()} is in the future (now is {now.isoformat()})"
    return None
