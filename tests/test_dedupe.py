"""Article and event deduplication: exact and near copies, order independence, source counts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.dedupe import (
    cluster_events,
    content_hash,
    find_duplicate_articles,
    normalize_text,
    shingle_hashes,
    shingles,
)

BODY = (
    "The central bank raised its main interest rate by a quarter point on Thursday, the third increase this "
    "year, citing stubborn inflation in services and a tight labour market. The governor said further moves "
    "would depend on data. Markets had expected the decision after strong wage figures last week. "
    "Analysts said the bank was likely to pause in the summer while it assessed the effect on mortgages. "
    "The currency rose half a percent against the dollar after the announcement, and bond yields climbed. "
    "Opposition politicians criticised the move, saying households were already struggling with energy bills."
)
OTHER = (
    "Heavy rain flooded parts of the northern coast on Sunday, forcing hundreds of residents to leave their "
    "homes. Emergency services said two bridges had been closed and the railway line was suspended. The "
    "regional government declared a state of emergency and asked the army for help with sandbags. Forecasters "
    "warned that more storms were expected over the coming days, with river levels still rising."
)


def art(aid: str, text: str, published: bool = False, url: str | None = None) -> dict:
    return {
        "article_id": aid,
        "text": text,
        "published_at": datetime(2024, 3, 1, tzinfo=UTC) if published else None,
        "url": url,
        "title": None,
    }


def test_normalisation_ignores_case_spacing_punctuation_and_wire_tags() -> None:
    assert normalize_text("LONDON (Reuters) - The  Bank, raised!") == "the bank raised"
    assert normalize_text("(AP) — The bank") == "the bank"
    assert content_hash("The bank raised rates.") == content_hash("the  bank raised rates")
    assert content_hash("The bank raised rates.") != content_hash("The bank cut rates.")


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {r["article_id"]: r for r in rows}


def test_exact_copy_points_at_the_copy_with_a_date() -> None:
    rows = _by_id(find_duplicate_articles([art("b", BODY), art("a", BODY.upper(), published=True)]))
    assert rows["a"]["duplicate_of"] is None and rows["a"]["canonical_id"] == "a"
    assert rows["b"]["duplicate_of"] == "a" and rows["b"]["method"] == "exact"


def test_syndicated_near_copy_is_a_duplicate() -> None:
    trimmed = "(AP) — " + BODY.rsplit(" Opposition", 1)[0] + " A spokesman declined to comment."
    rows = _by_id(find_duplicate_articles([art("orig", BODY, url="https://a.example/x"), art("synd", trimmed)]))
    assert rows["synd"]["duplicate_of"] == "orig"
    assert rows["synd"]["method"] == "near"
    assert 0.5 < rows["synd"]["similarity"] < 1.0


def test_different_articles_stay_apart() -> None:
    rows = find_duplicate_articles([art("x", BODY), art("y", OTHER)])
    assert all(r["duplicate_of"] is None for r in rows)


def test_article_dedupe_is_order_independent() -> None:
    items = [
        art("a", BODY),
        art("b", BODY, published=True),
        art("c", "(Reuters) - " + BODY[:-40]),
        art("d", OTHER),
        art("e", OTHER + " Updated at noon."),
    ]
    expected = find_duplicate_articles(items)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert find_duplicate_articles(shuffled) == expected


def ev(eid: str, aid: str, clause: str, actors: list[str], trigger: str, value: str = "2024-03-04") -> dict:
    d = date.fromisoformat(value)
    return {
        "event_id": eid,
        "article_id": aid,
        "clause": clause,
        "actors": actors,
        "trigger": trigger,
        "value": value,
        "granularity": "day",
        "start_date": d,
        "end_date": date.fromordinal(d.toordinal() + 1),
        "confidence": 0.9,
        "published_at": datetime(2024, 3, int(aid[-1]), tzinfo=UTC),
    }


def test_same_event_from_three_sources_is_one_timeline_row() -> None:
    events = [
        ev("e1", "a1", "The foreign ministers of France and Germany met in Paris on Monday", ["France", "Germany", "Paris"], "met"),
        ev("e2", "a2", "French and German foreign ministers met in Paris on Monday to discuss aid", ["Paris"], "met"),
        ev("e3", "a3", "Germany's foreign minister met her French counterpart on Monday", ["Germany"], "met"),
        ev("e4", "a4", "A storm closed the port of Hamburg on Monday", ["Hamburg"], "closed"),
        ev("e5", "a1", "Paris hosted the ministers on Monday", ["Paris"], "hosted", value="2024-03-05"),
    ]
    rows = cluster_events(events)
    counts = sorted((r["value"], r["source_count"]) for r in rows)
    assert counts == [("2024-03-04", 1), ("2024-03-04", 3), ("2024-03-05", 1)]
    merged = next(r for r in rows if r["source_count"] == 3)
    assert merged["sources"] == ["a1", "a2", "a3"]
    assert merged["event_ids"] == ["e1", "e2", "e3"]
    assert merged["first_reported"] == datetime(2024, 3, 1, tzinfo=UTC)
    assert merged["description"] in {e["clause"] for e in events[:3]}


def test_event_clustering_is_order_independent() -> None:
    events = [
        ev("e1", "a1", "Ministers met in Paris on Monday", ["Paris"], "met"),
        ev("e2", "a2", "Ministers met in Paris on Monday for talks", ["Paris"], "met"),
        ev("e3", "a3", "The storm hit Hamburg on Monday", ["Hamburg"], "hit"),
    ]
    expected = cluster_events(events)
    assert cluster_events(list(reversed(events))) == expected
    assert cluster_events(events) == expected


# --- syndication variants, table-driven ---------------------------------------------------------

PARAS = [
    "The central bank raised its main interest rate by a quarter point on Thursday, the third increase this year, "
    "citing stubborn inflation in services and a tight labour market.",
    "The governor said further moves would depend on data. Markets had expected the decision after strong wage "
    "figures last week.",
    "Analysts said the bank was likely to pause in the summer while it assessed the effect on mortgages. "
    "The currency rose half a percent against the dollar after the announcement, and bond yields climbed.",
    "Opposition politicians criticised the move, saying households were already struggling with energy bills. "
    "A government spokesman declined to comment on the decision.",
]
ORIGINAL = "\n\n".join(PARAS)
FILLER = ("Separately, the statistics office said retail sales fell for a second month in February as shoppers "
          "cut back on clothing and furniture.")
_sentences = [s + "." for p in PARAS for s in p.rstrip(".").split(". ")]


@pytest.mark.parametrize(
    "variant, duplicate",
    [
        ("Rates up again as inflation bites\n\n" + ORIGINAL, True),  # retitled
        ("\n\n".join(PARAS[:-1]), True),  # trimmed last paragraph
        (" ".join(_sentences[1::2] + _sentences[0::2]), True),  # sentences reordered
        ("\n\n".join(PARAS[:2] + [FILLER] + PARAS[2:]), True),  # a paragraph inserted
        ("LONDON (Reuters) - " + ORIGINAL + "\n\n(Reporting by Anna Berg; editing by Tom Hughes)", True),
        ("FRANKFURT, March 7 (AFP) -- " + ORIGINAL, True),  # dated wire dateline
        ("(AP) — " + ORIGINAL.upper(), True),
        (OTHER, False),
        (PARAS[0], False),  # a one-paragraph brief is not a copy of the whole story
        (PARAS[0] + "\n\n" + OTHER, False),
    ],
    ids=["retitled", "trimmed", "reordered", "inserted", "wire+credit", "dated-dateline", "ap-upper", "other",
         "brief", "brief+other"],
)
def test_syndication_variants(variant: str, duplicate: bool) -> None:
    rows = _by_id(find_duplicate_articles([art("orig", ORIGINAL, published=True), art("copy", variant)]))
    assert (rows["copy"]["duplicate_of"] == "orig") is duplicate
    assert rows["orig"]["duplicate_of"] is None


def test_reordering_sentences_keeps_the_shingle_set() -> None:
    reordered = " ".join(_sentences[1::2] + _sentences[0::2])
    assert shingles(reordered) == shingles(ORIGINAL)
    assert len(shingle_hashes(ORIGINAL)) == len(shingles(ORIGINAL))
    assert np.array_equal(shingle_hashes(reordered), shingle_hashes(ORIGINAL))


def _corpus(n: int = 60) -> list[dict]:
    rng = random.Random(3)
    vocab = ("market bank rate minister talks storm river court police union strike vote budget oil port "
             "election troops summit ceasefire harvest flood bridge airline profit shares").split()
    rows = []
    for i in range(n):
        words = [rng.choice(vocab) for _ in range(120)]
        text = ". ".join(" ".join(words[j : j + 12]) for j in range(0, 120, 12)) + "."
        rows.append(art(f"s{i:03d}", text, published=i % 3 == 0))
        if i % 4 == 0:
            rows.append(art(f"s{i:03d}-wire", "(Reuters) - " + text, published=True))
        if i % 5 == 0:
            rows.append(art(f"s{i:03d}-cut", text.rsplit(". ", 2)[0] + ".", url="https://x.example"))
    return rows


def test_article_dedupe_is_order_independent_and_idempotent_at_scale() -> None:
    rows = _corpus()
    expected = find_duplicate_articles(rows)
    assert find_duplicate_articles(rows) == expected
    rng = random.Random(11)
    for _ in range(3):
        shuffled = rows[:]
        rng.shuffle(shuffled)
        assert find_duplicate_articles(shuffled) == expected
    canon = {r["article_id"]: r["canonical_id"] for r in expected}
    assert canon["s000-wire"] == canon["s000"] == canon["s000-cut"]
    assert len({canon[f"s{i:03d}"] for i in range(60)}) == 60  # random texts stay apart


def test_a_big_cluster_of_copies_stays_connected() -> None:
    """More copies than the LSH window: sorted neighbourhood still links them all."""
    rows = [art(f"c{i:03d}", f"Desk {i} filed this. " + BODY, published=i == 7) for i in range(80)]
    rows += [art(f"d{i:03d}", BODY + f" Update {i}: the bank published minutes {i} later.") for i in range(20)]
    out = find_duplicate_articles(rows)
    assert {r["canonical_id"] for r in out} == {"c007"}


# --- event clustering cases -----------------------------------------------------------------------

def evg(eid: str, aid: str, clause: str, actors: list[str], trigger: str | None, value: str, gran: str,
        start: str, end: str) -> dict:
    return {
        "event_id": eid, "article_id": aid, "clause": clause, "actors": actors, "trigger": trigger,
        "value": value, "granularity": gran, "start_date": date.fromisoformat(start),
        "end_date": date.fromisoformat(end), "confidence": 0.9, "published_at": None, "sentence": clause,
    }


@pytest.mark.parametrize(
    "a, b, same",
    [
        # a time of day matches a report of the same day
        (("The ECB raised rates on Thursday", ["ECB"], "raised", "2024-03-07", "day", "2024-03-07", "2024-03-08"),
         ("The ECB raised rates at 2 p.m. Thursday", ["ECB"], "raised", "2024-03-07T14:00", "time", "2024-03-07",
          "2024-03-08"), True),
        # another day is another event
        (("The ECB raised rates on Thursday", ["ECB"], "raised", "2024-03-07", "day", "2024-03-07", "2024-03-08"),
         ("The ECB raised rates on Friday", ["ECB"], "raised", "2024-03-08", "day", "2024-03-08", "2024-03-09"), False),
        # a month and a day inside it have different granularities
        (("The ECB raised rates in March", ["ECB"], "raised", "2024-03", "month", "2024-03-01", "2024-04-01"),
         ("The ECB raised rates on Thursday", ["ECB"], "raised", "2024-03-07", "day", "2024-03-07", "2024-03-08"), False),
        # same day, shared actor, different trigger but shared words
        (("Rebels attacked the port of Hodeidah on Monday killing six", ["Hodeidah"], "attacked", "2024-03-04",
          "day", "2024-03-04", "2024-03-05"),
         ("Six people were killed on Monday when rebels shelled the port of Hodeidah", ["Hodeidah"], "killed",
          "2024-03-04", "day", "2024-03-04", "2024-03-05"), True),
        # same day and trigger, different actors: different events
        (("the State Department said Tuesday", ["State Department"], "said", "2024-03-05", "day", "2024-03-05",
          "2024-03-06"),
         ("the Labor Department said Tuesday", ["Labor Department"], "said", "2024-03-05", "day", "2024-03-05",
          "2024-03-06"), False),
        # a year holds many events: a shared actor and trigger alone are not enough
        (("Russia's trade with Pakistan doubled in 2005", ["Russia", "Pakistan"], "doubled", "2005", "year",
          "2005-01-01", "2006-01-01"),
         ("Trade between China and Russia reached 29 billion dollars in 2005", ["China", "Russia"], "reached", "2005",
          "year", "2005-01-01", "2006-01-01"), False),
    ],
    ids=["time-in-day", "other-day", "month-vs-day", "paraphrase", "different-actors", "year-needs-more"],
)
def test_event_pairs(a: tuple, b: tuple, same: bool) -> None:
    rows = cluster_events([evg("e1", "a1", *a[:3], *a[3:]), evg("e2", "a2", *b[:3], *b[3:])])
    assert (len(rows) == 1) is same


def test_two_events_of_one_article_stay_two_rows() -> None:
    day = ("2024-03-04", "day", "2024-03-04", "2024-03-05")
    rows = cluster_events([
        evg("e1", "a1", "Ministers met in Paris on Monday", ["Paris"], "met", *day),
        evg("e2", "a1", "Ministers met again in Paris on Monday evening", ["Paris"], "met", *day),
        evg("e3", "a2", "Ministers met in Paris on Monday", ["Paris"], "met", *day),
    ])
    assert sorted(r["source_count"] for r in rows) == [1, 2]
    assert all(len(set(r["sources"])) == len(r["event_ids"]) for r in rows)


def _many_events() -> list[dict]:
    day = ("2024-03-04", "day", "2024-03-04", "2024-03-05")
    evs = []
    for i in range(120):  # one event reported by 120 articles: a block far above MAX_EVENT_BLOCK
        evs.append(evg(f"m{i:03d}", f"a{i:03d}", f"Ministers met in Paris on Monday to discuss aid {i % 3}",
                       ["Paris"], "met", *day))
    for i in range(60):  # unrelated events in the same Paris block
        evs.append(evg(f"x{i:03d}", f"b{i:03d}", f"Storm number {i} flooded a suburb of Paris on Monday",
                       ["Paris", f"Storm{i}"], "flooded", *day))
    return evs


def test_large_blocks_are_merged_by_sorted_neighbourhood() -> None:
    rows = cluster_events(_many_events())
    big = max(rows, key=lambda r: r["source_count"])
    assert big["source_count"] == 120 and all(e.startswith("m") for e in big["event_ids"])


def test_timeline_ids_are_order_independent_and_idempotent() -> None:
    evs = _many_events()
    expected = cluster_events(evs)
    assert cluster_events(evs) == expected
    rng = random.Random(5)
    for _ in range(3):
        shuffled = evs[:]
        rng.shuffle(shuffled)
        assert cluster_events(shuffled) == expected


def _features(article: str, words: str, actors: tuple[str, ...] = (), trigger: str | None = None,
              granularity: str = "day") -> tuple:
    from dateline.dedupe import score_features

    return score_features({"article_id": article, "actors": list(actors), "trigger": trigger,
                           "granularity": granularity}, set(words.split()))


@pytest.mark.parametrize(("a", "b", "expected"), [
    # two reports of one article never merge
    (("x", "council voted budget", ("Council",), "voted"), ("x", "council voted budget", ("Council",), "voted"), None),
    # a shared actor (case-folded) and the same trigger: enough, whatever the words
    (("x", "council voted budget", ("Council",), "voted"), ("y", "members approved plan", ("council",), "voted"),
     0.0 + 0.5 + 0.25),
    # a shared actor and a quarter of the words
    (("x", "council voted budget roads", ("Council",), "voted"), ("y", "council approved budget roads", ("Council",),
                                                                 "approved"), 3 / 5 + 0.5),
    # no shared actor, none named: most words (at least three) must agree
    (("x", "storm hit coast town", (), None), ("y", "storm hit coast city", (), None), 3 / 5),
    (("x", "storm hit coast", (), None), ("y", "storm hit town", (), None), None),
    # half the words: enough without actors, not when both name actors and none in common (0.6 then)
    (("x", "storm hit coast town", (), None), ("y", "storm hit coast city harbour", (), None), 3 / 6),
    (("x", "storm hit coast town", ("Ana",), None), ("y", "storm hit coast city harbour", ("Bo",), None), None),
    (("x", "storm hit coast town", ("Ana",), None), ("y", "storm hit coast city", ("Bo",), None), 3 / 5),
    # at a year, a shared actor needs the trigger and some words too
    (("x", "council voted budget", ("Council",), "voted", "year"),
     ("y", "members approved plan", ("Council",), "voted", "year"), None),
])
def test_feature_score_table(a: tuple, b: tuple, expected: float | None) -> None:
    from dateline.dedupe import feature_score

    got = feature_score(_features(*a), _features(*b))
    assert got == (None if expected is None else pytest.approx(expected))


def _share_a_block(a: dict, b: dict) -> bool:
    from dateline.dedupe import _event_words, event_block_keys

    return bool(set(event_block_keys(a, _event_words(a))) & set(event_block_keys(b, _event_words(b))))


_DAY = ("2024-03-05", "day", "2024-03-05", "2024-03-06")
_YEAR = ("2005", "year", "2005-01-01", "2006-01-01")


@pytest.mark.parametrize(("a", "b", "shared"), [
    # a shared actor on one day, whatever the trigger
    (("The ECB raised rates", ["ECB"], "raised", *_DAY), ("Lagarde spoke at the ECB", ["ECB"], "spoke", *_DAY), True),
    # the same trigger alone is no block: every "said" of a day would be one
    (("the State Department said", ["State Department"], "said", *_DAY), ("Apple said", ["Apple"], "said", *_DAY),
     False),
    # the same day's clauses sharing their words, no actors: a min-hashed word
    (("Storm floods coastal villages overnight", [], None, *_DAY),
     ("Storm floods coastal villages overnight again", [], None, *_DAY), True),
    # another day: never
    (("The ECB raised rates", ["ECB"], "raised", *_DAY),
     ("The ECB raised rates", ["ECB"], "raised", "2024-03-06", "day", "2024-03-06", "2024-03-07"), False),
    # at a year a shared actor only counts with the same trigger
    (("exports doubled", ["Russia"], "doubled", *_YEAR), ("accord signed", ["Russia"], "signed", *_YEAR), False),
    (("the Kremlin said", ["Russia"], "said", *_YEAR), ("Moscow officials said", ["Russia"], "said", *_YEAR), True),
], ids=["actor", "trigger-only", "words", "other-day", "year-actor-only", "year-actor-trigger"])
def test_event_blocks_table(a: tuple, b: tuple, shared: bool) -> None:
    assert _share_a_block(evg("e1", "a1", *a), evg("e2", "a2", *b)) is shared


_names = st.sampled_from(["ECB", "Russia", "Paris", "Ana Berg", "NATO"])
_words = st.lists(st.sampled_from("budget vote storm coast rates exports accord talks bank city".split()), max_size=6)


@given(actors_a=st.lists(_names, max_size=3), actors_b=st.lists(_names, max_size=3), words_a=_words, words_b=_words,
       trigger_a=st.sampled_from([None, "voted", "said"]), trigger_b=st.sampled_from([None, "voted", "said"]),
       coarse=st.booleans())
def test_pairs_merging_on_a_shared_actor_always_share_a_block(actors_a, actors_b, words_a, words_b, trigger_a,
                                                              trigger_b, coarse) -> None:
    """Blocking loses no pair that may merge through a shared actor (only pairs merging on clause words alone
    depend on the min-hashed word keys)."""
    from dateline.dedupe import _event_words, feature_score, score_features

    when = _YEAR if coarse else _DAY
    a = evg("e1", "a1", " ".join(words_a), actors_a, trigger_a, *when)
    b = evg("e2", "a2", " ".join(words_b), actors_b, trigger_b, *when)
    fa, fb = score_features(a, _event_words(a)), score_features(b, _event_words(b))
    shared_actor = not fa[2].isdisjoint(fb[2])
    if shared_actor and feature_score(fa, fb) is not None:
        assert _share_a_block(a, b)
