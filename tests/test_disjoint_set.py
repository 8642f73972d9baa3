"""The union-find every dedupe step shares: components labelled by their smallest member."""

from hypothesis import given
from hypothesis import strategies as st

from dateline.disjoint_set import DisjointSet, components


def _components_by_search(keys: list[int], pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Reference: depth-first search over the undirected graph."""
    nbrs: dict[int, set[int]] = {k: set() for k in keys}
    for a, b in pairs:
        nbrs.setdefault(a, set()).add(b)
        nbrs.setdefault(b, set()).add(a)
    label: dict[int, int] = {}
    for k in nbrs:
        if k in label:
            continue
        seen, stack = {k}, [k]
        while stack:
            for n in nbrs[stack.pop()]:
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        for m in seen:
            label[m] = min(seen)
    return {k: label[k] for k in keys}


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=60))
def test_components_match_a_graph_search(pairs):
    keys = list(range(41))
    assert components(keys, pairs) == _components_by_search(keys, pairs)


def test_union_reports_whether_sets_were_apart_and_labels_by_smallest():
    ds: DisjointSet[str] = DisjointSet()
    assert not ds
    assert ds.find("x") == "x"
    assert ds.union("c", "b") is True
    assert ds.union("b", "c") is False
    assert ds.union("d", "a") is True
    assert ds.union("c", "d") is True
    assert {k: ds.find(k) for k in "abcd"} == dict.fromkeys("abcd", "a")
    assert ds
