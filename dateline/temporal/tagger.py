"""The tagger: extraction -> normalisation -> anchoring -> resolution -> :class:`Mention`."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from dateline.temporal.absolute import foreign_dates, looks_english
from dateline.temporal.anchoring import (
    infer_ref,
    is_firm,
    sentence_bounds,
    tense_and_cue,
    tense_at,
)
from dateline.temporal.extract import extract
from dateline.temporal.lexicon import lookup
from dateline.temporal.mention import Mention
from dateline.temporal.normalize import Frame, normalize
from dateline.temporal.resolve import (
    Anchor,
    Ref,
    Resolved,
    anchor_of,
    report_quarter,
    resolve,
    shift,
    unresolved_value,
    value_at,
)
from dateline.temporal.timex import granularity_of, interval_of

__all__ = ["tag"]


_YEAR_TO_DATE = ("P6M", "P9M")  # "the first nine months", "the six months": results for the year so far


def _compares_year_to_date(text: str, start: int, out: list[Mention]) -> bool:
    """Whether the last dated or measured span before ``start`` in its sentence is a year-to-date period."""
    lo, _ = sentence_bounds(text, start, start)
    before = [m for m in out if lo <= m.start < start and m.timex_type in ("DATE", "TIME", "DURATION")]
    return bool(before) and before[-1].timex_type == "DURATION" and before[-1].value in _YEAR_TO_DATE


_LATEST = ("latest", "most recent", "just-ended")  # a quarter already over: not the current one


def _posted_day(groups: dict[str, str]) -> bool:
    """Whether a weekday is written as posts write it: an undotted abbreviation or all lowercase ("mon", "sat",
    "thurs", "friday"), not as news does ("Friday", "Fri.")."""
    word = groups.get("weekday") or ""
    return bool(word) and (word.islower() or not word.lower().endswith(("day", "days"))) and not word.endswith(".")


_LIMIT_BEFORE = re.compile(r"\b(?:by|until|till|through|before)\s+$", re.IGNORECASE)


def _future_limit(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a limit still ahead ("aims to double sales by 2025"), not a date told
    ("By 1814 the allies had reached Paris")."""
    return bool(_LIMIT_BEFORE.search(text, max(0, start - 12), start)) and tense_at(text, start, end) != "past"


def _needs_tense(f: Frame) -> bool:
    if f.kind != "calendar" or f.year is not None or f.decade is not None or f.century is not None:
        return False
    # "plans for the weekend?" is the coming one; "will meet this Monday" said on Wednesday too
    return f.rel is None or f.rel == "weekend" or (f.rel == "this" and f.weekday is not None)


def tag(text: str, dct: date | None = None) -> list[Mention]:
    """Temporal expressions in ``text`` as :class:`Mention` objects, sorted by start, non-overlapping.

    Relative expressions are resolved against ``dct`` (``anchor_source="published_at"``);
    without it, against the text's own latest absolute date (``"inferred"``) when one
    exists, else they stay ``"unresolved"`` with X-filled values and no interval.
    """
    if isinstance(dct, datetime):
        dct = dct.date()
    if not text:
        return []
    cands = extract(text)
    foreign = [] if looks_english(text) else foreign_dates(text)
    if not cands and not foreign:
        return []
    frames = _range_years(text, cands, _numeric_order([normalize(c) for c in cands], cands))
    sentence_year = _sentence_years(text, cands, frames)
    if dct is not None:
        ref: Ref | None = Ref(dct, "day", "published_at")
    else:
        # a limit ahead ("to double sales by 2025") says nothing of when the text was written
        ref = infer_ref([resolve(f, None, None) for c, f in zip(cands, frames, strict=True)
                         if f.kind == "calendar" and not _future_limit(text, c.start, c.end)])
    history = _is_history(frames, ref)
    # tense of a history text's own verbs: "The next year, in the summer, they attacked" is past
    told = _mask_spans(text, cands) if history else text
    last: Anchor | None = None
    last_quarter: Anchor | None = None
    last_tense: str | None = None
    reported = report_quarter(ref.day) if ref is not None and ref.gran == "day" else None

    def is_reported(a: Anchor, tense: str | None = None) -> bool:
        """False for a quarter still to come at the reference date (a forecast, not the results discussed)."""
        if a.gran != "quarter" or reported is None or a.start <= reported:
            return True
        return a.start <= shift(reported, "Q", 1) and tense != "future"  # the current quarter, unless forecast

    out: list[Mention] = []
    for i, (c, f) in enumerate(zip(cands, frames, strict=True)):
        tense, cue = tense_and_cue(text, c.start, c.end) if _needs_tense(f) else (None, None)
        if tense is None and f.weekday and f.rel is None and _posted_day(c.groups):
            tense = "future"  # "exam on mon", "party sat @ 7": a post's bare day is the coming one
        anchor = last
        narrated = f.kind == "relative" and _narrated(text, c, f, last, ref, history)
        if narrated:
            f = replace(f, kind="anaphoric", anchor="narrative")  # "In 1850 he left. The next year he returned."
        f_ref = _narrative_ref(f, last, ref) if history else _following_ref(text, c, f, last)
        if f_ref is not None and tense_at(told, c.start, c.end) != "past":
            f_ref = None  # "a summit set for April": history texts speak of the future too
        if i in sentence_year:  # "In 1962, the crisis began on October 16"
            f_ref = Ref(date(sentence_year[i], 1, 1), "year", "inferred")
        undated_day = (ref is not None and ref.source == "inferred" and f.kind == "calendar" and f.weekday is not None
                       and not (f.month or f.day or f.year) and f_ref is None)
        if undated_day and last is not None and last.gran in ("day", "time") and f.rel is None:
            f_ref, tense = Ref(last.start, "day", "inferred"), "future"  # "on Sunday, December 7, 1941. On Monday"
        if f_ref is not None:  # a history text: "In 1939 ... In March" is March 1939
            tense = "future" if f.weekday else None
        if (f.rel == "year_ago" or f.gran == "report") and anchor is not None and not is_reported(anchor, last_tense):
            anchor = last_quarter  # "the latest quarter", "a year ago": reported results, not a forecast
        if f.rel == "year_ago" and last_quarter is not None and (last is None or last.gran != "quarter"):
            anchor = last_quarter  # "a year ago" in a text about quarterly results: that quarter
        if (f.gran == "report" and last_quarter is not None and (last is None or last.gran != "quarter")
                and (f.rel not in _LATEST or reported is None or last_quarter.start <= reported)):
            anchor = last_quarter  # "the quarter" after other dates: still the quarter under discussion
        try:
            # an undated text's weekday is placed only after a day it tells: nothing says which week it means
            day_ref = None if undated_day and f_ref is None else f_ref or ref
            r: Resolved = resolve(f, day_ref, anchor, tense, is_firm(text, cue, c.start, c.end))
        except (ValueError, OverflowError):  # out of the calendar's range ("4000 years ago")
            r = Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
        if (f.rel == "year_ago" or (f.gran == "report" and f.year is not None)) and r.value[:4].isdigit() and (
                _compares_year_to_date(text, c.start, out)):
            r = replace(r, value=r.value[:4])  # "For the nine months, net was $2 million, against $1 million a year
            # earlier": the same months a year back, which TIMEX3 can only say as that year
        iv = interval_of(r.value) if r.anchor_source != "unresolved" else None
        gran = granularity_of(r.value) if r.type in ("DATE", "TIME") else None
        out.append(
            Mention(
                start=c.start,
                end=c.end,
                text=text[c.start : c.end],
                timex_type=r.type,  # type: ignore[arg-type]
                value=r.value,
                granularity=gran,
                start_date=iv[0] if iv else None,
                end_date=iv[1] if iv else None,
                anchor_source=r.anchor_source,  # type: ignore[arg-type]
                mod=r.mod,
                freq=r.freq,
                quant=r.quant,
            )
        )
        if r.type in ("DATE", "TIME") and (f.kind in ("calendar", "relative", "deictic") or narrated or (
                f.kind == "anaphoric" and f.gran != "report")):
            a = anchor_of(r)
            if a is not None:
                last, last_tense = a, tense
                if a.gran == "quarter" and is_reported(a, tense):
                    last_quarter = a
        elif r.type == "DURATION" and last is not None and last.gran in _MOVABLE:
            last = _moved(text, c.end, r.value, last) or last  # "Two days later ... that evening"
    out = _attach_clock_times(text, out, frames)
    out = _coordinated_days(text, out)
    out = _coordinated_sets(text, out)
    out = _weekday_numeric_dates(text, out)
    out = _day_before_after(text, out)
    if foreign:
        out = _merge_foreign(text, out, foreign)
    return out


_LATER = re.compile(r"[ \t]+(later|afterwards?|after that|earlier|before that)\b", re.IGNORECASE)
_WHOLE_DURATION = re.compile(r"P(\d+)([DWMY])")
_MOVABLE = ("time", "day", "month", "year")


def _moved(text: str, end: int, duration: str, last: Anchor) -> Anchor | None:
    """The narrative's date after "Two days later" / "A year earlier" (TimeML tags only the DURATION).

    The anchor moves by the duration, keeping its granularity: "On March 3, 1921 ... Two days
    later ... That evening" is the evening of March 5.
    """
    mt = _LATER.match(text, end)
    dm = _WHOLE_DURATION.fullmatch(duration)
    if mt is None or dm is None:
        return None
    n = int(dm.group(1)) * (-1 if mt.group(1).lower() in ("earlier", "before that") else 1)
    unit = dm.group(2)
    if unit in ("D", "W") and last.gran not in ("day", "time"):
        return None  # "a week later" after "in May": still May, as far as the text says
    try:
        d = shift(last.start, unit, n)
    except (ValueError, OverflowError):
        return None
    gran = "day" if last.gran == "time" else last.gran
    return Anchor(value_at(d, gran), d, gran, last.source)


_NUMERIC_PART = re.compile(r"(\d+)[/.-](\d+)")


_HISTORY_YEARS = 5  # a narrative this far from the document date is history, not news


def _far(a: Anchor | None, ref: Ref | None) -> bool:
    """Whether anchor ``a`` lies years away from the reference date (history, not the news of the day).

    In an undated text (an inferred reference) every date told counts: the text's own
    dates are its only "now".
    """
    if a is None or ref is None:
        return False
    return ref.source == "inferred" or abs(a.start.year - ref.day.year) > _HISTORY_YEARS


def _is_history(frames: list[Frame], ref: Ref | None) -> bool:
    """Whether the text narrates history: its dates with a year lie years away from the reference
    and it hardly speaks of the reference's own days ("today", "on Friday", "last week").

    Such texts (an encyclopedia article, a biography) move their own "now" along
    their narrative, so month names and "the next year" count from the last date told.
    An undated text is history when it tells dates of two or more years and none of "today",
    "on Friday", "last week", "this year" (those speak of a document date it does not give).
    """
    if ref is None:
        return False
    far = near = deictic = 0
    years: set[int] = set()
    for f in frames:
        if f.kind == "calendar" and (f.decade is not None or f.century is not None):
            far += 1
        elif f.kind == "calendar" and f.year is not None:
            years.add(f.year)
            if abs(f.year - ref.day.year) > _HISTORY_YEARS:
                far += 1
            else:
                near += 1
        elif f.kind == "deictic" or (f.kind == "calendar" and f.weekday):
            near += 1
            deictic += 1
        elif f.kind == "relative":  # "last week", "this year": the text speaks of its own date
            deictic += 1
    if ref.source == "inferred":
        return deictic == 0 and len(years) >= _HISTORY_MIN_YEARS_UNDATED
    return far >= _HISTORY_MIN_DATES and far > 3 * near


_HISTORY_MIN_DATES = 2
_HISTORY_MIN_YEARS_UNDATED = 2
_NARRATIVE_RELS = (None, "following", "previous", "next")


def _mask_spans(text: str, cands: list) -> str:
    """``text`` with every candidate's span blanked out (offsets kept)."""
    parts, k = [], 0
    for c in cands:
        if c.start >= k:
            parts += [text[k : c.start], " " * (c.end - c.start)]
            k = c.end
    parts.append(text[k:])
    return "".join(parts)


def _narrative_ref(f: Frame, last: Anchor | None, ref: Ref | None) -> Ref | None:
    """In a history text, the reference for a yearless date: the year (or day) of the last date told."""
    if f.kind != "calendar" or f.year is not None or f.rel not in _NARRATIVE_RELS or not _far(last, ref):
        return None
    assert last is not None and ref is not None
    if last.start > ref.day:  # "notes due 2009": a future date is a term, not a narrative
        return None
    if f.rel is not None:  # "the following winter", "the next spring": after the date told
        return Ref(last.start, "day" if last.gran in ("day", "time") else "year", "inferred")
    if f.month or f.season or f.holiday:
        return Ref(last.start, "year", "inferred")
    if f.weekday and last.gran in ("day", "time"):
        return Ref(last.start, "day", "inferred")  # "On 7 December 1941 ... On Monday": the Monday after
    return None


def _following_ref(text: str, c, f: Frame, last: Anchor | None) -> Ref | None:
    """ "the following March", "the next spring": after the date last told, not after the document date.

    A bare day of the month ("On the 14th") is in the month last told ("In March 1999 ... On the 14th").
    """
    if (last is not None and f.kind == "calendar" and f.day and not f.month and f.year is None and not f.weekday
            and last.gran in ("month", "day", "time")):
        return Ref(last.start, "day", "inferred")
    if (last is None or f.kind != "calendar" or f.year is not None or f.rel not in ("next", "following", "previous")
            or not (f.month or f.season) or f.day or not text[c.start : c.start + 4].lower() == "the "):
        return None
    return Ref(last.start, "year" if last.gran in ("year", "decade", "century") else "day", "inferred")


_THE_NEXT = re.compile(r"(?:[a-z]+[ \t-]+)?the\b")


def _narrated(text: str, c, f: Frame, last: Anchor | None, ref: Ref | None, history: bool = False) -> bool:
    """Whether "the next year" / "by the end of the year" continues a narrative rather than the document's now.

    Only in a past-tense sentence that follows an absolute date years away from the
    reference date ("In 1850 he moved to Paris. The next year he returned"): in news,
    "by the end of the year" is the current year even after "in 2003". In a history
    text any date told counts, not only absolute ones.
    """
    if last is None or (last.source != "absolute" and not history):
        return False
    if not _far(last, ref) and not (ref is not None and ref.source == "inferred"):
        return False  # with no document date the text's own dates are its only "now"
    span = text[c.start : c.end].lower()
    if f.rel == "next":
        if not _THE_NEXT.match(span):  # "the next year", "early the next year"; not "next year"
            return False
    elif not (f.rel == "this" and f.mod and "this" not in span):
        return False
    return tense_at(text, c.start, c.end) == "past"


_COORDINATED = re.compile(r",?\s+(?:and|but|then|until|till|through|before|after)\b[^.;:!?]{0,40}$", re.IGNORECASE)
_OPENER = re.compile(r"\s*(?:[A-Za-z]+\s+)?$")  # at most one word ("In", "On", "By") before a fronted date


def _sentence_years(text: str, cands: list, frames: list[Frame]) -> dict[int, int]:
    """Frame index -> year, for a yearless month or day that takes the year of a dated phrase governing its sentence.

    "In 1962, the crisis began on October 16" (a fronted year) and "began on October 16, 1962, and ended on
    October 28" (a coordinated clause) are 1962, whatever the document date; a day before the dated one's in
    the year falls in the next year ("on December 30, 1999, and on January 2").
    """
    out: dict[int, int] = {}
    for i, f in enumerate(frames):
        if f.kind != "calendar" or f.year is not None or f.rel is not None or f.weekday or not (f.month or f.season):
            continue
        lo, _ = sentence_bounds(text, cands[i].start, cands[i].end)
        for j in range(i - 1, -1, -1):
            if cands[j].start < lo:
                break
            g = frames[j]
            if g.kind != "calendar" or g.year is None or g.bc or g.weekday:
                continue
            fronted = (_OPENER.fullmatch(text, lo, cands[j].start) is not None
                       and text[cands[j].end : cands[j].end + 1] == ","
                       and ";" not in text[cands[j].end : cands[i].start])
            if not fronted and not _COORDINATED.fullmatch(text, cands[j].end, cands[i].start):
                break
            year = g.year
            if g.month and f.month and (f.month, f.day or 0) < (g.month, g.day or 0):
                year += 1
            out[i] = year
            break
    return out


_RANGE_LINK = re.compile(r"\s*(?:-|\u2013|\u2014|to|through|thru|until|till|and|or)\s*$", re.IGNORECASE)


def _range_years(text: str, cands: list, frames: list[Frame]) -> list[Frame]:
    """A yearless month or day that opens a range takes the year that closes it.

    "from March to May 2020" is March 2020; "December to February 2021" is December 2020.
    """
    out = list(frames)
    for i in range(len(frames) - 1):
        f, g = frames[i], frames[i + 1]
        if (f.kind != "calendar" or f.year is not None or f.rel is not None or not f.month
                or g.kind != "calendar" or g.year is None or not g.month):
            continue
        if not _RANGE_LINK.match(text[cands[i].end : cands[i + 1].start]):
            continue
        out[i] = replace(f, year=g.year - 1 if (f.month, f.day or 0) > (g.month, g.day or 0) else g.year)
    for i, f in enumerate(out):  # "June 5-7, 2015", "March 3 and 4, 2014": the days' year closes the range
        if f.kind != "calendar" or f.year is not None or f.rel is not None or not (f.month and f.day):
            continue
        m = _DAY_RANGE_YEAR.match(text, cands[i].end)
        if m is not None:
            out[i] = replace(f, year=int(m.group(2)))
    return out


# the closing day and year of a day range ("-7, 2015", " and 4, 2014")
_DAY_RANGE_YEAR = re.compile(
    r"\s*(?:[-\u2013]|\s(?:and|to|through|thru|or)\s)\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+([12]\d{3})(?!\d)", re.IGNORECASE)


def _numeric_order(frames: list[Frame], cands: list) -> list[Frame]:
    """Read ambiguous numeric dates ("05/12") day-first when the text itself writes day-first ("25/12").

    US order (M/D) is the default; one unambiguous D/M date (first number > 12) and no
    unambiguous M/D date in the same text switch every ambiguous one to D/M.
    """
    idx = [i for i, c in enumerate(cands) if c.rule.norm in ("numeric", "numeric_md")]
    if not idx:
        return frames
    dmy = mdy = False
    parts = {}
    for i in idx:
        m = _NUMERIC_PART.match(cands[i].groups.get("numeric") or f"{cands[i].groups.get('na')}/{cands[i].groups.get('nb')}")
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        parts[i] = (a, b)
        dmy |= a > 12 >= b
        mdy |= b > 12 >= a
    if not dmy or mdy:
        return frames
    out = list(frames)
    for i, (a, b) in parts.items():
        f = frames[i]
        if a <= 12 and b <= 12 and f.kind == "calendar" and f.month and f.day and a != b:
            try:
                date(f.year or 2000, f.day, f.month)
            except ValueError:
                continue
            out[i] = replace(f, month=f.day, day=f.month)
    return out


_GAP_BEFORE = re.compile(r"\s*,?\s*(?:at|@|around|about|from|by|before|after|until|till|til|starting)?\s*", re.I)
_GAP_AFTER = re.compile(r"\s*,?\s*(?:on|@)?\s*", re.I)
_DAY_PART = re.compile(r"\d{4}-\d{2}-\d{2}")


def _attach_clock_times(text: str, out: list[Mention], frames: list[Frame]) -> list[Mention]:
    """A clock time with no day of its own takes the day written beside it.

    TimeML tags "tmrw @ 9pm", "Friday at 10 a.m." and "at 4pm on Sat" as two
    expressions; the time's value is on that day ("2017-08-09T21:00"), not the
    document's. "@ 7" after "dinner"/"party" (``context_words.tsv``, ``pm_cue``) is 7 p.m.
    """
    if not any(m.timex_type == "TIME" for m in out):
        return out
    from dateline.temporal.extract import _words

    res = list(out)
    for i, (m, f) in enumerate(zip(out, frames, strict=True)):  # one mention per frame, in order
        if m.timex_type != "TIME" or f.kind != "calendar" or f.hour is None:
            continue
        if f.weekday or f.month or f.day or "T" not in m.value or m.anchor_source == "unresolved":
            continue
        hour = f.hour
        at_sign = text[max(0, m.start - 2) : m.start].strip() == "@"
        if 7 <= hour < 12 and (at_sign or ":" not in m.text) and not re.search(r"[ap]\.?\s?m", m.text, re.I):
            window = re.findall(r"[a-z]+", text[max(0, m.start - 50) : m.start].lower())
            if any(w in _words("pm_cue") for w in window):
                hour += 12
        day = None
        src = m.anchor_source
        for j in (i - 1, i + 1):
            if not 0 <= j < len(out):
                continue
            n = out[j]
            gap = text[n.end : m.start] if j < i else text[m.end : n.start]
            if not (_GAP_BEFORE if j < i else _GAP_AFTER).fullmatch(gap):
                continue
            dm = _DAY_PART.match(n.value)
            if n.timex_type in ("DATE", "TIME") and dm and n.anchor_source != "unresolved":
                day, src = dm.group(), n.anchor_source
                break
        if day is None and hour == f.hour:
            continue
        value = f"{day or m.value[:10]}T{hour:02d}:{(f.minute or 0):02d}"
        iv = interval_of(value)
        res[i] = replace(m, value=value, anchor_source=src, start_date=iv[0] if iv else None,  # type: ignore[arg-type]
                         end_date=iv[1] if iv else None)
    return res


_AND_DAY = re.compile(r"[ \t]+(?:and|or|&)[ \t]+(\d{1,2})(?:st|nd|rd|th)?\b(?![.,:/]?\d|%|[ \t]*[-\u2013]|,?[ \t]+\d{4})")
_ENDS_IN_DAY = re.compile(r"\d{1,2}(?:st|nd|rd|th)?$")


def _coordinated_days(text: str, out: list[Mention]) -> list[Mention]:
    """The bare day in "April 24 and 25", "on March 3 or 4": a date of the month just named.

    Only a later day of that month, and only when nothing but punctuation or a function word
    follows it ("April 24 and 25 in Washington"; not "May 3 and 4 people died").
    """
    from dateline.temporal.extract import _word_after, _words

    extra = []
    dropped: set[int] = set()
    for k, m in enumerate(out):
        if m.granularity != "day" or m.anchor_source == "unresolved" or not _ENDS_IN_DAY.search(m.text):
            continue
        if not _DAY_PART.fullmatch(m.value):
            continue
        closing = _DAY_RANGE_YEAR.match(text, m.end)
        if closing is not None and k + 1 < len(out) and out[k + 1].start == closing.start(2):
            # "June 5-7, 2015": the closing day with its year is one date; the year is not a mention of its own
            try:
                d = date.fromisoformat(m.value).replace(day=int(closing.group(1)))
            except ValueError:
                continue
            iv = interval_of(d.isoformat())
            s, e = closing.start(1), closing.end(2)
            extra.append(replace(m, start=s, end=e, text=text[s:e], value=d.isoformat(), anchor_source="absolute",
                                 start_date=iv[0] if iv else None, end_date=iv[1] if iv else None, mod=None))
            dropped.add(k + 1)
            continue
        mt = _AND_DAY.match(text, m.end)
        if mt is None or (k + 1 < len(out) and out[k + 1].start < mt.end()):
            continue
        after = _word_after(text, mt.end())
        if after and text[mt.end() : mt.end() + 1] == " " and after.lower() not in _words("function_words"):
            continue
        first = date.fromisoformat(m.value)
        try:
            d = first.replace(day=int(mt.group(1)))
        except ValueError:
            continue
        if d <= first:
            continue
        iv = interval_of(d.isoformat())
        s, e = mt.start(1), mt.end()
        extra.append(replace(m, start=s, end=e, text=text[s:e], value=d.isoformat(),
                             start_date=iv[0] if iv else None, end_date=iv[1] if iv else None, mod=None))
    kept = [m for k, m in enumerate(out) if k not in dropped]
    return sorted(kept + extra, key=lambda m: m.start) if extra else out


_WEEKDAY_GAP = re.compile(r",?[ \t]*")


def _weekday_numeric_dates(text: str, out: list[Mention]) -> list[Mention]:
    """A weekday written before the numeric date it names is one date: "Sat 8/12 @ 8pm" is 2017-08-12, not last
    Saturday and a second date."""
    res: list[Mention] = []
    for m in out:
        prev = res[-1] if res else None
        if (prev is not None and prev.timex_type == "DATE" and lookup("WEEKDAY", prev.text.rstrip(".,")) is not None
                and m.timex_type == "DATE" and m.granularity == "day" and m.text[:1].isdigit()
                and _WEEKDAY_GAP.fullmatch(text, prev.end, m.start)):
            res[-1] = replace(m, start=prev.start, text=text[prev.start : m.end])
            continue
        res.append(m)
    return res


_AND_OR = re.compile(r"(?:,?[ \t]+(?:and|or|&)[ \t]+|,[ \t]*)$", re.IGNORECASE)
_WEEKDAY_SET = re.compile(r"XXXX-WXX-[1-7]")


def _coordinated_sets(text: str, out: list[Mention]) -> list[Mention]:
    """A weekday joined to a weekly SET is in the set too: "every Monday and Thursday" is two SETs."""
    res = list(out)
    for k in range(1, len(out)):
        prev, m = res[k - 1], out[k]
        if prev.timex_type != "SET" or not _WEEKDAY_SET.fullmatch(prev.value) or m.timex_type != "DATE":
            continue
        if m.granularity != "day" or not _AND_OR.search(text, prev.end, m.start) or not m.text[:1].isalpha():
            continue
        wd = lookup("WEEKDAY", m.text.split()[0].rstrip(",."))
        if wd is None:
            continue
        res[k] = replace(m, timex_type="SET", value=f"XXXX-WXX-{wd}", granularity=None, start_date=None,
                         end_date=None, mod=None, anchor_source=prev.anchor_source)
    return res


_DAY_BEFORE_AFTER = re.compile(r"(?<![\w-])(day)[ \t]+(before|after)[ \t]+$", re.IGNORECASE)


def _day_before_after(text: str, out: list[Mention]) -> list[Mention]:
    """ "the day before last Tuesday's hearing", "the day after Christmas": one day off the date named.

    The TIMEX3 spans "day before last Tuesday" (TimeBank leaves the article out).
    """
    res = list(out)
    for k, m in enumerate(out):
        if m.timex_type != "DATE" or m.anchor_source == "unresolved" or not _DAY_PART.fullmatch(m.value):
            continue
        mt = _DAY_BEFORE_AFTER.search(text, max(0, m.start - 16), m.start)
        if mt is None or (k and out[k - 1].end > mt.start()):
            continue
        d = date.fromisoformat(m.value) + timedelta(days=-1 if mt.group(2).lower() == "before" else 1)
        iv = interval_of(d.isoformat())
        res[k] = replace(m, start=mt.start(), text=text[mt.start() : m.end], value=d.isoformat(),
                         start_date=iv[0] if iv else None, end_date=iv[1] if iv else None)
    return res


def _merge_foreign(text: str, out: list[Mention], found: list) -> list[Mention]:
    """Add the other-locale absolute dates; they replace shorter overlapping mentions ("2017" in "7. August 2017")."""
    extra = []
    for start, end, day, year, month, gran in found:
        overlapping = [m for m in out if m.start < end and start < m.end]
        if any(m.end - m.start >= end - start for m in overlapping):
            continue
        out = [m for m in out if m not in overlapping]
        value = day.isoformat() if day else f"{year:04d}-{month:02d}"
        iv = interval_of(value)
        extra.append(Mention(start=start, end=end, text=text[start:end], timex_type="DATE", value=value,
                             granularity=gran, start_date=iv[0] if iv else None, end_date=iv[1] if iv else None,
                             anchor_source="absolute"))
    return sorted(out + extra, key=lambda m: m.start)
