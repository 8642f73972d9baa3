"""Normalisation: turn a rule match into a :class:`Frame`, the meaning of the expression before anchoring.

A frame holds what the text itself says (calendar fields, an offset, a duration...);
:mod:`dateline.temporal.resolve` later fills in what depends on the document date or
the narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from dateline.temporal.extract import Candidate
from dateline.temporal.lexicon import lookup, norm_key, table

__all__ = ["Frame", "normalize", "parse_number"]

UNIT_TO_TIMEX = {"Y": "Y", "M": "M", "W": "W", "D": "D", "H": "H", "MIN": "M", "S": "S", "DE": "DE",
                 "CE": "CE", "Q": "Q", "FN": "W", "ML": "ML", "WE": "WE"}
TIME_UNITS = {"H", "MIN", "S"}


@dataclass(frozen=True, slots=True)
class Frame:
    """What an expression means before anchoring.

    ``kind``: ``calendar`` (fields like year/month/day, possibly missing the year),
    ``relative`` (this/last/next + unit, on the document date), ``offset`` (n units
    ago/later), ``deictic`` (today/yesterday...), ``anaphoric`` (that day, the next
    week: on the narrative's last date), ``value`` (a fixed value: refs, durations, sets).
    """

    type: str
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    season: str | None = None
    quarter: int | None = None
    half: int | None = None
    decade: int | None = None
    century: int | None = None
    pod: str | None = None
    hour: int | None = None
    minute: int | None = None
    holiday: str | None = None
    unit: str | None = None
    n: float | None = None  # signed offset for relative/offset/anaphoric frames
    rel: str | None = None
    value: str | None = None
    mod: str | None = None
    freq: str | None = None
    quant: str | None = None
    bc: bool = False  # a year or century before Christ ("753 BC", "the 5th century BC")
    anchor: str = "dct"  # "dct" or "narrative"
    gran: str | None = None  # granularity wanted for the result, when the text fixes it


@lru_cache(maxsize=4096)
def parse_number(s: str) -> float | None:
    """Value of a number phrase: ``"3"``, ``"2 1/2"``, ``"twenty-four"``, ``"a couple of"``; None if vague."""
    s = norm_key(s).replace(",", "")
    if not s:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+1/2)?", s)
    if m:
        v = float(m.group(1))
        return v + 0.5 if "1/2" in s else v
    direct = lookup("NUMWORD", s)
    if direct is not None:
        return None if direct == "X" else float(direct)
    total = 0.0
    current = 0.0
    for tok in re.split(r"[\s-]+", s):
        if tok in ("and",):
            continue
        if tok == "half" or tok == "a":
            if tok == "half":
                current += 0.5
            continue
        v = lookup("NUMWORD", tok)
        if v is None or v == "X":
            return None
        fv = float(v)
        if fv == 100:
            current = (current or 1) * 100
        elif fv == 1000:
            total += (current or 1) * 1000
            current = 0
        else:
            current += fv
    return total + current


def _ordinal(s: str) -> int | None:
    s = norm_key(s)
    v = lookup("ORD", s)
    if v is not None:
        return int(v)
    m = re.match(r"(\d+)", s)
    return int(m.group(1)) if m else None


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _mod(g: dict[str, str]) -> str | None:
    for key in ("mod2", "mod"):
        if key in g:
            raw = norm_key(g[key]).rstrip("-").strip()
            v = lookup("MOD", raw) or lookup("MOD", raw + "-")
            if v:
                return v
    return None


def _spoken_year(s: str) -> int | None:
    s = norm_key(s).replace("-", " ")
    if s.startswith("two thousand"):
        rest = s[len("two thousand") :].replace("and", "").strip()
        n = parse_number(rest) if rest else 0
        return None if n is None else 2000 + int(n)
    if s.startswith("nineteen "):
        n = parse_number(s[len("nineteen ") :])
        return None if n is None or n >= 100 else 1900 + int(n)
    return None


def canon_rel(word: str) -> str:
    """Canonical relation word: ``"nxt"`` -> ``"next"`` (``relations.tsv`` third column), else the word."""
    k = norm_key(word)
    row = table("RELATION").get(k)
    return row[1] if row and len(row) > 1 and row[1] else k


def canon_deictic(word: str) -> str:
    """``"tmrw"``, ``"2moro"`` -> ``"tomorrow"`` (``deictics.tsv``); unknown words unchanged."""
    return lookup("DEICTIC", word) or norm_key(word)


_BC = ("BC", "B.C.", "BCE", "B.C.E.")


def _calendar(c: Candidate, typ: str) -> Frame:
    g = c.groups
    f = Frame(type=typ, kind="calendar", mod=_mod(g))
    kw: dict[str, object] = {}
    if "year" in g:
        y = g["year"].lstrip("'\u2019")
        kw["year"] = int(y) if len(y) == 4 else (1900 + int(y) if int(y) > 30 else 2000 + int(y))
    if "eyear" in g:  # "753 BC", "AD 14", "the year 476"
        kw["year"] = int(g["eyear"])
        kw["bc"] = g.get("era", "") in _BC
    if "y2k" in g:  # "2k19"
        kw["year"] = 2000 + int(g["y2k"][2:])
    if "spoken" in g:
        kw["year"] = _spoken_year(g["spoken"])
    month = g.get("month") or g.get("month2")
    if month:
        kw["month"] = int(month) if month.isdigit() else int(lookup("MONTH", month) or 0) or None
    day = g.get("day") or g.get("day2")
    if day:
        kw["day"] = _ordinal(day)
    wd = g.get("weekday") or g.get("weekday2")
    if wd:
        kw["weekday"] = int(lookup("WEEKDAY", wd) or 0) or None
    if "season" in g:
        kw["season"] = lookup("SEASON", g["season"])
    if "quarter" in g or "quarter2" in g:
        kw["quarter"] = _ordinal(g.get("quarter") or g["quarter2"])
    if "qmonth" in g:  # "the March quarter": the quarter that ends in March
        kw["quarter"] = int(lookup("MONTH", g["qmonth"]) or 3) // 3
    if "half" in g:
        kw["half"] = 1 if g["half"].lower() in ("first", "1") else 2
    if "decade" in g:
        dec = int(g["decade"])
        if dec % 10 == 0 and dec != 200:  # "the 1800s": the century, not its first decade
            kw["century"] = dec // 10
        else:
            kw["decade"] = dec
    if "decade_yy" in g:
        kw["decade"] = 190 + int(g["decade_yy"])
    if "decword" in g:
        kw["decade"] = 190 + int(lookup("DECWORD", g["decword"]) or 0)
    if "century" in g:
        n = _ordinal(g["century"])
        if n:
            kw["century"] = n - 1
            kw["bc"] = g.get("era", "") in _BC
    if "pod" in g and (c.rule.params.get("pod") != "drop" or (table("POD").get(norm_key(g["pod"])) or ["", ""])[1:2]
                       == ["keep"]):
        kw["pod"] = lookup("POD", g["pod"])
        if c.rule.params.get("pod") != "date":  # "Friday night" stays a DATE in TimeBank/AQUAINT
            kw["type"] = "TIME"
    if "holiday" in g:
        kw["holiday"] = lookup("HOLIDAY", g["holiday"])
    if "nth" in g:  # "the first Monday in October": a holiday rule of its own (holidays.tsv writes 1st-1-10)
        nth = "last" if g["nth"].lower() == "last" else f"{_ordinal(g['nth'])}th"
        kw["holiday"] = f"{nth}-{lookup('WEEKDAY', g['nweekday'])}-{int(lookup('MONTH', g['nmonth']) or 1)}"
    if "rel" in g:
        kw["rel"] = canon_rel(g["rel"])
    if "relyear" in g:  # "June last year": the year is relative, the month is not
        kw["n"] = _REL_SIGN.get(norm_key(g["relyear"]), 0)
        kw["rel"] = "relyear"
    elif "relyear" in c.rule.params:  # "the year-ago third quarter"
        kw["n"] = int(c.rule.params["relyear"])
        kw["rel"] = "relyear"
    return replace(f, **kw)  # type: ignore[arg-type]


def _time(c: Candidate) -> Frame:
    g = c.groups
    kw: dict[str, object] = {}
    if "noon" in g:
        kw["hour"] = 24 if g["noon"].lower().startswith("midn") else 12  # noon, midday; midnight, midnite
        kw["minute"] = 0
    else:
        h = int(g["hour"]) if g["hour"].isdigit() else int(parse_number(g["hour"]) or 0)  # "three o'clock"
        ampm = g.get("ampm", "").lower().replace(" ", "")
        pod = lookup("POD", g.get("pod") or g.get("pod2") or g.get("pod3") or "")
        deictic = canon_deictic(g["deictic"]) if "deictic" in g else ""
        if not ampm and (pod in ("AF", "EV", "NI") or (deictic == "tonight" and pod is None)):
            ampm = "pm"  # "7 tonight", "8 tomorrow night", "5 this afternoon"
        if not ampm and pod is None and c.rule.params.get("ampm") == "guess" and 1 <= h <= 6:
            ampm = "pm"  # "@ 3": nobody meets at 3 a.m.
        if ampm.startswith("p") and h < 12:
            h += 12
        if ampm.startswith("a") and h == 12:
            h = 0
        kw["hour"] = h
        kw["minute"] = int(g.get("minute") or 0)
        if "fmin" in g:  # "half past ten", "a quarter to five"
            fmin = norm_key(g["fmin"]).removeprefix("a ")
            m = {"quarter": 15, "half": 30}.get(fmin) or int(parse_number(fmin) or 0)
            kw["hour"], kw["minute"] = ((h - 1) % 24, 60 - m) if g["fdir"].lower() == "to" else (h, m)
    if "year" in g:  # ISO date-times
        kw["year"] = int(g["year"])
    month = g.get("month") or g.get("month2")
    if month:
        kw["month"] = int(month) if month.isdigit() else int(lookup("MONTH", month) or 0) or None
        day = g.get("day") or g.get("day2")
        kw["day"] = _ordinal(day) if day else None
    if "weekday" in g:
        kw["weekday"] = int(lookup("WEEKDAY", g["weekday"]) or 0) or None
    if "deictic" in g:
        d = canon_deictic(g["deictic"])
        kw["n"] = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}.get(d, 0)
        kw["unit"] = "D"
        return Frame(type="TIME", kind="deictic", mod=_mod(g), **kw)  # type: ignore[arg-type]
    return Frame(type="TIME", kind="calendar", mod=_mod(g), **kw)  # type: ignore[arg-type]


_REL_SIGN = {k: int(v[0]) for k, v in table("RELATION").items()}
_UNIT_WORDS = {"week": "W", "wk": "W", "yr": "Y", "wknd": "WE", "wkend": "WE", "month": "M", "year": "Y", "quarter": "Q", "decade": "DE", "century": "CE",
               "weekend": "WE", "fiscal year": "Y", "day": "D", "half": "HALF"}


def _relative(c: Candidate) -> Frame:
    g = c.groups
    rel = canon_rel(g.get("rel") or c.rule.params.get("rel", "this"))
    unit = _UNIT_WORDS.get(norm_key(g.get("unit") or c.rule.params.get("unit", "year")), "Y")
    return Frame(type="DATE", kind="relative", unit=unit, n=_REL_SIGN.get(rel, 0), rel=rel,
                 mod=_mod(g) or c.rule.params.get("mod"), gran=c.rule.params.get("gran"))


def _deictic(c: Candidate) -> Frame:
    g = c.groups
    pod = lookup("POD", g["pod"]) if "pod" in g else None
    word = canon_deictic(g.get("deictic") or g.get("rel") or "")
    n = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last": -1, "tomorrow": 1}.get(word, 0)
    if word == "tonight":
        pod = "NI"
    if word == "last" and pod not in ("NI",):
        n = -1
    if "n" in c.rule.params:  # "the day after tomorrow"
        n = int(c.rule.params["n"])
    typ = "TIME" if pod else "DATE"
    return Frame(type=typ, kind="deictic", unit="D", n=n, pod=pod, mod=_mod(g))


def _offset(c: Candidate) -> Frame:
    g = c.groups
    n = parse_number(g["num"])
    if n is not None and "andhalf" in g:  # "a year and a half ago"
        n += 0.5
    unit = lookup("UNIT", g["unit"]) or "Y"
    d = norm_key(g["dir"])
    sign = -1 if d in ("ago", "earlier", "before", "back") else 1
    anchor = "narrative" if d in ("earlier", "later", "before", "after") else "dct"
    typ = "TIME" if unit in TIME_UNITS else "DATE"
    if unit == "FN":
        unit, n = "W", (n or 1) * 2
    return Frame(type=typ, kind="offset", unit=unit, n=None if n is None else sign * n, rel=d, mod=_mod(g),
                 anchor=anchor)


def _anaphoric(c: Candidate) -> Frame:
    g = c.groups
    rel = norm_key(g.get("rel") or "same")
    if "unit" in c.rule.params:  # "the quarter", "the latest quarter": the quarter under discussion
        return Frame(type="DATE", kind="anaphoric", unit=c.rule.params["unit"], n=0, rel=rel,
                     anchor="narrative", gran="report")
    u = norm_key(g.get("unit") or "year")  # "that August": a month of the year told
    pod = lookup("POD", u)
    season = lookup("SEASON", u)
    unit = "D" if pod else ("SEASON" if season else _UNIT_WORDS.get(u, "D"))
    n = _REL_SIGN.get(rel, 0)
    month = int(lookup("MONTH", g["month"]) or 0) or None if "month" in g else None
    if "season" in g:  # "the spring of that year": the season of the narrative's year
        season = lookup("SEASON", g["season"])
    return Frame(type="TIME" if pod else "DATE", kind="anaphoric", unit=unit, n=n, rel=rel, pod=pod,
                 month=month, season=season, mod=_mod(g), anchor="narrative")


def _duration(c: Candidate) -> Frame:
    g = c.groups
    if "half_unit" in g:
        u = re.split(r"[\s-]+", norm_key(g["half_unit"]))[-1]
        unit = {"year": "M", "hour": "MIN", "day": "H", "century": "Y", "decade": "Y"}[u]
        n = {"year": 6, "hour": 30, "day": 12, "century": 50, "decade": 5}[u]
        val = f"PT{n}{UNIT_TO_TIMEX[unit]}" if unit in TIME_UNITS or unit == "H" else f"P{n}{unit}"
        return Frame(type="DURATION", kind="value", value=val, mod=_mod(g))
    unit = lookup("UNIT", g["unit"]) or "Y"
    if "num" not in g and g.get("rel", "").lower() in ("recent", "coming", "future", "past"):
        ref = "FUTURE_REF" if g["rel"].lower() in ("coming", "future") else "PAST_REF"
        return Frame(type="DATE", kind="value", value=ref)  # "recent years", "coming months"
    n = parse_number(g["num"]) if "num" in g else float(c.rule.params["n"]) if "n" in c.rule.params else None
    if n is not None and "andhalf" in g:
        n += 0.5
    if unit == "FN":
        unit, n = "W", None if n is None else n * 2
    return Frame(type="DURATION", kind="value", value=duration_value(n, unit), mod=_mod(g))


_YEARS_PER = {"DE": 10, "CE": 100, "ML": 1000}
_SUB = {"Y": (12, "M", False), "M": (30, "D", False), "W": (7, "D", False), "D": (24, "H", True),
        "H": (60, "M", True), "MIN": (60, "S", True)}


def duration_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration of ``n`` units: ``P3Y``, ``PT2H``, ``P20Y`` (two decades), ``P2Y6M``, ``PXD``."""
    time = unit in TIME_UNITS
    u = UNIT_TO_TIMEX[unit]
    if unit in _YEARS_PER:
        if n is None:
            return f"PX{u}"
        n, unit, u = n * _YEARS_PER[unit], "Y", "Y"
    if n is None:
        return f"PTX{u}" if time else f"PX{u}"
    if float(n).is_integer() or unit not in _SUB:
        return f"PT{_fmt_num(n)}{u}" if time else f"P{_fmt_num(n)}{u}"
    whole, frac = int(n), n - int(n)
    k, sub_u, sub_time = _SUB[unit]
    sub = _fmt_num(round(frac * k, 2))
    if whole == 0:
        return f"PT{sub}{sub_u}" if sub_time else f"P{sub}{sub_u}"
    if time:
        return f"PT{whole}{u}{sub}{sub_u}"
    if sub_time:  # 1.5 days -> P1DT12H
        return f"P{whole}{u}T{sub}{sub_u}"
    return f"P{whole}{u}{sub}{sub_u}"


def _freq(words: str) -> str:
    """TIMEX3 ``freq`` of "once", "twice", "three times", "several times": ``1X``, ``2X``, ``3X``, ``XX`` (vague)."""
    fw = norm_key(words)
    k = {"once": 1, "twice": 2, "thrice": 3}.get(fw) or parse_number(fw.replace(" times", ""))
    return "XX" if k is None else f"{_fmt_num(k)}X"


def _set(c: Candidate) -> Frame:
    g = c.groups
    if "adv" in g:
        row = table("SETADV").get(norm_key(g["adv"])) or ["P1D"]
        freq = _freq(g["freq"]) if "freq" in g else (row[2] or None) if len(row) > 2 else None  # "twice yearly"
        return Frame(type="SET", kind="value", value=row[0], quant=(row[1] or None) if len(row) > 1 else None,
                     freq=freq)
    quant = None
    freq = None
    if "every" in g:
        quant = g["every"].upper()
    if "freq" in g:
        freq = _freq(g["freq"])
    if "weekday" in g:
        w = g["weekday"]
        wd = lookup("WEEKDAY", w) or lookup("WEEKDAY", w[:-1])
        pw = g.get("pod") or g.get("pod2")
        pod = f"T{lookup('POD', pw)}" if pw else ""
        return Frame(type="SET", kind="value", value=f"XXXX-WXX-{wd}{pod}", quant=quant, freq=freq)
    if "month" in g:
        m = int(lookup("MONTH", g["month"]) or 1)
        return Frame(type="SET", kind="value", value=f"XXXX-{m:02d}", quant=quant, freq=freq)
    if "pod" in g:
        return Frame(type="SET", kind="value", value=f"XXXX-XX-XXT{lookup('POD', g['pod'])}", quant=quant,
                     freq=freq)
    if "season" in g:  # "every spring"
        return Frame(type="SET", kind="value", value=f"XXXX-{lookup('SEASON', g['season'])}", quant=quant, freq=freq)
    if "we" in g:  # "every weekend"
        return Frame(type="SET", kind="value", value="XXXX-WXX-WE", quant=quant, freq=freq)
    unit = lookup("UNIT", g["unit"]) or "D"
    n = parse_number(g["num"]) if "num" in g else float(c.rule.params.get("n", 1))  # "every other week": 2
    if unit == "FN":
        unit, n = "W", None if n is None else n * 2
    u = UNIT_TO_TIMEX[unit]
    num = "X" if n is None else _fmt_num(n)  # "every few weeks": a vague number of them
    val = f"PT{num}{u}" if unit in TIME_UNITS else f"P{num}{u}"
    return Frame(type="SET", kind="value", value=val, quant=quant, freq=freq)


def _ref(c: Candidate) -> Frame:
    v = c.rule.params.get("value") or lookup("REF", c.groups["ref"]) or "PRESENT_REF"
    return Frame(type="DATE", kind="value", value=v)


def _numeric(c: Candidate) -> Frame:
    from dateline.temporal.absolute import parse_numeric_date

    d = parse_numeric_date(c.groups["numeric"])
    if d is None:
        return Frame(type="DATE", kind="value", value="XXXX-XX-XX")
    return Frame(type="DATE", kind="calendar", year=d.year, month=d.month, day=d.day)


def _numeric_md(c: Candidate) -> Frame:
    """ "5/12", "25/12": month/day without a year (M/D unless the first number cannot be a month)."""
    a, b = int(c.groups["na"]), int(c.groups["nb"])
    month, day = (b, a) if a > 12 else (a, b)
    return Frame(type="DATE", kind="calendar", month=month, day=day)


def _fixed(c: Candidate) -> Frame:
    return Frame(type=c.rule.type, kind="value", value=c.rule.params["value"])


def _year_ago(c: Candidate) -> Frame:
    u = norm_key(c.groups.get("unit", ""))
    gran = {"quarter": "quarter", "month": "month", "year": "year", "week": "week"}.get(u)
    anchor = "dct" if c.groups.get("dir", "").lower() == "ago" else "narrative"  # "a year ago" vs "a year earlier"
    return Frame(type="DATE", kind="offset", unit="Y", n=-1, rel="year_ago", anchor=anchor, gran=gran)


def _weekend(c: Candidate) -> Frame:
    return Frame(type="DATE", kind="calendar", weekday=6, rel="weekend", mod=_mod(c.groups))


def _year_period(c: Candidate) -> Frame:
    """ "the 1988 period": the quarter under discussion, in the given year."""
    return Frame(type="DATE", kind="anaphoric", unit="Q", n=0, year=int(c.groups["year"]), anchor="narrative",
                 gran="report")


def _week_of(c: Candidate) -> Frame:
    """ "the week of March 6": the ISO week containing that day."""
    return replace(_calendar(c, "DATE"), gran="week")


_NORMALIZERS = {
    "fixed": _fixed,
    "week_of": _week_of,
    "year_period": _year_period,
    "year_ago": _year_ago,
    "weekend": _weekend,
    "date": lambda c: _calendar(c, c.rule.type),
    "time": _time,
    "relative": _relative,
    "deictic": _deictic,
    "offset": _offset,
    "anaphoric": _anaphoric,
    "duration": _duration,
    "set": _set,
    "ref": _ref,
    "numeric": _numeric,
    "numeric_md": _numeric_md,
}


def normalize(c: Candidate) -> Frame:
    """The :class:`Frame` of a candidate, per its rule's normaliser (``rules.tsv`` column 3)."""
    return _NORMALIZERS[c.rule.norm](c)
