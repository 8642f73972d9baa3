"""TempEval-3 benchmark of dateline's temporal tagger.

Runs :func:`dateline.temporal.tag` over ``../shared/data/tempeval3/{timebank,aquaint}``
(each document's DCT as reference) and prints TE3's figures per corpus and overall:
strict and relaxed span precision/recall/F1, value F1 and type F1 (attribute F1 =
relaxed-match F1 x attribute accuracy over relaxed matches), the same scores with every
document tagged as an undated text (``no-DCT``: how well the tagger infers the reference
date from the text itself), then tagging speed on
the silver corpus and the worst error classes (missed phrase patterns, false
positives, wrong values, span mismatches).

    .venv/bin/python benchmarks/tempeval.py [--data DIR] [--no-speed] [--top N] [--examples]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.temporal import tag  # noqa: E402
from dateline.timeml import TimeMLDoc, read_timeml  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tempeval3"

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           r"jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?")
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NUMWORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
             "fifty|sixty|seventy|eighty|ninety|hundred|thousand|several|few|couple")
_SHAPE_SUBS = [
    (re.compile(rf"\b(?:{_MONTHS})(?=\W|$)", re.I), "MONTH"),
    (re.compile(rf"\b(?:{_WEEKDAYS})\b", re.I), "WEEKDAY"),
    (re.compile(rf"\b(?:{_NUMWORDS})\b", re.I), "NUM"),
    (re.compile(r"\d+"), "9"),
]


def shape(text: str) -> str:
    """Phrase pattern of a mention: months, weekdays, number words and digits abstracted."""
    s = " ".join(text.split())
    for rx, rep in _SHAPE_SUBS:
        s = rx.sub(rep, s)
    return s.lower().replace("month", "MONTH").replace("weekday", "WEEKDAY").replace("num", "NUM")


def value_shape(v: str) -> str:
    return re.sub(r"\d", "9", v or "")


@dataclass
class Score:
    """Counts for one corpus (or the total)."""

    docs: int = 0
    gold: int = 0
    sys: int = 0
    strict_p: int = 0  # system mentions with an identical gold span
    strict_r: int = 0  # gold mentions with an identical system span
    relaxed_p: int = 0
    relaxed_r: int = 0
    matched: int = 0  # relaxed-matched gold/system pairs
    value_ok: int = 0
    type_ok: int = 0
    seconds: float = 0.0
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # per phrase pattern of a matched gold mention: [values right, values wrong]
    by_pattern: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, other: Score) -> None:
        for k in ("docs", "gold", "sys", "strict_p", "strict_r", "relaxed_p", "relaxed_r", "matched",
                  "value_ok", "type_ok", "seconds"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, c in other.errors.items():
            self.errors[k].update(c)
        for k, (ok, bad) in other.by_pattern.items():
            self.by_pattern[k][0] += ok
            self.by_pattern[k][1] += bad
        for k, ex in other.examples.items():
            self.examples[k].extend(ex)

    @staticmethod
    def _f(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float]:
        sp = self.strict_p / self.sys if self.sys else 0.0
        sr = self.strict_r / self.gold if self.gold else 0.0
        rp = self.relaxed_p / self.sys if self.sys else 0.0
        rr = self.relaxed_r / self.gold if self.gold else 0.0
        rf = self._f(rp, rr)
        vacc = self.value_ok / self.matched if self.matched else 0.0
        tacc = self.type_ok / self.matched if self.matched else 0.0
        return {"strict_P": sp, "strict_R": sr, "strict_F1": self._f(sp, sr), "relaxed_P": rp, "relaxed_R": rr,
                "relaxed_F1": rf, "value_F1": rf * vacc, "type_F1": rf * tacc, "value_acc": vacc,
                "type_acc": tacc}


def _note(score: Score, kind: str, key: str, example: str, keep: int = 5) -> None:
    score.errors[kind][key] += 1
    ex = score.examples[(kind, key)]
    if len(ex) < keep:
        ex.append(example)


def score_doc(doc: TimeMLDoc, score: Score, use_dct: bool = True) -> None:
    """Tag one document (with its DCT, or as an undated text) and add its TE3 counts and error notes to ``score``."""
    t0 = time.perf_counter()
    mentions = tag(doc.text, doc.dct if use_dct else None)
    score.seconds += time.perf_counter() - t0
    score.docs += 1
    gold = doc.gold
    score.gold += len(gold)
    score.sys += len(mentions)
    gspans = {(g.start, g.end) for g in gold}
    sspans = {(m.start, m.end) for m in mentions}
    score.strict_p += sum(1 for m in mentions if (m.start, m.end) in gspans)
    score.strict_r += sum(1 for g in gold if (g.start, g.end) in sspans)
    for m in mentions:
        if any(g.start < m.end and m.start < g.end for g in gold):
            score.relaxed_p += 1
        else:
            ctx = doc.text[max(0, m.start - 30) : m.end + 30].replace("\n", " ")
            _note(score, "false positive", f"{shape(m.text)!r} -> {m.timex_type} {value_shape(m.value)}",
                  f"{doc.docid}: ...{ctx}... [{m.value}]")
    for g in gold:
        overl = [m for m in mentions if g.start < m.end and m.start < g.end]
        ctx = doc.text[max(0, g.start - 30) : g.end + 30].replace("\n", " ")
        if not overl:
            _note(score, "missed", f"{shape(g.text)!r} {g.type} {value_shape(g.value)}",
                  f"{doc.docid}: ...{ctx}... [{g.value}]")
            continue
        score.relaxed_r += 1
        m = min(overl, key=lambda m: abs(m.start - g.start) + abs(m.end - g.end))
        score.matched += 1
        score.by_pattern[shape(g.text)][0 if m.value == g.value else 1] += 1
        if m.value == g.value:
            score.value_ok += 1
        else:
            _note(score, "wrong value", f"{shape(g.text)!r}: gold {value_shape(g.value)} sys {value_shape(m.value)}",
                  f"{doc.docid} dct={doc.dct}: ...{ctx}... gold={g.value} sys={m.value} ({m.text!r})")
        if m.timex_type == g.type:
            score.type_ok += 1
        else:
            _note(score, "wrong type", f"{shape(g.text)!r}: gold {g.type} sys {m.timex_type}",
                  f"{doc.docid}: {g.text!r} gold={g.type}/{g.value} sys={m.timex_type}/{m.value}")
        if (m.start, m.end) != (g.start, g.end):
            _note(score, "span", f"gold {shape(g.text)!r} sys {shape(m.text)!r}",
                  f"{doc.docid}: gold={g.text!r} sys={m.text!r}")


def run_corpus(path: Path, use_dct: bool = True) -> Score:
    score = Score()
    for p in sorted(path.glob("*.tml")):
        score_doc(read_timeml(p), score, use_dct)
    return score


def speed(path: Path, limit: int | None = None) -> tuple[int, float]:
    """(articles, articles/second) of :func:`tag` on the plain texts of ``path`` (parsing excluded)."""
    docs = [read_timeml(p) for p in sorted(path.glob("*.tml"))[:limit]]
    t0 = time.perf_counter()
    for d in docs:
        tag(d.text, d.dct)
    dt = time.perf_counter() - t0
    return len(docs), len(docs) / dt if dt else float("inf")


def value_split(s: Score) -> str:
    """How many wrong values are phrase patterns the tagger gets right elsewhere in the same gold.

    Where the gold writes one pattern ("last week", "WEEKDAY night", "a year ago") two ways, a rule can
    only take one side: those errors trade against the right values of the same pattern.
    """
    wrong = sum(bad for _, bad in s.by_pattern.values())
    split = sum(bad for ok, bad in s.by_pattern.values() if ok and bad)
    minority = sum(bad for ok, bad in s.by_pattern.values() if ok >= bad > 0)
    return (f"values   wrong={wrong}: {split} in phrase patterns the tagger gets right elsewhere in the gold "
            f"({minority} where the gold agrees with the tagger at least as often), {wrong - split} never right")


def fmt(name: str, s: Score) -> str:
    f = s.figures()
    return (f"{name:<9} docs={s.docs:<4d} gold={s.gold:<5d} sys={s.sys:<5d} "
            f"strict P/R/F1={f['strict_P']:.3f}/{f['strict_R']:.3f}/{f['strict_F1']:.3f}  "
            f"relaxed P/R/F1={f['relaxed_P']:.3f}/{f['relaxed_R']:.3f}/{f['relaxed_F1']:.3f}  "
            f"value F1={f['value_F1']:.3f} (acc {f['value_acc']:.3f})  "
            f"type F1={f['type_F1']:.3f} (acc {f['type_acc']:.3f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--no-speed", action="store_true", help="skip the silver-corpus speed run")
    ap.add_argument("--top", type=int, default=12, help="error classes shown per kind")
    ap.add_argument("--examples", action="store_true", help="print examples for each error class")
    args = ap.parse_args(argv)
    if not (args.data / "timebank").is_dir():
        print(f"SKIP: TempEval-3 data not found under {args.data}", file=sys.stderr)
        return 0
    total = Score()
    lines = []
    for corpus in ("timebank", "aquaint"):
        d = args.data / corpus
        if not d.is_dir():
            continue
        s = run_corpus(d)
        total.add(s)
        lines.append(fmt(corpus, s))
    lines.append(fmt("overall", total))
    print("== TempEval-3 TIMEX3 (TE3 scoring) ==")
    for line in lines:
        print(line)
    # The same documents as undated texts (a scraped page without a date): relative dates must
    # be resolved against what the text itself says, so value F1 measures that inference.
    undated = Score()
    for corpus in ("timebank", "aquaint"):
        if (args.data / corpus).is_dir():
            undated.add(run_corpus(args.data / corpus, use_dct=False))
    print(fmt("no-DCT", undated))
    if not args.no_speed and (args.data / "silver").is_dir():
        n, rate = speed(args.data / "silver")
        print(f"speed     silver articles={n} articles/s={rate:.0f} (single core)")
    print(value_split(total))
    for kind in ("missed", "false positive", "wrong value", "wrong type", "span"):
        c = total.errors.get(kind)
        if not c:
            continue
        print(f"\n-- worst error classes: {kind} ({sum(c.values())}) --")
        for key, n in c.most_common(args.top):
            print(f"{n:4d}  {key}")
            if args.examples:
                for ex in total.examples[(kind, key)][:3]:
                    print(f"        {ex}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
