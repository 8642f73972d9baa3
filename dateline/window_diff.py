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
