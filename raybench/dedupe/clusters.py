"""Connected components of accepted pairs: in DuckDB (:func:`sql_components`, used by the detector) and a
pure Python reference (:func:`first_of_components`)."""

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


def sql_components(con, edges: str, out: str) -> int:
    """Connected components in DuckDB: label propagation with pointer jumping over integer nodes.

    Args:
        con: DuckDB connection.
        edges: a table or subquery with BIGINT columns ``u``, ``v`` (self loops make a node of their own).
        out: name of the temp table created: ``(n, l)``, one row per node, ``l`` the smallest node of its
            component.

    Returns:
        The rounds taken (each round at least halves the distance a label still has to travel).
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _cc_edges AS SELECT u, v FROM {edges}")
    con.execute("""CREATE OR REPLACE TEMP TABLE _cc_e AS
                   SELECT u, v FROM _cc_edges WHERE u <> v UNION SELECT v, u FROM _cc_edges WHERE u <> v""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {out} AS
                    SELECT n, n AS l FROM (SELECT u AS n FROM _cc_edges UNION SELECT v FROM _cc_edges)""")
    rounds = 0
    while True:
        rounds += 1
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _cc_step AS
                        SELECT a.n, least(a.l, m.l) AS l FROM {out} a
                        LEFT JOIN (SELECT e.u AS n, min(b.l) AS l FROM _cc_e e JOIN {out} b ON b.n = e.v GROUP BY e.u) m
                        USING (n)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE _cc_jump AS
                       SELECT s.n, least(s.l, j.l) AS l FROM _cc_step s JOIN _cc_step j ON j.n = s.l""")
        changed = con.execute(f"SELECT count(*) FROM _cc_jump j JOIN {out} o USING (n) WHERE j.l <> o.l").fetchone()[0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT * FROM _cc_jump")
        if not changed:
            break
    for t in ("_cc_edges", "_cc_e", "_cc_step", "_cc_jump"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return rounds
