"""Connected components of accepted pairs, and the first record of each (pure Python, no database)."""

from __future__ import annotations

from typing import Hashable, Iterable


class UnionFind:
    """Disjoint sets over hashable nodes (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: dict = {}
        self.size: dict = {}

    def find(self, x: Hashable) -> Hashable:
        """The representative of ``x``'s set (``x`` is added when new)."""
        parent = self.parent
        if x not in parent:
            parent[x] = x
            self.size[x] = 1
            return x
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: Hashable, b: Hashable) -> None:
        """Merge the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def groups(self) -> dict[Hashable, list]:
        """Representative -> members, for every node seen."""
        out: dict = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out


def first_of_components(edges: Iterable[tuple[str, str]], order_key: dict[str, tuple]) -> dict[str, str]:
    """Map every node of ``edges`` to the first node of its component.

    Args:
        edges: node pairs (record ids, or cluster labels standing for earlier clusters).
        order_key: node -> sort key (``(start_s, source_file, source_row)``); the smallest key is first.
            A node without a key sorts last (by its id).

    Returns:
        node -> first node of its component (a node that is first maps to itself).
    """
    uf = UnionFind()
    for a, b in edges:
        uf.union(a, b)
    out: dict[str, str] = {}
    for members in uf.groups().values():
        first = min(members, key=lambda m: (0, order_key[m], m) if m in order_key else (1, (), m))
        for m in members:
            out[m] = first
    return out
