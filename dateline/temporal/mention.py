"""The record a temporal expression becomes: TIMEX3 attributes plus a SQL-friendly interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from dateline.models import record_dict

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
AnchorSource = Literal["published_at", "inferred", "absolute", "unresolved"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One temporal expression found in a text.

    ``start``/``end`` are character offsets into the text given to the tagger
    (``text[start:end] == self.text``). ``value`` is a TIMEX3 value
    (``2017-08-07``, ``2017-05``, ``2015-SU``, ``199``, ``P1Y``, ``XXXX-XX-XX``...).
    ``start_date``/``end_date`` form the half-open interval ``[start_date, end_date)``
    the value denotes; both are ``None`` for durations, sets and unresolved values.
    ``granularity`` names the unit of the value: ``time``, ``day``, ``week``,
    ``month``, ``season``, ``quarter``, ``half``, ``year``, ``decade``, ``century``
    (``None`` for durations, sets and references like PRESENT_REF).
    ``anchor_source`` says what the value rests on: ``absolute`` (fully given in
    the text), ``published_at`` (resolved against the document date given to the
    tagger), ``inferred`` (resolved against a reference date inferred from the
    text itself because no document date was given) or ``unresolved``.
    """

    start: int
    end: int
    text: str
    timex_type: TimexType
    value: str
    granularity: str | None
    start_date: date | None
    end_date: date | None
    anchor_source: AnchorSource
    mod: str | None = None
    freq: str | None = None
    quant: str | None = None

    def as_dict(self) -> dict:
        return record_dict(self)
