"""Property tests: tag() never crashes and always returns well-formed, consistent mentions."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.temporal import Mention, tag
from dateline.temporal.timex import interval_of, is_timex_value

VOCAB = [
    "January", "May", "march", "Sept.", "Monday", "Fri.", "the", "a", "an", "last", "next", "this", "that",
    "early", "late", "mid-", "about", "more than", "nearly", "two", "twenty-four", "1990", "2017", "1990s",
    "'80s", "12", "31", "7", "0", "99999", "year", "years", "month", "weeks", "day", "hours", "decade",
    "century", "quarter", "third", "first", "half", "ago", "later", "earlier", "from now", "every", "each",
    "twice", "per", "daily", "today", "yesterday", "tomorrow", "tonight", "morning", "night", "noon",
    "p.m.", "a.m.", "EST", "summer", "fall", "winter", "of", "in", "on", "since", "$", "%", "-", "/", ",",
    ".", ":", "'s", "fiscal", "weekend", "previous", "following", "same", "Christmas", "now", "recently",
    "nineteen", "ninety-one", "two thousand", "year-earlier", "1/2", "and a half", "\n", "(", ")",
]
DCTS = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                 st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
DATEISH = st.lists(st.sampled_from(VOCAB), max_size=30).map(" ".join)


def check(text: str, mentions: list[Mention]) -> None:
    prev_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert m.start >= prev_end, "mentions overlap or are unsorted"
        prev_end = m.end
        assert text[m.start : m.end] == m.text
        assert m.timex_type in ("DATE", "TIME", "DURATION", "SET")
        assert is_timex_value(m.value), m.value
        assert m.anchor_source in ("absolute", "published_at", "inferred", "unresolved")
        assert (m.start_date is None) == (m.end_date is None)
        if m.start_date is not None:
            assert m.end_date is not None and m.start_date < m.end_date
            assert interval_of(m.value) == (m.start_date, m.end_date)
        if m.timex_type in ("DURATION", "SET"):
            assert m.start_date is None and m.granularity is None
        if m.anchor_source == "unresolved":
            assert m.start_date is None


@settings(max_examples=300, deadline=None)
@given(st.text(), DCTS)
def test_any_string(text: str, dct: date | None) -> None:
    check(text, tag(text, dct))


@settings(max_examples=500, deadline=None)
@given(DATEISH, DCTS)
def test_dateish_strings(text: str, dct: date | None) -> None:
    check(text, tag(text, dct))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2199, 12, 31)))
def test_full_dates_are_absolute(d: date) -> None:
    text = f"It happened on {d.strftime('%B')} {d.day}, {d.year}."
    ms = tag(text, None)
    assert len(ms) == 1
    m = ms[0]
    assert (m.value, m.anchor_source, m.granularity) == (d.isoformat(), "absolute", "day")
    assert m.start_date == d


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2100, 12, 24)),
       st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
def test_past_weekday_within_a_week_before_dct(dct: date, day: str) -> None:
    ms = tag(f"Officials said the attack happened on {day}.", dct)
    m = next(m for m in ms if m.text == day)
    assert m.start_date is not None
    assert 0 <= (dct - m.start_date).days <= 6
    assert m.start_date.strftime("%A") == day
