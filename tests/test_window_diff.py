"""Sorted-neighbourhood window diffs equal the difference of the windows computed whole."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.window_diff import WindowChange, window_diff


def _pairs(seq: list[int], w: int) -> set[tuple[int, int]]:
    return {tuple(sorted((a, b))) for i, a in enumerate(seq) for b in seq[i + 1 : i + 1 + w]}


@settings(max_examples=300)
@given(st.integers(0, 30), st.integers(1, 4), st.data())
def test_diff_of_the_stretches_equals_diff_of_the_whole_windows(n_old: int, w: int, data) -> None:
    old = list(range(n_old))  # members named by their old position
    leaving = set(data.draw(st.lists(st.sampled_from(old), unique=True, max_size=4))) if old else set()
    slots = data.draw(st.lists(st.integers(0, n_old), max_size=4))
    inserts = sorted((at, 100 + k) for k, at in enumerate(slots))
    new: list[int] = []
    for p in range(n_old + 1):
        new += [s for at, s in inserts if at == p]
        if p < n_old and p not in leaving:
            new.append(p)
    change = WindowChange(n_old, w)
    change.inserts, change.leaving_at = inserts, sorted(leaving)
    margin = change.margin
    points = [at for at, _ in inserts] + sorted(leaving)
    change.rows = {p: p for p in old if any(q - margin <= p < q + margin for q in points)}
    change.freeze()
    appeared, dropped = window_diff(change, leaving, lambda a, b: (a, b) if a < b else (b, a))
    before, after = _pairs(old, w), _pairs(new, w)
    assert appeared == after - before
    assert dropped == {p for p in before - after if not set(p) & leaving}
