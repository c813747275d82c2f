"""Two stores of the same files compared table by table (issue 20's check that a faster path, or
another sink, stores the same values).

``cdr``, ``quarantine``, ``duplicates``, ``call_legs`` and ``call_keys``, every column except the ones
that name the job (``ingest_job``) or a time of writing, compared as multisets (``EXCEPT ALL`` both
ways): row order and which job wrote a row do not matter, every value does.
"""

from __future__ import annotations

import duckdb

SKIP_COLUMNS = frozenset({"ingest_job", "ingested_at", "committed_at", "created_at"})
"""Columns that differ between two ingests of the same files by design (the job's id, times)."""

TABLES = ("cdr", "quarantine", "duplicates", "call_legs", "call_keys")
"""The tables whose values an ingest decides."""


def compare_stores(a: str, b: str) -> dict[str, dict]:
    """Compare two DuckDB databases (paths), read-only.

    Returns:
        table -> ``rows_a``, ``rows_b``, ``columns`` (compared), ``only_a`` and ``only_b`` (rows, as a
        multiset, in one and not the other); a table missing from ``a`` has ``missing: True`` and no
        counts.
    """
    out: dict[str, dict] = {}
    with duckdb.connect() as con:
        con.execute("ATTACH ? AS a (READ_ONLY)", [a])
        con.execute("ATTACH ? AS b (READ_ONLY)", [b])
        for t in TABLES:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' AND table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall() if r[0] not in SKIP_COLUMNS]
            if not cols:
                out[t] = {"missing": True}
                continue
            sel = ", ".join(f'"{c}"' for c in cols)
            out[t] = {
                "rows_a": con.execute(f"SELECT count(*) FROM a.{t}").fetchone()[0],
                "rows_b": con.execute(f"SELECT count(*) FROM b.{t}").fetchone()[0],
                "columns": len(cols),
                "only_a": con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM a.{t} EXCEPT ALL "
                                      f"SELECT {sel} FROM b.{t})").fetchone()[0],
                "only_b": con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM b.{t} EXCEPT ALL "
                                      f"SELECT {sel} FROM a.{t})").fetchone()[0]}
    return out


def stores_differ(report: dict[str, dict]) -> int:
    """Rows that differ in a :func:`compare_stores` report, both ways, over every table."""
    return sum(r.get("only_a", 0) + r.get("only_b", 0) for r in report.values())
