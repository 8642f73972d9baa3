"""Extraction: find candidate temporal expressions with the compiled rules and drop false positives.

Every rule of ``resources/rules.tsv`` is compiled once, at import. A match always
starts at a token (a word or a digit run); partial matching works out which rules
can start with which token (and, for frequent starters like "the", which can continue
with the next token), so a scan tries at each token only those rules. These dispatch
tables are worked out once per machine and kept on disk (``dispatch_cache``). The longest match wins (ties: the earlier rule). Context filters
(rule param ``filter=...``, word lists in ``resources/context_words.tsv``) then veto
readings like "1990 tanks", "Theresa May" or "prices fall".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from dateline.temporal.dispatch_cache import DispatchCache, cache_folder
from dateline.temporal.lexicon import (
    BLOCK_WORDS,
    TABLES,
    Rule,
    context_words,
    lookup,
    norm_key,
    read_tsv,
    rules,
    table,
)

__all__ = ["Candidate", "extract", "flush_dispatch_cache"]

# Not inside a word, an amount, a path or a code; "#" only before a word ("#Monday", not "#1"), "@" only
# before a number ("@ 7", "@7pm", not "@monday" the account). After a hyphen only a year closing a range
# ("1990-1995") or a clock time closing an hour range ("5pm-7pm", "5-7pm").
_LEFT = r"(?<!\d:)(?<![\w$\u20ac\u00a3\u00a5/])(?<!\d[.,])(?:(?<![A-Za-z\d]-)|(?<=(?<!\d)\d{4}-)(?=\d{4}(?!\d))|(?:(?<=[ap]m-)|(?<=\b\d-)|(?<=\b\d\d-))(?=(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s?[ap]\.?m\b))(?:(?<!#)|(?=[A-Za-z]))(?:(?<!@)|(?=\d))"
_YEAR_RANGE_NEXT = re.compile(r"[-\u2013]\d{4}(?![\w-])")
_RIGHT = r"(?![\w%]|[.,/:]\d)"
_TOKEN = re.compile(r"[A-Za-z]+|['\u2019]?\d+")
_DIGIT_PROBES = {
    1: ("1", "2", "5", "9"),
    2: ("10", "12", "30", "05", "90"),
    3: ("199", "100"),
    4: ("1990", "2017", "1200", "0830"),
    5: ("12345",),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule match: span, the rule, and its non-empty named groups."""

    start: int
    end: int
    rule: Rule
    groups: dict[str, str]


def _token_key(tok: str) -> str:
    """Dispatch key of a token: the word itself, or a digit shape like ``#4`` / ``'#2``."""
    if tok[0].isalpha():
        return tok
    if tok[0].isdigit():
        return f"#{min(len(tok), 5)}"
    return f"'#{min(len(tok) - 1, 5)}"


_WORD_FOLLOW = (" ", ".", "-", "'", ",", ":", "/", "1", ")")  # what may follow a word token in text


def _vocab_probes(rule_list: tuple[Rule, ...]) -> dict[str, tuple[str, ...]]:
    """Token key -> example strings for it: the words of the tables and rules, and digit shapes."""
    vocab: set[str] = set()
    for name in TABLES:
        for k in table(name):
            vocab.update(w for w in re.split(r"[^A-Za-z]+", k) if w)
    for r in rule_list:
        vocab.update(w.lower() for w in re.findall(r"[A-Za-z]+", r.raw))
    vocab.update(BLOCK_WORDS)
    probes: dict[str, tuple[str, ...]] = {f: (f,) for w in vocab for f in (w, w.upper(), w[:1].upper() + w[1:])}
    for n, reps in _DIGIT_PROBES.items():
        probes[f"#{n}"] = reps
        probes[f"'#{n}"] = tuple("'" + x for x in reps)
    return probes


def _can_start(rx: object, reps: tuple[str, ...], word: bool) -> bool:
    """Whether a match of ``rx`` may begin with one of ``reps`` (as a whole token if ``word``)."""
    for p in reps:
        if not rx.match(p, partial=True):  # type: ignore[attr-defined]
            continue  # cheap test first: cannot even start like this
        if word:
            if rx.fullmatch(p) or any(rx.match(p + c, partial=True) for c in _WORD_FOLLOW):  # type: ignore[attr-defined]
                return True
        elif rx.match(p, partial=True):  # type: ignore[attr-defined]
            return True
    return False


@cache
def _first_rules(key: str) -> tuple[int, ...]:
    """The rules whose match may start with a token of dispatch key ``key`` (none for a token outside the
    grammar's vocabulary).

    Found with the ``regex`` module's partial matching, once per key and machine: the results are kept on
    disk (``dispatch_cache``; worked out for every key at import, this cost each worker a second).
    """
    reps = _PROBES.get(key)
    if reps is None:
        return ()
    known = _DISPATCH.first.get(key)
    if known is None:
        word = key[0].isalpha()
        known = tuple(i for i in range(len(_RULES)) if _can_start(_partial(i), reps, word))
        _DISPATCH.add_first(key, known)
    return known


def _partial(i: int) -> regex.Pattern:
    """Rule ``i`` compiled for partial matching (compiled when first needed: with the dispatch tables on disk,
    a process seldom needs any)."""
    rx = _PARTIAL[i]
    if rx is None:
        rx = _PARTIAL[i] = regex.compile(f"{_LEFT}(?:{_RULES[i].pattern})", regex.IGNORECASE | regex.V0)
    return rx


def _grammar_digest() -> str:
    """What the dispatch tables depend on: the rules, the token probes, this module's code, the regex module."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(regex.__version__.encode())
    for r in _RULES:
        h.update(b"\x00" + r.pattern.encode())
    for k, reps in sorted(_PROBES.items()):
        h.update(("\x01" + k + "\x02" + "\x02".join(reps)).encode())
    return h.hexdigest()


def flush_dispatch_cache() -> None:
    """Write the dispatch tables this process worked out to the disk cache (see ``dispatch_cache``)."""
    _DISPATCH.save()


_RULES = rules()
_RULE_RES = [re.compile(f"{_LEFT}(?:{r.pattern}){_RIGHT}", re.IGNORECASE) for r in _RULES]
_PROBES = _vocab_probes(_RULES)
_PARTIAL: list[regex.Pattern | None] = [None] * len(_RULES)
_DISPATCH = DispatchCache(_grammar_digest(), cache_folder())
_PAIR_MIN = 6  # tokens starting more rules than this are narrowed by the token after them


@cache
def _pair_rules(key: str, sep: str, next_key: str | None) -> tuple[int, ...]:
    """The rules starting at token ``key`` that may continue with ``sep`` + token ``next_key``."""
    known = _DISPATCH.pairs.get((key, sep, next_key))
    if known is not None:
        return known
    firsts = _PROBES[key]
    seconds = _PROBES.get(next_key, ("zqxj",)) if next_key else ("zqxj",)
    word2 = bool(next_key) and next_key[0].isalpha()  # type: ignore[index]
    out = []
    for i in _first_rules(key):
        rx = _partial(i)
        for a in firsts:
            if any(_can_start(rx, (a + sep + b,), word2) for b in seconds):
                out.append(i)
                break
    known = tuple(out)
    _DISPATCH.add_pair((key, sep, next_key), known)
    return known


# --- context filters ---------------------------------------------------------------------------


_words = context_words  # the context word lists, by name


_WORD_BEFORE = re.compile(r"([\w$\u20ac\u00a3#.'\u2019-]+)\W*$")
_ADJ_AFTER = re.compile(r"[ \t]+([A-Za-z][\w'\u2019-]*)")
_DATELINE_AFTER = re.compile(r"\s*\([A-Z][\w .-]*\)\s*(?:--|-|\u2014|_)")
_POSSESSIVE_NEXT = re.compile(r"['\u2019]s[ \t]+([A-Za-z]+)(?:[ \t]+([A-Za-z]+))?")
_OF_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+of[ \t]+$")
_WORD_AFTER = re.compile(r"^\W*?([\w'\u2019-]+)")
_FULL_MONTHS = frozenset(k for k in table("MONTH") if not k.endswith(".") and len(k) > 3) | {"may"}


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return m.group(1).lower() if m else ""


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``start`` opens a sentence (or a quotation): only space after a full stop, a quote mark or nothing."""
    return text[max(0, start - 3) : start].strip()[-1:] in (".", "!", "?", '"', "\u201c", "`", "'", "")


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER.match(text[end : end + 40])
    return m.group(1) if m else ""


_WEEKDAY_CTX = frozenset(r[0].lower() for r in read_tsv("weekdays.tsv") if len(r) > 2 and r[2] == "ctx")
_WEEKDAY_CAP = {r[0].lower(): r[3] for r in read_tsv("weekdays.tsv") if len(r) > 3}
_TIME_AFTER = re.compile(
    r"\s*,?\s*(?:@|at\s+\d{1,2}(?:[:.]\d\d)?(?:\s*[ap]\.?\s?m\b|(?![\d%]|\s*[a-z]))|\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?\s?m\b|\d{1,2}:\d\d|\d{1,2}/\d{1,2}\b|\d{1,2}(?:st|nd|rd|th)\b"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)", re.IGNORECASE)


def _is_date_word(word: str) -> bool:
    """Whether ``word`` is a month, weekday or ordinal ("July Fourth", "June Monday"), not a name."""
    return any(lookup(t, word) is not None for t in ("MONTH", "WEEKDAY", "ORD"))


def _weekday_in_context(text: str, c: Candidate) -> bool:
    """An undotted abbreviation ("sat", "Wed", "SUN") is a day only next to a date word, a time or a cue before it."""
    g = c.groups
    word = (g.get("weekday") or "").lower()
    nxt = _NEXT_WORD.match(text, c.end)
    if nxt and nxt.group(1)[:1].isupper() and (nxt.group(1).lower() in _words("weekday_name_after") or (
            (g.get("pod") or "").istitle() and (g.get("weekday") or "").istitle())):
        return False  # a title: "The Sunday Times", "Monday Night Football", "Saturday Night Live"
    if ((g.get("rel") or "").lower() == "following" and not text[c.start : c.start + 4].lower() == "the "
            and text[c.end : c.end + 2] in ("'s", "\u2019s")):
        return False  # "praised following Tuesday's raid": the preposition, then Tuesday's
    if word.rstrip(".") == "sun" and _word_before(text, c.start) == "the":
        return False  # "orbits the Sun.", "reported by the Sun"
    if word not in _WEEKDAY_CTX:
        return True
    if word == "sun" and _ADJ_AFTER.match(text, c.end) and _ADJ_AFTER.match(text, c.end).group(1)[:1].isupper():  # type: ignore[union-attr]
        return False  # "Following Sun Yat-sen's path"
    if "pod" in g or ("rel" in g and (word != "sun" or g["rel"].lower() in ("next", "nxt", "last", "coming"))):
        return True
    if text[c.start - 1 : c.start] == "#":
        return True  # "#Sat"
    cap = _WEEKDAY_CAP.get(word)
    said = g.get("weekday") or ""
    if cap == "cap" and said[:1].isupper():
        return True  # "see u Fri!!", "THURS": no English word is spelt so
    if cap == "cap_mid" and said[:1].isupper() and said[1:].islower() and not _sentence_start(text, c.start):
        return True  # "party Sat": the verb "Sat" is capitalised only opening a sentence
    before = _word_before(text, c.start)
    if before in _words("subject_pronouns") and said.islower():
        return False  # "we sat at 8", "they wed in June": the verb
    if before in _words("weekday_ok_before") and (word != "sun" or before in _words("sun_ok_before")):
        return True
    if word != "sun" and _word_after(text, c.end).lower() in _words("weekday_ok_after"):
        return True  # "mon was awful", "fri is payday"
    return bool(_TIME_AFTER.match(text, c.end))


_DAY_AT_BEFORE = re.compile(r"([\w'\u2019]+)[ \t]+at[ \t]+$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_PLAIN_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)[ \t]+$")


def _is_day_word(word: str) -> bool:
    """A day or part-of-day word ("tonight", "tmrw", "nite", "Friday"): "<it> at 8" is a clock time."""
    return lookup("DEICTIC", word) is not None or norm_key(word) in table("POD") or word in _WEEKDAY_WORDS


_WEEKDAY_WORDS = frozenset({f for r in read_tsv("weekdays.tsv") for f in (r[0].upper(), r[0][:1].upper() + r[0][1:])}
                           | {r[0].lower() for r in read_tsv("weekdays.tsv") if len(r) > 2 and r[2] == "lc"})


def _ok(text: str, c: Candidate) -> bool:
    f = c.rule.params.get("filter")
    if not f:
        return True
    g = c.groups
    if f == "weekday":
        return _weekday_in_context(text, c)
    if f == "md_lc":  # "march 3", "may 5th", "dec 25": not "march 3 miles", "may 2 be"
        after = _word_after(text, c.end).lower()
        if after in _words("units_after") or after in _words("md_bad_after"):
            return False
        return _weekday_in_context(text, c)
    if f == "year_month_iso":  # "2021-06"; not the season "2010-11" or "1999-00"
        return int(g["month"]) != (int(g["year"]) + 1) % 100
    if f == "numeric_md":  # "on 5/12", "sat 12/5", "5/12 @ 8": not a fraction, score or ratio
        a, b = int(g["na"]), int(g["nb"])
        if not (1 <= a <= 31 and 1 <= b <= 31) or (a > 12 and b > 12) or (a, b) == (24, 7):
            return False  # "24/7" is always
        before = _word_before(text, c.start)
        if before in _words("numeric_ok_before") or before.rstrip(".") in _WEEKDAY_CTX:
            return True
        return bool(re.match(r"\s*(?:@|at\s+\d|\d{1,2}(?::\d\d)?\s*[ap]\.?m\b)", text[c.end : c.end + 12], re.I))
    if f == "holiday":  # "Easter week", "Christmas tree", "Easter Island", "Jermaine Easter": not the day
        if _word_after(text, c.end).lower() in _words("holiday_bad_after"):
            return False
        if "rel" in g:
            return True
        m = _WORD_BEFORE.search(text, max(0, c.start - 40), c.start)
        before = m.group(1) if m else ""
        sentence_start = text[max(0, c.start - 3) : c.start].strip()[-1:] in (".", "!", "?", '"', "\u201c", "")
        low = before.lower().rstrip(",")
        if not before[:1].isupper() or sentence_start or text[c.start - 2 : c.start] == ", " or low.endswith(
                ("'s", "\u2019s")):
            return True  # "Monday, New Year's Day", "London's New Year's Day Parade"
        return low in _words("holiday_ok_before") or low in _words("function_words") or low in table("WEEKDAY")
    if f == "day_of_month":  # "on the 5th", "by the 21st": not "the 5th floor", "the 3rd Division"
        after = _word_after(text, c.end)
        opens_clause = after.lower() in _words("subject_pronouns") or after.lower() in _words("share_of_before")
        return _word_before(text, c.start) in _words("numeric_ok_before") and not (
            after[:1].isalpha() and text[c.end : c.end + 1] == " " and not opens_clause and (
                after.lower() not in _words("function_words") or after.lower() in ("over", "time", "place")))
    if f == "y2k":  # "2k19", not the game "NBA 2K19"
        m = _WORD_BEFORE.search(text, max(0, c.start - 40), c.start)
        return not (m and m.group(1)[:1].isupper() and text[max(0, c.start - 3) : c.start].strip()[-1:] not in ".!?")
    if f == "at_sign":  # "@ 7", "@7": a bare hour after an at sign; "tonight at 8", "Friday at 10"
        if text[max(0, c.start - 2) : c.start].strip() == "@" or text[c.start - 1 : c.start] == "@":
            return True
        m = _DAY_AT_BEFORE.search(text, max(0, c.start - 40), c.start)
        if m is None or not _is_day_word(m.group(1)):
            return False
        nxt = _NEXT_WORD.match(text, c.end)  # "today at 8 locations": a count, not a clock
        return text[c.end : c.end + 1] not in ("%", "-") and (
            nxt is None or nxt.group(1).lower() in _words("function_words") | _words("clock_ok_after"))
    if f == "hour_at":  # "at 7 tonight", "@ 8 tmrw night": not "top 10 tonight"
        return _word_before(text, c.start) in _words("hour_ok_before") or text[max(0, c.start - 2) : c.start].strip() == "@"
    if f == "decade_bare":  # "the 60s": not temperatures ("highs in the 60s") or ages ("in their 60s")
        window = text[max(0, c.start - 60) : c.start].lower()
        return not any(w in _words("decade_bad_near") for w in re.findall(r"[a-z]+", window))
    if f == "year":
        before = _word_before(text, c.start)
        prev_char = text[c.start - 1 : c.start] if c.start else ""
        if prev_char and prev_char in "$\u20ac\u00a3":
            return False
        if before in _words("year_bad_before"):
            return False
        after_raw = _word_after(text, c.end) if text[c.end : c.end + 1].isspace() else ""  # "In 2016, students"
        after = after_raw.lower()
        nxt = text[c.end : c.end + 2]
        if _ZONE_AFTER.match(text, c.end):
            return False  # a clock time in a zone: "(1530 GMT)", "around 1115 GMT"
        street = _STREET_NAME.match(text, c.end)
        if (street and street.group(1).lower().rstrip(".") in _words("street_suffix")
                and before not in _words("month_lc_before")):
            return False  # an address: "at 1900 Main Street", "2000 Pennsylvania Ave."
        if _YEAR_RANGE_NEXT.match(text, c.end):  # "1990-1995": a range of two years
            return True
        if nxt[:1] == "-" or nxt[:1] == "/":  # part of a code or range-ish token like 1990/91 handled elsewhere
            return before in _words("year_ok_before")
        if after in _words("units_after") and before not in _words("month_lc_before"):
            return False  # "1990 tanks"; but "in 2016 people moved", "since 2010 workers have left"
        if before in _words("year_ok_before") or "year" in g:
            return True
        year = int(g["year"])
        if year < 1800 or year > 2100:
            return False
        if after_raw and after_raw[:1].islower() and after.endswith("s") and after not in _words("year_ok_after"):
            return False  # "1990 tanks"
        return True
    if f == "month":
        word = g.get("month", "")
        if "mod" not in g and not word.endswith(".") and word.lower() not in _FULL_MONTHS:
            return False  # bare "Jan", "Oct": more often a name than a month
        before_raw = _WORD_BEFORE.search(text, max(0, c.start - 40), c.start)
        before = before_raw.group(1) if before_raw else ""
        after = _word_after(text, c.end)
        if word.lower() in {"may", "march"}:
            prep = _PLAIN_WORD_BEFORE.search(text, max(0, c.start - 20), c.start)
            after_time_prep = prep is not None and prep.group(1).lower() in _words("month_lc_before")
            if (after.lower() in _words("month_bad_after") and text[c.end : c.end + 1].isspace()
                    and not (after_time_prep and after.lower() not in ("be", "have", "not"))):
                return False  # "May it be", "May God", not "In May, it rose" or "In May the firm cut jobs"
            if "mod" in g:
                return True
            if (word == "March" and before.lower() == "the" and after[:1].islower()
                    and after.lower() not in _words("function_words") and text[c.end : c.end + 1] == " "):
                return True  # "the March accession"; not "the March for Life" ("the May government" is a name)
            if before.lower() not in _words("month_ok_before"):
                # "it's already May!": a capitalised May/March ending its sentence after a lowercase word
                return word[:1].isupper() and before[:1].islower() and text[c.end : c.end + 1] in (".", "!", "?", "")
            nxt = _ADJ_AFTER.match(text, c.end)
            if nxt and nxt.group(1)[:1].isupper():
                return False  # "May Day", "March Madness", name sequences
            return True
        if before[:1].isupper() and before.lower() not in _words("month_ok_before") and not text[
            max(0, c.start - 3) : c.start
        ].strip().endswith((".", '"', "\u201c")):
            return False  # "Theresa May"-like: a capitalised word just before
        nxt = _NEXT_WORD.match(text, c.end)
        if ("mod" not in g and nxt and nxt.group(1)[:1].isupper() and nxt.group(1)[1:2].islower()
                and before.lower() not in _words("month_ok_before") and not _is_date_word(nxt.group(1))):
            return False  # a first name: "June Jordan wrote", "August Wilson's plays", "April Ryan asked"
        return True
    if f == "month_lc":  # "see u in dec", "since march": a lowercase month after a preposition of time
        word = g.get("month", "")
        after = _word_after(text, c.end).lower()
        m = _PLAIN_WORD_BEFORE.search(text, max(0, c.start - 20), c.start)  # "in dec", not "go in, may he"
        return (word.islower() and m is not None and m.group(1).lower() in _words("month_lc_before")
                and not (after in ("be", "have", "not") and text[c.end : c.end + 1].isspace()))  # "in may be"
    if f == "season":
        if "mod" in g:
            return True
        before = _word_before(text, c.start)
        after = _word_after(text, c.end).lower()
        if after == "of":
            return False  # "the fall of the Berlin Wall"
        if after in _words("season_ok_after") and text[c.end : c.end + 1] == " ":
            return True  # "fall semester", "summer break"
        matched = text[c.start : c.end].lower()
        if matched.startswith("the"):
            return before in _words("season_ok_before")
        return before in _words("season_ok_before") and before != "the"
    if f == "the_year":  # "for the year", "of the year": the current year (not "the year ended June 30")
        after = _word_after(text, c.end).lower()
        return _word_before(text, c.start) in ("for", "of", "during", "through", "throughout") and after not in (
            "ended", "ending", "before", "after", "earlier", "ago", "to", "that", "when", "in")
    if f == "generic_day":  # "today's youth", "the people of tomorrow": the age in general, not the day
        if "pod" in g or "mod" in g or lookup("DEICTIC", g.get("deictic", "")) not in ("today", "tomorrow"):
            return True
        generic = _words("generic_era_nouns")
        poss = _POSSESSIVE_NEXT.match(text, c.end)
        if poss:
            return not any(w.lower() in generic for w in poss.groups() if w)
        m = _OF_BEFORE.search(text, max(0, c.start - 40), c.start)
        return not (m and m.group(1).lower() in generic)
    if f == "short_year":  # "back in '98", "since '05"; not a quotation mark before a number
        return _word_before(text, c.start) in _words("month_lc_before") | {"back", "of", "from", "by"}
    if f == "that_month":  # "That August, we drove west", "in that October"; not "he said that May was best"
        return text[c.start : c.start + 4] == "That" or _word_before(text, c.start) in _words("month_lc_before")
    if f == "not_restated":  # "10:35 a.m. (0735 GMT)": the same moment again in another zone (TimeBank leaves it)
        return not _RESTATED_TIME.search(text, max(0, c.start - 16), c.start)
    if f == "after_modal":  # "will one day be", "hopes to one day become"
        return _word_before(text, c.start) in _words("modal")
    if f == "story_opening":  # "One day, he went to the king": a sentence opening with it
        return _sentence_start(text, c.start)
    if f == "ref":  # "Now, he says, ...": a sentence-opening discourse marker, not the present
        word = text[c.start : c.end].lower()
        if word in _words("aspect_after_aux") and _word_before(text, c.start) in _words("aux"):
            return False  # "have recently moved": an aspect adverb in the verb group
        return not (word in _words("discourse_initial") and text[c.end : c.end + 1] == ","
                    and _sentence_start(text, c.start))
    if f == "the_week":  # "For the week, the index fell", "the week's most active session": a week of this year
        # (not the habitual "during the week", nor "the week before/after ...")
        after = _word_after(text, c.end).lower()
        if text[c.end : c.end + 2] in ("'s", "\u2019s"):
            return True
        return _word_before(text, c.start) in ("for", "of", "through", "throughout") and after not in (
            "ended", "ending", "before", "after", "earlier", "ago", "to", "that", "when", "in", "following")
    if f == "dateline":  # "WASHINGTON, August 11 (Xinhua) --": the story's dateline, not content
        return not _DATELINE_AFTER.match(text, c.end)
    if f == "after_quantity":  # "$1.76 a year", "four flights a week", "24 hours a day"
        before = _word_before(text, c.start)
        if before.endswith(".") and not text[c.start].islower():
            return False  # "...on July 3. A week later": a new sentence, not a rate
        return bool(before) and (before[0].isdigit() or before[0] in "$\u20ac\u00a3" or before in _words("rate_before")
                                 or (before.endswith("s") and before not in _words("function_words")))
    if f == "set_adv":  # "daily flights", "quarterly dividend": adjectives, not sets
        after = _word_after(text, c.end)
        return not (after[:1].islower() and after not in _words("function_words") and text[c.end : c.end + 1] == " ")
    if f == "duration":
        unit = g.get("unit", "")
        if unit[:1].isupper() and not unit.isupper() and g.get("num", "")[:1].isdigit() and not text[
                max(0, c.start - 3) : c.start].strip().endswith((".", "!", "?")) and c.start > 0:
            return False  # a title: "60 Minutes", "28 Days Later"
        if text[c.end : c.end + 1] == "-" and text[c.end + 1 : c.end + 2].isalpha():
            return False  # "a year-earlier loss", "two year-old"
        name = _NAME_WORD.match(text, c.end)
        if name and unit[:1].isupper() and name.group(1).lower() in _words("period_name_after"):
            return False  # a name: "the Hundred Years' War", "the Six-Day War"
        after = _word_after(text, c.end).lower()
        if after == "old" or text[c.end : c.end + 4] == "-old":
            return False  # ages: "52 years old"
        if (unit.lower() == "day" and after in _words("day_compound_after") and text[c.end : c.end + 1] == " "
                and "-" not in text[c.start : c.end]):
            return False  # a compound noun: "a day trader", "a day trip" (not the duration in "a one-day trip")
        share = _OF_WORD.match(text, c.end)
        if unit.lower() in ("quarter", "quarters") and share and share.group(1).lower() in _words("share_of_before"):
            return False  # a share: "a quarter of the vote", "three quarters of its members"; not "two quarters of growth"
        if g.get("num", "").lower() in ("a", "an") and g.get("unit", "").lower() == "second":
            return after in ("later", "earlier", "ago", "") or not text[c.end : c.end + 2].strip()[:1].isalpha()
        return True
    if f == "bare_duration":
        if "rel" in g:
            return True
        return _word_before(text, c.start) in _words("dur_ok_before")
    return True


_ZONE_AFTER = re.compile(r"\s+(?:GMT|UTC|EST|EDT|CST|CDT|PST|PDT|CET|BST|local time)\b")
_STREET_NAME = re.compile(r"\s+(?:[A-Z][a-z]+\.?\s+){1,3}([A-Z][a-z]+\.?)")
_RESTATED_TIME = re.compile(r"(?:[ap]\.?m\.?|\d:\d\d)\s*\($", re.IGNORECASE)
_OF_WORD = re.compile(r"\s+of\s+([A-Za-z]+)")
_NAME_WORD = re.compile(r"['\u2019]?\s+([A-Z][a-z]+)")
_OPEN_QUOTE = ('"', "`", "\u201c")
_POSSESSIVE_BEFORE = re.compile(r"(?:\w['\u2019]s|s['\u2019]) ?(?:``|[\"\u201c])$")
_TITLE_GOES_ON = re.compile(r"[,.!?]?(?:[\"'\u201d]| [A-Z])")


def _quoted_title(text: str, start: int, end: int) -> bool:
    """A quoted Title-Case name after a possessive: ABC's "This Week," / "This Week With David Brinkley" (a show)."""
    if text[start - 1 : start] not in _OPEN_QUOTE or not _POSSESSIVE_BEFORE.search(text, max(0, start - 8), start):
        return False
    words = text[start:end].split()
    return (len(words) > 1 and all(w[:1].isupper() for w in words) and not text[start:end].isupper()
            and bool(_TITLE_GOES_ON.match(text, end)))


_QUOTED_DIGIT = re.compile("['\u2019]\\d")


class _Tok:
    """A token that is not a regex match (the digits of "'89"), with the match methods extract() uses."""

    __slots__ = ("_s", "_e", "_g")

    def __init__(self, start: int, end: int, group: str) -> None:
        self._s, self._e, self._g = start, end, group

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e

    def group(self) -> str:
        return self._g


def extract(text: str) -> list[Candidate]:
    """Non-overlapping candidates in ``text``, in order, after the context filters.

    At each token that can start a rule, every such rule is tried; the longest match
    wins (ties: the earlier rule), unless its context filter vetoes it, in which case
    the next best is taken.
    """
    out: list[Candidate] = []
    pos = 0
    first = _first_rules
    res = _RULE_RES
    tokens: list = list(_TOKEN.finditer(text))
    if _QUOTED_DIGIT.search(text):  # "'89" is a token, and so is the "89" in it ("'4pm" quoted)
        tokens = [t for m in tokens for t in ((m, _Tok(m.start() + 1, m.end(), m.group()[1:]))
                                              if m.group()[0] in "'\u2019" else (m,))]
    for ti, tm in enumerate(tokens):
        s = tm.start()
        if s < pos:
            continue
        tm_end = tm.end()
        key = _token_key(tm.group())
        idxs = first(key)
        if not idxs:
            continue
        if len(idxs) > _PAIR_MIN:
            nxt = tokens[ti + 1] if ti + 1 < len(tokens) else None
            if nxt is not None and nxt.start() < tm_end:  # the digits inside "'89"
                nxt = tokens[ti + 2] if ti + 2 < len(tokens) else None
            if nxt is None:
                sep, nkey = " ", None
            else:
                sep = text[tm_end : nxt.start()]
                sep = " " if (not sep.strip() and sep) or len(sep) > 3 else sep
                nkey = _token_key(nxt.group())
                if nkey not in _PROBES:
                    nkey = None
            idxs = _pair_rules(key, sep, nkey)
            if not idxs:
                continue
        found: list[tuple[int, int, re.Match[str]]] = []
        for i in idxs:
            m = res[i].match(text, s)
            if m is not None:
                found.append((-m.end(), i, m))
        if not found:
            continue
        if len(found) > 1:
            found.sort(key=lambda t: (t[0], t[1]))
        for _, i, m in found:
            cand = Candidate(s, m.end(), _RULES[i], {k: v for k, v in m.groupdict().items() if v})
            if _ok(text, cand) and not _quoted_title(text, s, m.end()):
                out.append(cand)
                pos = m.end()
                break
    return out
