"""Sorted-neighbourhood windows under change: which pairs appear and which drop out when members join or leave.

A bucket (an LSH bucket of the article dedupe, a large block of the timeline) pairs each member with the next
``window`` members in its sort order. When a few members join or leave, only pairs near those positions can
change, so an incremental run fetches the recorded members around each change (every position within the
window plus the number of changes of one) and diffs those stretches, never the whole bucket: all the stretches
of many buckets at once, over arrays.
"""

from __future__ import annotations

import numpy as np


def window_diffs(row_bucket: np.ndarray, row_pos: np.ndarray, row_member: np.ndarray, row_leaving: np.ndarray,
                 row_key: np.ndarray, ins_bucket: np.ndarray, ins_at: np.ndarray, ins_member: np.ndarray,
                 ins_key: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs that appear in the buckets' windows and those of staying members that drop out of them, as
    ``(n, 2)`` arrays of members, each pair ordered by ``key`` (smaller first) and listed once.

    Rows are the recorded members at every old position within the margin of a change of their bucket (the window
    plus the bucket's number of joining and leaving members), sorted by (bucket, old position), ``row_leaving``
    marking those that leave; inserts are the joining members with the old position they slot in before, sorted
    by (bucket, position, sort order). Buckets are integers. A pair reaching outside its stretch is at least the
    margin from every change, so out of the window before and after."""
    empty = np.empty((0, 2), dtype=np.int64)
    if len(ins_member) + int(row_leaving.sum()) == 0:
        return empty, empty
    # A stretch is a run of consecutive positions of one bucket (the margins around its changes, merged).
    starts = np.ones(len(row_pos), dtype=bool)
    starts[1:] = (row_bucket[1:] != row_bucket[:-1]) | (row_pos[1:] != row_pos[:-1] + 1)
    row_run = np.cumsum(starts) - 1
    # An insertion point lies inside its own margin: the row before it (or the first) is in its stretch. The
    # joining members of a bucket with no recorded members are a stretch of their own.
    _, inverse = np.unique(np.concatenate([row_bucket, ins_bucket]), return_inverse=True)
    rb, ib = inverse[: len(row_bucket)].astype(np.int64), inverse[len(row_bucket) :].astype(np.int64)
    row_code = (rb << 32) | row_pos.astype(np.int64)
    ins_code = (ib << 32) | np.maximum(ins_at.astype(np.int64) - 1, 0)
    at = np.minimum(np.searchsorted(row_code, ins_code), max(len(row_code) - 1, 0))
    found = row_code[at] == ins_code if len(row_code) else np.zeros(len(ins_code), dtype=bool)
    if not np.array_equal(found, np.isin(ib, rb)) or np.any(ins_at[~found] != 0):
        raise ValueError("an insertion point is outside the rows given")
    ins_run = np.where(found, row_run[at] if len(row_run) else 0, len(row_run) + ib)
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
