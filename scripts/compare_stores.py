#!/usr/bin/env python3
"""Compare the stored tables of two ingests of the same files (issue 20's check that a faster path stores
the same values): ``cdr``, ``quarantine``, ``duplicates``, ``call_legs``, ``call_keys``, every column
except the ones that name the job (``ingest_job``) or a time of writing, as multisets (EXCEPT ALL both
ways). Prints each table's row counts and differing rows; exits 1 when any differ.

    .venv/bin/python scripts/compare_stores.py A.duckdb B.duckdb
"""

from __future__ import annotations

import sys

import duckdb

SKIP = {"ingest_job", "ingested_at", "committed_at", "created_at"}
TABLES = ("cdr", "quarantine", "duplicates", "call_legs", "call_keys")


def main() -> None:
    a, b = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    bad = 0
    for t in TABLES:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' AND table_name = ? "
            "ORDER BY ordinal_position", [t]).fetchall() if r[0] not in SKIP]
        if not cols:
            print(f"{t}: not in {a}")
            continue
        sel = ", ".join(f'"{c}"' for c in cols)
        na = con.execute(f"SELECT count(*) FROM a.{t}").fetchone()[0]
        nb = con.execute(f"SELECT count(*) FROM b.{t}").fetchone()[0]
        ab = con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM a.{t} EXCEPT ALL SELECT {sel} FROM b.{t})").fetchone()[0]
        ba = con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM b.{t} EXCEPT ALL SELECT {sel} FROM a.{t})").fetchone()[0]
        print(f"{t}: {na} / {nb} rows, {len(cols)} columns compared, differing {ab} / {ba}")
        bad += ab + ba
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
