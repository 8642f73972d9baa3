"""Deduplication: syndicated copies of an article, and one event reported by many sources.

Both are order-independent: decisions are made on pairs and merged with a
union-find, and every representative is chosen by a total order on the rows,
so shuffling the input or re-running gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

from datasketch import MinHash, MinHashLSH

from dateline.lexicon import word_set

SHINGLE_WORDS = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.5
# A candidate pair is a near-duplicate when either figure clears its bar: Jaccard catches
# light edits, containment catches a copy trimmed or padded with an extra paragraph.
NEAR_JACCARD = 0.8
NEAR_CONTAINMENT = 0.9
MAX_BLOCK = 400

_WIRE_TAG = re.compile(r"^\s*(?:[A-Z][A-Za-z .,]{0,40})?\((?:AP|AFP|Reuters|UPI|dpa|Xinhua|Bloomberg)\)\s*[-—–]*\s*", re.I)
_NON_WORD = re.compile(r"[^\w\s]+")
_WORDS = re.compile(r"\w+")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Attach the larger id under the smaller: the structure does not depend on input order.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo

    def groups(self, items: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for x in items:
            out[self.find(x)].append(x)
        return out


def normalize_text(text: str) -> str:
    """Case-folded, accent-stable, punctuation-free, whitespace-collapsed text, without a wire-service tag."""
    text = unicodedata.normalize("NFKC", text)
    text = _WIRE_TAG.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def content_hash(text: str) -> str:
    """Hash of the normalised text: equal for exact copies that differ only in spacing, case or punctuation."""
    return hashlib.sha1(normalize_text(text).encode()).hexdigest()[:16]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    words = normalize_text(text).split()
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def _minhash(sh: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode() for s in sorted(sh)])
    return m


def _metadata_rank(row: dict) -> tuple:
    """Smaller is better: a publication date beats none, then url, title, longer text, then id."""
    return (
        row.get("published_at") is None,
        not row.get("url"),
        not row.get("title"),
        -len(row.get("text") or ""),
        row["article_id"],
    )


def find_duplicate_articles(articles: Sequence[dict]) -> list[dict]:
    """Cluster exact and near-duplicate articles and pick one canonical article per cluster.

    ``articles`` rows need ``article_id`` and ``text`` (``published_at``, ``url``,
    ``title`` decide which copy is canonical). Returns one row per article:
    ``article_id, canonical_id, duplicate_of`` (``None`` for the canonical one),
    ``method`` (``exact``/``near``/``None``) and ``similarity`` to the canonical copy.
    """
    by_id = {r["article_id"]: r for r in articles}
    uf = _UnionFind()
    hashes = {aid: content_hash(r["text"]) for aid, r in by_id.items()}
    first_of_hash: dict[str, str] = {}
    for aid in sorted(by_id):
        h = hashes[aid]
        if h in first_of_hash:
            uf.union(first_of_hash[h], aid)
        else:
            first_of_hash[h] = aid

    reps = sorted(first_of_hash.values())
    sh = {aid: shingles(by_id[aid]["text"]) for aid in reps}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    mh = {}
    for aid in reps:
        mh[aid] = _minhash(sh[aid])
        lsh.insert(aid, mh[aid])
    for aid in reps:
        for other in lsh.query(mh[aid]):
            if other <= aid:
                continue
            if _similarity(sh[aid], sh[other]) is not None:
                uf.union(aid, other)

    rows: list[dict] = []
    for members in uf.groups(by_id).values():
        canonical = min((by_id[m] for m in members), key=_metadata_rank)["article_id"]
        canon_sh = None
        for m in sorted(members):
            if m == canonical:
                rows.append(dict(article_id=m, canonical_id=m, duplicate_of=None, method=None, similarity=1.0))
                continue
            if hashes[m] == hashes[canonical]:
                method, sim = "exact", 1.0
            else:
                canon_sh = canon_sh if canon_sh is not None else shingles(by_id[canonical]["text"])
                method = "near"
                sim = _jaccard(shingles(by_id[m]["text"]), canon_sh)
            rows.append(dict(article_id=m, canonical_id=canonical, duplicate_of=canonical, method=method, similarity=sim))
    rows.sort(key=lambda r: r["article_id"])
    return rows


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return round(len(a & b) / len(a | b), 4)


def _similarity(a: set[str], b: set[str]) -> float | None:
    """Jaccard of two shingle sets when they are near-duplicates, else ``None``."""
    if not a or not b:
        return None
    inter = len(a & b)
    jac = inter / len(a | b)
    cont = inter / min(len(a), len(b))
    return jac if jac >= NEAR_JACCARD or cont >= NEAR_CONTAINMENT else None


# --- events ---------------------------------------------------------------------------------

def _content_words(text: str) -> set[str]:
    stop = word_set("stopwords.txt")
    return {w for w in _WORDS.findall(text.casefold()) if w not in stop and not w.isdigit() and len(w) > 2}


def _same_event(a: dict, b: dict, words: dict[str, set[str]]) -> bool:
    wa, wb = words[a["event_id"]], words[b["event_id"]]
    jac = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    actors_a = {x.casefold() for x in a.get("actors") or []}
    actors_b = {x.casefold() for x in b.get("actors") or []}
    shared_actor = bool(actors_a & actors_b)
    same_trigger = bool(a.get("trigger")) and a.get("trigger") == b.get("trigger")
    if shared_actor and (same_trigger or jac >= 0.25):
        return True
    return jac >= 0.5


def _blocks(event: dict) -> set[tuple]:
    keys = {(event["value"], "a", x.casefold()) for x in event.get("actors") or []}
    if event.get("trigger"):
        keys.add((event["value"], "t", event["trigger"]))
    return keys or {(event["value"], "-", "")}


def _description_rank(e: dict) -> tuple:
    """Smaller is better: most confident, then has actors and trigger, then longest clause, then id."""
    return (-(e.get("confidence") or 0.0), not e.get("actors"), not e.get("trigger"), -len(e["clause"]), e["event_id"])


def cluster_events(events: Sequence[dict]) -> list[dict]:
    """Merge events that report the same thing at the same date into timeline rows.

    Two events are candidates only when they share a TIMEX3 value and an actor or a
    trigger (blocking keeps this linear in practice); they merge when they share an
    actor and a trigger or enough clause words, or their clauses are very similar.
    Each row carries ``source_count`` (distinct articles), ``sources``, ``event_ids``,
    ``first_reported`` and the best-described clause as ``description``.
    """
    dated = [e for e in events if e.get("start_date") is not None]
    by_id = {e["event_id"]: e for e in dated}
    words = {eid: _content_words(e["clause"]) for eid, e in by_id.items()}
    blocks: dict[tuple, list[str]] = defaultdict(list)
    for eid in sorted(by_id):
        for key in _blocks(by_id[eid]):
            blocks[key].append(eid)
    uf = _UnionFind()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            members = members[:MAX_BLOCK]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if uf.find(a) != uf.find(b) and _same_event(by_id[a], by_id[b], words):
                    uf.union(a, b)
    rows = []
    for members in uf.groups(sorted(by_id)).values():
        evs = [by_id[m] for m in members]
        best = min(evs, key=_description_rank)
        sources = sorted({e["article_id"] for e in evs})
        published = [e["published_at"] for e in evs if e.get("published_at") is not None]
        actors: list[str] = []
        for e in sorted(evs, key=_description_rank):
            for a in e.get("actors") or []:
                if a not in actors:
                    actors.append(a)
        event_ids = sorted(members)
        rows.append(
            dict(
                timeline_id=hashlib.sha1(f"timeline:{best['value']}:{event_ids[0]}".encode()).hexdigest()[:16],
                value=best["value"],
                granularity=best.get("granularity"),
                start_date=best["start_date"],
                end_date=best["end_date"],
                description=best["clause"],
                trigger=best.get("trigger"),
                actors=actors,
                source_count=len(sources),
                sources=sources,
                event_ids=event_ids,
                first_reported=min(published) if published else None,
                article_id=best["article_id"],
                event_id=best["event_id"],
            )
        )
    rows.sort(key=lambda r: (r["start_date"], r["timeline_id"]))
    return rows

