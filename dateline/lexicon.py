"""Loading of the word lists in ``dateline/resources/`` (grammar as data)."""

from __future__ import annotations

from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("dateline.resources").joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def word_set(name: str) -> frozenset[str]:
    """A resource file of one lower-cased word per line."""
    return frozenset(w.lower() for w in _lines(name))


@cache
def word_table(name: str) -> dict[str, str]:
    """A resource file of ``word<TAB>value`` rows."""
    table: dict[str, str] = {}
    for ln in _lines(name):
        word, _, value = ln.partition("\t")
        table[word.strip().lower()] = value.strip()
    return table
