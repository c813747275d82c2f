#!/usr/bin/env python3
"""Benchmark: the Parquet sink's two ways to query (issue 20): load the parts into ``cdr`` (what
``--sink parquet`` does) or leave them as Parquet behind a view.

From a database a job already wrote (its ``cdr``), the rows are written back out as parts of about
``--part-rows`` rows (as the workers write them, one file per chunk), then, each in a fresh in-memory
DuckDB with the same memory limit as the finalizer's (256 MB):

- **load**: ``INSERT INTO cdr SELECT ... FROM read_parquet([parts])`` (:func:`raybench.sink.parquet_parts.load_parts`'s
  statement), then the queries over the table;
- **view**: ``CREATE VIEW cdr AS SELECT * FROM read_parquet([parts])``, then the same queries over the view;
- the UPDATE duplicate detection makes (``cdr.duplicate_of``) on each: a view refuses it.

Queries: a count per carrier (a full scan of one column), one number's calls in a window (the
``raybench query calls`` filter), top contacts of a number. Prints seconds for each, best of
``--repeat``. Not a test; say the load (it is printed).

    .venv/bin/python scripts/bench_parts_load.py DB.duckdb [--part-rows 38000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import duckdb

from raybench.schema import ALL_DDL, CDR_SCHEMA
from raybench.sink.duckdb_sink import DEDUPE_MEMORY_LIMIT

QUERIES = {
    "count per carrier": "SELECT carrier, count(*) FROM cdr GROUP BY 1",
    "one number's calls in a day": "SELECT count(*) FROM cdr WHERE (caller = $n OR callee = $n) "
                                   "AND start_utc >= TIMESTAMPTZ '2024-01-01' AND start_utc < TIMESTAMPTZ '2030-01-01'",
    "top contacts of a number": "SELECT CASE WHEN caller = $n THEN callee ELSE caller END AS other, count(*) AS n "
                                "FROM cdr WHERE caller = $n OR callee = $n GROUP BY 1 ORDER BY n DESC LIMIT 10",
}


def _best(con, sql: str, params: dict, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        con.execute(sql, params if "$" in sql else None).fetchall()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--part-rows", type=int, default=38_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cols = ", ".join(f'"{c}"' for c in CDR_SCHEMA.names)
    with tempfile.TemporaryDirectory(prefix="rb-parts-") as tmp:
        with duckdb.connect(args.db, read_only=True) as src:
            n = src.execute("SELECT count(*) FROM cdr").fetchone()[0]
            number = src.execute("SELECT caller FROM cdr GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
            for i, lo in enumerate(range(0, n, args.part_rows)):
                src.execute(f"COPY (SELECT {cols} FROM cdr ORDER BY source_sha256, source_row LIMIT {args.part_rows} "
                            f"OFFSET {lo}) TO '{tmp}/part-{i:05d}.parquet' (FORMAT parquet)")
        parts = sorted(os.path.join(tmp, f) for f in os.listdir(tmp))
        size = sum(os.path.getsize(p) for p in parts)
        print(f"{args.db}: {n} cdr rows as {len(parts)} parts ({size / 2**20:.0f} MiB); load average "
              f"{os.getloadavg()[0]:.1f}")
        p = {"n": number}
        figures: dict[str, dict[str, float | str]] = {"load": {}, "view": {}}
        for how in ("load", "view"):
            con = duckdb.connect(config={"memory_limit": DEDUPE_MEMORY_LIMIT})
            t = time.perf_counter()
            if how == "load":
                for ddl in ALL_DDL:
                    con.execute(ddl)
                con.execute(f"INSERT INTO cdr ({cols}) SELECT {cols} FROM read_parquet($paths)", {"paths": parts})
            else:
                con.execute(f"CREATE VIEW cdr AS SELECT * FROM read_parquet({parts!r})")
            figures[how]["make cdr"] = time.perf_counter() - t
            for name, sql in QUERIES.items():
                figures[how][name] = _best(con, sql, p, args.repeat)
            t = time.perf_counter()
            try:
                con.execute("UPDATE cdr SET duplicate_of = record_id WHERE source_row % 100 = 0")
                figures[how]["UPDATE duplicate_of"] = time.perf_counter() - t
            except duckdb.Error as exc:
                figures[how]["UPDATE duplicate_of"] = f"refused: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
            con.close()
        print(f"{'':32}{'load into cdr':>16}  view over parts")
        for key in figures["load"]:
            a, b = figures["load"][key], figures["view"][key]
            fa = f"{a:.3f} s" if isinstance(a, float) else a
            fb = f"{b:.3f} s" if isinstance(b, float) else b
            print(f"{key:32}{fa:>16}  {fb}")


if __name__ == "__main__":
    main()
