#!/usr/bin/env python3
"""Benchmark: one AT&T file of N rows through raybench, and through a plain polars+DuckDB pass.

Prints wall seconds, rows/s and peak PSS summed over the process and every Ray process (sampled every
0.2 s from outside, with psutil), for both, and their ratios. Each run is a fresh subprocess, started the
way a user starts it (`raybench ingest ...`). Not a test: run it by hand.

    .venv/bin/python scripts/bench_ingest.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import psutil

from raybench.generate.production import GENERATOR_VERSION, file_name, generate_file
from raybench.harness.peers import measure
from raybench.harness.run import default_cache_dir


def _checked(m: dict, cmd: list[str]) -> dict:
    if m["returncode"] != 0:
        sys.exit(f"failed ({m['returncode']}): {' '.join(cmd)}\n{m['output'][-3000:]}")
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    folder = os.path.join(default_cache_dir(), f"bench-v{GENERATOR_VERSION}")
    path = os.path.join(folder, file_name("att_mobility_voice", args.rows, args.seed, 0.0))
    if not os.path.exists(path):
        print(f"generating {args.rows} rows ...", flush=True)
        generate_file("att_mobility_voice", folder, rows=args.rows, seed=args.seed)
    size = os.path.getsize(path)
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    bin_dir = os.path.dirname(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [os.path.join(bin_dir, "raybench"), "ingest", path, "--db", os.path.join(tmp, "ray.duckdb"),
               "--results", os.path.join(tmp, "ray.json"), "--no-progress"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        ray = _checked(measure(cmd, env), cmd)
        result = json.load(open(os.path.join(tmp, "ray.json")))
        base = measure([sys.executable, "-c",
                        "import json,sys; from raybench.pipeline.baseline import run_baseline; "
                        "print(json.dumps(run_baseline(sys.argv[1], sys.argv[2])))",
                        path, os.path.join(tmp, "base.duckdb")], env)
        _checked(base, ["baseline"])
        base_result = json.loads(base["output"].strip().splitlines()[-1])
    rows = result["totals"]["rows_read"]
    assert rows == args.rows == base_result["rows_read"], (rows, base_result)
    assert result["totals"]["rows_stored"] + result["totals"]["rows_quarantined"] == rows
    gib = 2**30
    print(f"file: {path} ({size / 2**20:.0f} MiB, {rows} rows, layout att_mobility_voice)")
    print(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / gib:.0f} GiB")
    print(f"{'':28}{'wall_s':>10}{'rows_per_s':>14}{'peak_pss_GiB':>14}")
    for name, m in (("raybench (Ray actor pool)", ray), ("polars+DuckDB, 1 process", base)):
        print(f"{name:28}{m['wall_s']:>10.1f}{rows / m['wall_s']:>14,.0f}{m['pss_bytes_peak'] / gib:>14.2f}")
    print(f"{'ratio raybench / baseline':28}{ray['wall_s'] / base['wall_s']:>10.2f}"
          f"{(rows / ray['wall_s']) / (rows / base['wall_s']):>14.2f}"
          f"{ray['pss_bytes_peak'] / base['pss_bytes_peak']:>14.2f}")
    m = result["metrics"]
    lat = m["batch_latency_s"]
    print(f"raybench inside: pool {m['pool_size']} actor(s), {m['batches']} batches, batch latency "
          f"p50 {lat['p50']:.2f} s p95 {lat['p95']:.2f} s p99 {lat['p99']:.2f} s; coordinator's peak PSS "
          f"{m['pss_bytes_peak'] / gib:.2f} GiB")
    ok = ray["wall_s"] <= 60 and ray["pss_bytes_peak"] <= 2 * gib
    print(f"targets (<= 60 s, <= 2 GiB peak PSS): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
