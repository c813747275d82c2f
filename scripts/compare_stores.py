#!/usr/bin/env python3
"""Compare the stored tables of two ingests of the same files (issue 20's check that a faster path, or
the Parquet sink, stores the same values): ``cdr``, ``quarantine``, ``duplicates``, ``call_legs``,
``call_keys``, every column except the ones that name the job (``ingest_job``) or a time of writing, as
multisets (EXCEPT ALL both ways; :func:`raybench.harness.stores.compare_stores`). Prints each table's row
counts and differing rows; exits 1 when any differ.

    .venv/bin/python scripts/compare_stores.py A.duckdb B.duckdb
"""

from __future__ import annotations

import sys

from raybench.harness.stores import compare_stores, stores_differ


def main() -> None:
    a, b = sys.argv[1], sys.argv[2]
    report = compare_stores(a, b)
    for t, r in report.items():
        if r.get("missing"):
            print(f"{t}: not in {a}")
            continue
        print(f"{t}: {r['rows_a']} / {r['rows_b']} rows, {r['columns']} columns compared, "
              f"differing {r['only_a']} / {r['only_b']}")
    sys.exit(1 if stores_differ(report) else 0)


if __name__ == "__main__":
    main()
