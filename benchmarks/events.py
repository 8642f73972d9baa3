"""Throughput of event extraction (the cost of the rule-based NLP choice), on real news.

Runs the tagger and :func:`dateline.events.extract_events` over the TempEval-3 silver corpus
(``../shared/data/tempeval3/silver``, read at run time) and prints articles/s and events/s for
tagging alone, extraction alone (clauses, triggers, actors, tense) and both.

    .venv/bin/python benchmarks/events.py [--n 500]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.events import extract_events  # noqa: E402
from dateline.temporal import tag  # noqa: E402
from dateline.timeml import read_timeml  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tempeval3" / "silver"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=500, help="articles (the first n by file name)")
    args = ap.parse_args(argv)
    paths = sorted(args.data.glob("*.tml"))[: args.n]
    if not paths:
        print(f"no TimeML data at {args.data}", file=sys.stderr)
        return 2
    docs = [read_timeml(p) for p in paths]
    t0 = time.perf_counter()
    mentions = [tag(d.text, d.dct) for d in docs]
    t_tag = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = [extract_events(d.docid, d.text, ms) for d, ms in zip(docs, mentions, strict=True)]
    t_ev = time.perf_counter() - t0
    n_ev = sum(map(len, events))
    n_words = sum(len(d.text.split()) for d in docs)
    print(f"{len(docs)} articles, {n_words} words, {sum(map(len, mentions))} mentions, {n_ev} events")
    print(f"tag:            {len(docs) / t_tag:,.0f} articles/s")
    print(f"extract_events: {len(docs) / t_ev:,.0f} articles/s, {n_ev / t_ev:,.0f} events/s")
    print(f"tag + extract:  {len(docs) / (t_tag + t_ev):,.0f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
