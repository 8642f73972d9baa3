"""Article and event deduplication: exact and near copies, order independence, source counts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from dateline.dedupe import cluster_events, content_hash, find_duplicate_articles, normalize_text

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
