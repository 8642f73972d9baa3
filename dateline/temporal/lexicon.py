"""Language resources of the temporal tagger: word->value tables and rule patterns, loaded once.

Everything language-specific lives in ``dateline/temporal/resources/`` as TSV:
tables map words to values (``months.tsv``: ``January -> 1``) and ``rules.tsv``
lists the extraction rules whose patterns refer to the tables as ``%NAME`` macros.
Adding a phrase is an edit to a table, not to code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RESOURCES = Path(__file__).with_name("resources")

# table name -> (file, case-sensitive?)  Cased tables match only Title / UPPER case forms,
# so "may" (verb), "march" (noun) and "sun" never read as dates.
TABLES: dict[str, tuple[str, bool] | tuple[str, bool, int, str]] = {
    "MONTH": ("months.tsv", True),
    "WEEKDAY": ("weekdays.tsv", True, 2, "!ctx"),
    "WEEKDAYX": ("weekdays.tsv", True),  # also "sat", "wed", "sun": only where context makes them days
    "MONTHD": ("months.tsv", False),  # any case ("may", "march", "dec"): only right before a day number or year
    "DEICTIC": ("deictics.tsv", False),
    "DAYDEICTIC": ("deictics.tsv", False, 1, "today yesterday tomorrow"),
    "NUMWORD": ("numbers.tsv", False),
    "ORD": ("ordinals.tsv", False),
    "UNIT": ("units.tsv", False),
    "SEASON": ("seasons.tsv", False),
    "POD": ("parts_of_day.tsv", False),
    "REF": ("references.tsv", False),
    "MOD": ("modifiers.tsv", False),
    "DMOD": ("modifiers.tsv", False, 2, "d b"),
    "QMOD": ("modifiers.tsv", False, 2, "q b"),
    "DECWORD": ("decades.tsv", False),
    "SETADV": ("set_adverbs.tsv", False),
    "HOLIDAY": ("holidays.tsv", False),
    "RELATION": ("relations.tsv", False),
}


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a resource TSV, without comments and blank lines (fields keep inner spaces)."""
    rows = []
    for line in (RESOURCES / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


@cache
def context_words(name: str) -> frozenset[str]:
    """Context word list ``name`` from ``resources/context_words.tsv`` (first column the list, second the word)."""
    return frozenset(row[1] for row in read_tsv("context_words.tsv") if row[0] == name)


@cache
def table(name: str) -> dict[str, list[str]]:
    """Table ``name`` (e.g. ``"MONTH"``) as ``{lowercased key: [value, ...]}``."""
    fname = TABLES[name][0]
    out: dict[str, list[str]] = {}
    for row in read_tsv(fname):
        out.setdefault(norm_key(row[0]), row[1:])
    return out


def lookup(name: str, key: str) -> str | None:
    """First value column of ``key`` in table ``name`` (key normalised like the table's keys)."""
    row = table(name).get(norm_key(key))
    return row[0] if row else None


def norm_key(s: str) -> str:
    """Normalise a matched phrase for table lookup: lowercase, single spaces, unified apostrophes."""
    return " ".join(s.replace("\u2019", "'").lower().split())


@cache
def macro(name: str) -> str:
    """Regex alternation (non-capturing) of the keys of table ``name``, longest first."""
    spec = TABLES[name]
    fname, cased = spec[0], spec[1]
    rows = read_tsv(fname)
    if len(spec) == 4:
        col, allowed = spec[2], spec[3]  # type: ignore[misc]
        if allowed.startswith("!"):  # "!ctx": every row except those marked ctx
            rows = [r for r in rows if not (len(r) > col and r[col] in allowed[1:].split())]
        else:
            rows = [r for r in rows if len(r) > col and r[col] in allowed.split()]
    keys = [row[0] for row in rows]
    if cased:
        forms = {f for k in keys for f in (k, k.upper(), k[:1].upper() + k[1:])}
        forms |= {row[0].lower() for row in rows if len(row) > 2 and row[2] in ("lc", "ctx")}
        return f"(?-i:{trie_regex(forms)})"
    return f"(?:{trie_regex({k.lower() for k in keys})})"


def _char_regex(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch in "'\u2019":
        return "['\u2019]"
    return re.escape(ch)


def trie_regex(phrases: set[str]) -> str:
    """A regex matching exactly ``phrases``, factored as a character trie (longest alternative first).

    Python's ``re`` tries alternations one by one; a trie makes a 90-word table cost a
    handful of character tests per position instead of 90.
    """
    trie: dict = {}
    for p in phrases:
        node = trie
        for ch in p.replace("\u2019", "'"):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [_char_regex(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        if len(alts) == 1 and not end:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if end else "")

    return emit(trie)


# Fixed building blocks (not tables).
BLOCKS: dict[str, str] = {
    "YEAR4": r"(?:1[0-9]\d\d|20\d\d|21\d\d)",
    "DAYNUM": r"(?:[12]\d|3[01]|0?[1-9])",
    "DSUF": r"(?:st|nd|rd|th)?",
    "TZ": r"(?-i:(?:[ECMP][SD]T|GMT|UTC|ET|CT|PT))",
    "AMPM": r"(?:[ap]\.\s?m\.|[ap]m\b|[AP]M\b)",
    "SPOKENYEAR": r"(?:nineteen[- ]%NUMWORD(?:[- ]%NUMWORD)?|two thousand(?: and)?(?: %NUMWORD(?:[- ]%NUMWORD)?)?)",
}

# Words the building blocks can match (they are regexes, not tables): the extraction
# dispatcher must know them as possible tokens.
BLOCK_WORDS = ("a", "p", "m", "am", "pm", "st", "nd", "rd", "th", "est", "edt", "cst", "cdt", "mst", "mdt", "pst",
               "pdt", "gmt", "utc", "et", "ct", "pt", "nineteen", "two", "thousand", "and")

_MACRO_RE = re.compile(r"%([A-Z][A-Z0-9]*)")


def expand(pattern: str) -> str:
    """Expand ``%NAME`` macros and turn literal spaces (outside ``[...]``) into ``\\s+``."""
    out: list[str] = []
    in_class = False
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            out.append(ch)
            escaped = True
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        if ch == " " and not in_class:
            out.append(r"\s+")
        else:
            out.append(ch)
    text = "".join(out)

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in BLOCKS:
            return BLOCKS[name]
        if name in NUM_MACROS:
            return NUM_MACROS[name]()
        return macro(name)

    # Expand repeatedly: blocks may refer to tables.
    for _ in range(3):
        new = _MACRO_RE.sub(sub, text)
        if new == text:
            break
        text = new
    return text


def _num_macro() -> str:
    keys = {k for k in table("NUMWORD") if k not in ("a", "an")}
    w = f"(?:{trie_regex(keys)})"
    digits = r"\d+(?:[.,]\d+)?(?:\s+1/2)?"
    return rf"(?:{digits}|{w}(?:(?:-|\s+)(?:and\s+)?(?:a\s+half|{w}))*|an?)"


NUM_MACROS = {"NUM": _num_macro}


@dataclass(frozen=True, slots=True)
class Rule:
    """One extraction rule from ``rules.tsv``."""

    name: str
    type: str
    norm: str
    params: dict[str, str] = field(default_factory=dict)
    pattern: str = ""
    raw: str = ""


@cache
def rules() -> tuple[Rule, ...]:
    """The extraction rules in priority order (earlier rules win ties at the same start)."""
    out = []
    for row in read_tsv("rules.tsv"):
        name, typ, norm, params, pattern = (c.strip() if i < 4 else c for i, c in enumerate(row[:5]))
        p: dict[str, str] = {}
        if params and params != "-":
            for kv in params.split(";"):
                k, _, v = kv.partition("=")
                p[k.strip()] = v.strip()
        out.append(Rule(name=name, type=typ, norm=norm, params=p, pattern=expand(pattern.strip()),
                        raw=pattern.strip()))
    return tuple(out)
