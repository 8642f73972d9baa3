"""Resolution: place a :class:`Frame` in time against a reference date and the narrative anchor.

The reference (:class:`Ref`) is the document date (``published_at``) or a date inferred
from the text (``inferred``); its granularity limits what can be resolved ("on Monday"
needs a day, "in May" a year). The narrative anchor (:class:`Anchor`) is the last date
the text mentioned; anaphoric frames ("the next day", "a week later") count from it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dateline.temporal.normalize import Frame
from dateline.temporal.timex import granularity_of, interval_of

__all__ = ["Ref", "Anchor", "Resolved", "resolve", "value_at", "shift", "unresolved_value", "anchor_of"]

_GRAN_RANK = {"time": 0, "day": 1, "week": 2, "month": 3, "season": 4, "quarter": 4, "half": 5, "year": 6,
              "decade": 7, "century": 8}
_UNIT_GRAN = {"D": "day", "W": "week", "WE": "week", "M": "month", "Q": "quarter", "HALF": "half", "Y": "year",
              "DE": "decade", "CE": "century", "H": "day", "MIN": "day", "S": "day", "SEASON": "season",
              "ML": "century"}


@dataclass(frozen=True, slots=True)
class Ref:
    """Reference date for deictic expressions: a date, how precisely it is known, and its source."""

    day: date
    gran: str  # "day" | "month" | "year"
    source: str  # "published_at" | "inferred"


@dataclass(frozen=True, slots=True)
class Anchor:
    """The narrative's last mentioned date: value, start of its interval, granularity, source."""

    value: str
    start: date
    gran: str
    source: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved TIMEX3: type, value, anchor source, and attributes."""

    type: str
    value: str
    anchor_source: str
    mod: str | None = None
    freq: str | None = None
    quant: str | None = None


def _month_add(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year = d.year + y
    day = min(d.day, calendar.monthrange(year, m + 1)[1]) if 1 <= year <= 9999 else d.day
    return date(year, m + 1, day)


def shift(d: date, unit: str, n: int) -> date:
    """``d`` moved by ``n`` units (D, W, WE, M, Q, HALF, Y, DE, CE, ML, SEASON)."""
    if unit in ("D", "H", "MIN", "S"):
        return d + timedelta(days=n)
    if unit in ("W", "WE"):
        return d + timedelta(weeks=n)
    if unit == "M":
        return _month_add(d, n)
    if unit == "SEASON":
        return _month_add(d, 3 * n)
    if unit == "Q":
        return _month_add(d, 3 * n)
    if unit == "HALF":
        return _month_add(d, 6 * n)
    if unit == "Y":
        return _month_add(d, 12 * n)
    if unit == "DE":
        return _month_add(d, 120 * n)
    if unit == "CE":
        return _month_add(d, 1200 * n)
    if unit == "ML":
        return _month_add(d, 12000 * n)
    return d


def _season_of(d: date) -> tuple[int, str]:
    """(TIMEX year, season code) of a day: December belongs to that year's winter, Jan-Feb to the previous."""
    m = d.month
    if m == 12:
        return d.year, "WI"
    if m <= 2:
        return d.year - 1, "WI"
    return d.year, ("SP" if m <= 5 else "SU" if m <= 8 else "FA")


def value_at(d: date, gran: str) -> str:
    """TIMEX3 value of the ``gran`` unit containing ``d`` (``week`` -> ISO ``2017-W32``)."""
    if gran == "day" or gran == "time":
        return d.isoformat()
    if gran == "week":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if gran == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if gran == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if gran == "half":
        return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
    if gran == "season":
        y, s = _season_of(d)
        return f"{y:04d}-{s}"
    if gran == "year":
        return f"{d.year:04d}"
    if gran == "decade":
        return f"{d.year // 10:03d}"
    if gran == "century":
        return f"{d.year // 100:02d}"
    return d.isoformat()


def easter(year: int) -> date:
    """Western Easter Sunday of ``year`` (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return date(year, month, day + 1)


_HOLIDAY_OFFSET = re.compile(r"(easter|(?:\d(?:st|nd|rd|th)|last)-\d-\d{1,2}|\d\d-\d\d)([+-]\d+)")


def _holiday_date(rule: str, year: int) -> date | None:
    """Day of holiday ``rule`` (``holidays.tsv``: ``MM-DD``, ``nth-W-M``, ``easter``, each optionally ``+N``/``-N``)."""
    m = _HOLIDAY_OFFSET.fullmatch(rule)
    if m:
        base = _holiday_date(m.group(1), year)
        return None if base is None else base + timedelta(days=int(m.group(2)))
    try:
        if rule == "easter":
            return easter(year)
        if rule[0].isdigit() and "-" in rule and len(rule) == 5:
            return date(year, int(rule[:2]), int(rule[3:]))
        nth, wd, month = rule.split("-")
        wd_i, m_i = int(wd), int(month)
        if nth == "last":
            last_day = calendar.monthrange(year, m_i)[1]
            d = date(year, m_i, last_day)
            return d - timedelta(days=(d.isoweekday() - wd_i) % 7)
        k = int(nth[0])
        d = date(year, m_i, 1)
        d += timedelta(days=(wd_i - d.isoweekday()) % 7)
        return d + timedelta(weeks=k - 1)
    except (ValueError, IndexError):
        return None


def _pick_year(key: tuple[int, ...], ref_key: tuple[int, ...], ref_year: int, rel: str | None,
               tense: str | None) -> int:
    """Year for a within-year position ``key`` (month, day...) given the reference position and cues."""
    if rel in ("last", "past", "previous", "this past"):
        return ref_year if key < ref_key else ref_year - 1
    if rel in ("next", "coming", "following", "this coming"):
        return ref_year if key > ref_key else ref_year + 1
    if rel in ("this", "current"):
        return ref_year
    if rel == "past_or_now":
        return ref_year if key <= ref_key else ref_year - 1
    if tense == "past":
        return ref_year if key <= ref_key else ref_year - 1
    if tense == "future":
        return ref_year if key >= ref_key else ref_year + 1
    return ref_year


def _nearest_year(target: Callable[[int], date | None], r: date, tense: str | None, penalty: int) -> int:
    """Year (reference year -1, 0 or +1) placing ``target(year)`` nearest to ``r``.

    A date on the wrong side of ``r`` for the sentence's tense costs ``penalty`` extra
    days: tense cues are noisy, distance is not.
    """
    best_y, best = r.year, None
    for y in (r.year, r.year - 1, r.year + 1):
        t = target(y)
        if t is None:
            continue
        off = (t - r).days
        score = abs(off)
        if (tense == "past" and off > 0) or (tense == "future" and off < 0):
            score += penalty
        if best is None or score < best:
            best_y, best = y, score
    return best_y


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def unresolved_value(f: Frame) -> str:
    """An X-filled value of the shape the frame would have."""
    if f.kind == "calendar":
        if f.month and f.day:
            v = f"XXXX-{f.month:02d}-{f.day:02d}"
        elif f.month:
            v = f"XXXX-{f.month:02d}"
        elif f.season:
            v = f"XXXX-{f.season}"
        elif f.quarter:
            v = f"XXXX-Q{f.quarter}"
        elif f.half:
            v = f"XXXX-H{f.half}"
        elif f.weekday:
            v = f"XXXX-WXX-{f.weekday}"
        else:
            v = "XXXX-XX-XX"
    else:
        gran = _UNIT_GRAN.get(f.unit or "D", "day")
        v = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "quarter": "XXXX-QX",
             "half": "XXXX-HX", "season": "XXXX-XX", "year": "XXXX", "decade": "XXX", "century": "XX"}[gran]
        if f.unit == "WE":
            v = "XXXX-WXX-WE"
        if f.unit == "SEASON" and f.season:
            v = f"XXXX-{f.season}"
    return _with_time(v, f)


def _with_time(v: str, f: Frame) -> str:
    if f.hour is not None and len(v) == 10:
        return f"{v}T{f.hour:02d}:{(f.minute or 0):02d}"
    if f.pod and len(v) == 10:
        return f"{v}T{f.pod}"
    return v


def _need(ref: Ref | None, gran: str) -> bool:
    """True when ``ref`` is precise enough for a ``gran``-level computation."""
    if ref is None:
        return False
    order = {"day": 0, "month": 1, "year": 2}
    return order[ref.gran] <= order[gran]


_FIRM_PENALTY = 400  # days: more than a year, so a firm tense always picks its side
_FIRM_MIN_DAYS = 30


def _calendar(f: Frame, ref: Ref | None, tense: str | None, firm: bool = False) -> tuple[str, str]:
    if f.bc:  # TIMEX3 years before Christ: "BC0753"; the 5th century BC (500-401 BC): "BC04"
        if f.century is not None:
            return f"BC{f.century:02d}", "absolute"
        return f"BC{f.year or 0:04d}", "absolute"
    if f.century is not None:
        return f"{f.century:02d}", "absolute"
    if f.decade is not None:
        return f"{f.decade:03d}", "absolute"
    src = "absolute"
    year = f.year
    if f.day and not f.month and year is None and not f.weekday:  # "on the 5th": a day of this month, or the nearest
        if not _need(ref, "day"):
            return unresolved_value(f), "unresolved"
        assert ref is not None
        r = ref.day
        first = date(r.year, r.month, 1)
        step = -1 if (tense == "past" and f.day > r.day) else 1 if (tense == "future" and f.day < r.day) else 0
        m0 = _month_add(first, step)
        d = _safe_date(m0.year, m0.month, f.day)
        return (_with_time(d.isoformat(), f), ref.source) if d else (unresolved_value(f), "unresolved")
    if year is None and (f.month or f.season or f.quarter or f.half or f.holiday or f.day):
        if not _need(ref, "year"):
            return unresolved_value(f), "unresolved"
        assert ref is not None
        src = ref.source
        r = ref.day
        if f.rel == "relyear":
            year = r.year + int(f.n or 0)
        elif ref.gran == "year" and f.rel in (None, "this", "current"):
            year = r.year
        elif ref.gran == "year":
            year = r.year + (-1 if f.rel in ("last", "past", "previous") else 1)
        elif f.month and ref.source == "inferred" and tense != "future" and f.rel is None:
            year = r.year  # an inferred reference is a lower bound of the real date: stay in its year
        elif f.month and f.rel is None:
            if f.day is not None and ref.gran == "day":
                def day_in(y: int) -> date | None:
                    return _safe_date(y, f.month, f.day)

                nearest = day_in(_nearest_year(day_in, r, None, 0))
                # a firm tense moves a date a year only when it is not within days of the reference: the paper
                # of April 24 "said in an editorial on Saturday, April 25" (printed the next day)
                firm_day = firm and nearest is not None and abs((nearest - r).days) > _FIRM_MIN_DAYS
                year = _nearest_year(day_in, r, tense, _FIRM_PENALTY if firm_day else 180)
            elif f.month == r.month:
                year = r.year
            else:
                year = _nearest_year(lambda y: date(y, f.month, 15), r, tense, _FIRM_PENALTY if firm else 200)
        elif f.month:
            day_ok = f.day is not None and ref.gran == "day"
            key = (f.month, f.day or 0) if day_ok else (f.month,)
            rkey = (r.month, r.day) if day_ok else (r.month,)
            year = _pick_year(key, rkey, r.year, f.rel, tense)
            if f.rel == "last" and f.day is None and (r.month - f.month) % 12 == 1:
                year -= 1  # "last February" said in March: the month just ended would be "last month"
        elif f.season:
            ry, rs = _season_of(r)
            if f.rel is None:
                first = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[f.season]
                year = _nearest_year(lambda y: date(y, first, 1) + timedelta(days=45), r, tense, _FIRM_PENALTY if firm else 150)
            else:  # seasons ordered by their first month: SP SU FA WI (December starts winter)
                order = ["SP", "SU", "FA", "WI"]
                year = _pick_year((order.index(f.season),), (order.index(rs),), ry, f.rel, tense)
        elif f.quarter:
            # quarters without a year are reported on: the latest such quarter, unless "next"
            cur_q = (r.month - 1) // 3 + 1
            if f.rel is None:  # reported quarters: this year's up to the next one, else last year's
                year = r.year if f.quarter <= cur_q + 1 else r.year - 1
            else:
                year = _pick_year((f.quarter,), (cur_q,), r.year, f.rel, tense)
        elif f.half:
            year = _pick_year((f.half,), (1 if r.month <= 6 else 2,), r.year, f.rel or "past_or_now", None)
        elif f.holiday:
            hd = _holiday_date(f.holiday, r.year)
            if f.rel is None and hd is not None:
                year = _nearest_year(lambda y: _holiday_date(f.holiday or "", y), r, tense, _FIRM_PENALTY if firm else 120)
            else:
                key_h = (hd.month, hd.day) if hd else (12, 31)
                year = _pick_year(key_h, (r.month, r.day), r.year, f.rel, tense)
        else:
            year = r.year
    if year is not None:
        if f.month and f.day:
            try:
                d = date(year, f.month, f.day)
            except ValueError:
                return unresolved_value(f), "unresolved"
            return _with_time(d.isoformat(), f), src
        if f.holiday:
            hd = _holiday_date(f.holiday, year)
            if hd is None:
                return unresolved_value(f), "unresolved"
            return _with_time(hd.isoformat(), f), src
        if f.month:
            return f"{year:04d}-{f.month:02d}", src
        if f.season:
            return f"{year:04d}-{f.season}", src
        if f.quarter:
            return f"{year:04d}-Q{min(f.quarter, 4)}", src
        if f.half:
            return f"{year:04d}-H{f.half}", src
        return f"{year:04d}", src
    # weekday or time of day only: needs a day-level reference
    if f.weekday or f.hour is not None or f.pod:
        if not _need(ref, "day"):
            return unresolved_value(f), "unresolved"
        assert ref is not None
        r = ref.day
        d = r
        if f.weekday:
            diff = f.weekday - r.isoweekday()
            if f.rel in ("last", "past", "previous", "this past"):
                diff = diff - 7 if diff >= 0 else diff
            elif f.rel in ("next", "coming", "following", "this coming"):
                diff = diff + 7 if diff <= 0 else diff
            elif f.rel == "this":  # this week's day; "will meet this Monday" said on Wednesday is the coming one
                if tense == "future" and diff < 0:
                    diff += 7
                elif tense == "past" and diff > 0:
                    diff -= 7
            elif tense == "past":
                diff = diff - 7 if diff > 0 else diff
            elif tense == "future" or f.rel == "weekend_future":
                diff = diff + 7 if diff < 0 else diff
            else:  # news reports the past: the latest such day up to the reference
                diff = diff - 7 if diff > 0 else diff
            d = r + timedelta(days=diff)
            if f.rel == "weekend":
                if r.isoweekday() == 7:
                    d = r - timedelta(days=1)
                y, w, _ = d.isocalendar()
                return f"{y:04d}-W{w:02d}-WE", ref.source
        return _with_time(d.isoformat(), f), ref.source
    return unresolved_value(f), "unresolved"


def resolve(f: Frame, ref: Ref | None, last: Anchor | None, tense: str | None = None, firm: bool = False) -> Resolved:
    """Resolve frame ``f`` into a TIMEX3 value (see module docstring for ``ref`` and ``last``).

    ``tense`` points a yearless date before or after the reference; by default a date much nearer on the
    other side still wins (tense cues are noisy), unless ``firm`` (the cue governs the date beyond doubt).
    """
    if f.kind == "value":
        src = "absolute"
        if f.value and f.value.endswith("_REF"):
            src = ref.source if ref else "unresolved"
        return Resolved(f.type, f.value or "PRESENT_REF", src, f.mod, f.freq, f.quant)
    if f.kind == "calendar":
        if f.weekday and f.rel in ("previous", "following") and last is not None and last.gran in ("day", "time"):
            ref = Ref(last.start, "day", last.source)  # "the previous Friday": before the day last mentioned
        v, src = _calendar(f, ref, tense, firm)
        if f.gran == "week" and "X" not in v and len(v) == 10:
            v = value_at(date.fromisoformat(v), "week")
        return Resolved(f.type, v, src, f.mod)
    if f.kind == "deictic":
        if not _need(ref, "day"):
            return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
        assert ref is not None
        d = ref.day + timedelta(days=int(f.n or 0))
        return Resolved(f.type, _with_time(d.isoformat(), f), ref.source, f.mod)
    if f.kind == "relative":
        unit = f.unit or "Y"
        gran = _UNIT_GRAN.get(unit, "year")
        need = "day" if gran in ("day", "week") else "month" if gran in ("month", "quarter", "half") else "year"
        if not _need(ref, need):
            return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
        assert ref is not None
        n = int(f.n or 0)
        if unit == "WE" and f.rel in ("this coming", "coming") and ref.day.isoweekday() < 6:
            n = 0  # "this coming weekend" said on a weekday is this week's
        d = shift(ref.day, unit, n)
        v = value_at(d, gran)
        if f.gran == "vague" and unit == "W":  # "for the week": some week of that year, as TimeBank writes it
            v = value_at(d, "year") + "-WXX"
        if unit == "WE":
            v += "-WE"
        return Resolved(f.type, v, ref.source, f.mod)
    if f.kind == "offset":
        if f.n is None:
            v = "PAST_REF" if f.rel in ("ago", "earlier", "before", "back") else "FUTURE_REF"
            return Resolved("DATE", v, ref.source if ref else "unresolved", f.mod)
        unit = f.unit or "Y"
        gran = _UNIT_GRAN.get(unit, "year")
        if gran in ("decade", "century"):
            gran = "year"  # "a decade ago" is a year, not a decade
        n = f.n
        if not float(n).is_integer():
            if unit == "Y":
                unit, n, gran = "M", n * 12, "month"  # "half a year ago", "a year and a half ago"
            elif unit == "M":
                unit, n, gran = "D", n * 30, "day"
            n = round(n)
        if f.rel == "year_ago":
            # "a year ago", "the year-earlier quarter": the period under discussion, a year back
            # a year before the year told only for "a year earlier/before"; "a year ago" counts from the DCT
            if last is not None and f.gran in (None, last.gran) and (
                    last.gran in ("quarter", "half", "month") or (last.gran == "year" and f.anchor == "narrative")):
                return Resolved("DATE", value_at(shift(last.start, "Y", -1), last.gran), last.source, f.mod)
            if not _need(ref, "month"):
                return Resolved("DATE", unresolved_value(f), "unresolved", f.mod)
            assert ref is not None
            if f.gran == "quarter":
                return Resolved("DATE", value_at(shift(report_quarter(ref.day), "Y", -1), "quarter"), ref.source,
                                f.mod)
            return Resolved("DATE", value_at(shift(ref.day, "Y", -1), f.gran or "year"), ref.source, f.mod)
        if f.anchor == "narrative" and last is not None:
            base, src = last.start, last.source
            if last.gran in ("day", "time") and unit in ("D", "W", "H", "MIN", "S"):
                gran = "day"  # "a week later" after a day is a day
            elif last.gran == "quarter" and unit in ("Y", "Q"):
                gran = "quarter"  # "a year earlier" after a quarter is that quarter a year back
        else:
            need = "day" if gran in ("day", "week") else "month" if gran in ("month", "quarter") else "year"
            if not _need(ref, need):
                return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
            assert ref is not None
            base, src = ref.day, ref.source
        if unit in ("H", "MIN", "S"):  # hours from the reference day's noon
            secs = {"H": 3600, "MIN": 60, "S": 1}[unit] * n
            d = (datetime.combine(base, time(12)) + timedelta(seconds=secs)).date()
        else:
            d = shift(base, unit, int(n))
        return Resolved("DATE" if f.type == "TIME" else f.type, value_at(d, gran), src, f.mod)
    if f.kind == "anaphoric":
        unit = f.unit or "D"
        if f.gran == "report":  # "the quarter": the one under discussion, else the latest reported
            if last is not None and last.gran == "quarter":
                q, src = last.start, last.source
            elif _need(ref, "month"):
                assert ref is not None
                q, src = report_quarter(ref.day), ref.source
            else:
                return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
            if f.year is not None:  # "the 1988 period"
                return Resolved(f.type, f"{f.year:04d}-Q{(q.month - 1) // 3 + 1}", "absolute", f.mod)
            return Resolved(f.type, value_at(q, "quarter"), src, f.mod)
        if last is not None:
            base, base_gran, src = last.start, last.gran, last.source
        elif ref is not None:
            base, base_gran, src = ref.day, ref.gran, ref.source
        else:
            return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
        if unit == "Y" and (f.month or f.season):  # "March of the following year", "the spring of that year"
            if _GRAN_RANK.get(base_gran, 9) > _GRAN_RANK["year"]:
                return Resolved(f.type, unresolved_value(replace(f, kind="calendar")), "unresolved", f.mod)
            y = shift(base, "Y", int(f.n or 0)).year
            return Resolved(f.type, f"{y:04d}-{f.month:02d}" if f.month else f"{y:04d}-{f.season}", src, f.mod)
        gran = _UNIT_GRAN.get(unit, "day")
        if _GRAN_RANK.get(base_gran, 9) > _GRAN_RANK.get(gran, 9) and not (
            gran == "season" and base_gran in ("season", "year")
        ):
            partial = _partial_value(base, base_gran, gran) if unit != "WE" else None
            if partial is None:
                return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
            return Resolved(f.type, _with_time(partial, f), src, f.mod)  # "In March 1999 ... the next day": 1999-03-XX
        if unit == "SEASON":  # "that spring" after 1850 or after May 1850: 1850-SP; "that winter" in Jan: the one begun
            y = base.year - 1 if (f.season == "WI" and base.month <= 2 and base_gran != "year") else base.year
            return Resolved(f.type, f"{y:04d}-{f.season}", src, f.mod)
        d = shift(base, unit, int(f.n or 0))
        v = value_at(d, gran)
        if unit == "WE":
            v += "-WE"
        return Resolved(f.type, _with_time(v, f), src, f.mod)
    return Resolved(f.type, unresolved_value(f), "unresolved", f.mod)


def _partial_value(base: date, base_gran: str, gran: str) -> str | None:
    """The part of a finer date the anchor fixes: a day after "March 1999" is "1999-03-XX", a week in 1805 "1805-WXX"."""
    if base_gran not in ("year", "month") or gran not in ("day", "week", "month"):
        return None
    if gran == "week":
        return f"{base.year:04d}-WXX"
    if base_gran == "month":
        return f"{base.year:04d}-{base.month:02d}-XX" if gran == "day" else None
    return f"{base.year:04d}-XX-XX" if gran == "day" else f"{base.year:04d}-XX"


def report_quarter(d: date) -> date:
    """First day of the last quarter completed before ``d`` (the one news of that day reports on)."""
    q_start = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return _month_add(q_start, -3) if (d.year, d.month) > (1, 3) else q_start  # no quarter before year 1


def anchor_of(r: Resolved) -> Anchor | None:
    """The narrative anchor a resolved DATE/TIME value provides (None for refs, durations, X values)."""
    iv = interval_of(r.value)
    gran = granularity_of(r.value)
    if iv is None or gran is None:
        return None
    return Anchor(r.value, iv[0], gran, r.anchor_source)
