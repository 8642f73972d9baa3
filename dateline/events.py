"""Dated events: each DATE/TIME mention tied to its clause, trigger, actors and tense.

Rule-based on purpose (see README "Events"): it runs at tens of thousands of
sentences per second, where a statistical parser would cap the pipeline at a few
dozen articles per second on this hardware.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateline.lexicon import word_set
from dateline.models import record_dict
from dateline.segment import Span, containing, split_clauses, split_sentences, verb_class
from dateline.temporal.mention import Mention

DATED_TYPES = frozenset({"DATE", "TIME"})

_TOKEN = re.compile(r"[A-Za-z][\w’'\-]*")
_NAME_WORD = r"[A-Z][\w\-]*"
_ACTOR = re.compile(
    rf"{_NAME_WORD}(?:\.?[ \u00a0](?:(?:of|al|bin|de|del|la|le|van|von|der|du|the|for)[ \u00a0])?{_NAME_WORD})*"
)
_AFTER_OPENER = re.compile(r"[ \u00a0]+([a-z][\w’'\-]*)")
_FUTURE_CUES = re.compile(r"\b(?:will|shall|going to|plans? to|expected to|is to|are to|set to|scheduled to)\b|[’']ll\b", re.I)
_PERFECT = re.compile(r"\b(?:has|have|had)\b", re.I)

_CONFIDENCE = {"absolute": 0.95, "published_at": 0.9, "inferred": 0.6, "unresolved": 0.2}
_GRANULARITY_FACTOR = {"time": 1.0, "day": 1.0, "week": 0.95, "month": 0.95, "season": 0.9, "quarter": 0.9}


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or will) at a stated time, with offsets into the article text."""

    event_id: str
    article_id: str
    mention_id: str
    clause: str
    clause_start: int
    clause_end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str | None
    actors: list[str]
    tense: str
    mention_text: str
    mention_start: int
    mention_end: int
    timex_type: str
    value: str
    granularity: str | None
    start_date: date | None
    end_date: date | None
    anchor_source: str
    confidence: float
    published_at: datetime | None

    def as_dict(self) -> dict:
        return {**record_dict(self), "actors": list(self.actors)}


def mention_id(article_id: str, start: int, end: int) -> str:
    """Stable id of the mention at ``[start, end)`` of an article."""
    return hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]


def find_trigger(clause: str) -> str | None:
    """The main verb of a clause: the first verb-like word that is not an auxiliary."""
    for i, m in enumerate(_TOKEN.finditer(clause)):
        word = m.group()
        if not (word[0].islower() or i == 0):
            continue
        cls = verb_class(word)
        if cls and not cls.startswith("aux") and word.lower() not in {"having", "being"}:
            return word.lower()
    return None


def find_actors(text: str, exclude: Sequence[Span] = (), names: frozenset[str] | None = None) -> list[str]:
    """Named entities (capitalised name sequences) in ``text``, in order, de-duplicated.

    ``exclude`` holds spans (relative to ``text``) that are not names, such as
    the temporal expressions themselves. ``names`` (see ``mid_sentence_names``)
    are the words the whole article capitalises where no sentence starts: a lone
    capitalised word opening ``text`` counts as a name only if it is one of them.
    """
    stop = word_set("non_actors.txt")
    titles = word_set("titles.txt")
    actors: list[str] = []
    for m in _ACTOR.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in exclude):
            continue
        words = [w.rstrip(".") for w in m.group().replace("\u00a0", " ").split(" ")]
        while words and (words[0].lower() in stop or words[0].lower() in titles):
            words = words[1:]
        while words and words[-1].lower() in stop | {"of", "and", "for", "the"}:
            words = words[:-1]
        if not words:
            continue
        if len(words) == 1 and not text[: m.start()].strip():
            if (names is not None and words[0] not in names) or _is_common_opener(text, m.end()):
                continue
        name = " ".join(words)
        if len(name) > 1 and name not in actors:
            actors.append(name)
    return actors


_MID_SENTENCE_NAME = re.compile(r"(?<=[a-z,;:)] )[A-Z][\w\-]*")


def mid_sentence_names(text: str) -> frozenset[str]:
    """Capitalised words that occur after a lowercase word or punctuation inside a sentence: names,
    as opposed to ordinary words capitalised only because they open a sentence ("Workers returned")."""
    return frozenset(m.group() for m in _MID_SENTENCE_NAME.finditer(text))


def _is_common_opener(text: str, end: int) -> bool:
    """A lone capitalised word opening a clause and followed by a lowercase
    non-verb ("Senior members ...") is an ordinary word, not a name."""
    m = _AFTER_OPENER.match(text, end)
    return bool(m) and m.group(1) not in {"and", "or"} and verb_class(m.group(1)) is None


def detect_tense(clause: str) -> str:
    """``future``, ``past`` or ``present`` from auxiliaries and verb forms."""
    if _FUTURE_CUES.search(clause):
        return "future"
    classes = [verb_class(w) for w in _TOKEN.findall(clause) if w[0].islower()]
    if "aux_past" in classes or "past" in classes:
        return "past"
    if _PERFECT.search(clause) and "participle" in classes:
        return "past"
    return "present"


def event_confidence(anchor_source: str, granularity: str | None, trigger: str | None) -> float:
    """A 0..1 score: how sure we are of the date and that the clause is an event."""
    score = _CONFIDENCE.get(anchor_source, 0.5) * _GRANULARITY_FACTOR.get(granularity or "", 0.85)
    return round(score * (1.0 if trigger else 0.8), 3)


# A wire dateline opening a story or paragraph: an upper-case place, then the date, an optional agency and a
# dash: "KUALA LUMPUR, April 1 (AFP) -", "WASHINGTON, Jan. 5 --", "BEIRUT, Lebanon, March 3 (AP) —".
_DATELINE = re.compile(
    r"(?:^|\n)[ \t]*[A-Z][A-Z.'\- ]{1,40}(?:,[ \t]*[A-Z][A-Za-z.'\- ]{1,30})?,[ \t]*"
    r"(?P<date>[^\n(]{3,30}?)[ \t]*(?:\([A-Za-z .-]{1,20}\))?[ \t]*(?:-{1,2}|—|–|_)"
)


def in_dateline(text: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` is the date of a wire dateline: it dates the filing, not an event."""
    line_start = text.rfind("\n", 0, start) + 1
    m = _DATELINE.match(text, max(0, line_start - 1) if line_start else 0)
    return bool(m) and m.start("date") == start and end <= m.end("date")


def extract_events(
    article_id: str,
    text: str,
    mentions: Sequence[Mention],
    published_at: datetime | None = None,
) -> list[Event]:
    """One event per dated (DATE/TIME, resolved) mention of an article, in text order."""
    dated = [
        m for m in mentions
        if m.timex_type in DATED_TYPES and m.start_date is not None and not in_dateline(text, m.start, m.end)
    ]
    if not dated:
        return []
    sentences = split_sentences(text)
    names = mid_sentence_names(text)
    clause_cache: dict[Span, list[Span]] = {}
    events: list[Event] = []
    for m in dated:
        sentence = containing(sentences, m.start, m.end) or (m.start, m.end)
        if sentence not in clause_cache:
            clause_cache[sentence] = split_clauses(text, sentence)
        c_start, c_end = containing(clause_cache[sentence], m.start, m.end) or sentence
        clause = text[c_start:c_end]
        own = [(x.start - c_start, x.end - c_start) for x in mentions if c_start <= x.start < c_end]
        trigger = find_trigger(clause)
        mid = mention_id(article_id, m.start, m.end)
        events.append(
            Event(
                event_id=hashlib.sha1(f"event:{mid}".encode()).hexdigest()[:16],
                article_id=article_id,
                mention_id=mid,
                clause=clause,
                clause_start=c_start,
                clause_end=c_end,
                sentence=text[sentence[0]:sentence[1]],
                sentence_start=sentence[0],
                sentence_end=sentence[1],
                trigger=trigger,
                actors=find_actors(clause, own, names),
                tense=detect_tense(clause),
                mention_text=m.text,
                mention_start=m.start,
                mention_end=m.end,
                timex_type=m.timex_type,
                value=m.value,
                granularity=m.granularity,
                start_date=m.start_date,
                end_date=m.end_date,
                anchor_source=m.anchor_source,
                confidence=event_confidence(m.anchor_source, m.granularity, trigger),
                published_at=published_at,
            )
        )
    return events
