"""Events: one per dated mention, tied to its clause, with trigger, actors, tense and offsets."""

from __future__ import annotations

from datetime import date

import pytest

from dateline.events import detect_tense, extract_events, find_actors, find_trigger
from dateline.temporal.mention import Mention


def _mention(text: str, phrase: str, value: str, start: date, end: date, gran: str) -> Mention:
    i = text.index(phrase)
    return Mention(i, i + len(phrase), phrase, "DATE", value, gran, start, end, "published_at")


@pytest.mark.parametrize(
    "clause, trigger",
    [
        ("Senior members of Hamas met on Monday with representatives", "met"),
        ("Having broken off relations with Hamas in the summer of 2015", "broken"),
        ("Iran appeared in May to be signaling a renewal", "appeared"),
        ("The summit was postponed until June", "postponed"),
        ("handed over in 2012.", "handed"),
        ("In the spring of 2019", None),
    ],
)
def test_trigger(clause: str, trigger: str | None) -> None:
    assert find_trigger(clause) == trigger


@pytest.mark.parametrize(
    "text, actors",
    [
        ("Maj. Gen. Herzi Halevi, the IDF’s intelligence chief, said", ["Herzi Halevi", "IDF"]),
        ("Senior members of the organization Hamas met representatives of Iran’s Revolutionary Guard Corps",
         ["Hamas", "Iran", "Revolutionary Guard Corps"]),
        ("Iran appeared in May to be signaling", ["Iran"]),
        ("The European Central Bank raised rates", ["European Central Bank"]),
        ("On Monday the Bank of England met", ["Bank of England"]),
        ("It rained all day", []),
    ],
)
def test_actors(text: str, actors: list[str]) -> None:
    assert find_actors(text) == actors


@pytest.mark.parametrize(
    "clause, tense",
    [
        ("The ministers met on Monday", "past"),
        ("The ministers will meet on Monday", "future"),
        ("The ministers are scheduled to meet next week", "future"),
        ("Iran has previously supported Hamas", "past"),
        ("The ministers meet every Monday", "present"),
    ],
)
def test_tense(clause: str, tense: str) -> None:
    assert detect_tense(clause) == tense


def test_two_dates_in_one_sentence_are_two_events() -> None:
    text = (
        "Having broken off relations with Hamas in the summer of 2015, after the group’s refusal to support "
        "Assad, Iran appeared in May to be signaling a renewal of funding to the group."
    )
    ms = [
        _mention(text, "the summer of 2015", "2015-SU", date(2015, 6, 1), date(2015, 9, 1), "season"),
        _mention(text, "May", "2017-05", date(2017, 5, 1), date(2017, 6, 1), "month"),
    ]
    evs = extract_events("a1", text, ms)
    assert [e.value for e in evs] == ["2015-SU", "2017-05"]
    first, second = evs
    assert first.trigger == "broken" and "Hamas" in first.actors
    assert second.trigger == "appeared" and second.actors == ["Iran"]
    assert second.clause.startswith("Iran appeared in May")
    for e in evs:
        assert text[e.clause_start : e.clause_end] == e.clause
        assert text[e.sentence_start : e.sentence_end] == e.sentence
        assert text[e.mention_start : e.mention_end] == e.mention_text
        assert e.clause_start <= e.mention_start < e.mention_end <= e.clause_end
    assert first.event_id != second.event_id
    assert extract_events("a1", text, ms) == evs  # deterministic


def test_undated_and_duration_mentions_make_no_event() -> None:
    text = "The war lasted three years and ended on Monday."
    dur = Mention(15, 26, "three years", "DURATION", "P3Y", None, None, None, "absolute")
    unresolved = Mention(40, 46, "Monday", "DATE", "XXXX-WXX-1", "day", None, None, "unresolved")
    assert extract_events("a", text, [dur, unresolved]) == []


@pytest.mark.parametrize(
    "text, phrase, expected",
    [
        ("KUALA LUMPUR, April 1 (AFP) - Shares fell on Tuesday.", "April 1", True),
        ("WASHINGTON, Jan. 5 -- The Senate voted on Monday.", "Jan. 5", True),
        ("WASHINGTON, Jan. 5 -- The Senate voted on Monday.", "Monday", False),
        ("First paragraph.\nBEIRUT, Lebanon, March 3 (AP) — Talks resumed.", "March 3", True),
        ("On April 1 the shares fell - sharply.", "April 1", False),
        ("The deal, signed April 1 - a Monday - held.", "April 1", False),
    ],
)
def test_wire_dateline_dates_are_not_events(text: str, phrase: str, expected: bool) -> None:
    from dateline.events import in_dateline

    i = text.index(phrase)
    assert in_dateline(text, i, i + len(phrase)) is expected


def test_dateline_date_makes_no_event() -> None:
    text = "KUALA LUMPUR, April 1 (AFP) - Malaysian shares dipped on Tuesday."
    ms = [
        _mention(text, "April 1", "1997-04-01", date(1997, 4, 1), date(1997, 4, 2), "day"),
        _mention(text, "Tuesday", "1997-04-01", date(1997, 4, 1), date(1997, 4, 2), "day"),
    ]
    assert [e.mention_text for e in extract_events("a", text, ms)] == ["Tuesday"]


@pytest.mark.parametrize(
    "article, clause, actors",
    [
        ("Workers returned on Tuesday. The union said workers were tired.", "Workers returned on Tuesday.", []),
        ("Talks resumed on Monday. Diplomats said talks would go on.", "Talks resumed on Monday.", []),
        ("Hamas met on Monday. Iran said Hamas agreed.", "Hamas met on Monday.", ["Hamas"]),
        ("Voltaro raised money last week. Investors backed Voltaro again.", "Voltaro raised money last week.", ["Voltaro"]),
    ],
)
def test_sentence_initial_words_are_names_only_if_the_article_says_so(article: str, clause: str, actors: list[str]) -> None:
    from dateline.events import mid_sentence_names

    assert find_actors(clause, (), mid_sentence_names(article)) == actors
