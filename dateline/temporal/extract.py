"""Extraction: find candidate temporal expressions with the compiled rules and drop false positives.

All rules of ``resources/rules.tsv`` are compiled once, at import, into one alternation
(each rule a named group, its inner groups renamed ``r<i>_<name>``); a scan returns the
leftmost match, and at one start the earliest rule in the file wins. Context filters
(rule param ``filter=...``) then veto readings like "1990 tanks", "Theresa May" or
"prices fall".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateline.temporal.lexicon import Rule, rules

__all__ = ["Candidate", "extract"]

_LEFT = r"(?<![\w$\u20ac\u00a3\u00a5#@/])(?<!\d[.,])(?<![A-Za-z]-)"
_RIGHT = r"(?![\w%]|[.,/:]\d)"
_GROUP_RE = re.compile(r"\(\?P<([a-z_0-9]+)>")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule match: span, the rule, and its non-empty named groups."""

    start: int
    end: int
    rule: Rule
    groups: dict[str, str]


def _compile(rule_list: tuple[Rule, ...]) -> tuple[re.Pattern[str], list[tuple[Rule, str, list[str]]]]:
    parts = []
    meta = []
    for i, r in enumerate(rule_list):
        prefix = f"r{i}_"
        names = _GROUP_RE.findall(r.pattern)
        body = _GROUP_RE.sub(lambda m, p=prefix: f"(?P<{p}{m.group(1)}>", r.pattern)
        parts.append(f"(?P<R{i}>{_LEFT}(?:{body}){_RIGHT})")
        meta.append((r, prefix, names))
    return re.compile("|".join(parts), re.IGNORECASE), meta


_PATTERN, _META = _compile(rules())

# --- context filters ---------------------------------------------------------------------------

_WORD_BEFORE = re.compile(r"([\w$\u20ac\u00a3#.'\u2019-]+)\W*$")
_WORD_AFTER = re.compile(r"^\W*?([\w'\u2019-]+)")

_YEAR_OK_BEFORE = {
    "in", "since", "of", "by", "until", "till", "from", "to", "before", "after", "during", "through",
    "throughout", "and", "or", "fiscal", "year", "early", "late", "mid", "between", "as", "for", "circa",
    "c.", "around", "spring", "summer", "autumn", "fall", "winter", "than", "about", "end", "start",
    "beginning", "middle", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "the", "that", "each", "every", "at", "on", "its",
    "their", "his", "her", "our", "this", "last", "next", "mid-", "(", "\u2013", "-",
}
_YEAR_BAD_BEFORE = {"no.", "no", "number", "flight", "route", "page", "pages", "room", "rooms", "vol.",
                    "section", "article", "chapter", "model", "$", "us$", "rs", "rs.", "code", "tel",
                    "tel.", "phone", "fax", "id", "#", "p.", "pp.", "highway", "interstate", "suite",
                    "apt.", "box", "bus", "channel", "cell", "district", "precinct", "zip"}
_YEAR_OK_AFTER = {"was", "is", "were", "are", "will", "had", "has", "have", "saw", "marked", "and", "or",
                  "to", "when", "as", "after", "before", "levels", "figures", "results", "elections",
                  "election", "budget", "season", "olympics", "census", "law", "act", "games", "cup",
                  "world", "presidential", "earnings", "sales", "numbers", "rates", "prices",
                  "period", "quarter", "first", "second", "third", "fourth", "fiscal", "high", "low",
                  "peak", "crisis", "war", "summit", "campaign", "model", "models", "version", "edition",
                  "film", "movie", "album", "book", "report", "study", "survey", "agreement", "accord",
                  "treaty", "deal", "contract", "plan", "forecast", "estimate", "estimates", "target",
                  "targets", "total", "totals", "level", "figure", "data", "output", "revenue",
                  "revenues", "profit", "profits", "loss", "losses", "growth", "rate", "price",
                  "because", "but", "so", "the", "a", "an", "that", "this", "it", "he", "she", "they",
                  "we", "i", "you", "there", "his", "her", "their", "its", "in", "on", "at", "by", "for",
                  "with", "from", "of", "until", "since", "through", "during", "into", "amid", "s"}
_UNITS_AFTER = {"people", "persons", "men", "women", "children", "troops", "soldiers", "tanks", "cars",
                "vehicles", "shares", "points", "yards", "feet", "foot", "meters", "metres", "miles",
                "kilometers", "kilometres", "km", "kg", "tons", "tonnes", "pounds", "dollars", "euros",
                "yuan", "yen", "barrels", "units", "jobs", "votes", "seats", "homes", "houses", "acres",
                "hectares", "times", "rounds", "calories", "employees", "workers", "students", "members",
                "cases", "deaths", "victims", "residents", "refugees", "copies", "pieces", "items",
                "words", "characters", "pages", "lines", "hours", "minutes", "seconds", "days", "weeks",
                "months", "years", "degrees", "percent", "per", "m", "ft", "mph", "kph", "mw", "kw",
                "hp", "cc", "ml", "l", "g", "mg", "lb", "lbs", "oz"}

_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"}
_MONTH_BAD_AFTER = {"i", "we", "you", "he", "she", "it", "they", "god", "the", "be", "have", "not"}
_MONTH_OK_BEFORE = {
    "in", "on", "since", "by", "until", "till", "from", "to", "before", "after", "during", "through",
    "throughout", "of", "early", "late", "mid", "mid-", "last", "next", "this", "and", "or", "between",
    "for", "each", "every", "as", "that", "(", ",", "around", "about", "starting", "beginning", "ending", "end", "late-", "early-", "into",
}
_SEASON_OK_BEFORE = {
    "in", "during", "by", "until", "till", "through", "throughout", "over", "since", "this", "last", "next",
    "each", "every", "early", "late", "mid", "the", "that", "before", "after", "for", "of", "into",
    "past", "coming", "upcoming", "following", "previous",
}
_DUR_OK_BEFORE = {"for", "in", "within", "over", "after", "take", "takes", "took", "taken", "last",
                  "lasted", "lasts", "spent", "spend", "spending", "nearly", "almost", "about", "some",
                  "past", "recent", "coming", "few", "several", "many", "of", "than"}


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return m.group(1).lower() if m else ""


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER.match(text[end : end + 40])
    return m.group(1) if m else ""


def _ok(text: str, c: Candidate) -> bool:
    f = c.rule.params.get("filter")
    if not f:
        return True
    g = c.groups
    if f == "year":
        before = _word_before(text, c.start)
        prev_char = text[c.start - 1 : c.start] if c.start else ""
        if prev_char in "$\u20ac\u00a3":
            return False
        if before in _YEAR_BAD_BEFORE:
            return False
        after_raw = _word_after(text, c.end)
        after = after_raw.lower()
        nxt = text[c.end : c.end + 2]
        if nxt[:1] == "-" or nxt[:1] == "/":  # part of a code or range-ish token like 1990/91 handled elsewhere
            return before in _YEAR_OK_BEFORE
        if after in _UNITS_AFTER:
            return False
        if before in _YEAR_OK_BEFORE or "year" in g:
            return True
        year = int(g["year"])
        if year < 1800 or year > 2100:
            return False
        if after_raw and after_raw[:1].islower() and after.endswith("s") and after not in _YEAR_OK_AFTER:
            return False  # "1990 tanks"
        return True
    if f == "month":
        word = g.get("month", "")
        if "mod" not in g and not word.endswith(".") and word.lower() not in _FULL_MONTHS:
            return False  # bare "Jan", "Oct": more often a name than a month
        before_raw = _WORD_BEFORE.search(text, max(0, c.start - 40), c.start)
        before = before_raw.group(1) if before_raw else ""
        after = _word_after(text, c.end)
        if after.lower() in _MONTH_BAD_AFTER:
            return False
        if word.lower() in {"may", "march"}:
            if "mod" in g:
                return True
            if before.lower() not in _MONTH_OK_BEFORE:
                return False
            if after[:1].isupper() and after.lower() not in {"and", "or"}:
                return False  # "May Day", "March Madness", name sequences
            return True
        if before[:1].isupper() and before.lower() not in _MONTH_OK_BEFORE and not text[
            max(0, c.start - 3) : c.start
        ].strip().endswith((".", '"', "\u201c")):
            return False  # "Theresa May"-like: a capitalised word just before
        return True
    if f == "season":
        if "mod" in g:
            return True
        before = _word_before(text, c.start)
        after = _word_after(text, c.end).lower()
        if after == "of":
            return False  # "the fall of the Berlin Wall"
        matched = text[c.start : c.end].lower()
        if matched.startswith("the"):
            return before in _SEASON_OK_BEFORE
        return before in _SEASON_OK_BEFORE and before != "the"
    if f == "bare_duration":
        if "rel" in g:
            return True
        return _word_before(text, c.start) in _DUR_OK_BEFORE
    return True


def extract(text: str) -> list[Candidate]:
    """Non-overlapping candidates in ``text``, in order, after the context filters."""
    out: list[Candidate] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _PATTERN.search(text, pos)
        if m is None:
            break
        idx = int(m.lastgroup[1:]) if m.lastgroup else -1
        rule, prefix, names = _META[idx]
        gd = m.groupdict()
        groups = {name: gd[prefix + name] for name in names if gd.get(prefix + name)}
        cand = Candidate(m.start(), m.end(), rule, groups)
        if _ok(text, cand):
            out.append(cand)
            pos = m.end()
        else:
            # retry just after this start so a shorter reading (or a later rule) can still match
            pos = m.start() + 1
    return out
