"""Syndication benchmark of dateline's article dedupe and event clustering, on real news.

Builds a labelled set from the TempEval-3 silver corpus (``../shared/data/tempeval3/silver``,
read at run time, never copied): plain text = text content of ``<TEXT>``, published date =
the DCT. For each sampled article it makes syndicated variants -- ``retitled`` (a new
headline line and title), ``trimmed`` (last paragraph cut), ``reordered`` (adjacent sentences
swapped), ``inserted`` (a paragraph of an unrelated article added), ``wire`` (an agency dateline
and a trailing credit) and ``combo`` (wire + retitled + trimmed) -- and adds distractors: other
articles published the same day. Corpus articles that already copy one another (shingle
containment >= 0.8 between two same-day articles; the corpus holds updated re-issues) are
left out of the pool, so a distractor is really a different article.

Articles: gold clusters are an original with its variants; pairwise precision/recall/F1 of
``find_duplicate_articles`` (pairs in one predicted cluster vs one gold cluster).

Events: the real tagger (``dateline.temporal.tag``) and ``extract_events`` run on every
original, variant and distractor; two events are the same when they come from the same
sentence (same text, same publication day) and the same offset in it (variants are built
sentence by sentence, so provenance is known). Every article counts as a separate source here (the
pipeline would have dropped the variants as duplicates; they stand in for independent reports).
Pairwise P/R/F1 of ``cluster_events`` over dated events.

Throughput: articles/s of ``find_duplicate_articles`` on the labelled set and on ``--speed-n``
synthetic articles (corpus articles and their variants), events/s of ``cluster_events``.

    .venv/bin/python benchmarks/dedupe.py [--n 200] [--seed 13] [--speed-n 10000] [--examples 5]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.dedupe import cluster_events, find_duplicate_articles, shingles  # noqa: E402
from dateline.events import extract_events  # noqa: E402
from dateline.segment import split_sentences  # noqa: E402
from dateline.temporal import tag  # noqa: E402
from dateline.timeml import TimeMLDoc, read_timeml  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tempeval3" / "silver"
KINDS = ("retitled", "trimmed", "reordered", "inserted", "wire", "combo")
POOL_CONTAINMENT = 0.8
MIN_SENTENCES = 3  # the corpus holds a few placeholder files ("this is a test file.")
_CITIES = ("WASHINGTON", "LONDON", "PARIS", "BEIJING", "NEW YORK", "MOSCOW", "TOKYO", "BRUSSELS", "NAIROBI")
_AGENCIES = ("AP", "AFP", "Reuters", "UPI", "Xinhua", "dpa")
_NAMES = ("Anna Berg", "John Okafor", "Li Wei", "Maria Costa", "Tom Hughes", "Sara Haddad")


@dataclass
class Source:
    """An original article as paragraphs of sentences."""

    doc: TimeMLDoc
    paragraphs: list[list[str]]

    @property
    def docid(self) -> str:
        return self.doc.docid


@dataclass
class Built:
    """One article of the benchmark: its row, and the provenance of each piece of its text."""

    row: dict
    group: str  # gold article cluster
    pieces: list[tuple[int, int, tuple | None]] = field(default_factory=list)  # (start, end, (docid, sent))


def to_source(doc: TimeMLDoc) -> Source:
    paras = []
    for p in re.split(r"\n\s*\n", doc.text):
        p = " ".join(p.split())
        if p:
            paras.append([p[a:b] for a, b in split_sentences(p)])
    return Source(doc, [p for p in paras if p])


def render(units: list[list[tuple[str, tuple | None]]]) -> tuple[str, list]:
    """Paragraphs of (sentence, key) units -> text and piece spans."""
    out, pieces, pos = [], [], 0
    for pi, para in enumerate(units):
        if pi:
            out.append("\n\n")
            pos += 2
        for si, (s, key) in enumerate(para):
            if si:
                out.append(" ")
                pos += 1
            out.append(s)
            pieces.append((pos, pos + len(s), key))
            pos += len(s)
    return "".join(out), pieces


def keyed(src: Source, keyed_by_index: bool = False) -> list[list[tuple[str, tuple | None]]]:
    """Units of ``src``; a sentence is known by its publication day and text, so a sentence that
    two same-day corpus articles share (a re-issued story) is one source of the same events."""
    units, i = [], 0
    for para in src.paragraphs:
        row = []
        for s in para:
            row.append((s, (src.doc.dct, " ".join(s.split()), i if keyed_by_index else None)))
            i += 1
        units.append(row)
    return units


def published(src: Source, hours: int = 0) -> datetime | None:
    d = src.doc.dct
    return datetime(d.year, d.month, d.day, 9, tzinfo=UTC) + timedelta(hours=hours) if d else None


def article(aid: str, group: str, units: list, src: Source, *, title: str | None, url: bool, hours: int) -> Built:
    text, pieces = render(units)
    row = dict(
        article_id=aid,
        text=text,
        title=title,
        url=f"https://news.example/{aid}" if url else None,
        published_at=published(src, hours),
    )
    return Built(row, group, pieces)


def make_variant(kind: str, src: Source, rng: random.Random, filler: Source, headline: str) -> Built | None:
    units = keyed(src)
    title = src.doc.title
    nsent = sum(len(p) for p in units)
    if kind in ("retitled", "combo"):
        title = headline
    if kind in ("trimmed", "combo"):
        if len(units) >= 3:
            units = units[:-1]
        elif nsent >= 4:
            units[-1] = units[-1][:-1]
            units = [p for p in units if p]
        else:
            return None
    if kind == "reordered":
        if nsent < 3:
            return None
        flat = [(pi, si) for pi, p in enumerate(units) for si in range(len(p))]
        for _ in range(max(1, round(0.2 * nsent))):
            j = rng.randrange(len(flat) - 1)
            (p1, s1), (p2, s2) = flat[j], flat[j + 1]
            units[p1][s1], units[p2][s2] = units[p2][s2], units[p1][s1]
    if kind == "inserted":
        at = rng.randrange(1, len(units) + 1)
        units.insert(at, [(s, None) for s in filler.paragraphs[0]])
    if kind in ("wire", "combo"):
        agency = rng.choice(_AGENCIES)
        form = rng.randrange(3)
        prefix = (f"{rng.choice(_CITIES)} ({agency}) - ", f"({agency}) — ", f"{rng.choice(_CITIES)} ({agency}) -- ")[form]
        first, key = units[0][0]
        units.append([(f"(Reporting by {rng.choice(_NAMES)}; editing by {rng.choice(_NAMES)})", None)])
        units[0][0] = (prefix + first, ("prefix", len(prefix), key))  # the prefix holds no date
    if kind in ("retitled", "combo"):
        units.insert(0, [(headline, None)])
    built = article(f"{src.docid}~{kind}", src.docid, units, src, title=title, url=rng.random() < 0.5,
                    hours=rng.randrange(1, 14))
    fixed = []
    for s, e, key in built.pieces:
        if key and key[0] == "prefix":
            s, key = s + key[1], key[2]
        fixed.append((s, e, key))
    built.pieces = fixed
    return built


def containment(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def load_pool(data: Path) -> tuple[list[Source], int]:
    docs = [read_timeml(p) for p in sorted(data.glob("*.tml"))]
    by_day: dict = defaultdict(list)
    for d in docs:
        if d.dct and d.text.strip():
            by_day[d.dct].append(d)
    pool, dropped = [], 0
    for day in sorted(by_day):
        kept: list[tuple[TimeMLDoc, set]] = []
        for d in sorted(by_day[day], key=lambda d: d.docid):
            sh = shingles(d.text)
            if any(containment(sh, k) >= POOL_CONTAINMENT for _, k in kept):
                dropped += 1
                continue
            kept.append((d, sh))
        pool.extend(to_source(d) for d, _ in kept)
    return [s for s in pool if sum(len(p) for p in s.paragraphs) >= MIN_SENTENCES], dropped


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float, int, int]:
    """Pairwise P/R/F1 of a clustering (item -> cluster) against gold (item -> cluster)."""
    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    tp = pairs(Counter((pred[x], gold[x]) for x in gold))
    pp, gp = pairs(Counter(pred[x] for x in gold)), pairs(Counter(gold.values()))
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), pp, gp


def build_set(pool: list[Source], n: int, distractors: int, rng: random.Random) -> tuple[list[Built], Counter]:
    by_day: dict = defaultdict(list)
    for s in pool:
        by_day[s.doc.dct].append(s)
    candidates = [s for s in pool if len(by_day[s.doc.dct]) > 1]
    sampled = rng.sample(candidates, min(n, len(candidates)))
    chosen = {s.docid for s in sampled}
    extra: dict[str, Source] = {}
    for s in sampled:
        others = [o for o in by_day[s.doc.dct] if o.docid not in chosen and o.docid not in extra]
        for o in rng.sample(others, min(distractors, len(others))):
            extra[o.docid] = o
    used = chosen | set(extra)
    fillers = [s for s in pool if s.docid not in used]
    titles = [s.doc.title for s in pool if s.doc.title]
    built: list[Built] = []
    made: Counter = Counter()
    for s in sampled:
        built.append(article(s.docid, s.docid, keyed(s), s, title=s.doc.title, url=True, hours=0))
        for kind in KINDS:
            filler = rng.choice([f for f in fillers if f.doc.dct != s.doc.dct] or pool)
            v = make_variant(kind, s, rng, filler, rng.choice(titles).strip())
            if v is not None:
                built.append(v)
                made[kind] += 1
    for o in sorted(extra.values(), key=lambda o: o.docid):
        built.append(article(o.docid, o.docid, keyed(o), o, title=o.doc.title, url=True, hours=0))
    made["originals"], made["distractors"] = len(sampled), len(extra)
    return built, made


def speed_set(pool: list[Source], size: int, rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    titles = [s.doc.title for s in pool if s.doc.title]
    order = pool[:]
    rng.shuffle(order)
    round_ = 0
    while len(rows) < size:
        for s in order:
            if len(rows) >= size:
                break
            if round_ == 0:
                rows.append(article(s.docid, s.docid, keyed(s), s, title=s.doc.title, url=True, hours=0).row)
                continue
            v = make_variant(KINDS[(round_ - 1) % len(KINDS)], s, rng, rng.choice(pool), rng.choice(titles))
            if v is not None:
                v.row["article_id"] += f"#{round_}"
                rows.append(v.row)
        round_ += 1
    return rows


def article_benchmark(built: list[Built], examples: int) -> None:
    rows = [b.row for b in built]
    t0 = time.perf_counter()
    dups = find_duplicate_articles(rows)
    dt = time.perf_counter() - t0
    pred = {r["article_id"]: r["canonical_id"] for r in dups}
    gold = {b.row["article_id"]: b.group for b in built}
    p, r, f, pp, gp = pairwise(pred, gold)
    print(f"articles: {len(rows)} articles, {len(set(gold.values()))} gold clusters, {gp} gold pairs, "
          f"{pp} predicted pairs")
    print(f"articles near-dup pairwise: P={p:.4f} R={r:.4f} F1={f:.4f}  ({len(rows) / dt:,.0f} articles/s)")
    if examples:
        by_pred: dict = defaultdict(list)
        for a, c in pred.items():
            by_pred[c].append(a)
        missed = [(a, gold[a]) for a in gold if pred[a] != pred.get(gold[a], pred[a])]
        false = [m for m in by_pred.values() if len({gold[x] for x in m}) > 1]
        print(f"  missed (variant not with its original): {missed[:examples]}")
        print(f"  false merges: {false[:examples]}")


def event_benchmark(built: list[Built], examples: int) -> None:
    events: list[dict] = []
    gold: dict[str, tuple] = {}
    t0 = time.perf_counter()
    for b in built:
        text, dct = b.row["text"], b.row["published_at"].date()
        for e in extract_events(b.row["article_id"], text, tag(text, dct), b.row["published_at"]):
            if e.start_date is None:
                continue
            key = None
            for s, end, k in b.pieces:
                if s <= e.mention_start < end:
                    key = (*k, e.mention_start - s) if k else None
                    break
            gold[e.event_id] = key or ("own", b.row["article_id"], e.mention_start)
            events.append(e.as_dict())
    t_extract = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = cluster_events(events)
    dt = time.perf_counter() - t0
    pred = {eid: r["timeline_id"] for r in rows for eid in r["event_ids"]}
    p, r, f, pp, gp = pairwise(pred, gold)
    print(f"events: {len(events)} dated events from {len(built)} articles ({t_extract:.1f}s tag+extract), "
          f"{len(set(gold.values()))} gold events, {len(rows)} timeline rows, {gp} gold pairs, {pp} predicted pairs")
    print(f"events clustering pairwise: P={p:.4f} R={r:.4f} F1={f:.4f}  ({len(events) / dt:,.0f} events/s)")
    if examples:
        by_id = {e["event_id"]: e for e in events}
        clusters: dict = defaultdict(list)
        for eid, c in pred.items():
            clusters[c].append(eid)
        shown = 0
        for members in clusters.values():
            keys = Counter(gold[m] for m in members)
            if len(keys) > 1 and shown < examples:
                shown += 1
                print("  FALSE MERGE:")
                for k, _ in keys.most_common(3):
                    e = by_id[next(m for m in members if gold[m] == k)]
                    print(f"    {e['value']} {e['trigger']} {e['actors']} | {e['clause'][:110]}")
        by_gold: dict = defaultdict(set)
        for eid, k in gold.items():
            by_gold[k].add(pred[eid])
        shown = 0
        for cs in by_gold.values():
            if len(cs) > 1 and shown < examples:
                shown += 1
                print("  SPLIT:")
                for c in sorted(cs)[:3]:
                    e = by_id[clusters[c][0]]
                    print(f"    {e['value']} {e['trigger']} {e['actors']} | {e['clause'][:110]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=200, help="originals to sample")
    ap.add_argument("--distractors", type=int, default=2, help="same-day distractors per original")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--speed-n", type=int, default=10000, help="articles in the throughput run (0: skip)")
    ap.add_argument("--no-events", action="store_true")
    ap.add_argument("--examples", type=int, default=0, help="print this many errors of each kind")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no TimeML data at {args.data}", file=sys.stderr)
        return 2
    pool, dropped = load_pool(args.data)
    rng = random.Random(args.seed)
    built, made = build_set(pool, args.n, args.distractors, rng)
    print(f"pool: {len(pool)} silver articles ({dropped} same-day corpus near-copies left out); "
          + ", ".join(f"{k} {v}" for k, v in made.items()))
    article_benchmark(built, args.examples)
    if not args.no_events:
        event_benchmark(built, args.examples)
    if args.speed_n:
        rows = speed_set(pool, args.speed_n, random.Random(args.seed + 1))
        t0 = time.perf_counter()
        dups = find_duplicate_articles(rows)
        dt = time.perf_counter() - t0
        ndup = sum(r["duplicate_of"] is not None for r in dups)
        print(f"articles throughput: n={len(rows)} find_duplicate_articles {dt:.2f}s = {len(rows) / dt:,.0f} "
              f"articles/s ({ndup} marked duplicates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
