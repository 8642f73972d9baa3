"""Sentence and clause segmentation: spans into the original text."""

from __future__ import annotations

import pytest

from dateline.segment import containing, split_clauses, split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Maj. Gen. Herzi Halevi said so. Then he left.", ["Maj. Gen. Herzi Halevi said so.", "Then he left."]),
        ("George W. Bush spoke. It rained.", ["George W. Bush spoke.", "It rained."]),
        ("The U.S. economy grew. Prices fell.", ["The U.S. economy grew.", "Prices fell."]),
        ("It cost 3.5 million. Nobody paid.", ["It cost 3.5 million.", "Nobody paid."]),
        ("He said “no.” She agreed.", ["He said “no.”", "She agreed."]),
        ("A headline without a stop\n\nThe body begins.", ["A headline without a stop", "The body begins."]),
        ("lower case after a stop. continues here.", ["lower case after a stop. continues here."]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Having broken off relations with Hamas in the summer of 2015, after the group’s refusal to "
            "support the regime, Iran appeared in May to be signaling a renewal of funding.",
            [
                "Having broken off relations with Hamas in the summer of 2015, after the group’s refusal to support the regime",
                "Iran appeared in May to be signaling a renewal of funding.",
            ],
        ),
        (
            "Maj. Gen. Herzi Halevi, the IDF’s intelligence chief, said in June that Iran pays.",
            ["Maj. Gen. Herzi Halevi, the IDF’s intelligence chief, said in June that Iran pays."],
        ),
        (
            "In March 2016, the commander was reported to have said so.",
            ["In March 2016, the commander was reported to have said so."],
        ),
        ("The talks failed; the envoy left on Friday.", ["The talks failed", "the envoy left on Friday."]),
    ],
)
def test_clauses(sentence: str, expected: list[str]) -> None:
    spans = split_clauses(sentence, (0, len(sentence)))
    assert [sentence[a:b] for a, b in spans] == expected


def test_containing_prefers_the_enclosing_span() -> None:
    spans = [(0, 10), (12, 30)]
    assert containing(spans, 13, 15) == (12, 30)
    assert containing(spans, 8, 14) == (12, 30) or containing(spans, 8, 14) == (0, 10)
    assert containing([], 0, 1) is None


def test_sentences_cover_seed_article_in_order(seed_text: str) -> None:
    spans = split_sentences(seed_text)
    assert all(a < b for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    assert any("Herzi Halevi" in seed_text[a:b] and "per year" in seed_text[a:b] for a, b in spans)
