"""Scale benchmark: generate N news-like articles from the silver corpus, run the real pipeline, time it.

    .venv/bin/python benchmarks/scale.py                                # quick: 2,000 articles
    .venv/bin/python benchmarks/scale.py --n 10000 100000 --incremental  # the cost curve, + 1% new files
    nice .venv/bin/python benchmarks/scale.py --n 1000000 --incremental  # the full run (about half an hour)

Articles are built by sampling real sentences and DCTs from
../shared/data/tempeval3/silver with systematic variation (DCT shifted by whole
years, names swapped, paragraphs reordered) plus a known share of syndicated
near-duplicates, written as JSONL shards into an inbox. Then the same Dagster
assets as `dateline run` process it, and the script prints articles/s end to end
and per stage, peak RSS, output row counts and three analyst queries' timings.
With --incremental, 1% more articles are then added as new shards and the
pipeline re-run: the cost of that run relative to the full one is printed
(--increments K: K such runs in a row, as successive scheduled runs).
At the end, the cost curve: milliseconds per article at each size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SILVER = REPO.parent / "shared" / "data" / "tempeval3" / "silver"
SHARD_SIZE = 5_000
DUPLICATE_SHARE = 0.05
LATEST_YEAR = 2025
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"])")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")


def load_silver(limit: int | None = None) -> list[tuple[date, list[str]]]:
    """(DCT, paragraphs) of each silver document."""
    docs = []
    for path in sorted(SILVER.glob("*.tml"))[:limit]:
        root = ElementTree.parse(path).getroot()
        dct = root.find("DCT/TIMEX3")
        text_el = root.find("TEXT")
        if dct is None or text_el is None:
            continue
        try:
            d = date.fromisoformat(dct.get("value", "")[:10])
        except ValueError:
            continue
        paragraphs = [" ".join(p.split()) for p in "".join(text_el.itertext()).split("\n\n") if p.strip()]
        if paragraphs:
            docs.append((d, paragraphs))
    return docs


def make_article(rng: random.Random, docs: list, i: int, names: list[str]) -> dict:
    """A new article: one document's lead and DCT, then paragraphs of other documents, names swapped."""
    dct, paragraphs = docs[rng.randrange(len(docs))]
    body = [p for _ in range(rng.randint(3, 6)) for p in [rng.choice(docs[rng.randrange(len(docs))][1])]]
    rng.shuffle(body)
    text = "\n\n".join([paragraphs[0], *body])
    swap = dict(zip(rng.sample(names, 3), rng.sample(names, 3), strict=True))
    text = _NAME.sub(lambda m: swap.get(m.group(), m.group()), text)
    # Shift the DCT by whole years, never past the present (future publication dates are quarantined).
    year = min(dct.year + rng.randint(0, 25), LATEST_YEAR)
    published = date(year, dct.month, min(dct.day, 28))
    return {"id": f"gen-{i}", "url": f"https://news.example/{i}", "published_at": published.isoformat(),
            "title": paragraphs[0][:80], "text": text}


def syndicate(rng: random.Random, article: dict, i: int) -> dict:
    paragraphs = article["text"].split("\n\n")
    if len(paragraphs) > 3:
        paragraphs = paragraphs[:-1]
    return {**article, "id": f"gen-{i}", "url": f"https://wire.example/{i}", "title": "(Reuters) " + article["title"],
            "text": "(Reuters) - " + "\n\n".join(paragraphs)}


def generate(inbox: Path, n: int, seed: int = 13, start: int = 0) -> int:
    """Write ``n`` articles (ids from ``start``) as JSONL shards of SHARD_SIZE into ``inbox``, after any
    shards already there. Returns the number of shards written."""
    rng = random.Random(seed)
    docs = load_silver()
    names = sorted({m for _, ps in docs[:300] for p in ps for m in _NAME.findall(p)})[:400]
    inbox.mkdir(parents=True, exist_ok=True)
    first = len(list(inbox.glob("shard-*.jsonl")))
    shard, written, recent = [], 0, []
    for i in range(start, start + n):
        if recent and rng.random() < DUPLICATE_SHARE:
            art = syndicate(rng, rng.choice(recent), i)
        else:
            art = make_article(rng, docs, i, names)
            recent = (recent + [art])[-200:]
        shard.append(art)
        if len(shard) == SHARD_SIZE or i == start + n - 1:
            path = inbox / f"shard-{first + written:05d}.jsonl"
            path.write_text("".join(json.dumps(a) + "\n" for a in shard), encoding="utf-8")
            written += 1
            shard = []
    return written


QUERIES = {
    "events for an actor in a date range": (
        "SELECT count(*) FROM actor_timeline WHERE actor = ? AND start_date >= ? AND start_date < ?",
        None,
    ),
    "events per month": ("SELECT * FROM events_by_month", []),
    "top dates by source count": ("SELECT * FROM timeline_salience LIMIT 20", []),
}


def time_queries(db: Path) -> dict[str, float]:
    con = duckdb.connect(str(db), read_only=True)
    actor = con.execute("SELECT actor FROM actor_timeline GROUP BY actor ORDER BY count(*) DESC LIMIT 1").fetchone()
    out = {}
    for name, (sql, params) in QUERIES.items():
        p = params if params is not None else [actor[0] if actor else "", date(1990, 1, 1), date(2030, 1, 1)]
        con.execute(sql, p).fetchall()  # warm
        t = time.perf_counter()
        for _ in range(5):
            con.execute(sql, p).fetchall()
        out[name] = (time.perf_counter() - t) / 5
    con.close()
    return out


def step_seconds(instance, run_ids: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for rid in run_ids:
        for s in instance.get_run_step_stats(rid):
            if s.end_time and s.start_time:
                out[s.step_key] = out.get(s.step_key, 0.0) + (s.end_time - s.start_time)
    return out


def step_windows(instance, run_ids: list[str]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for rid in run_ids:
        for s in instance.get_run_step_stats(rid):
            if s.end_time and s.start_time:
                out[s.step_key] = (s.start_time, s.end_time)
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                out.extend(map(int, kids))
                todo.extend(map(int, kids))
        except OSError:
            continue
    return out


class RssSampler:
    """Samples the resident memory of this process and of all its children (the pool workers) every 0.2 s."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float, float, float]] = []  # (time, self, largest child, whole tree)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            own = _rss_mb(me)
            kids = [_rss_mb(p) for p in _descendants(me)]
            self.samples.append((time.time(), own, max(kids, default=0.0), own + sum(kids)))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float = 0.0, end: float = float("inf")) -> tuple[float, float, float]:
        window = [s for s in self.samples if start <= s[0] <= end]
        return tuple(max((s[i] for s in window), default=0.0) for i in (1, 2, 3))


def print_run(label: str, n: int, files: int, elapsed: float, steps: dict[str, float],
              windows: dict[str, tuple[float, float]], rss: RssSampler, started: float) -> None:
    own, child, tree = rss.peak(started)
    print(f"{label:>12} {n:>9} {files:>6} {elapsed:>8.1f} {n / elapsed:>7.0f} {1000 * elapsed / n:>10.3f} "
          f"{own:>8.0f} {child:>8.0f} {tree:>8.0f}")
    assets = ["raw_articles", "temporal_mentions", "events", "article_duplicates", "timeline", "timeline_db"]
    for step in assets:
        if step in steps:
            sec = steps[step]
            o, c, t = rss.peak(windows[step][0] - 0.2, windows[step][1] + 0.2)
            print(f"    stage {step:<22} {sec:>7.1f} s  {n / sec if sec else 0:>8.0f} art/s   peak RSS MB "
                  f"main {o:>5.0f} worker {c:>5.0f} all {t:>5.0f}")
    checks = [step for step in steps if step not in assets]
    if checks:
        o, c, t = max((rss.peak(*windows[s]) for s in checks), key=lambda x: x[2])
        print(f"    stage {f'asset checks ({len(checks)})':<22} {sum(steps[s] for s in checks):>7.1f} s"
              f"{'':>17}peak RSS MB main {o:>5.0f} worker {c:>5.0f} all {t:>5.0f}")
    if windows:
        first = min(w[0] for w in windows.values())
        o, c, t = rss.peak(started, first)
        print(f"    before the first step (runner: inbox scan, partitions) {first - started:>5.1f} s"
              f"  peak RSS MB main {o:>5.0f}")


def report_outputs(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    for table in ["articles", "quarantine", "mentions", "events", "article_duplicates", "timeline"]:
        print(f"    rows  {table:<22} {con.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:>9}")
    dups = con.execute("SELECT count(*) FROM article_duplicates WHERE duplicate_of IS NOT NULL").fetchone()[0]
    con.close()
    print(f"    duplicates found {dups} (generated share {DUPLICATE_SHARE:.0%})")
    for name, sec in time_queries(db).items():
        print(f"    query {name:<38} {sec * 1000:>7.1f} ms (warm)")


def incremental_again(work: Path) -> int:
    """The +1% run on a kept workdir of a full run (``full_run.json`` holds its size and seconds), in a fresh
    process as a scheduled run would be: lets the incremental path be measured again on one full run, the
    workdir restored from a copy between tries."""
    from dagster import DagsterInstance

    from pipelines.runner import run_pipeline

    full = json.loads((work / "full_run.json").read_text())
    n, elapsed = full["n"], full["seconds"]
    extra = max(1, n // 100)
    # ids continue after every article already in the inbox (a workdir may hold earlier +1% runs)
    start = sum(sum(1 for _ in f.open("rb")) for f in (work / "inbox").glob("shard-*.jsonl"))
    added = generate(work / "inbox", extra, seed=start + 1, start=start)
    with DagsterInstance.ephemeral() as instance, RssSampler() as rss:
        t, wall = time.perf_counter(), time.time()
        again = run_pipeline(work / "inbox", work / "warehouse", instance=instance)
        inc = time.perf_counter() - t
        print_run("+1% files", extra, added, inc, step_seconds(instance, again.run_ids),
                  step_windows(instance, again.run_ids), rss, wall)
    print(f"    incremental: {extra} new articles in {added} new file(s) cost {inc:.1f} s = {inc / elapsed:.1%} "
          f"of the full run ({elapsed:.1f} s, {n} articles)", flush=True)
    report_outputs(again.db_path)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[2_000], help="corpus sizes to run (default 2000)")
    ap.add_argument("--incremental", action="store_true", help="then add 1%% new shards, re-run, print the cost ratio")
    ap.add_argument("--increments", type=int, default=1, metavar="K",
                    help="with --incremental: K successive +1%% runs, each on the last (default 1)")
    ap.add_argument("--workdir", type=Path, default=None, help="where to put inbox/warehouse (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the inbox and warehouse (default: removed)")
    ap.add_argument("--again", type=Path, default=None, metavar="WORKDIR",
                    help="only the +1%% run, on a workdir kept (--keep) by a full run without --incremental")
    args = ap.parse_args()
    if not SILVER.exists():
        print(f"skipped: the silver corpus is not at {SILVER}")
        return 0
    if args.again is not None:
        return incremental_again(args.again)
    from dagster import DagsterInstance

    from pipelines.runner import run_pipeline

    curve: list[tuple[int, float, list[float]]] = []
    print(f"{'run':>12} {'articles':>9} {'files':>6} {'seconds':>8} {'art/s':>7} {'ms/article':>10} "
          f"{'main MB':>8} {'child MB':>8} {'all MB':>8}   (peak RSS: this process, largest worker, sum)")
    for n in args.n:
        work = Path(tempfile.mkdtemp(prefix=f"dateline-scale-{n}-", dir=args.workdir))
        try:
            t = time.perf_counter()
            files = generate(work / "inbox", n)
            print(f"    generated {n} articles in {files} shards in {time.perf_counter() - t:.1f} s", flush=True)
            with DagsterInstance.ephemeral() as instance, RssSampler() as rss:
                t, wall = time.perf_counter(), time.time()
                report = run_pipeline(work / "inbox", work / "warehouse", instance=instance)
                elapsed = time.perf_counter() - t
                print_run("full", n, files, elapsed, step_seconds(instance, report.run_ids),
                          step_windows(instance, report.run_ids), rss, wall)
                report_outputs(report.db_path)
                (work / "full_run.json").write_text(json.dumps({"n": n, "files": files, "seconds": elapsed}))
                ratios: list[float] = []
                # Each increment adds 1% of the full run's articles as new files, as successive scheduled runs would.
                for i in range(args.increments if args.incremental else 0):
                    extra = max(1, n // 100)
                    start = n + i * extra
                    added = generate(work / "inbox", extra, seed=start + 1, start=start)
                    t, wall = time.perf_counter(), time.time()
                    again = run_pipeline(work / "inbox", work / "warehouse", instance=instance)
                    inc = time.perf_counter() - t
                    print_run("+1% files" if i == 0 else f"+1% run {i + 1}", extra, added, inc,
                              step_seconds(instance, again.run_ids), step_windows(instance, again.run_ids), rss, wall)
                    ratios.append(inc / elapsed)
                    print(f"    incremental: {extra} new articles in {added} new file(s) cost {inc:.1f} s = "
                          f"{ratios[-1]:.1%} of the full run", flush=True)
                    report_outputs(again.db_path)
                curve.append((n, 1000 * elapsed / n, ratios))
        finally:
            if args.keep:
                print(f"    kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
        sys.stdout.flush()
    print("cost curve (end to end):")
    for n, ms, ratios in curve:
        inc = f"   incremental +1%: {' then '.join(f'{r:.1%}' for r in ratios)} of full" if ratios else ""
        print(f"    {n:>9} articles  {ms:>7.3f} ms/article{inc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
