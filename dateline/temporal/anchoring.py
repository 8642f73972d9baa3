"""Anchoring: the tense around a mention and the reference date of a document without one.

Tense decides which way an underspecified date points ("met on Monday" -> the
preceding Monday, "will meet on Monday" -> the following one). It is read from cue
words (``resources/tense_cues.tsv``) and regular past-tense forms in the mention's
sentence, nearest cue first.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import NamedTuple

from dateline.temporal.lexicon import context_words, norm_key, read_tsv
from dateline.temporal.resolve import Ref, Resolved
from dateline.temporal.timex import granularity_of, interval_of

__all__ = ["Cue", "tense_at", "tense_and_cue", "is_deadline", "is_firm", "infer_ref", "sentence_bounds"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")


_DEADLINE_REACH = 3  # words before a date that may mark it as a deadline ("due on", "a deadline of")


@cache
def _cues() -> dict[str, str]:
    return {norm_key(r[0]): r[1] for r in read_tsv("tense_cues.tsv")}


_ABBREV = frozenset(
    "mr mrs ms dr st jr sr vs gen sen rep gov col lt sgt capt maj no inc co corp ltd bros dept univ prof "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "a.m p.m u.s u.n u.k e.g i.e".split()
)
_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_boundary(text: str, k: int) -> bool:
    """Whether the ``". "`` at ``k`` ends a sentence (not "vs. ", "Mr. ", "a.m. ", an initial "J. ")."""
    m = _BEFORE_DOT.search(text, max(0, k - 12), k)
    if not m:
        return True
    w = m.group(1).lower()
    return not (w in _ABBREV or (len(w) == 1 and text[k - 1].isupper()))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The [start, end) offsets of the sentence holding the span ``start``..``end`` of ``text``."""
    lo = max(text.rfind("\n", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    k = text.rfind(". ", 0, start)
    while k > lo and not _is_boundary(text, k):
        k = text.rfind(". ", 0, k)
    lo = 0 if max(lo, k) < 0 else max(lo, k) + 1
    hi = len(text)
    for sep in ("\n", "? ", "! "):
        k = text.find(sep, end)
        if 0 <= k < hi:
            hi = k
    k = text.find(". ", end)
    while 0 <= k < hi and not _is_boundary(text, k):
        k = text.find(". ", k + 1)
    if 0 <= k < hi:
        hi = k
    return lo, hi


_QUOTE = re.compile(r"``|''|[\"\u201c\u201d]")


def _quoted(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Quoted stretches of ``text[lo:hi]`` (marks paired in order; an unclosed quote runs to ``hi``)."""
    marks = [m for m in _QUOTE.finditer(text, lo, hi)]
    out: list[tuple[int, int]] = []
    for k in range(0, len(marks), 2):
        a = marks[k].end()
        b = marks[k + 1].start() if k + 1 < len(marks) else hi
        if marks[k].group() in ("\u201d", "''") and k + 1 >= len(marks):
            out.append((lo, marks[k].start()))  # the sentence starts inside a quote opened earlier
            continue
        out.append((a, b))
    return out


_FUTURE_WEIGHT = 0.5  # a future cue at distance d competes like a past cue at d/2
_REPORTING = r"(?:said|says|say|told|tells|announced|announces|added|stated|reported|declared|insisted|warned|noted)"
_LATER_CLAUSE = re.compile(rf"\b(?:that|which|who|whom|whose|because|although|while|but|{_REPORTING})\b|[,;:\"\u201c\u201d]"
                           r"|``|''", re.IGNORECASE)
_REPORTED_BEFORE = re.compile(rf"\b{_REPORTING}\b(?:[ \t]+[\w.'-]+){{0,4}}[ \t]+(?:on|in|late|early)?[ \t]*$",
                              re.IGNORECASE)
_LATER_CLAUSE_WEIGHT = 4.0  # a cue in a clause after the date's own counts as if four times as far


def tense_at(text: str, start: int, end: int) -> str | None:
    """``"past"``, ``"future"``, ``"present"`` or None: the nearest tense cue to ``text[start:end]`` in its sentence.

    See :func:`tense_and_cue`, which also gives the cue's span.
    """
    return tense_and_cue(text, start, end)[0]


class Cue(NamedTuple):
    """The word that decided a tense: its span, and whether it was only guessed from an -ed ending."""

    start: int
    end: int
    guessed: bool


_FIRM_GAP = re.compile(r"[^\W\d_]+(?:['\u2019][a-z]+)?")
_FIRM_MAX_WORDS = 5
_FIRM_MAX_WORDS_GUESSED = 1  # "resigned in February"; not "an unspecified date in January"
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\"\u201c\u201d]|``|''")


def is_deadline(text: str, start: int) -> bool:
    """Whether the date at ``start`` is named as a limit ("by 2025", "extended to Nov. 20", "due on", "a deadline
    of"): one of the few words before it is in ``context_words.tsv`` list ``deadline_before``."""
    near = _WORD.findall(text, max(0, start - 40), start)[-_DEADLINE_REACH:]
    return any(w.lower() in context_words("deadline_before") for w in near)


def _clause_after(text: str, lo: int, start: int, end: int) -> int:
    """Where the words after ``text[start:end]`` begin: past its comma when it opens its sentence ("On Monday,
    the president said ..."), else at ``end``; ``lo`` is the sentence's start."""
    if len(text[lo:start].split()) <= 1 and text[end:].lstrip().startswith(","):
        return text.index(",", end) + 1
    return end


def is_firm(text: str, cue: Cue | None, start: int, end: int) -> bool:
    """Whether the tense cue ``cue`` governs ``text[start:end]`` beyond doubt: in the same clause (no comma,
    colon, dash or quote between) with at most five words between ("will open in January", "fell sharply in
    March", "expects to close the deal in May"); a verb known only by its -ed ending must stand right before
    ("resigned in February"). Not "announced an agreement to acquire the bank, Ill., in January", nor a
    deadline ("extended to Nov. 20", "completed by Dec. 15").
    """
    if cue is None or is_deadline(text, start):
        return False  # "extended to Nov. 20", "a deadline of Jan. 14": a deadline, wherever the verb points
    if cue.end <= start:
        gap = text[cue.end : start]
    else:  # "On Oct. 3, police arrested two men": a fronted date scopes the clause after its comma
        gap = text[_clause_after(text, sentence_bounds(text, start, end)[0], start, end) : cue.start]
    limit = _FIRM_MAX_WORDS_GUESSED if cue.guessed else _FIRM_MAX_WORDS
    return not _CLAUSE_BREAK.search(gap) and len(_FIRM_GAP.findall(gap)) <= limit


def tense_and_cue(text: str, start: int, end: int) -> tuple[str | None, Cue | None]:
    """The tense of :func:`tense_at` and the span of the cue word that decided it (None without one).

    Two-word cues win over one-word ones; a two-word cue marked ``none`` ("next to")
    silences both words; a cue marked ``future@`` counts only right before the mention
    ("effective Feb. 1"). A future cue right after a past-perfect "had" ("had been
    scheduled to expire") reads past; a past form right after a future cue ("will be
    held") reads future.
    """
    lo, hi = sentence_bounds(text, start, end)
    quotes = _quoted(text, lo, hi)
    inside = next(((a, b) for a, b in quotes if a <= start and end <= b), None)
    if inside is not None:  # a date inside a quotation takes the quotation's tense, not "..., he said"
        lo, hi = inside
        quotes = []
    cues = _cues()
    best: tuple[float, str] | None = None
    best_cue: Cue | None = None
    # "announced on Monday it would ...": a reporting verb just before the date governs it, not the clause after;
    # "On Monday, the president said he will ...": a fronted date's comma opens its own clause, not a later one
    reported = _REPORTED_BEFORE.search(text, max(lo, start - 60), start) is not None
    after_from = _clause_after(text, lo, start, end)
    words = [(m.group().lower().replace("\u2019", "'"), m) for m in _WORD.finditer(text, lo, hi)
             if not any(a <= m.start() < b for a, b in quotes)]
    prev = ""
    last_future = -10  # token index of the last future cue: "will be held" is future, not past
    last_had = -10  # token index of the last "had": "had been due to expire" is past
    best_word = ""
    for k, (w, m) in enumerate(words):
        if start <= m.start() < end:
            prev = w
            continue
        if k + 1 < len(words) and cues.get(f"{w} {words[k + 1][0]}") == "none":
            prev = w
            continue
        t = cues.get(f"{prev} {w}") or cues.get(w)
        prev = w
        if t is None and "'" in w:
            t = cues.get(w[w.index("'") :])
        guessed = t is None
        if t is None and len(w) > 4 and w.endswith("ed") and w not in context_words("not_past"):
            t = "past"
        if t is not None and t.endswith("@"):  # a cue only right before the mention: "effective Feb. 1"
            t = t[:-1] if m.end() <= start and not text[m.end() : start].strip() else None
        if t is None or t == "none":
            continue
        if w == "had" or w == "hadn't":
            last_had = k
        if t == "future" and k - last_had <= 3:
            t = "past"
        elif t == "future":
            last_future = k
        elif t == "past" and k - last_future <= 3:
            t = "future"
        dist: float = start - m.end() if m.end() <= start else (m.start() - end) + 1
        if t == "future":
            dist *= _FUTURE_WEIGHT
        if m.start() >= end and (reported or _LATER_CLAUSE.search(text, after_from, m.start())):
            dist *= _LATER_CLAUSE_WEIGHT  # "told ABC Tuesday that forces will be ready": the reporting verb governs
        if best is None or dist < best[0]:
            best = (dist, t)
            best_word = w
            best_cue = Cue(m.start(), m.end(), guessed)
    if best is not None and best_word in _UNTIL and any(w in ("had", "hadn't") for w, _ in words):
        # "Until Thursday, they had not called him a suspect", "had filed reports by Wednesday": a limit in the past
        return "past", None
    return (best[1], best_cue) if best else (None, None)


_UNTIL = frozenset(("until", "till", "by"))


def infer_ref(resolved: list[Resolved]) -> Ref | None:
    """Reference date of an undated text: its latest absolute day/month date, unless an absolute year
    later than that date's year is named ("in March 2016 ... in 2017": 2017), then that year.

    A text is written no earlier than the latest date it names, and a year is a coarser
    but later lower bound than an earlier month.
    """
    best_fine: date | None = None
    fine_gran = "day"
    best_year: date | None = None
    for r in resolved:
        if r.anchor_source != "absolute" or r.type not in ("DATE", "TIME"):
            continue
        gran = granularity_of(r.value)
        iv = interval_of(r.value)
        if iv is None or gran is None:
            continue
        if gran in ("day", "time", "month"):
            if best_fine is None or iv[0] > best_fine:
                best_fine = iv[0]
                fine_gran = "month" if gran == "month" else "day"
        elif gran == "year":
            if best_year is None or iv[0] > best_year:
                best_year = iv[0]
    if best_fine is not None and (best_year is None or best_year.year <= best_fine.year):
        return Ref(best_fine, fine_gran, "inferred")
    if best_year is not None:
        return Ref(best_year, "year", "inferred")
    return None
