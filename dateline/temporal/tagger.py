"""The tagger: extraction -> normalisation -> anchoring -> resolution -> :class:`Mention`."""

from __future__ import annotations

from datetime import date, datetime

from dateline.temporal.absolute import foreign_dates, looks_english
from dateline.temporal.anchoring import infer_ref, tense_at
from dateline.temporal.extract import extract
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
)
from dateline.temporal.timex import granularity_of, interval_of

__all__ = ["tag"]


def _needs_tense(f: Frame) -> bool:
    if f.kind != "calendar" or f.year is not None or f.decade is not None or f.century is not None:
        return False
    return f.rel is None


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
    frames = [normalize(c) for c in cands]
    if dct is not None:
        ref: Ref | None = Ref(dct, "day", "published_at")
    else:
        ref = infer_ref([resolve(f, None, None) for f in frames if f.kind == "calendar"])
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
    for c, f in zip(cands, frames, strict=True):
        tense = tense_at(text, c.start, c.end) if _needs_tense(f) else None
        anchor = last
        if (f.rel == "year_ago" or f.gran == "report") and anchor is not None and not is_reported(anchor, last_tense):
            anchor = last_quarter  # "the latest quarter", "a year ago": reported results, not a forecast
        if f.rel == "year_ago" and last_quarter is not None and (last is None or last.gran != "quarter"):
            anchor = last_quarter  # "a year ago" in a text about quarterly results: that quarter
        try:
            r: Resolved = resolve(f, ref, anchor, tense)
        except (ValueError, OverflowError):  # out of the calendar's range ("4000 years ago")
            r = Resolved(f.type, unresolved_value(f), "unresolved", f.mod)
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
        if r.type in ("DATE", "TIME") and f.kind in ("calendar", "relative", "deictic"):
            a = anchor_of(r)
            if a is not None:
                last, last_tense = a, tense
                if a.gran == "quarter" and is_reported(a, tense):
                    last_quarter = a
    if foreign:
        out = _merge_foreign(text, out, foreign)
    return out


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
