#!/usr/bin/env python3
"""Benchmark: an N-page AT&T PDF call-detail bill (default 200 pages) through ``raybench ingest``.

Prints pages/s, rows/s, wall seconds and peak PSS summed over the ingest process and all its
descendants (the embedded Ray's GCS, raylet and every worker; sampled every 0.2 s from outside with
psutil), and checks every stored row against the generator's truth. The PDF is generated once (cached
under ``~/.cache/raybench``). Not a test: run it by hand.

    .venv/bin/python scripts/bench_pdf.py --pages 200
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import psutil

from raybench.generate.pdf_bill import generate_pdf_bill, pdf_file_name
from raybench.harness.peers import measure
from raybench.harness.run import default_cache_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--chunk-size", default=None, help="passed to raybench ingest (a PDF chunk holds "
                                                           "chunk-size / 256 KiB pages)")
    args = parser.parse_args()

    folder = os.path.join(default_cache_dir(), "bench-pdf")
    path = os.path.join(folder, pdf_file_name(args.pages, args.seed, 0.0))
    if not os.path.exists(path):
        print(f"generating a {args.pages}-page bill ...", flush=True)
        generate_pdf_bill(folder, pages=args.pages, seed=args.seed)
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "pdf.duckdb")
        cmd = [os.path.join(os.path.dirname(sys.executable), "raybench"), "ingest", path, "--db", db,
               "--results", os.path.join(tmp, "r.json"), "--no-progress"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        if args.chunk_size:
            cmd += ["--chunk-size", args.chunk_size]
        m = measure(cmd, env)
        if m["returncode"] != 0:
            sys.exit(f"failed ({m['returncode']}): {' '.join(cmd)}\n{m['output'][-3000:]}")
        result = json.load(open(os.path.join(tmp, "r.json")))
        import duckdb

        con = duckdb.connect(db)
        con.execute(f"CREATE VIEW truth AS SELECT * FROM read_parquet('{path}.truth.parquet')")
        wrong = con.execute(
            "SELECT count(*) FROM truth t LEFT JOIN cdr c USING (source_row) WHERE t.quarantine_reason IS NULL "
            "AND (c.source_row IS NULL OR c.caller IS DISTINCT FROM t.caller OR c.callee IS DISTINCT FROM t.callee "
            "OR c.dialed IS DISTINCT FROM t.dialed OR c.start_utc IS DISTINCT FROM t.start_utc "
            "OR c.duration_s IS DISTINCT FROM t.duration_s OR c.source_page IS NULL)").fetchone()[0]
        truth_rows = con.execute("SELECT count(*) FROM truth").fetchone()[0]
    f = result["files"][0]
    rows = f["rows_read"]
    gib = 2**30
    print(f"file: {path} ({os.path.getsize(path) / 2**20:.1f} MiB, {args.pages} pages, {rows} rows)")
    print(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / gib:.0f} GiB")
    print(f"status {f['status']}; rows stored {f['rows_stored']}, quarantined {f['rows_quarantined']}; "
          f"lines skipped {f['lines_skipped']}")
    print(f"truth: {truth_rows} rows; stored rows differing from the truth or missing: {wrong}")
    print(f"wall_s {m['wall_s']:.1f}  pages_per_s {args.pages / m['wall_s']:.1f}  rows_per_s "
          f"{rows / m['wall_s']:,.0f}  peak_pss_GiB {m['pss_bytes_peak'] / gib:.2f}")
    phases = result.get("phases_s", {})
    print("phases_s: " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
    metrics = result["metrics"]
    print(f"pool {metrics['pool_size']} actor(s), {metrics['batches']} batches; coordinator's peak PSS "
          f"{metrics['pss_bytes_peak'] / gib:.2f} GiB")


if __name__ == "__main__":
    main()
