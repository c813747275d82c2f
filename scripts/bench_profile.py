#!/usr/bin/env python3
"""Benchmark: what the per-file value profile (issue 13) costs on a 1M-row file, against the whole ingest.

Generates (once, cached) one AT&T file of N rows, then in this process times, best of ``--repeat``: the
plan (one pass over the file: record ends, junk, SHA-256) and the value profile (sampled chunks read with
the workers' reader, every candidate format counted), in wall seconds and CPU seconds of this process.
Then runs ``raybench ingest`` on the same file the way a user does and prints the profile's share of that
ingest's wall time (the target: at most 5%). Not a test: run it by hand.

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/bench_profile.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, out


def main() -> None:
    from raybench.catalog import BUILTIN
    from raybench.generate.production import GENERATOR_VERSION, file_name, generate_file
    from raybench.harness.run import default_cache_dir
    from raybench.identify.file import identify_file
    from raybench.profile import profile_file
    from raybench.read.partition import plan_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = os.path.join(default_cache_dir(), f"bench-v{GENERATOR_VERSION}")
    path = os.path.join(folder, file_name("att_mobility_voice", args.rows, 0, 0.0))
    if not os.path.exists(path):
        print(f"generating {args.rows} rows ...", flush=True)
        generate_file("att_mobility_voice", folder, rows=args.rows, seed=0)
    ident = identify_file(path, BUILTIN)
    layout, enc = ident.identification.layout, ident.encoding.name
    junk = ident.identification.junk_rules()
    plan_wall, plan_cpu, plan = _timed(lambda: plan_file(path, offset=ident.encoding.bom_bytes,
                                                         lead=ident.identification.lead, junk=junk, encoding=enc),
                                       args.repeat)
    prof_wall, prof_cpu, prof = _timed(lambda: profile_file(path, enc, layout, plan.chunks, junk), args.repeat)
    # the worst case: the layout's formats read nothing, so every candidate start format and duration
    # unit is counted over the sample
    from dataclasses import replace

    wrong = replace(layout, start=replace(layout.start, formats=("%d.%m.%Y %H.%M.%S",), day_first_formats=()),
                    duration_unit="ms" if layout.duration_unit != "ms" else "seconds")
    search_wall, search_cpu, search = _timed(lambda: profile_file(path, enc, wrong, plan.chunks, junk), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "r.json")
        cmd = [os.path.join(os.path.dirname(sys.executable), "raybench"), "ingest", path, "--db",
               os.path.join(tmp, "db.duckdb"), "--results", results, "--no-progress"]
        w0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True,
                       env=dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled")))
        ingest_wall = time.perf_counter() - w0
        phases = json.load(open(results)).get("phases_s", {})
    print(f"file: {path} ({os.path.getsize(path) / 2**20:.0f} MiB, {plan.n_records} records, {len(plan.chunks)} chunks)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work shares it)")
    print(f"plan (one pass):   wall {plan_wall:.3f} s, cpu {plan_cpu:.3f} s (best of {args.repeat})")
    print(f"value profile:     wall {prof_wall:.3f} s, cpu {prof_cpu:.3f} s (best of {args.repeat}); "
          f"start {prof.value_formats.get('start', {}).get('format')}, "
          f"duration {prof.value_formats.get('duration', {}).get('format')}")
    print(f"profile, search:   wall {search_wall:.3f} s, cpu {search_cpu:.3f} s (the layout's formats made wrong, so "
          f"every candidate is counted); found start {search.value_formats.get('start', {}).get('format')}, "
          f"duration {search.value_formats.get('duration', {}).get('format')}")
    print(f"raybench ingest:   wall {ingest_wall:.1f} s (phases: "
          + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()) + ")")
    print(f"profile / ingest:  {100 * prof_wall / ingest_wall:.2f}% of the wall time, "
          f"{100 * search_wall / ingest_wall:.2f}% in the worst case (target: at most 5%)")


if __name__ == "__main__":
    main()
