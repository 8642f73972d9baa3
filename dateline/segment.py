"""Sentence and clause segmentation with character offsets (rule-based, no model).

Sentences end at ``.``/``!``/``?`` (unless the period closes an abbreviation or
an initial) and at paragraph breaks. Clauses are the comma/semicolon/dash
segments of a sentence, with verbless segments (appositions, openers) merged
into the clause they belong to.
"""

from __future__ import annotations

import re

from dateline.lexicon import word_set, word_table

Span = tuple[int, int]

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n\s*\n")
_NEXT_START = re.compile(r"\s*[\"'“‘(\[]?[A-Z0-9]")
_PREV_TOKEN = re.compile(r"([\w.’']+)[.!?]*[\"'”’)\]]*$")
_CLAUSE_BREAK = re.compile(r"\s*(?:;|:|,|\s[—–]\s|\s--\s|—)\s*")
_WORD = re.compile(r"[A-Za-z’']+")


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _PREV_TOKEN.search(text, max(0, dot - 40), dot + 1)
    if not m:
        return False
    token = m.group(1).rstrip(".").lower()
    if len(token) == 1 and token.isalpha():  # an initial: "George W. Bush"
        return True
    return token in word_set("abbreviations.txt")


def split_sentences(text: str) -> list[Span]:
    """Character spans of the sentences of ``text``, in order, whitespace-trimmed."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if not m.group().startswith("\n"):
            closed = len(m.group()) > 1 and m.group()[-1] in "\"'”’)]"
            if text[m.start()] == "." and not closed and _is_abbreviation(text, m.start()):
                continue
            if not _NEXT_START.match(text, end):
                continue
        span = _strip(text, start, end)
        if span:
            spans.append(span)
        start = end
    tail = _strip(text, start, len(text))
    if tail:
        spans.append(tail)
    return spans


def verb_class(token: str) -> str | None:
    """``past``/``present``/``participle``/``aux_*`` for a verb-like token, else ``None``."""
    low = token.lower()
    known = word_table("verbs.txt").get(low)
    if known:
        return known
    if len(low) > 4 and low.endswith("ed"):
        return "past"
    if len(low) > 5 and low.endswith("ing") and low not in word_set("not_verbs.txt"):
        return "participle"
    return None


def has_verb(text: str) -> bool:
    return any(
        verb_class(w) is not None and (w[0].islower() or i == 0)
        for i, w in enumerate(_WORD.findall(text))
    )


def _first_word(text: str) -> str:
    m = _WORD.search(text)
    return m.group().lower() if m else ""


def split_clauses(text: str, sentence: Span) -> list[Span]:
    """Clause spans inside ``sentence``; every verbless segment joins a neighbour."""
    s_start, s_end = sentence
    segments: list[Span] = []
    pos = s_start
    for m in _CLAUSE_BREAK.finditer(text, s_start, s_end):
        if m.start() <= pos:
            continue
        segments.append((pos, m.start()))
        pos = m.end()
    if pos < s_end:
        segments.append((pos, s_end))
    segments = [s for s in (_strip(text, a, b) for a, b in segments) if s]
    if not segments:
        return [sentence]
    clauses: list[Span] = []
    pending: Span | None = None
    for seg in segments:
        if pending is not None:
            seg = (pending[0], seg[1])
            pending = None
        seg_text = text[seg[0]:seg[1]]
        if has_verb(seg_text):
            clauses.append(seg)
        elif clauses and _first_word(seg_text) in word_set("trailing_modifiers.txt"):
            clauses[-1] = (clauses[-1][0], seg[1])
        else:
            pending = seg
    if pending is not None:
        if clauses:
            clauses[-1] = (clauses[-1][0], pending[1])
        else:
            clauses.append(pending)
    return clauses


def containing(spans: list[Span], start: int, end: int) -> Span | None:
    """The span that contains ``[start, end)``, else the one that overlaps it most."""
    best, best_overlap = None, 0
    for a, b in spans:
        if a <= start and end <= b:
            return (a, b)
        overlap = min(b, end) - max(a, start)
        if overlap > best_overlap:
            best, best_overlap = (a, b), overlap
    return best
