"""Article dedupe over the whole warehouse (phase 2 of ``dedupe.find_duplicate_articles``), from scratch or
incrementally.

From scratch, every article's compact figures are read from the ``signatures`` working table, the
representatives of each content hash are banded (LSH), screened and verified, and the texts are read back
only for candidate pairs. With a state folder, the run also records what it found (``dateline.state``): the
LSH bucket keys of every representative, the pairs that passed the exact test, and each article's component.
A later run then redoes only what the changed partitions touch:

* the content-hash groups of the removed and added articles (their representative may change);
* the LSH buckets holding a representative that left or arrived: their window pairs are recomputed
  (a bucket's order depends on its members alone, ``dedupe.id_order``), new pairs are screened and verified,
  passed pairs that dropped out of every window are forgotten;
* the components (clusters) of every article whose group, representative or pairs changed: components are
  recomputed from the recorded and new pairs, and their canonical copy, method and similarity re-derived.

Every other row of ``article_duplicates`` is kept as it was. The result is the table a from-scratch run
writes (tests compare both).
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dateline import dedupe, partitions, schemas, storage
from dateline.disjoint_set import DisjointSet
from dateline.state import (
    FILES_DDL,
    StepState,
    changed_leaves,
    code_signature,
    collector_paused,
    id_table,
    leaf,
    too_large_a_change,
)
from dateline.window_diff import window_diffs

log = logging.getLogger(__name__)

_SIG_META = ["article_id", "content_hash", "shingle_count", "has_published_at", "has_url", "has_title",
             "text_length", "partition_key"]

STATE_DDL = [
    FILES_DDL,
    # One row per article: where its signature is, its metadata rank, its representative and component.
    """CREATE TABLE arts (sid BIGINT, article_id VARCHAR, content_hash VARCHAR, leaf VARCHAR, row_idx INTEGER,
       shingles INTEGER, no_date BOOLEAN, no_url BOOLEAN, no_title BOOLEAN, length BIGINT, rep BIGINT,
       comp VARCHAR)""",
    # One row per representative and band: the LSH bucket it is in and where it sorts there (``tb``, then its id).
    "CREATE TABLE lsh (band UTINYINT, key UBIGINT, sid BIGINT, tb UBIGINT)",
    # Pairs of representatives that passed the exact test.
    "CREATE TABLE edges (a BIGINT, b BIGINT)",
]


def _signature() -> str:
    here = Path(__file__).resolve().parent
    return code_signature(here / "warehouse_dedupe.py", here / "dedupe.py", here / "disjoint_set.py", here / "state.py",
                          here / "window_diff.py")


def _outputs(warehouse: str) -> dict:
    return storage.file_fingerprints(warehouse, "article_duplicates")


def refresh_signatures(warehouse: str, workers: int = 0, known: dict[str, dict[str, str]] | None = None
                       ) -> dict[str, int]:
    """Make the ``signatures`` table match the ``articles`` table file by file: signatures of articles
    files written without them (or out of step with them) are recomputed, those of removed files dropped.
    ``known``: the fingerprints (``articles``, ``signatures``) of files known to be in step; only the others
    are compared."""
    fs, _ = storage._fs(warehouse)
    art_fp = storage.file_fingerprints(warehouse, "articles")
    sig_fp = storage.file_fingerprints(warehouse, "signatures")
    articles = {leaf(p): p for p in art_fp}
    sigs = {leaf(p): p for p in sig_fp}
    base = storage.parquet_root(warehouse)
    for name, path in sigs.items():
        if name not in articles:
            fs.rm(f"{base}/{path}")
    known_art, known_sig = (known or {}).get("articles", {}), (known or {}).get("signatures", {})
    redo = []
    for name, path in articles.items():
        if name in sigs and known_art.get(path) == art_fp[path] and known_sig.get(sigs[name]) == sig_fp[sigs[name]]:
            continue
        ids = storage.read_file_columns(warehouse, f"{base}/{path}", "articles", ["article_id", "partition_key"])
        if name in sigs:
            have = storage.read_file_columns(warehouse, f"{base}/{sigs[name]}", "signatures", ["article_id"])
            if have.column("article_id").equals(ids.column("article_id")):
                continue
        if ids.num_rows:
            redo.append((warehouse, ids.column("partition_key")[0].as_py()))
    partitions.map_partitions(partitions.signatures_partition, redo, workers if len(redo) > 1 else 1)
    # Manifests of partitions that have neither articles nor quarantine rows any more (file removed).
    kept = set(articles) | {leaf(p) for p in storage.file_fingerprints(warehouse, "quarantine")}
    for path in storage.file_fingerprints(warehouse, "ingest_manifest"):
        if leaf(path) not in kept:
            fs.rm(f"{base}/{path}")
    return {"signature_files": len(articles), "signatures_recomputed": len(redo)}


def dedupe_warehouse(warehouse: str, workers: int = 0, state_dir: str | Path | None = None) -> dict[str, Any]:
    """Article dedupe over the whole warehouse; writes ``article_duplicates`` and returns counts.

    With ``state_dir`` (a local folder), only the work the changed partitions touch is redone when the state
    there describes the current ``article_duplicates`` (see the module docstring); the result is the same."""
    started = time.perf_counter()
    st = StepState(state_dir, "dedupe", _signature()) if state_dir is not None else None
    try:
        usable = st is not None and st.valid_for(_outputs(warehouse))
        known = {t: st.files(t) for t in ("articles", "signatures")} if usable else None
        refreshed = refresh_signatures(warehouse, workers, known)
        listings = {t: storage.file_fingerprints(warehouse, t) for t in ("articles", "signatures")}
        stats: dict[str, Any] | str = "no state kept" if st is None else "no state describing the current files"
        # An incremental run stays in this process (a process of its own cost 3-7 s at 1M articles, 20-25% of the
        # step) and hands back what Arrow's allocator kept of its ~1.2 GB peak.
        if usable:
            stats = _incremental_on(warehouse, st, listings)
            pa.default_memory_pool().release_unused()
        if isinstance(stats, dict):
            stats["mode"] = "incremental"
        if isinstance(stats, str):
            reason = stats
            log.info("article dedupe: recomputing from scratch: %s", reason)
            if st is not None:
                st.reset(STATE_DDL)
            # A big warehouse's dedupe from scratch holds ~2 kB per article for a minute: in a process of its own,
            # which gives it all back when it ends.
            big = storage.is_local(warehouse) and sum(
                map(storage.fingerprint_bytes, listings["signatures"].values())) >= CHILD_MIN_BYTES
            if big:
                if st is not None:
                    st.close()
                stats = partitions.run_in_child(_full_job, warehouse, listings, str(state_dir) if st else None)
                if st is not None:
                    st = StepState(state_dir, "dedupe", _signature())
            else:
                stats = _full(warehouse, listings, st)
            stats.update(mode="full", full_because=reason)
        if st is not None:
            st.set_files(listings)
            st.commit(_outputs(warehouse))
    finally:
        if st is not None:
            st.close()
    return {**stats, **refreshed, "seconds": time.perf_counter() - started}


# Signatures (bytes of their files) from which a from-scratch run goes to a process of its own.
CHILD_MIN_BYTES = 32_000_000
# An incremental run whose changed partitions hold more than this share of the articles (and more than
# LARGE_CHANGE_BYTES) recomputes from scratch instead: it would hold every changed article's row and signature in
# memory (1M articles with every file re-ingested, as a new tagger version does: over 8 GB), while the full path
# streams them in a process of its own. A 1% change at 1M articles is some 6 MB of signatures.
INCREMENTAL_SHARE = float(os.environ.get("DATELINE_DEDUPE_INCREMENTAL_SHARE", "0.1"))
LARGE_CHANGE_BYTES = 32_000_000


def _incremental_on(warehouse: str, st: StepState, listings: dict[str, dict[str, str]]) -> dict[str, Any] | str:
    """``_incremental`` on the state ``st``, marked incomplete until the caller commits it."""
    st.begin()
    st.hold_buffers()
    with collector_paused():
        return _incremental(warehouse, st, listings)


def _full_job(warehouse: str, listings: dict[str, dict[str, str]], state_dir: str | None) -> dict[str, Any]:
    st = StepState(state_dir, "dedupe", _signature()) if state_dir is not None else None
    try:
        return _full(warehouse, listings, st)
    finally:
        if st is not None:
            st.close()


def _counts(table: pa.Table) -> dict[str, int]:
    method = table.column("method")
    return {
        "articles": table.num_rows,
        "canonical_articles": table.column("duplicate_of").null_count,
        "exact_duplicates": pc.sum(pc.equal(method, "exact")).as_py() or 0,
        "near_duplicates": pc.sum(pc.equal(method, "near")).as_py() or 0,
    }


def _rows_table(ids: Sequence[str], canon_ids: Sequence[str], is_dup: np.ndarray, method: Sequence[str | None],
                similarity: np.ndarray) -> pa.Table:
    n = len(ids)
    id_arr = pa.array(ids, type=pa.string())
    canon = pa.array(canon_ids, type=pa.string())
    return pa.Table.from_arrays(
        [id_arr, canon, pc.if_else(pa.array(is_dup, type=pa.bool_()), canon, pa.nulls(n, pa.string())),
         pa.array(method, type=pa.string()), pa.array(np.where(is_dup, similarity, 1.0), type=pa.float32())],
        schema=schemas.ARTICLE_DUPLICATES,
    )


def _sorted(table: pa.Table) -> pa.Table:
    return table.take(pc.sort_indices(table.column("article_id")))


# --- from scratch ---------------------------------------------------------------------------------------


def _full(warehouse: str, listings: dict[str, dict[str, str]], st: StepState | None) -> dict[str, Any]:
    base = storage.parquet_root(warehouse)
    files = [f"{base}/{p}" for p in sorted(listings["signatures"])]
    article_files = {leaf(p): f"{base}/{p}" for p in listings["articles"]}
    ids: list[str] = []
    hashes: list[str] = []
    meta = []
    file_of: list[np.ndarray] = []
    row_of: list[np.ndarray] = []
    for f, path in enumerate(files):
        t = storage.read_file_columns(warehouse, path, "signatures", _SIG_META)
        ids.extend(t.column("article_id").to_pylist())
        hashes.extend(t.column("content_hash").to_pylist())
        meta.append(t.select(["shingle_count", "has_published_at", "has_url", "has_title", "text_length"]))
        file_of.append(np.full(t.num_rows, f, dtype=np.int32))
        row_of.append(np.arange(t.num_rows, dtype=np.int32))
    n = len(ids)
    if n == 0:
        table = schemas.ARTICLE_DUPLICATES.empty_table()
        storage.replace_table(warehouse, "article_duplicates", table)
        return _counts(table)
    m = pa.concat_tables(meta)
    fidx, ridx = np.concatenate(file_of), np.concatenate(row_of)
    counts = m.column("shingle_count").to_numpy()
    rank = (
        ~m.column("has_published_at").to_numpy(zero_copy_only=False),
        ~m.column("has_url").to_numpy(zero_copy_only=False),
        ~m.column("has_title").to_numpy(zero_copy_only=False),
        m.column("text_length").to_numpy().astype(np.int64),
    )
    del meta, m

    def rep_signatures(reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sig = _signatures_of(warehouse, files, fidx[reps], ridx[reps])
        sizes = counts[reps].astype(np.int64)
        if (sizes < 0).any():
            raise RuntimeError("signatures table out of step with articles: a representative has no signature")
        if st is not None:  # the LSH buckets of every representative, a band at a time
            order = dedupe.id_order(ids[r] for r in reps.tolist())
            for b in range(dedupe.LSH_BANDS):
                st.insert("lsh", pa.table({"band": pa.array(np.full(len(reps), b, dtype=np.uint8)),
                                           "key": pa.array(dedupe._band_key(sig, b)), "sid": pa.array(reps),
                                           "tb": pa.array(dedupe._tiebreak(order, b))}))
        return sig, sizes

    def shingle_sets(indices: Sequence[int]) -> dict[int, np.ndarray]:
        idx = np.asarray(indices, dtype=np.int64)
        out: dict[int, np.ndarray] = {}
        wanted = np.unique(fidx[idx]).tolist()
        mine = [idx[fidx[idx] == f] for f in wanted]
        for m, sets in zip(mine, _shingle_sets_in(warehouse, [article_files[leaf(files[f])] for f in wanted],
                                                  [ridx[m] for m in mine], [[ids[i] for i in m.tolist()] for m in mine]),
                           strict=True):
            out.update(zip(m.tolist(), sets, strict=True))
        return out

    edges: list[tuple[int, int]] = []
    canonical, method, similarity = dedupe.cluster_articles(ids, hashes, rank, rep_signatures, shingle_sets, edges)
    is_dup = canonical != np.arange(n)
    id_arr = pa.array(ids, type=pa.string())
    table = _sorted(_rows_table(ids, id_arr.take(pa.array(canonical)).to_pylist(), is_dup, method, similarity))
    storage.replace_table(warehouse, "article_duplicates", table)
    if st is not None:
        rep, _ = dedupe.exact_groups(ids, hashes)
        # Component label: the smallest id among the members (members share their canonical article).
        comp_of: dict[int, str] = {}
        for i in pc.sort_indices(id_arr).to_pylist():
            comp_of.setdefault(int(canonical[i]), ids[i])
        st.insert("arts", pa.table({
            "sid": pa.array(np.arange(n, dtype=np.int64)), "article_id": id_arr, "content_hash": pa.array(hashes),
            "leaf": pa.array([leaf(files[f]) for f in fidx.tolist()]), "row_idx": pa.array(ridx),
            "shingles": pa.array(counts), "no_date": pa.array(rank[0]), "no_url": pa.array(rank[1]),
            "no_title": pa.array(rank[2]), "length": pa.array(rank[3]), "rep": pa.array(rep),
            "comp": pa.array([comp_of[int(c)] for c in canonical.tolist()], type=pa.string()),
        }))
        if edges:
            e = np.array(edges, dtype=np.int64)
            st.insert("edges", pa.table({"a": pa.array(e.min(axis=1)), "b": pa.array(e.max(axis=1))}))
    return _counts(table)


def _signatures_of(warehouse: str, files: Sequence[str], fidx: np.ndarray, ridx: np.ndarray) -> np.ndarray:
    """``(len(fidx), NUM_PERM)`` signatures of rows ``ridx`` of signature files ``files[fidx]``."""
    sig = np.empty((len(fidx), dedupe.NUM_PERM), dtype=np.uint32)
    wanted = np.unique(fidx).tolist()
    for f, t in zip(wanted, storage.read_files_columns(warehouse, [files[f] for f in wanted], "signatures",
                                                      ["signature"]), strict=True):
        at = np.flatnonzero(fidx == f)
        arr = t.column("signature").combine_chunks()
        # The raw child buffer (NULL signatures occupy slots too); only the wanted rows are taken.
        child = arr.values
        flat = np.frombuffer(child.buffers()[1], dtype=np.uint32)[child.offset : child.offset + len(child)]
        values = flat.reshape(-1, dedupe.NUM_PERM)[arr.offset : arr.offset + len(arr)]
        sig[at] = values[ridx[at]]
    return sig


def _shingle_sets_in(warehouse: str, paths: Sequence[str], rows: Sequence[np.ndarray],
                     expect_ids: Sequence[list[str]]) -> Iterator[list[np.ndarray]]:
    """The shingle-hash sets of rows ``rows[i]`` of articles file ``paths[i]`` (whose ids must be
    ``expect_ids[i]``), file by file; the files are read ahead on threads while the one before is shingled."""
    files = storage.read_files_columns(warehouse, paths, "articles", ["article_id", "text"])
    for path, r, expect, t in zip(paths, rows, expect_ids, files, strict=True):
        t = t.take(pa.array(r))
        if t.column("article_id").to_pylist() != expect:
            raise RuntimeError(f"articles file {path} out of step with its signatures")
        yield dedupe.shingle_hash_sets(t.column("text").to_pylist())


# --- incremental ----------------------------------------------------------------------------------------

_ART_COLS = "sid, article_id, content_hash, leaf, row_idx, shingles, no_date, no_url, no_title, length, rep, comp"


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _incremental(warehouse: str, st: StepState, listings: dict[str, dict[str, str]]) -> dict[str, Any] | str:
    """The counts of an incremental run, or why the table must be recomputed from scratch."""
    con = st.con
    changed = (changed_leaves(st.files("signatures"), listings["signatures"])
               | changed_leaves(st.files("articles"), listings["articles"]))
    share = too_large_a_change(st.files("signatures"), listings["signatures"], INCREMENTAL_SHARE, LARGE_CHANGE_BYTES)
    if share is not None:  # decided before the whole article_duplicates table is read
        return (f"the changed partitions hold {share:.0%} of the articles' signatures "
                f"(more than DATELINE_DEDUPE_INCREMENTAL_SHARE {INCREMENTAL_SHARE:g})")
    old_table = storage.read_table(warehouse, "article_duplicates")
    if not changed:
        return _counts(old_table)
    base = storage.parquet_root(warehouse)
    sig_path = {leaf(p): f"{base}/{p}" for p in listings["signatures"]}
    art_path = {leaf(p): f"{base}/{p}" for p in listings["articles"]}
    leaves = sorted(changed)

    # Articles of the changed partitions: the old ones leave, the current ones arrive (with new sids).
    removed = _rows(con, f"SELECT {_ART_COLS} FROM arts WHERE leaf IN (SELECT unnest(?))", [leaves])
    next_sid = (con.execute("SELECT max(sid) FROM arts").fetchall()[0][0] or 0) + 1
    info: dict[int, dict] = {}  # sid -> article row (old or new), for every article this run looks at
    new_sig: dict[int, np.ndarray] = {}
    added: list[int] = []
    for name in leaves:
        if name not in sig_path:
            continue
        t = storage.read_file_columns(warehouse, sig_path[name], "signatures", [*_SIG_META, "signature"])
        counts = t.column("shingle_count").to_numpy()
        sig = _signatures_of(warehouse, [sig_path[name]], np.zeros(t.num_rows, dtype=np.int64),
                             np.arange(t.num_rows)) if t.num_rows else None
        for r, row in enumerate(t.select(_SIG_META).to_pylist()):
            sid = next_sid
            next_sid += 1
            info[sid] = dict(sid=sid, article_id=row["article_id"], content_hash=row["content_hash"], leaf=name,
                             row_idx=r, shingles=int(counts[r]), no_date=not row["has_published_at"],
                             no_url=not row["has_url"], no_title=not row["has_title"],
                             length=int(row["text_length"]), rep=None, comp=None)
            if counts[r] >= 0:
                new_sig[sid] = sig[r]
            added.append(sid)
    removed_sids = {r["sid"] for r in removed}
    hashes = sorted({r["content_hash"] for r in removed} | {info[s]["content_hash"] for s in added})

    # Content-hash groups touched: old members, new representative (smallest id) per hash.
    group_old = _rows(con, f"SELECT {_ART_COLS} FROM arts WHERE content_hash IN (SELECT unnest(?))", [hashes])
    for r in group_old:
        info[r["sid"]] = r
    members: dict[str, list[int]] = defaultdict(list)
    old_rep: dict[str, int] = {}
    for r in group_old:
        old_rep[r["content_hash"]] = r["rep"]
        if r["sid"] not in removed_sids:
            members[r["content_hash"]].append(r["sid"])
    for s in added:
        members[info[s]["content_hash"]].append(s)
    new_rep = {h: min(m, key=lambda s: info[s]["article_id"]) for h, m in members.items() if m}
    gone_reps = {old_rep[h] for h in old_rep if old_rep[h] in removed_sids or new_rep.get(h) != old_rep[h]}
    new_reps = {new_rep[h] for h in new_rep if new_rep[h] in info and (h not in old_rep or new_rep[h] != old_rep[h])}
    for h, m in members.items():
        for s in m:
            info[s]["rep"] = new_rep[h]

    # Signatures of the arriving representatives (old articles that became one: from their own files).
    need = sorted(s for s in new_reps if s not in new_sig)
    if need:
        sig = _signatures_at(warehouse, sig_path, [info[s]["leaf"] for s in need],
                             np.array([info[s]["row_idx"] for s in need], dtype=np.int64))
        new_sig.update(zip(need, sig, strict=True))
    if any(info[s]["shingles"] < 0 for s in new_reps):
        return "a representative has no signature (the signatures table is out of step)"
    arrive = sorted(new_reps)
    arrive_keys = dedupe.band_keys(np.stack([new_sig[s] for s in arrive])) if arrive else None
    # What the leaving representatives held: their LSH buckets, and their recorded passed pairs (used below).
    with id_table(con, "_gone_reps", sorted(gone_reps)):
        leaving = con.sql("SELECT band, key FROM lsh WHERE sid IN (SELECT id FROM _gone_reps)").to_arrow_table()
        old_edges = {(a, b) for a, b in con.execute(
            "SELECT a, b FROM edges WHERE a IN (SELECT id FROM _gone_reps) OR b IN (SELECT id FROM _gone_reps)"
        ).fetchall()}

    # Buckets touched by a representative leaving or arriving: the window pairs that appear and drop out,
    # from each bucket's members around its changes (numbered in SQL, never listed whole). Built as columns:
    # at 1M articles 1% new ones touch some 400k buckets, and sets of tuples of that size cost seconds.
    bands = np.tile(np.arange(dedupe.LSH_BANDS, dtype=np.uint8), len(arrive))
    keys = arrive_keys.ravel() if arrive else np.empty(0, dtype=np.uint64)
    touched = pa.table({"band": pa.concat_arrays([leaving.column("band").combine_chunks().cast(pa.uint8()),
                                                  pa.array(bands, type=pa.uint8())]),
                        "key": pa.concat_arrays([leaving.column("key").combine_chunks().cast(pa.uint64()),
                                                 pa.array(keys, type=pa.uint64())])}
                       ).group_by(["band", "key"]).aggregate([])
    arrive_order = dedupe.id_order(info[s]["article_id"] for s in arrive)
    arrive_tb = np.stack([dedupe._tiebreak(arrive_order, b) for b in range(dedupe.LSH_BANDS)],
                         axis=1) if arrive else np.empty((0, dedupe.LSH_BANDS), dtype=np.uint64)
    joins = pa.table({
        "band": pa.array(bands, type=pa.uint8()), "key": pa.array(keys, type=pa.uint64()),
        "sid": pa.array(np.repeat(np.array(arrive, dtype=np.int64), dedupe.LSH_BANDS), type=pa.int64()),
        "tb": pa.array(arrive_tb.ravel(), type=pa.uint64()),
        "article_id": pa.array([info[s]["article_id"] for s in arrive], type=pa.string()).take(
            pa.array(np.repeat(np.arange(len(arrive), dtype=np.int64), dedupe.LSH_BANDS))),
    })
    got, went = _bucket_diffs(con, touched, joins, gone_reps)
    dropped = set(map(tuple, went.tolist()))

    # Recorded passed pairs: those of leaving representatives go; those that left a window go unless
    # another (untouched) bucket still pairs them.
    dropped_edges = _edges_among(con, dropped - old_edges)
    still = _still_candidates(con, dropped_edges, touched)
    lost_edges = old_edges | (dropped_edges - still)

    # New candidate pairs: screen on the signatures, then the exact test on the texts.
    fresh = np.unique(got, axis=0) if len(got) else np.empty((0, 2), dtype=np.int64)
    if still and len(fresh):
        fresh = fresh[np.fromiter((p not in still for p in map(tuple, fresh.tolist())), dtype=bool, count=len(fresh))]
    sids = np.unique(fresh)
    sig, shingles = _pair_signatures(warehouse, con, sig_path, info, new_sig, sids)
    at = np.searchsorted(sids, fresh)  # rows of each pair's two members in sig / shingles
    gained: set[tuple[int, int]] = set()
    screened: list[tuple[int, int]] = []
    for lo in range(0, len(fresh), 1 << 16):  # bounded temporaries: (block, NUM_PERM) signatures per side
        a, b = at[lo : lo + (1 << 16), 0], at[lo : lo + (1 << 16), 1]
        keep = dedupe.screen_pairs(sig[a], sig[b], shingles[a], shingles[b])
        screened += list(map(tuple, fresh[lo : lo + (1 << 16)][keep].tolist()))
    del sig, shingles, at
    if screened:
        in_screened = {s for p in screened for s in p}
        _fill_info(con, info, in_screened)
        sets = _shingle_sets(warehouse, art_path, info, in_screened)
        gained = {p for p in screened if dedupe._similarity(sets[p[0]], sets[p[1]]) is not None}

    # Components to recompute: every old component holding an article whose group, representative or
    # recorded pairs changed, plus the arriving articles.
    seeds = ({r["sid"] for r in group_old} | gone_reps | {s for p in lost_edges | gained for s in p}) - set(added)
    with id_table(con, "_seeds", sorted(seeds)):
        comps = sorted({r[0] for r in con.execute(
            "SELECT DISTINCT comp FROM arts WHERE sid IN (SELECT id FROM _seeds)").fetchall()})
    region_old = _rows(con, f"SELECT {_ART_COLS} FROM arts WHERE comp IN (SELECT unnest(?))", [comps])
    for r in region_old:
        info.setdefault(r["sid"], r)
    region = [r["sid"] for r in region_old if r["sid"] not in removed_sids] + added
    in_region = set(region)
    with id_table(con, "_in_region", sorted(in_region)):
        kept_edges = {(a, b) for a, b in con.execute(
            "SELECT a, b FROM edges WHERE a IN (SELECT id FROM _in_region)").fetchall()} - lost_edges
    sets: DisjointSet[int] = DisjointSet()
    for a, b in kept_edges | gained:
        sets.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for s in region:
        groups[sets.find(info[s]["rep"])].append(s)

    # Canonical copy, method and similarity of every article of the recomputed components.
    old_rows = {r["article_id"]: r for r in old_table.filter(pc.is_in(
        old_table.column("article_id"), value_set=pa.array([r["article_id"] for r in region_old],
                                                           type=pa.string()))).to_pylist()}
    out_ids, out_canon, out_dup, out_method, out_sim = [], [], [], [], []
    near: list[tuple[int, int, int]] = []
    arrived = set(added)
    for group in groups.values():
        canon = min(group, key=lambda s: (info[s]["no_date"], info[s]["no_url"], info[s]["no_title"],
                                          -info[s]["length"], info[s]["article_id"]))
        label = min(info[s]["article_id"] for s in group)
        for s in group:
            info[s]["comp"] = label
            aid, cid = info[s]["article_id"], info[canon]["article_id"]
            out_ids.append(aid)
            out_canon.append(cid)
            out_dup.append(s != canon)
            if s == canon:
                out_method.append(None)
                out_sim.append(1.0)
            elif info[s]["content_hash"] == info[canon]["content_hash"]:
                out_method.append("exact")
                out_sim.append(1.0)
            else:
                out_method.append("near")
                prev = old_rows.get(aid)
                if (s not in arrived and canon not in arrived and prev is not None
                        and prev["canonical_id"] == cid and prev["method"] == "near"):
                    out_sim.append(prev["similarity"])
                else:
                    out_sim.append(np.nan)
                    near.append((len(out_sim) - 1, s, canon))
    if near:
        sets = _shingle_sets(warehouse, art_path, info, {s for _, s, c in near} | {c for _, s, c in near})
        for at, s, c in near:
            out_sim[at] = dedupe._jaccard(sets[s], sets[c])
    dropped_ids = pa.array(sorted({r["article_id"] for r in region_old}), type=pa.string())
    keep_old = old_table.filter(pc.invert(pc.is_in(old_table.column("article_id"), value_set=dropped_ids)))
    table = _sorted(pa.concat_tables([keep_old, _rows_table(
        out_ids, out_canon, np.array(out_dup, dtype=bool), out_method, np.array(out_sim, dtype=np.float64))]))
    storage.replace_table(warehouse, "article_duplicates", table)

    # The state follows: articles of the region rewritten, buckets and recorded pairs updated.
    con.execute("DELETE FROM arts WHERE comp IN (SELECT unnest(?))", [comps])
    con.execute("DELETE FROM arts WHERE leaf IN (SELECT unnest(?))", [leaves])
    cols = ["sid", "article_id", "content_hash", "leaf", "row_idx", "shingles", "no_date", "no_url", "no_title",
            "length", "rep", "comp"]
    st.insert("arts", pa.Table.from_pylist([{c: info[s][c] for c in cols} for s in region], schema=pa.schema([
        ("sid", pa.int64()), ("article_id", pa.string()), ("content_hash", pa.string()), ("leaf", pa.string()),
        ("row_idx", pa.int32()), ("shingles", pa.int32()), ("no_date", pa.bool_()), ("no_url", pa.bool_()),
        ("no_title", pa.bool_()), ("length", pa.int64()), ("rep", pa.int64()), ("comp", pa.string())])))
    with id_table(con, "_gone_reps", sorted(gone_reps)):
        con.execute("DELETE FROM lsh WHERE sid IN (SELECT id FROM _gone_reps)")
    if arrive:
        st.insert("lsh", pa.table({
            "band": pa.array(np.tile(np.arange(dedupe.LSH_BANDS, dtype=np.uint8), len(arrive))),
            "key": pa.array(arrive_keys.ravel()),
            "sid": pa.array(np.repeat(np.array(arrive, dtype=np.int64), dedupe.LSH_BANDS)),
            "tb": pa.array(arrive_tb.ravel()),
        }))
    if lost_edges:
        lost = pa.table({"a": pa.array([a for a, _ in lost_edges], type=pa.int64()),
                         "b": pa.array([b for _, b in lost_edges], type=pa.int64())})
        con.register("_lost", lost)
        con.execute("DELETE FROM edges WHERE (a, b) IN (SELECT (a, b) FROM _lost)")
        con.unregister("_lost")
    new_edges = sorted(gained - kept_edges)
    st.insert("edges", pa.table({"a": pa.array([a for a, _ in new_edges], type=pa.int64()),
                                 "b": pa.array([b for _, b in new_edges], type=pa.int64())}))
    return _counts(table)


# Members of the given buckets numbered in their window order (band tiebreak, then article id).
_NUMBERED_SQL = """
    SELECT l.band, l.key, l.sid, l.tb, a.article_id,
           row_number() OVER (PARTITION BY l.band, l.key ORDER BY l.tb, a.article_id) - 1 AS pos,
           count(*) OVER (PARTITION BY l.band, l.key) AS n
    FROM lsh l JOIN {buckets} USING (band, key) JOIN arts a USING (sid)"""


def _bucket_diffs(con, touched: pa.Table, joins: pa.Table, leaving: set[int]) -> tuple[np.ndarray, np.ndarray]:
    """The window pairs (of sids, smaller first) that appear and that drop out in the ``touched`` buckets
    (distinct ``band, key`` rows), where the representatives ``joins`` (rows ``band, key, sid, tb, article_id``)
    arrive and ``leaving`` go: ``window_diffs`` over the recorded members within the window margin of those
    places (numbered in SQL, never listed whole)."""
    if not touched.num_rows:
        return np.empty((0, 2), dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    con.register("_tb", touched)
    con.register("_bj", joins)
    # One sort per bucket: a member's old position, and for a joining one the old position it slots in before
    # (the recorded members that sort before it; on a tie the recorded one first).
    with id_table(con, "_bl", sorted(leaving)):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _bm AS
            WITH u AS (SELECT l.band, l.key, l.sid, l.tb, a.article_id, 0 AS kind
                       FROM lsh l JOIN _tb USING (band, key) JOIN arts a USING (sid)
                       UNION ALL SELECT band, key, sid, tb, article_id, 1 AS kind FROM _bj)
            SELECT dense_rank() OVER (ORDER BY band, key) AS bucket, sid, kind,
                   kind = 0 AND sid IN (SELECT id FROM _bl) AS leaving,
                   (sum(1 - kind) OVER w - (1 - kind))::BIGINT AS pos, row_number() OVER w AS rk
            FROM u WINDOW w AS (PARTITION BY band, key ORDER BY tb, article_id, kind ROWS UNBOUNDED PRECEDING)""")
    ins = con.sql("SELECT bucket, pos, sid FROM _bm WHERE kind = 1 ORDER BY bucket, rk").to_arrow_table()
    near = con.sql(f"""
        WITH p AS (SELECT bucket, pos, {dedupe.LSH_WINDOW} + count(*) OVER (PARTITION BY bucket) AS margin
                   FROM _bm WHERE kind = 1 OR leaving)
        SELECT DISTINCT m.bucket, m.pos, m.sid, m.leaving FROM _bm m JOIN p
        ON m.bucket = p.bucket AND m.pos >= p.pos - p.margin AND m.pos < p.pos + p.margin
        WHERE m.kind = 0 ORDER BY m.bucket, m.pos""").to_arrow_table()
    for name in ("_tb", "_bj"):
        con.unregister(name)
    con.execute("DROP TABLE _bm")
    rows = {c: near.column(c).to_numpy() for c in near.column_names}
    joining = {c: ins.column(c).to_numpy() for c in ins.column_names}
    return window_diffs(rows["bucket"], rows["pos"], rows["sid"], rows["leaving"], rows["sid"],
                        joining["bucket"], joining["pos"], joining["sid"], joining["sid"], dedupe.LSH_WINDOW)


def _signatures_at(warehouse: str, sig_path: dict[str, str], leaves: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """``(len(rows), NUM_PERM)`` signatures of row ``rows[i]`` of the signature file of partition ``leaves[i]``
    (each file read once)."""
    names = sorted(set(leaves))
    file_of = {name: i for i, name in enumerate(names)}
    fidx = np.array([file_of[name] for name in leaves], dtype=np.int64)
    return _signatures_of(warehouse, [sig_path[name] for name in names], fidx, rows)


def _pair_signatures(warehouse: str, con, sig_path: dict[str, str], info: dict[int, dict],
                     new_sig: dict[int, np.ndarray], sids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(signatures, shingle_counts)`` of the articles ``sids`` (sorted), row for row: signatures already read
    are taken from ``new_sig``, the others read from their files; an article's file and row come from ``info``
    or, for the many recorded articles a 1% run pairs with, from the state (as columns, not row dicts)."""
    sig = np.empty((len(sids), dedupe.NUM_PERM), dtype=np.uint32)
    shingles = np.empty(len(sids), dtype=np.int64)
    listed = sids.tolist()
    with id_table(con, "_cand", [s for s in listed if s not in info]):
        t = con.sql("SELECT sid, leaf, row_idx, shingles FROM arts WHERE sid IN (SELECT id FROM _cand)").to_arrow_table()
    if t.num_rows != sum(s not in info for s in listed):
        raise RuntimeError("dedupe state: a candidate article is not recorded")
    from_state = np.searchsorted(sids, t.column("sid").to_numpy())
    shingles[from_state] = t.column("shingles").to_numpy()
    known = [x for x, s in enumerate(listed) if s in info]
    for x in known:
        shingles[x] = info[listed[x]]["shingles"]
        if listed[x] in new_sig:
            sig[x] = new_sig[listed[x]]
    to_read = [x for x in known if listed[x] not in new_sig]
    at = np.concatenate([from_state, np.array(to_read, dtype=np.int64)])
    if len(at):
        sig[at] = _signatures_at(
            warehouse, sig_path, t.column("leaf").to_pylist() + [info[listed[x]]["leaf"] for x in to_read],
            np.concatenate([t.column("row_idx").to_numpy().astype(np.int64),
                            np.array([info[listed[x]]["row_idx"] for x in to_read], dtype=np.int64)]))
    return sig, shingles


def _fill_info(con, info: dict[int, dict], sids: set[int]) -> None:
    """Load the state rows of the articles ``sids`` not yet in ``info``."""
    missing = sorted(s for s in sids if s not in info)
    if missing:
        with id_table(con, "_missing", missing):
            for r in _rows(con, f"SELECT {_ART_COLS} FROM arts WHERE sid IN (SELECT id FROM _missing)"):
                info[r["sid"]] = r


def _edges_among(con, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The recorded passed pairs among ``pairs``."""
    if not pairs:
        return set()
    con.register("_pairs", pa.table({"a": pa.array([a for a, _ in pairs], type=pa.int64()),
                                     "b": pa.array([b for _, b in pairs], type=pa.int64())}))
    out = {(a, b) for a, b in con.execute("SELECT a, b FROM edges JOIN _pairs USING (a, b)").fetchall()}
    con.unregister("_pairs")
    return out


def _still_candidates(con, pairs: set[tuple[int, int]], touched: pa.Table) -> set[tuple[int, int]]:
    """Those of ``pairs`` (no longer in the window of a ``touched`` bucket) still paired by an untouched bucket:
    both members of one and at most ``LSH_WINDOW`` apart in its order (numbered in SQL)."""
    if not pairs:
        return set()
    con.register("_tb", touched)
    con.register("_dp", pa.table({"a": pa.array([a for a, _ in pairs], type=pa.int64()),
                                  "b": pa.array([b for _, b in pairs], type=pa.int64())}))
    con.execute("""CREATE OR REPLACE TEMP TABLE _sb AS
        SELECT la.band, la.key, p.a, p.b FROM _dp p JOIN lsh la ON la.sid = p.a
        JOIN lsh lb ON lb.sid = p.b AND lb.band = la.band AND lb.key = la.key
        WHERE NOT EXISTS (SELECT 1 FROM _tb t WHERE t.band = la.band AND t.key = la.key)""")
    numbered = _NUMBERED_SQL.format(buckets="(SELECT DISTINCT band, key FROM _sb)")
    out = {(a, b) for a, b in con.execute(f"""
        WITH m AS ({numbered})
        SELECT DISTINCT s.a, s.b FROM _sb s
        JOIN m x ON x.band = s.band AND x.key = s.key AND x.sid = s.a
        JOIN m y ON y.band = s.band AND y.key = s.key AND y.sid = s.b
        WHERE abs(x.pos - y.pos) <= {dedupe.LSH_WINDOW}""").fetchall()}
    for name in ("_tb", "_dp"):
        con.unregister(name)
    con.execute("DROP TABLE _sb")
    return out


def _shingle_sets(warehouse: str, art_path: dict[str, str], info: dict[int, dict], sids: set[int]
                  ) -> dict[int, np.ndarray]:
    by_leaf: dict[str, list[int]] = defaultdict(list)
    for s in sorted(sids):
        by_leaf[info[s]["leaf"]].append(s)
    out: dict[int, np.ndarray] = {}
    groups = list(by_leaf.values())
    for group, sets in zip(groups, _shingle_sets_in(
            warehouse, [art_path[name] for name in by_leaf], [np.array([info[s]["row_idx"] for s in g]) for g in groups],
            [[info[s]["article_id"] for s in g] for g in groups]), strict=True):
        out.update(zip(group, sets, strict=True))
    return out
