"""Acceptance: the user's example article (read from ../shared, skipped when absent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dateline.temporal import Mention, tag

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_f6f6ab7d25ed7fbc.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"seed article not available at {SEED}")

# (mention text, the words around it that locate it, value, granularity, start, end)
EXPECTED = [
    ("Monday", "met on Monday", "2017-08-07", "day", date(2017, 8, 7), date(2017, 8, 8)),
    ("May", "in May", "2017-05", "month", date(2017, 5, 1), date(2017, 6, 1)),
    ("the summer of 2015", "the summer of 2015", "2015-SU", "season", date(2015, 6, 1), date(2015, 9, 1)),
    ("2017", "in 2017", "2017", "year", date(2017, 1, 1), date(2018, 1, 1)),
    ("March 2016", "March 2016", "2016-03", "month", date(2016, 3, 1), date(2016, 4, 1)),
    ("June", "said in June", "2017-06", "month", date(2017, 6, 1), date(2017, 7, 1)),
    ("2012", "in 2012", "2012", "year", date(2012, 1, 1), date(2013, 1, 1)),
]
ABSOLUTE = {"the summer of 2015", "2017", "March 2016", "2012"}


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


def _at(text: str, mentions: list[Mention], phrase: str, context: str) -> Mention:
    k = text.index(context) + context.index(phrase)
    hits = [m for m in mentions if m.start == k and m.end == k + len(phrase)]
    assert hits, f"no mention {phrase!r} at {k} (context {context!r}); got {[(m.text, m.start) for m in mentions]}"
    return hits[0]


def test_seed_with_dct(text: str) -> None:
    ms = tag(text, date(2017, 8, 8))
    for phrase, ctx, value, gran, start, end in EXPECTED:
        m = _at(text, ms, phrase, ctx)
        assert (m.value, m.granularity, m.start_date, m.end_date) == (value, gran, start, end), m
        assert m.timex_type == "DATE"
        assert m.anchor_source == ("absolute" if phrase in ABSOLUTE else "published_at")
    expected_spans = {(text.index(c) + c.index(p), len(p)) for p, c, *_ in EXPECTED}
    extra = [m for m in ms if (m.start, m.end - m.start) not in expected_spans]
    # only "per year" may appear besides the seven dates, and only as a SET
    assert all(m.text == "per year" and m.timex_type == "SET" and m.value == "P1Y" for m in extra), extra
    assert not any("50" in m.text for m in ms)
    assert all(not (m.start_date and m.start_date.year == 1950) for m in ms)


def test_seed_without_dct(text: str) -> None:
    ms = tag(text, None)
    by_text = {(m.start, m.text): m for m in ms}
    for phrase, ctx, value, gran, start, end in EXPECTED:
        m = _at(text, ms, phrase, ctx)
        if phrase in ABSOLUTE:
            assert (m.value, m.granularity, m.start_date, m.end_date, m.anchor_source) == (
                value, gran, start, end, "absolute")
        elif phrase == "Monday":
            assert m.anchor_source == "unresolved"
            assert "X" in m.value and m.start_date is None and m.end_date is None
        else:  # month names placed in the year of the latest date the text names ("in 2017")
            assert m.anchor_source == "inferred"
            assert (m.value, m.granularity, m.start_date, m.end_date) == (value, gran, start, end), m
    assert len(by_text) == len(ms)
