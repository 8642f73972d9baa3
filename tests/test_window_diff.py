"""Sorted-neighbourhood window diffs equal the difference of the windows computed whole."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.window_diff import window_diffs


def _pairs(seq: list[int], w: int) -> set[tuple[int, int]]:
    return {tuple(sorted((a, b))) for i, a in enumerate(seq) for b in seq[i + 1 : i + 1 + w]}


@settings(max_examples=300)
@given(st.integers(1, 4), st.data())
def test_diffs_of_the_stretches_of_many_buckets_equal_diffs_of_their_whole_windows(w: int, data) -> None:
    rows: list[tuple[int, int, int, bool]] = []  # bucket, position, member, leaving
    ins: list[tuple[int, int, int]] = []  # bucket, position slotted before, member
    appeared_all: set[tuple[int, int]] = set()
    dropped_all: set[tuple[int, int]] = set()
    for bucket in range(data.draw(st.integers(1, 3))):
        n_old = data.draw(st.integers(0, 30))  # 0: a bucket new to the state
        old = [bucket * 1000 + p for p in range(n_old)]
        leaving = set(data.draw(st.lists(st.sampled_from(range(n_old)), unique=True, max_size=4))) if old else set()
        slots = sorted(data.draw(st.lists(st.integers(0, n_old), max_size=4)))
        inserts = [(at, bucket * 1000 + 500 + k) for k, at in enumerate(slots)]
        new: list[int] = []
        for p in range(n_old + 1):
            new += [s for at, s in inserts if at == p]
            if p < n_old and p not in leaving:
                new.append(old[p])
        margin = w + len(inserts) + len(leaving)
        points = slots + sorted(leaving)
        rows += [(bucket, p, old[p], p in leaving) for p in range(n_old) if any(q - margin <= p < q + margin for q in points)]
        ins += [(bucket, at, s) for at, s in inserts]
        before, after = _pairs(old, w), _pairs(new, w)
        appeared_all |= after - before
        dropped_all |= {p for p in before - after if not {p[0] % 1000, p[1] % 1000} & leaving}
    col = lambda table, i, dtype=np.int64: np.array([r[i] for r in table], dtype=dtype)  # noqa: E731
    appeared, dropped = window_diffs(col(rows, 0), col(rows, 1), col(rows, 2), col(rows, 3, bool), col(rows, 2),
                                     col(ins, 0), col(ins, 1), col(ins, 2), col(ins, 2), w)
    assert {tuple(p) for p in appeared.tolist()} == appeared_all
    assert {tuple(p) for p in dropped.tolist()} == dropped_all
    assert len(appeared) == len(appeared_all) and len(dropped) == len(dropped_all)  # each pair once
