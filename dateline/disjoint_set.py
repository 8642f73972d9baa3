"""Union-find (disjoint sets) over hashable, ordered keys, as the dedupe steps use it.

Every set is represented by its smallest member, so the labels a run produces do not depend on the
order in which pairs were joined (the incremental steps compare them with a from-scratch run's).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class DisjointSet(Generic[K]):
    """Disjoint sets of keys; a key never seen is a set of its own."""

    __slots__ = ("_parent",)

    def __init__(self) -> None:
        self._parent: dict[K, K] = {}

    def find(self, x: K) -> K:
        """The smallest member of ``x``'s set (path compression on the way)."""
        parent = self._parent  # a root has no entry
        root = x
        while (up := parent.get(root)) is not None:
            root = up
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: K, b: K) -> bool:
        """Join the sets of ``a`` and ``b``; True when they were apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:  # type: ignore[operator]
            ra, rb = rb, ra
        self._parent[rb] = ra
        return True

    def __bool__(self) -> bool:
        """True once any two keys were joined."""
        return bool(self._parent)


def components(keys: Iterable[K], pairs: Iterable[tuple[K, K]]) -> dict[K, K]:
    """The smallest member of each key's connected component over ``pairs``."""
    ds: DisjointSet[K] = DisjointSet()
    for a, b in pairs:
        ds.union(a, b)
    return {k: ds.find(k) for k in keys}

