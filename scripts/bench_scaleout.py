#!/usr/bin/env python3
"""Benchmark: scale-out of each sink on local multi-node clusters (issue 20).

For each node count (default 1, 2, 3) a fresh local cluster of that many ``ray start`` nodes of one CPU
each (:func:`raybench.harness.cluster.start_local_cluster`), and on it one ``raybench ingest --address``
per sink (``duckdb``: every row comes back to the driver, which writes it; ``parquet``: workers write
Parquet parts, the driver commits them and loads them at the end) of the same AT&T file, with one pool
actor per node (``--workers N --worker-cpus 1 --memory-budget none``). Each run's database is
checked: rows read = stored + quarantined = the file's records; the two sinks' stores at each node count
must hold the same values (:func:`raybench.harness.stores.compare_stores`).

Printed per run: wall seconds, the batches phase (first batch to last, start-up left out), rows/s over
each (the batches phase: from the first batch to the last, actor start-up left out), the driver's seconds in the sink, the Parquet load, and the scale-out efficiency (rows/s over the
batches phase divided by N times the 1-node figure of the same sink; 1.0 is linear). Not a test: the
nodes share this machine's cores, so on a machine with fewer cores than nodes plus the driver the
efficiency measures contention, not the sink; say the load (it is printed).

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/bench_scaleout.py [--rows 300000] [--nodes 1,2,3]
        [--sinks duckdb,parquet] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from raybench.generate.production import GENERATOR_VERSION, file_name, generate_file
from raybench.harness.cluster import start_local_cluster
from raybench.harness.run import default_cache_dir
from raybench.harness.stores import compare_stores, stores_differ


def _ingest(path: str, tmp: str, tag: str, address: str, sink: str, workers: int) -> dict:
    db, results = os.path.join(tmp, f"{tag}.duckdb"), os.path.join(tmp, f"{tag}.json")
    cmd = [os.path.join(os.path.dirname(sys.executable), "raybench"), "ingest", path, "--db", db, "--results", results,
           "--no-progress", "--address", address, "--sink", sink, "--workers", str(workers), "--worker-cpus", "1",
           "--memory-budget", "none"]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True,
                          env=dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled")))
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{tag} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(results) as f:
        r = json.load(f)
    r["db"], r["command_wall_s"] = db, wall
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nodes", default="1,2,3")
    ap.add_argument("--sinks", default="duckdb,parquet")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    folder = os.path.join(default_cache_dir(), f"bench-v{GENERATOR_VERSION}")
    path = os.path.join(folder, file_name("att_mobility_voice", args.rows, args.seed, 0.0))
    if not os.path.exists(path):
        print(f"generating {args.rows} rows ...", flush=True)
        generate_file("att_mobility_voice", folder, rows=args.rows, seed=args.seed)
    nodes_list = [int(n) for n in args.nodes.split(",")]
    sinks = [s.strip() for s in args.sinks.split(",") if s.strip()]
    runs, load, bad = [], [os.getloadavg()[0]], 0
    with tempfile.TemporaryDirectory(prefix="rb-scaleout-") as tmp:
        for nodes in nodes_list:
            cluster = start_local_cluster(nodes=nodes, cpus_per_node=1)
            try:
                for sink in sinks:
                    r = _ingest(path, tmp, f"{nodes}n-{sink}", cluster.address, sink, nodes)
                    t = r["totals"]
                    if not (t["rows_read"] == args.rows == t["rows_stored"] + t["rows_quarantined"]):
                        sys.exit(f"{nodes} nodes, {sink}: accounting does not add up: {t}")
                    runs.append({"nodes": nodes, "sink": sink, "wall_s": r["wall_s"],
                                 "batches_s": r["phases_s"].get("batches", 0),
                                 "pool_size": r["metrics"].get("pool_size"),
                                 "sink_write_s": r["metrics"].get("sink_write_s"),
                                 "load_s": (r.get("sink") or {}).get("load_s"),
                                 "pss_bytes_peak_cluster": r["metrics"].get("pss_bytes_peak_cluster"),
                                 "db": r["db"]})
                    load.append(os.getloadavg()[0])
            finally:
                cluster.stop()
            if len(sinks) > 1:
                a, b = (next(x["db"] for x in runs if x["nodes"] == nodes and x["sink"] == s) for s in sinks[:2])
                differ = stores_differ(compare_stores(a, b))
                bad += differ
                print(f"{nodes} node(s): stores of the {sinks[0]} and {sinks[1]} sinks differ in {differ} rows", flush=True)
    print(f"file: {path} ({args.rows} rows); {os.cpu_count()} CPUs on this machine; load average (1 min) "
          f"before/after each run: {', '.join(f'{x:.1f}' for x in load)}")
    print(f"{'nodes':>5} {'sink':>8} {'pool':>5} {'wall_s':>8} {'batches_s':>10} {'rows/s batches':>15} "
          f"{'efficiency':>11} {'sink_s':>7} {'load_s':>7} {'peak_PSS_GiB':>13}")
    for r in runs:
        one = next(x for x in runs if x["sink"] == r["sink"] and x["nodes"] == nodes_list[0])
        rate = args.rows / r["batches_s"] if r["batches_s"] else float("nan")
        one_rate = args.rows / one["batches_s"] if one["batches_s"] else float("nan")
        r["rows_per_s_batches"] = rate
        r["efficiency"] = (rate / one_rate) / (r["nodes"] / one["nodes"])
        print(f"{r['nodes']:>5} {r['sink']:>8} {r['pool_size'] or 0:>5} {r['wall_s']:>8.1f} {r['batches_s']:>10.1f} "
              f"{rate:>15,.0f} {r['efficiency']:>11.2f} {r['sink_write_s'] or 0:>7.1f} "
              f"{r['load_s'] if r['load_s'] is not None else float('nan'):>7.1f} "
              f"{(r['pss_bytes_peak_cluster'] or 0) / 2**30:>13.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": args.rows, "load": load, "runs": runs}, f, indent=1, default=str)
    if bad:
        sys.exit(f"the sinks stored different values ({bad} rows)")


if __name__ == "__main__":
    main()
