"""Connected components of accepted pairs: over a DuckDB edge table (:func:`sql_components`, used by the
detector; SciPy does the search) and a pure Python reference (:func:`first_of_components`)."""

from __future__ import annotations

from typing import Hashable, Iterable

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


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


def sql_components(con, edges: str, out: str) -> int:
    """Connected components of a DuckDB edge table, found by SciPy (``scipy.sparse.csgraph``) over the
    edges fetched as NumPy arrays; the labels go back into DuckDB.

    The label propagation in SQL this replaced took 8 rounds of joins over 2.7M leg nodes at 10M rows
    (8 s of the 26 s of duplicate detection after the last batch); SciPy's breadth-first search takes
    well under a second there.

    Args:
        con: DuckDB connection.
        edges: a table or subquery with BIGINT columns ``u``, ``v`` (self loops make a node of their own;
            an edge with a NULL end names no node).
        out: name of the temp table created: ``(n BIGINT, l BIGINT)``, one row per node, ``l`` the smallest
            node of its component.

    Returns:
        The number of components.
    """
    e = con.sql(f"SELECT u, v FROM {edges} WHERE u IS NOT NULL AND v IS NOT NULL").fetchnumpy()
    u = np.asarray(e["u"], dtype=np.int64)
    v = np.asarray(e["v"], dtype=np.int64)
    nodes, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)  # nodes ascending
    m, n = len(u), len(nodes)
    graph = coo_matrix((np.ones(m, dtype=np.int8), (inverse[:m], inverse[m:])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    # the nodes are sorted, so a component's first index in them is its smallest node
    _, first_index = np.unique(labels, return_index=True)
    smallest = np.empty(count, dtype=np.int64)
    smallest[labels[first_index]] = nodes[first_index]
    table = pa.table({"n": pa.array(nodes, pa.int64()), "l": pa.array(smallest[labels], pa.int64())})
    con.register("_cc_labels", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT n, l FROM _cc_labels")
    finally:
        con.unregister("_cc_labels")
    return int(count)
