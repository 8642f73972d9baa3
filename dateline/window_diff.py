"""Sorted-neighbourhood windows under change: which pairs appear and which drop out when members join or leave.

A bucket (an LSH bucket of the article dedupe, a large block of the timeline) pairs each member with the next
``window`` members in its sort order. When a few members join or leave, only pairs near those positions can
change, so an incremental run fetches the recorded members around each change (``WindowChange.rows``) and diffs
those stretches, never the whole bucket.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable

import numpy as np

Pair = tuple[int, int]


class WindowChange:
    """One bucket's recorded members near its changes: ``rows`` (old position -> member) must cover every position
    within ``margin`` of an insertion point or a leaving member (``leaving_at``); ``inserts`` are the joining
    members with the old position they slot in before (``n_old`` for the end), in their sort order."""

    def __init__(self, n_old: int, window: int) -> None:
        self.n_old = n_old
        self.window = window
        self.rows: dict[int, int] = {}
        self.inserts: list[tuple[int, int]] = []
        self.leaving_at: list[int] = []

    @property
    def margin(self) -> int:
        return self.window + len(self.inserts) + len(self.leaving_at)

    def shift(self, a: int, b: int) -> int:
        """How much the distance between old positions ``a < b`` grows: joins slotted in, minus members leaving."""
        joins = bisect.bisect_right(self._at, b) - bisect.bisect_right(self._at, a)
        gone = bisect.bisect_left(self._gone, b) - bisect.bisect_right(self._gone, a)
        return joins - gone

    def freeze(self) -> None:
        """Call once ``inserts`` and ``leaving_at`` are complete (and ``inserts`` sorted)."""
        self._at = sorted(at for at, _ in self.inserts)
        self._gone = sorted(self.leaving_at)


def window_diff(change: WindowChange, leaving: set[int], pair: Callable[[int, int], Pair]) -> tuple[set[Pair], set[Pair]]:
    """The pairs that appear in the bucket's window, and those of its staying members that drop out of it
    (``pair`` orients a pair as the caller records it).

    Each stretch within ``margin`` (the window plus the number of changes) of a change is diffed; a pair reaching
    outside its stretch is at least that far from every change, so out of the window before and after."""
    w = change.window
    if change.n_old + len(change.inserts) <= w + 1:  # every pair is in the window before and after
        joining = [s for _, s in change.inserts]
        staying = [s for s in change.rows.values() if s not in leaving]
        return ({pair(x, t) for x in joining for t in staying}
                | {pair(x, t) for i, x in enumerate(joining) for t in joining[i + 1 :]}), set()
    slots: dict[int, list[int]] = defaultdict(list)  # old position -> joining members slotted in before it
    for at, s in change.inserts:
        slots[at].append(s)
    margin = change.margin
    stretches: list[list[int]] = []
    for p in sorted(set(slots) | set(change.leaving_at)):
        lo, hi = max(0, p - margin), min(change.n_old, p + margin)
        if stretches and lo <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], hi)
        else:
            stretches.append([lo, hi])
    appeared: set[Pair] = set()
    dropped: set[Pair] = set()
    steps = np.arange(1, w + 1, dtype=np.int64)  # the distances a window spans
    for lo, hi in stretches:
        merged: list[tuple[int, int]] = []  # (member, -1 leaving / 0 staying / 1 joining)
        for i in range(lo, hi + 1):
            merged.extend((j, 1) for j in slots.get(i, ()))
            if i < hi:
                merged.append((change.rows[i], -1 if change.rows[i] in leaving else 0))
        seq = [x for x, f in merged if f >= 0]
        for c, (x, f) in enumerate((x, f) for x, f in merged if f >= 0):
            if f == 1:
                for t in seq[max(0, c - w) : c] + seq[c + 1 : c + 1 + w]:
                    appeared.add(pair(x, t))
        flags = np.array([f for _, f in merged], dtype=np.int8)
        staying = np.flatnonzero(flags == 0)
        members = np.array([x for x, _ in merged], dtype=np.int64)[staying]
        left = np.cumsum(flags == -1)[staying]
        came = np.cumsum(flags == 1)[staying]
        # Staying members i < j = i + d (d <= w): in the window before when d plus those that left between them
        # is at most w, after when d plus those that came between them is (all distances at once).
        i, d = np.nonzero(np.arange(len(members))[:, None] + steps[None, :] < len(members))
        d = d + 1
        j = i + d
        old_in = d + left[j] - left[i] <= w
        new_in = d + came[j] - came[i] <= w
        for a, b in members[np.stack([i, j], axis=1)[new_in & ~old_in]].tolist():
            appeared.add(pair(a, b))
        for a, b in members[np.stack([i, j], axis=1)[old_in & ~new_in]].tolist():
            dropped.add(pair(a, b))
    return appeared, dropped


def window_diffs(row_bucket: np.ndarray, row_pos: np.ndarray, row_member: np.ndarray, row_leaving: np.ndarray,
                 row_key: np.ndarray, ins_bucket: np.ndarray, ins_at: np.ndarray, ins_member: np.ndarray,
                 ins_key: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """``window_diff`` of many buckets at once, over arrays: the pairs that appear and those of staying members
    that drop out of the window, as ``(n, 2)`` arrays of members, each pair ordered by ``key`` (smaller first) and
    listed once.

    Rows are the recorded members of every position within the margin of a change (as ``WindowChange.rows``),
    sorted by (bucket, old position), ``row_leaving`` marking those that leave; inserts are the joining members
    with the old position they slot in before, sorted by (bucket, position, sort order). Buckets are integers."""
    empty = np.empty((0, 2), dtype=np.int64)
    if len(row_member) == 0 or len(ins_member) + int(row_leaving.sum()) == 0:
        return empty, empty
    # A stretch is a run of consecutive positions of one bucket (the margins around its changes, merged).
    starts = np.ones(len(row_pos), dtype=bool)
    starts[1:] = (row_bucket[1:] != row_bucket[:-1]) | (row_pos[1:] != row_pos[:-1] + 1)
    row_run = np.cumsum(starts) - 1
    # An insertion point lies inside its own margin: the row before it (or the first) is in its stretch.
    buckets, inverse = np.unique(np.concatenate([row_bucket, ins_bucket]), return_inverse=True)
    del buckets
    rb, ib = inverse[: len(row_bucket)].astype(np.int64), inverse[len(row_bucket) :].astype(np.int64)
    row_code = (rb << 32) | row_pos.astype(np.int64)
    at = np.searchsorted(row_code, (ib << 32) | np.maximum(ins_at.astype(np.int64) - 1, 0))
    if len(at) and (at.max() >= len(row_code) or not np.array_equal(
            row_code[at], (ib << 32) | np.maximum(ins_at.astype(np.int64) - 1, 0))):
        raise ValueError("an insertion point is outside the rows given")
    ins_run = row_run[at]
    # Merged order: in each stretch, the joining members slotted in before position p come just before row p.
    run = np.concatenate([row_run, ins_run])
    slot = np.concatenate([2 * row_pos.astype(np.int64) + 1, 2 * ins_at.astype(np.int64)])
    tie = np.concatenate([np.zeros(len(row_pos), dtype=np.int64), np.arange(len(ins_at), dtype=np.int64)])
    order = np.lexsort((tie, slot, run))
    run = run[order]
    member = np.concatenate([row_member.astype(np.int64), ins_member.astype(np.int64)])[order]
    key = np.concatenate([row_key, ins_key])[order]
    flag = np.concatenate([np.where(row_leaving, -1, 0), np.ones(len(ins_at))]).astype(np.int8)[order]
    left, came = np.cumsum(flag == -1), np.cumsum(flag == 1)

    appeared: list[tuple[np.ndarray, np.ndarray]] = []
    dropped: list[tuple[np.ndarray, np.ndarray]] = []
    now = np.flatnonzero(flag >= 0)  # the stretch after the change
    before = np.flatnonzero(flag <= 0)  # and before it
    for d in range(1, window + 1):
        # d apart after: new in the window when one joins, or when their old distance (d, minus the joining
        # members between them, plus those that left) was more than the window.
        i, j = now[:-d], now[d:]
        same = run[i] == run[j]
        i, j = i[same], j[same]
        new = (flag[i] == 1) | (flag[j] == 1) | (d - (came[j] - came[i]) + (left[j] - left[i]) > window)
        appeared.append((i[new], j[new]))
        # d apart before, both staying: out of the window when their new distance is more than the window.
        i, j = before[:-d], before[d:]
        gone = (run[i] == run[j]) & (flag[i] == 0) & (flag[j] == 0)
        gone &= d + (came[j] - came[i]) - (left[j] - left[i]) > window
        dropped.append((i[gone], j[gone]))

    def oriented(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        i = np.concatenate([p[0] for p in parts])
        j = np.concatenate([p[1] for p in parts])
        first = key[i] < key[j]
        a, b = np.where(first, member[i], member[j]), np.where(first, member[j], member[i])
        order = np.lexsort((b, a))
        a, b = a[order], b[order]
        once = np.ones(len(a), dtype=bool)
        once[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        return np.stack([a[once], b[once]], axis=1)

    return oriented(appeared), oriented(dropped)
