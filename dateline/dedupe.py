"""Deduplication: syndicated copies of an article, and one event reported by many sources.

Both are order-independent: decisions are made on pairs and merged with a
union-find, and every representative is chosen by a total order on the rows,
so shuffling the input or re-running gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from dateline.disjoint_set import DisjointSet
from dateline.lexicon import word_set

T = TypeVar("T", str, int)

SHINGLE_WORDS = 5
NUM_PERM = 128
# LSH: 42 bands of 3 MinHash rows (126 of the 128). A pair with shingle Jaccard J becomes a
# candidate with probability 1 - (1 - J^3)^42: 0.9999 at J = 0.8, 0.996 at J = 0.5, 0.94 at J = 0.4,
# 0.84 at J = 0.35 (a copy padded to 2.5x its length, the least Jaccard containment accepts), but
# only 0.041 at J = 0.1. Articles that merely share a paragraph (J ~ 0.1) are the bulk of band
# collisions in a large collection, and their number grows faster than the collection: 64 bands of
# 2 rows (0.47 at J = 0.1) gave 46 distinct colliding pairs per article at 100k generated articles
# (11 at 10k), 42 x 3 gives 6 (0.75 at 10k), with the same P/R on benchmarks/dedupe.py
# (P = 1.000, R = 0.9986). Candidates are then screened on the signatures (vectorised) and
# verified on the exact shingle sets.
LSH_BANDS = 42
LSH_ROWS = 3
# A bucket of equal band keys larger than this is not expanded into all its pairs: its members are
# sorted in a band-specific pseudo-random order and each is paired with the next LSH_WINDOW
# (sorted neighbourhood). A true cluster stays connected (every member meets its neighbours) and
# work stays linear in the number of articles.
LSH_WINDOW = 16
# A candidate pair is a near-duplicate when either figure clears its bar: Jaccard catches
# light edits, containment catches a copy trimmed or padded with an extra paragraph. Containment
# only counts when the shorter text is at least MIN_SIZE_RATIO of the longer one: a two-line
# brief quoted inside a long round-up is not a copy of it.
NEAR_JACCARD = 0.8
NEAR_CONTAINMENT = 0.9
MIN_SIZE_RATIO = 0.4
# Signature screen: drop a candidate whose MinHash estimate of Jaccard is this far below the
# least Jaccard the exact test could accept for its two sizes (about 5 standard errors at 128 perms).
SCREEN_MARGIN = 0.2
_CHUNK_SHINGLES = 16384
_VERIFY_PAIRS = 4096
# Band-collision codes screened at once by ``candidate_pairs`` (int64, sorted with a copy). The from-scratch
# dedupe peaks here, holding every representative's signature beside them: at 1M articles 8M codes peaked at
# 1,698 MiB, 4M at 1,498 MiB, 2M at 1,448 MiB, in the same 91-93 s (all three timed beside another process).
_SCREEN_CODES = 4_000_000

_AGENCIES = "AP|AFP|Reuters|UPI|dpa|Xinhua|Bloomberg|ANSA|EFE|PTI|IANS|Kyodo|Yonhap|APA|Anadolu|CNA|Bernama"
# An agency dateline or credit at the start of a paragraph: "LONDON (Reuters) -", "(AP) —",
# "KUALA LUMPUR, April 1 (AFP) -".
_WIRE_TAG = re.compile(
    r"^[ \t]*(?:[A-Z][\w .,'’/-]{0,60}?)?\((?:" + _AGENCIES + r")\)[ \t]*(?:[-—–:]+|--)?[ \t]*",
    re.I | re.M,
)
_AGENCY = re.compile(rf"\((?:{_AGENCIES})\)", re.I)
_NON_WORD = re.compile(r"[^\w\s]+")
# ASCII fast path of _NON_WORD: punctuation to spaces (\w is [A-Za-z0-9_] there), keeping _MARK.
_ASCII_PUNCT = str.maketrans({c: " " for c in map(chr, range(1, 128)) if not (c.isalnum() or c == "_" or c.isspace())})
_WORDS = re.compile(r"\w+")
# Shingles never cross a sentence (or paragraph) boundary: a copy with its sentences reordered
# keeps its shingle set. The split need not be linguistically exact, only the same on every copy.
_SENTENCE_END = re.compile(r"[.!?;:]+[\"'”’)\]]*(?=\s)|\n\s*\n")

_M64 = (1 << 64) - 1
_rng = np.random.default_rng(20240301)
_PERM_A = (_rng.integers(1, 1 << 63, NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_PERM_B = _rng.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64)
_WORD_MIX = (_rng.integers(1, 1 << 63, SHINGLE_WORDS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
del _rng


def normalize_text(text: str) -> str:
    """Case-folded, accent-stable, punctuation-free, whitespace-collapsed text, without wire-service tags."""
    return " ".join(t for t in _tokens(text) if t != _MARK)


def content_hash(text: str) -> str:
    """Hash of the normalised text: equal for exact copies that differ only in spacing, case or punctuation."""
    return hashlib.sha1(normalize_text(text).encode()).hexdigest()[:16]


_MARK = "\x00"  # sentence boundary token in normalised token streams
_NON_WORD_KEEP_MARK = re.compile(r"[^\w\s\x00]+")
_P = 0x100000001B3  # odd multiplier of the byte-polynomial word hash
_P_INV = pow(_P, -1, 1 << 64)
_CHUNK_BYTES = 1 << 20


def _strip_wire_tags(text: str) -> str:
    return _WIRE_TAG.sub("", text) if _AGENCY.search(text) else text


def _tokens(text: str) -> list[str]:
    """Normalised words of ``text`` (as :func:`normalize_text`) with ``_MARK`` between sentences."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SENTENCE_END.sub(f" {_MARK} ", _strip_wire_tags(text.replace(_MARK, "")))
    if text.isascii():
        return text.casefold().translate(_ASCII_PUNCT).split()
    return _NON_WORD_KEEP_MARK.sub(" ", text.casefold()).split()


def _sentence_words(text: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for t in _tokens(text):
        if t == _MARK:
            out.append([])
        else:
            out[-1].append(t)
    return [s for s in out if s]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Word k-shingles of the normalised text, within sentences (a sentence shorter than k is one shingle)."""
    out: set[str] = set()
    for words in _sentence_words(text):
        if len(words) <= k:
            out.add(" ".join(words))
        else:
            out.update(" ".join(words[i : i + k]) for i in range(len(words) - k + 1))
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (in place)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def _hash_token_streams(streams: Sequence[list[str]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of several token streams at once: ``(hashes, offsets)``, where stream ``i``'s
    sorted unique hashes are ``hashes[offsets[i]:offsets[i + 1]]``. Words are hashed as byte
    polynomials over one buffer (prefix sums, no Python loop per word)."""
    counts = [len(t) for t in streams]
    ndocs = len(streams)
    offsets = np.zeros(ndocs + 1, dtype=np.int64)
    if not sum(counts):
        return np.empty(0, dtype=np.uint64), offsets
    buf = np.frombuffer(" ".join(" ".join(t) for t in streams if t).encode(), dtype=np.uint8)
    n_bytes = len(buf)
    pw = np.full(n_bytes, _P, dtype=np.uint64)
    pw[0] = 1
    pw = np.cumprod(pw)
    inv = np.full(n_bytes + 1, _P_INV, dtype=np.uint64)
    inv[0] = 1
    inv = np.cumprod(inv)
    pref = np.zeros(n_bytes + 1, dtype=np.uint64)
    np.cumsum((buf.astype(np.uint64) + np.uint64(1)) * pw, out=pref[1:])
    spaces = np.flatnonzero(buf == 32)
    starts = np.concatenate([[0], spaces + 1])
    ends = np.concatenate([spaces, [n_bytes]])
    words = (pref[ends] - pref[starts]) * inv[starts]
    doc = np.repeat(np.arange(ndocs), counts)
    mark = buf[starts] == 0
    first = np.zeros(len(words), dtype=bool)
    first[np.concatenate([[0], np.cumsum([c for c in counts if c])[:-1]])] = True
    sid = np.cumsum(mark | first)
    keep = ~mark
    w, sid, doc = words[keep], sid[keep], doc[keep]
    n = len(w)
    wpad = np.concatenate([w, np.zeros(k - 1, dtype=np.uint64)])
    spad = np.concatenate([sid, np.full(k - 1, -1)])
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        acc += np.where(spad[j : j + n] == sid, wpad[j : j + n] * _WORD_MIX[j], np.uint64(0))
    full = spad[k - 1 : k - 1 + n] == sid
    sent_start = np.flatnonzero(np.concatenate([[True], sid[1:] != sid[:-1]]))
    sent_len = np.diff(np.concatenate([sent_start, [n]]))
    short = np.zeros(n, dtype=bool)
    short[sent_start[sent_len < k]] = True
    sel = full | short
    h, d = _mix(acc[sel]), doc[sel]
    order = np.lexsort((h, d))
    h, d = h[order], d[order]
    uniq = np.concatenate([[True], (h[1:] != h[:-1]) | (d[1:] != d[:-1])])
    h, d = h[uniq], d[uniq]
    offsets[1:] = np.cumsum(np.bincount(d, minlength=ndocs))
    return h, offsets


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """The shingles of :func:`shingles` as sorted unique 64-bit hashes (stable across processes)."""
    return _hash_token_streams([_tokens(text)], k)[0]


def _signatures(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``(len(offsets) - 1, NUM_PERM)`` uint32 MinHash signatures of the sets ``hashes[offsets[i]:offsets[i+1]]``."""
    ndocs = len(offsets) - 1
    sig = np.full((ndocs, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    i = 0
    while i < ndocs:
        j = i + 1
        while j < ndocs and offsets[j + 1] - offsets[i] <= _CHUNK_SHINGLES:
            j += 1
        lo, hi = offsets[i], offsets[j]
        if hi > lo:
            perm = ((hashes[lo:hi, None] * _PERM_A[None, :] + _PERM_B[None, :]) >> np.uint64(32)).astype(np.uint32)
            local = offsets[i:j] - lo
            nonempty = np.flatnonzero(offsets[i + 1 : j + 1] > offsets[i:j])
            sig[i + nonempty] = np.minimum.reduceat(perm, local[nonempty], axis=0)
        i = j
    return sig


def minhash_signatures(hash_sets: Sequence[np.ndarray]) -> np.ndarray:
    """``(len(hash_sets), NUM_PERM)`` uint32 MinHash signatures of shingle-hash sets."""
    offsets = np.concatenate([[0], np.cumsum([len(h) for h in hash_sets])]).astype(np.int64)
    allh = np.concatenate(list(hash_sets)) if len(hash_sets) else np.empty(0, dtype=np.uint64)
    return _signatures(allh.astype(np.uint64), offsets)


def _band_key(sig: np.ndarray, b: int) -> np.ndarray:
    """One 64-bit key per row for band ``b``: its ``LSH_ROWS`` MinHash values."""
    cols = sig[:, b * LSH_ROWS : (b + 1) * LSH_ROWS].astype(np.uint64)
    if LSH_ROWS == 2:
        return cols[:, 0] << np.uint64(32) | cols[:, 1]
    key = cols[:, 0].copy()
    for r in range(1, LSH_ROWS):
        key = _mix(key * np.uint64(0x9E3779B97F4A7C15) + cols[:, r])
    return key


def id_order(ids: Iterable[str]) -> np.ndarray:
    """A stable 64-bit hash of each id: where an article sorts inside an LSH bucket (with the band's own
    permutation, ``_tiebreak``). Depends on the id alone, so a bucket's order, hence its window pairs, is a
    function of its members (an incremental run can recompute one bucket without the rest)."""
    return np.array([int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little") for i in ids],
                    dtype=np.uint64)


def _tiebreak(order: np.ndarray, b: int) -> np.ndarray:
    return _mix(order * _PERM_A[b] + _PERM_B[b])


def _band_codes(sig: np.ndarray, b: int, order: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, sharing band ``b``'s key, as codes ``i * n + j`` (with repeats): each row is
    paired with the next ``LSH_WINDOW`` rows of its bucket, the bucket sorted by ``_tiebreak`` of ``order``
    (then by row)."""
    n = len(sig)
    key = _band_key(sig, b)
    srt = np.lexsort((_tiebreak(order, b), key))
    skey = key[srt]
    found = []
    for d in range(1, min(LSH_WINDOW, n - 1) + 1):
        same = skey[d:] == skey[:-d]
        if not same.any():
            break
        a, c = srt[:-d][same], srt[d:][same]
        found.append(np.minimum(a, c) * n + np.maximum(a, c))
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """``(len(sig), LSH_BANDS)`` uint64: each row's key in every band."""
    return np.stack([_band_key(sig, b) for b in range(LSH_BANDS)], axis=1) if len(sig) else np.empty(
        (0, LSH_BANDS), dtype=np.uint64)


def bucket_pairs(members: Sequence[str], order: np.ndarray, b: int) -> set[tuple[str, str]]:
    """The pairs one LSH bucket of band ``b`` contributes (as ``_band_codes``): ``members`` (ids, in id order)
    sorted by their band-``b`` tiebreak, each paired with the next ``LSH_WINDOW``; pairs as ``(smaller, larger)`` id."""
    srt = np.lexsort((_tiebreak(order, b),)) if len(members) else np.empty(0, dtype=np.int64)
    seq = [members[i] for i in srt.tolist()]
    return {(a, c) if a < c else (c, a) for k, a in enumerate(seq) for c in seq[k + 1 : k + 1 + LSH_WINDOW]}


def screen_pairs(sig_a: np.ndarray, sig_b: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Which candidate pairs survive the signature screen (see ``candidate_pairs``)."""
    ok = (size_a > 0) & (size_b > 0)
    est = (sig_a == sig_b).mean(axis=1) if len(sig_a) else np.zeros(0)
    return ok & (est >= _min_jaccard(size_a, size_b) - SCREEN_MARGIN)


def _unique_sorted(codes: np.ndarray) -> np.ndarray:
    codes = np.sort(codes)
    return codes[np.concatenate([[True], codes[1:] != codes[:-1]])] if len(codes) else codes


def _min_jaccard(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """Least Jaccard a pair of sets of sizes ``sa``, ``sb`` can have and still pass the exact test."""
    small, large = np.minimum(sa, sb), np.maximum(sa, sb)
    inter = NEAR_CONTAINMENT * small
    by_containment = np.where(small >= MIN_SIZE_RATIO * large, inter / np.maximum(small + large - inter, 1), 1.0)
    return np.minimum(NEAR_JACCARD, by_containment)


def _metadata_rank(row: dict) -> tuple:
    """Smaller is better: a publication date beats none, then url, title, longer text, then id."""
    return (
        row.get("published_at") is None,
        not row.get("url"),
        not row.get("title"),
        -len(row.get("text") or ""),
        row["article_id"],
    )


# --- article dedupe in two phases ---------------------------------------------------------------
#
# Phase 1 (``article_signatures``) needs only the articles of one batch (one inbox file) and is the
# expensive part: normalise, hash, shingle and MinHash every text. It runs per partition, in parallel.
# Phase 2 (``cluster_articles``) needs the compact per-article figures of the whole warehouse
# (content hash, shingle count, signature, metadata rank) and the shingle sets of the few articles
# that have a candidate: LSH banding, screen, exact test, union-find, canonical choice.
# ``find_duplicate_articles`` is both phases over rows in memory.


def article_signatures(
    article_ids: Sequence[str], texts: Sequence[str | None]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Phase 1: ``(content_hashes, shingle_counts, signatures)`` of a batch of articles, in input order.

    ``content_hashes[i]`` is :func:`content_hash` of text ``i``. The MinHash signature
    (``signatures[i]``, ``NUM_PERM`` uint32) and the number of distinct shingles
    (``shingle_counts[i]``) are computed only for the article with the smallest id among those
    of the batch with one content hash: the representative its exact copies are compared by.
    The others get ``shingle_counts[i] == -1`` (their signature row is undefined).
    """
    n = len(article_ids)
    hashes: list[str] = [""] * n
    counts = np.full(n, -1, dtype=np.int32)
    sig = np.full((n, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    seen: set[str] = set()
    batch: list[list[str]] = []
    where: list[int] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch, where, batch_bytes
        if batch:
            h, off = _hash_token_streams(batch, SHINGLE_WORDS)
            sig[where] = _signatures(h, off)
            counts[where] = np.diff(off)
        batch, where, batch_bytes = [], [], 0

    # In id order, so the first text of each hash is the representative (as in phase 2).
    for i in sorted(range(n), key=lambda i: article_ids[i]):
        toks = _tokens(texts[i] or "")
        words = [t for t in toks if t != _MARK]
        h = hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]
        hashes[i] = h
        if h in seen:
            continue
        seen.add(h)
        batch.append(toks)
        where.append(i)
        batch_bytes += sum(map(len, words)) + len(toks)
        if batch_bytes >= _CHUNK_BYTES:
            flush()
    flush()
    return hashes, counts, sig


def shingle_hash_sets(texts: Sequence[str | None]) -> list[np.ndarray]:
    """The shingle-hash set of each text (as :func:`shingle_hashes`), computed a chunk at a time."""
    out: list[np.ndarray] = []
    for lo in range(0, len(texts), _VERIFY_PAIRS):
        h, off = _hash_token_streams([_tokens(t or "") for t in texts[lo : lo + _VERIFY_PAIRS]], SHINGLE_WORDS)
        out.extend(h[off[x] : off[x + 1]] for x in range(len(off) - 1))
    return out


def exact_groups(article_ids: Sequence[str], content_hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(rep, reps)``: ``rep[i]`` is the index of the smallest-id article with article ``i``'s
    content hash; ``reps`` are the distinct representatives, in id order."""
    n = len(article_ids)
    order = np.array(sorted(range(n), key=lambda i: article_ids[i]), dtype=np.int64)
    rep = np.empty(n, dtype=np.int64)
    first: dict[str, int] = {}
    reps: list[int] = []
    for i in order.tolist():
        h = content_hashes[i]
        r = first.get(h)
        if r is None:
            first[h] = r = i
            reps.append(i)
        rep[i] = r
    return rep, np.array(reps, dtype=np.int64)


def candidate_pairs(sig: np.ndarray, sizes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Pairs of rows of ``sig`` (representatives in id order, ``order`` their ``id_order``) worth the exact
    test: LSH band collisions whose MinHash estimate of Jaccard could still pass it. ``(k, 2)``, ``i < j``, sorted.

    The band collisions of a large collection far outnumber the pairs that pass the screen, so they
    are screened a few bands at a time (at most ``_SCREEN_CODES`` pairs in memory), not all at once."""
    n = len(sig)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    kept: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    size = 0
    for b in range(LSH_BANDS):
        pending.append(_band_codes(sig, b, order))
        size += len(pending[-1])
        if size < _SCREEN_CODES and b < LSH_BANDS - 1:
            continue
        codes = _unique_sorted(np.concatenate(pending))
        pending, size = [], 0
        i, j = codes // n, codes % n
        keep = np.empty(len(codes), dtype=bool)
        for lo in range(0, len(codes), 1 << 16):  # bounded temporaries: (block, NUM_PERM) booleans
            a, c = i[lo : lo + (1 << 16)], j[lo : lo + (1 << 16)]
            keep[lo : lo + (1 << 16)] = screen_pairs(sig[a], sig[c], sizes[a], sizes[c])
        kept.append(codes[keep])
    codes = _unique_sorted(np.concatenate(kept))
    return np.stack([codes // n, codes % n], axis=1)


ShingleSets = Callable[[Sequence[int]], dict[int, np.ndarray]]


def cluster_articles(
    article_ids: Sequence[str],
    content_hashes: Sequence[str],
    rank: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rep_signatures: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    shingle_sets: ShingleSets,
    edges: list[tuple[int, int]] | None = None,
) -> tuple[np.ndarray, list[str | None], np.ndarray]:
    """Phase 2: the duplicate clusters of a whole collection.

    ``rank`` is ``(no_date, no_url, no_title, text_length)`` per article (see ``_metadata_rank``;
    the id breaks ties). ``rep_signatures(reps)`` returns the ``(signatures, shingle_counts)`` of the
    representatives ``reps`` (indices, in id order) as phase 1 computed them. ``shingle_sets(indices)``
    returns the shingle-hash sets of those articles (only candidates' are asked for, in one call per
    step, so a caller can read their texts from storage in one pass).

    Returns ``(canonical, method, similarity)`` per article: the index of its canonical article,
    ``None``/``"exact"``/``"near"``, and the Jaccard similarity to the canonical copy. The pairs of
    representatives that passed the exact test are appended to ``edges`` when given.
    """
    n = len(article_ids)
    rep, reps = exact_groups(article_ids, content_hashes)
    sig, sizes = rep_signatures(reps)
    pairs = candidate_pairs(sig, sizes, id_order(article_ids[r] for r in reps.tolist()))
    del sig
    # Exact test on the candidates' shingle sets (of their representatives' own texts).
    uf: DisjointSet[int] = DisjointSet()

    for block in _pair_blocks(reps[pairs]):
        sets = shingle_sets(np.unique(block).tolist())
        for i, j in block.tolist():
            if _similarity(sets[i], sets[j]) is not None:
                if edges is not None:
                    edges.append((i, j))
                uf.union(i, j)
        del sets
    comp = np.array([uf.find(r) for r in rep.tolist()], dtype=np.int64) if uf else rep.copy()
    # Canonical per component: the best metadata rank, ties broken by id.
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[np.array(sorted(range(n), key=lambda i: article_ids[i]), dtype=np.int64)] = np.arange(n)
    no_date, no_url, no_title, length = rank
    order = np.lexsort((id_rank, -np.asarray(length, dtype=np.int64), no_title, no_url, no_date, comp))
    first = np.concatenate([[True], comp[order][1:] != comp[order][:-1]]) if n else np.empty(0, dtype=bool)
    best = np.empty(n, dtype=np.int64)
    best[comp[order][first]] = order[first]
    canonical = best[comp]
    # Near copies (another content hash than their canonical): Jaccard of their own texts.
    hashes = np.asarray(content_hashes, dtype=object)
    near = np.flatnonzero((canonical != np.arange(n)) & (hashes != hashes[canonical]))
    similarity = np.ones(n, dtype=np.float64)
    method: list[str | None] = [None] * n
    for i in np.flatnonzero(canonical != np.arange(n)).tolist():
        method[i] = "exact"
    for block in _pair_blocks(np.stack([near, canonical[near]], axis=1)):
        sets = shingle_sets(np.unique(block).tolist())
        for m, c in block.tolist():
            similarity[m] = _jaccard(sets[m], sets[c])
            method[m] = "near"
        del sets
    return canonical, method, similarity


# Shingle sets held at once while verifying (about 3 kB each for a news article).
_VERIFY_ARTICLES = 50_000


def _pair_blocks(pairs: np.ndarray) -> list[np.ndarray]:
    """``pairs`` cut into consecutive blocks that each involve at most ``_VERIFY_ARTICLES`` articles."""
    blocks, lo, seen = [], 0, set()
    for k, (i, j) in enumerate(pairs.tolist()):
        new = (i not in seen) + (j not in seen and j != i)
        if len(seen) + new > _VERIFY_ARTICLES and k > lo:
            blocks.append(pairs[lo:k])
            lo, seen = k, set()
        seen.update((i, j))
    if lo < len(pairs):
        blocks.append(pairs[lo:])
    return blocks


def find_duplicate_articles(articles: Sequence[dict]) -> list[dict]:
    """Cluster exact and near-duplicate articles and pick one canonical article per cluster.

    ``articles`` rows need ``article_id`` and ``text`` (``published_at``, ``url``,
    ``title`` decide which copy is canonical). Returns one row per article:
    ``article_id, canonical_id, duplicate_of`` (``None`` for the canonical one),
    ``method`` (``exact``/``near``/``None``) and ``similarity`` to the canonical copy.

    Exact copies share a normalised-text hash. Near copies: MinHash signatures of
    sentence-bounded word 5-shingles, LSH banding by sorting band keys (no all-pairs),
    a screen on the signatures, then exact Jaccard >= 0.8 or containment >= 0.9.
    Memory beyond the input is ``NUM_PERM`` uint32 per distinct text; shingle sets are
    rebuilt only for the texts that have a candidate. Both phases in memory: the warehouse
    runs phase 1 per inbox file (``article_signatures``) and phase 2 over the stored signatures.
    """
    by_id = {r["article_id"]: r for r in articles}
    rows = list(by_id.values())
    ids = [r["article_id"] for r in rows]
    texts = [r["text"] for r in rows]
    hashes, counts, sig = article_signatures(ids, texts)
    rank = (
        np.array([r.get("published_at") is None for r in rows], dtype=bool),
        np.array([not r.get("url") for r in rows], dtype=bool),
        np.array([not r.get("title") for r in rows], dtype=bool),
        np.array([len(r.get("text") or "") for r in rows], dtype=np.int64),
    )

    def sets_of(indices: Sequence[int]) -> dict[int, np.ndarray]:
        return dict(zip(indices, shingle_hash_sets([texts[i] for i in indices]), strict=True))

    canonical, method, similarity = cluster_articles(
        ids, hashes, rank, lambda reps: (sig[reps], counts[reps].astype(np.int64)), sets_of
    )
    out = [
        dict(
            article_id=ids[i],
            canonical_id=ids[c],
            duplicate_of=None if c == i else ids[c],
            method=method[i],
            similarity=1.0 if method[i] != "near" else float(similarity[i]),
        )
        for i, c in enumerate(canonical.tolist())
    ]
    out.sort(key=lambda r: r["article_id"])
    return out


def _intersection(a: np.ndarray, b: np.ndarray) -> int:
    return len(np.intersect1d(a, b, assume_unique=True))


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    inter = _intersection(a, b)
    return round(inter / (len(a) + len(b) - inter), 4)


def _similarity(a: np.ndarray, b: np.ndarray) -> float | None:
    """Jaccard of two shingle-hash sets when they are near-duplicates, else ``None``."""
    if not len(a) or not len(b):
        return None
    inter = _intersection(a, b)
    jac = inter / (len(a) + len(b) - inter)
    small, large = min(len(a), len(b)), max(len(a), len(b))
    cont = inter / small if small >= MIN_SIZE_RATIO * large else 0.0
    return jac if jac >= NEAR_JACCARD or cont >= NEAR_CONTAINMENT else None


# --- events ---------------------------------------------------------------------------------

def _content_words(text: str, date_phrase: str | None = None) -> set[str]:
    stop = word_set("stopwords.txt")
    words = {w for w in _WORDS.findall(text.casefold()) if w not in stop and not w.isdigit() and len(w) > 2}
    if date_phrase:
        words -= set(_WORDS.findall(date_phrase.casefold()))
    return words


# Granularities at which a shared date says little (a year holds thousands of events): there
# two events must agree on an actor and the trigger and some clause words, or on most words.
COARSE_GRANULARITIES = frozenset({"year", "half", "decade", "century"})
# Blocks larger than this are not expanded into all their pairs: members are sorted by
# (trigger, actors, clause words) and each is compared with the next EVENT_WINDOW.
MAX_EVENT_BLOCK = 48
EVENT_WINDOW = 16
# Content words per event used as blocking keys (the smallest by hash: a min-wise sample, so two
# clauses sharing most words share one of these with high probability).
WORD_KEYS = 4


def _event_words(e: dict) -> set[str]:
    """Content words of the clause without its date phrase; a clause too short to say what
    happened ("officials said Wednesday") is described by its whole sentence."""
    words = _content_words(e["clause"], e.get("mention_text"))
    if len(words) < 3 and e.get("sentence"):
        words = _content_words(e["sentence"], e.get("mention_text"))
    return words


def score_features(e: dict, words: set[str]) -> tuple[str, set[str], frozenset[str], str | None, bool]:
    """What scoring reads of an event (``words``: its content words), computed once per event: its article,
    words, case-folded actors, trigger, and whether its granularity is coarse."""
    return (e["article_id"], words, frozenset(x.casefold() for x in e.get("actors") or []),
            e.get("trigger") or None, e.get("granularity") in COARSE_GRANULARITIES)


def feature_score(fa: tuple, fb: tuple) -> float | None:
    """How alike two events of one block are (higher is closer) when they may merge, else ``None``; over their
    ``score_features``. Two events of one article never merge.

    Clause words exclude the date phrase (the dates already agree). A shared actor with the
    same trigger or some shared words is enough; without a shared actor the clauses must share
    most words (at least three), more so when both name actors and none in common (stricter at
    coarse granularities, the first event's deciding).
    """
    if fa[0] == fb[0]:
        return None
    wa, wb = fa[1], fb[1]
    inter = len(wa & wb)
    jac = inter / (len(wa) + len(wb) - inter) if wa and wb else 0.0
    actors_a, actors_b = fa[2], fb[2]
    shared_actor = not actors_a.isdisjoint(actors_b)
    same_trigger = fa[3] is not None and fa[3] == fb[3]
    score = jac + 0.5 * shared_actor + 0.25 * same_trigger
    if fa[4]:
        ok = (shared_actor and same_trigger and jac >= 0.25) or (jac >= 0.5 and inter >= 3)
    elif shared_actor:
        ok = same_trigger or jac >= 0.25
    elif actors_a and actors_b:
        ok = jac >= 0.6 and inter >= 3
    else:
        ok = jac >= 0.5 and inter >= 3
    return score if ok else None


def _date_key(e: dict) -> tuple:
    """Events can only match inside one date key: the same day (a time of day counts as its day),
    else the same granularity and interval."""
    gran = e.get("granularity")
    if gran in ("day", "time"):
        return ("day", e["start_date"])
    return (gran, e["start_date"], e["end_date"])


def _event_keys(e: dict, words: set[str]) -> set[tuple[str, str]]:
    """The blocks of an event inside its date key (``_date_key``), as (kind, value): ``WORD_KEYS`` min-hashed
    clause words, and each actor -- with the trigger at a coarse granularity, where a shared actor counts only
    with the same trigger; ("-", "") for an event with none of them.

    The keys follow ``feature_score``: a pair without a shared actor merges only when its clauses share most
    words, which a shared min-hashed word finds, so the trigger alone is no key (its blocks were the largest:
    every "said" of a day, touched by almost any new article)."""
    actors = {x.casefold() for x in e.get("actors") or []}
    if e.get("granularity") in COARSE_GRANULARITIES:
        trigger = e.get("trigger")
        keys = {("at", f"{x}\x02{trigger}") for x in actors} if trigger else set()
    else:
        keys = {("a", x) for x in actors}
    for w in sorted(words, key=lambda w: zlib.crc32(w.encode()))[:WORD_KEYS]:
        keys.add(("w", w))
    return keys or {("-", "")}


def event_block_keys(e: dict, words: set[str]) -> list[int]:
    """The blocks an event is in (its date key with each of ``_event_keys``) as stable 64-bit keys, sorted."""
    # The date key is spelled once per event (repr of a tuple holding dates, per key, was the costliest step).
    date = "\x00".join(map(str, _date_key(e)))
    return sorted(int.from_bytes(hashlib.blake2b(f"{date}\x01{kind}\x01{value}".encode(), digest_size=8).digest(),
                                 "little") for kind, value in _event_keys(e, words))


def neighbour_key(e: dict, words: set[str]) -> str:
    """Where an event sorts in a block too large for all pairs: by trigger, actors, clause words, then id,
    so that similar events sort next to each other. One string (fields and items separated by characters
    below any a word or name holds), compared as the tuple of its parts would be."""
    actors = sorted(x.casefold() for x in e.get("actors") or [])
    return "\x01".join([e.get("trigger") or "", "\x02".join(actors), "\x02".join(sorted(words)), e["event_id"]])


def _description_rank(e: dict) -> tuple:
    """Smaller is better: most confident, then has actors and trigger, then longest clause, then id."""
    return (-(e.get("confidence") or 0.0), not e.get("actors"), not e.get("trigger"), -len(e["clause"]), e["event_id"])


def block_pairs(members: Sequence[T], nkeys: Mapping[T, str]) -> list[tuple[T, T]]:
    """The pairs one block compares: all of them up to ``MAX_EVENT_BLOCK`` members, else each member with
    the next ``EVENT_WINDOW`` in ``neighbour_key`` order. ``members`` (event ids, or their ranks in id order)
    in id order; pairs ``(smaller, larger)``."""
    if len(members) <= MAX_EVENT_BLOCK:
        return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    ordered = sorted(members, key=nkeys.__getitem__)
    return [(a, b) if a < b else (b, a) for i, a in enumerate(ordered) for b in ordered[i + 1 : i + 1 + EVENT_WINDOW]]


def merge_groups(articles: dict[str, str], scored: dict[tuple[str, str], float],
                 accepted: list[tuple[str, str]] | None = None) -> list[list[str]]:
    """Greedy merge: the pairs with a score (``(smaller, larger)`` id -> score), best first (ties by ids),
    join two groups unless that would put two events of one article in one group. ``articles``: every
    event's article. Returns the groups (sorted ids), in order of their smallest id; the pairs that joined
    two groups are appended to ``accepted`` when given (any other pair changed nothing when its turn came).

    A group only ever grows along scored pairs, so the groups inside one connected component of the
    scored pairs depend on that component's pairs alone."""
    ids = sorted(articles)
    rank = {e: i for i, e in enumerate(ids)}
    arts: list[set[str] | None] = [{articles[e]} for e in ids]
    sets: DisjointSet[int] = DisjointSet()
    find = sets.find

    if scored:
        keys = list(scored)
        a = np.fromiter((rank[k[0]] for k in keys), dtype=np.int64, count=len(keys))
        b = np.fromiter((rank[k[1]] for k in keys), dtype=np.int64, count=len(keys))
        s = np.fromiter(scored.values(), dtype=np.float64, count=len(keys))
        order = np.lexsort((b, a, -s))  # best score first, ties by the ids
        for x, y in zip(a[order].tolist(), b[order].tolist(), strict=True):
            rx, ry = find(x), find(y)
            if rx == ry or not arts[rx].isdisjoint(arts[ry]):
                continue
            lo, hi = (rx, ry) if rx < ry else (ry, rx)
            sets.union(lo, hi)
            arts[lo] |= arts[hi]
            arts[hi] = None
            if accepted is not None:
                accepted.append((ids[x], ids[y]))
    groups: dict[int, list[str]] = defaultdict(list)
    for i, e in enumerate(ids):
        groups[find(i)].append(e)
    return list(groups.values())


def timeline_row(evs: Sequence[dict]) -> dict:
    """The timeline row of one group of events (reports of one event)."""
    best = min(evs, key=_description_rank)
    sources = sorted({e["article_id"] for e in evs})
    published = [e["published_at"] for e in evs if e.get("published_at") is not None]
    actors: list[str] = []
    for e in sorted(evs, key=_description_rank):
        for a in e.get("actors") or []:
            if a not in actors:
                actors.append(a)
    event_ids = sorted(e["event_id"] for e in evs)
    return dict(
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


def score_events(by_id: dict[str, dict], words: dict[str, set[str]],
                 keys: dict[str, list[int]] | None = None) -> dict[tuple[str, str], float]:
    """The pairs of events that may merge (blocked, see ``cluster_events``) with their scores. ``keys``: the
    events' ``event_block_keys`` when already known."""
    # Events by their rank in id order: pairs are ints while looked up (the pairs ``block_pairs`` gives).
    ids = sorted(by_id)
    n = len(ids)
    blocks: dict[int, list[int]] = defaultdict(list)
    for i, eid in enumerate(ids):
        for key in keys[eid] if keys is not None else event_block_keys(by_id[eid], words[eid]):
            blocks[key].append(i)
    features = [score_features(by_id[e], words[e]) for e in ids]
    nkeys: dict[int, str] = {}
    scored: dict[tuple[str, str], float] = {}
    seen: set[int] = set()
    # Block order does not matter: a pair's score is symmetric and merges go by score order.
    for members in blocks.values():
        if len(members) > MAX_EVENT_BLOCK:
            for m in members:
                if m not in nkeys:
                    nkeys[m] = neighbour_key(by_id[ids[m]], words[ids[m]])
        for a, b in block_pairs(members, nkeys):
            code = a * n + b
            if code in seen:
                continue
            seen.add(code)
            score = feature_score(features[a], features[b])
            if score is not None:
                scored[(ids[a], ids[b])] = score
    return scored


def cluster_events(events: Sequence[dict]) -> list[dict]:
    """Merge events that report the same thing at the same date into timeline rows.

    Two events are candidates only when their dates fall in one date key (the same day,
    a time of day counting as its day; else the same granularity and interval) and they
    share an actor (and the trigger, at year and coarser granularities) or one of a few
    min-hashed clause words (``_event_keys``). Blocks up to
    ``MAX_EVENT_BLOCK`` are compared all-pairs, larger ones by sorted neighbourhood, so the
    work is linear in the number of events. They merge when they share an actor and the
    trigger or enough clause words, or their clauses are very similar (stricter at year
    and coarser granularities).
    Each row carries ``source_count`` (distinct articles), ``sources``, ``event_ids``,
    ``first_reported`` and the best-described clause as ``description``.
    """
    dated = [e for e in events if e.get("start_date") is not None]
    by_id = {e["event_id"]: e for e in dated}
    words = {eid: _event_words(e) for eid, e in by_id.items()}
    scored = score_events(by_id, words)
    # Merge the closest pairs first; never put two events of one article in one row (an article
    # states each event once at a date; two dated clauses of it are two events). The order is a
    # total order on (score, ids), so the result does not depend on the input order.
    groups = merge_groups({eid: e["article_id"] for eid, e in by_id.items()}, scored)
    rows = [timeline_row([by_id[m] for m in members]) for members in groups]
    rows.sort(key=lambda r: (r["start_date"], r["timeline_id"]))
    return rows
