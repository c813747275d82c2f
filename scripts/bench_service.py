"""Benchmark the ingestion service on small jobs, with ``raybench jobs`` (one Ray job per file) as the
baseline in the same run.

    .venv/bin/python scripts/bench_service.py --jobs 200 --concurrent 10 --rows 100 --baseline-total 10

Generates ``--jobs`` distinct files of ``--rows`` records (AT&T layout, seeds 1000...: the same content
twice would be skipped as already stored), starts ``raybench serve`` (embedded Ray, 2 CPUs by default),
drives it with ``--concurrent`` client threads (upload, submit, poll until done), samples the PSS of the
service's whole process tree every 0.5 s, stops it, checks the DuckDB (each record once), then runs
``raybench jobs`` on one of the files. Prints jobs/min, submission-to-done p50/p95/p99, peak PSS, and
the baseline's jobs/min. A script, not a test: figures, no pass/fail beyond accounting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("--concurrent", type=int, default=10)
    ap.add_argument("--rows", type=int, default=100)
    ap.add_argument("--num-cpus", type=int, default=2)
    ap.add_argument("--max-concurrent-jobs", type=int, default=10)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--worker-cpus", type=float, default=0.5)
    ap.add_argument("--baseline-total", type=int, default=10, help="raybench jobs --total (0: skip the baseline)")
    ap.add_argument("--big-rows", type=int, default=0,
                    help="Also one job of this many records through the service against `raybench ingest` of the "
                         "same file (its batch phase); 0: skip")
    ap.add_argument("--out", default=None, help="Write the figures as JSON here.")
    args = ap.parse_args()

    import duckdb

    from raybench.generate.production import generate_file
    from raybench.harness.service import PssSampler, drive_jobs, start_service

    work = tempfile.mkdtemp(prefix="raybench-bench-service-")
    t = time.perf_counter()
    files = [generate_file("att_mobility_voice", os.path.join(work, "gen"), rows=args.rows, seed=1000 + i).path
             for i in range(args.jobs)]
    print(f"generated {len(files)} files of {args.rows} records in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    svc = start_service(os.path.join(work, "svc"), "--num-cpus", str(args.num_cpus), "--max-concurrent-jobs",
                        str(args.max_concurrent_jobs), "--workers", str(args.workers), "--worker-cpus",
                        str(args.worker_cpus), "--max-queued", str(max(1000, args.jobs)),
                        "--burst", str(max(100, args.jobs)), "--rate", "100000")
    start_s = time.perf_counter() - t
    try:
        with PssSampler(svc.proc.pid) as pss:
            idle_pss = svc.pss_bytes()
            run = drive_jobs(svc.url, files, concurrent=args.concurrent)
    finally:
        svc.stop()
    con = duckdb.connect(svc.db, read_only=True)
    n, distinct = con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone()
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    con.close()
    lat = run["submit_to_done_s"]
    out = {"service": {**run, "start_s": start_s, "pss_bytes_peak": pss.peak_bytes, "pss_bytes_idle": idle_pss,
                       "pss_samples": pss.samples, "rows_stored": n, "rows_quarantined": quarantined,
                       "accounting_exact": n == distinct and n + quarantined == args.jobs * args.rows},
           "machine": {"cpus": os.cpu_count(), "load_1m": os.getloadavg()[0]}}
    print(f"service: {run['done']} of {run['jobs']} jobs done in {run['wall_s']:.1f} s = "
          f"{run['jobs_per_min']:.0f} jobs/min with {args.concurrent} at once; submission to done p50 "
          f"{lat['p50']:.2f} s, p95 {lat['p95']:.2f} s, p99 {lat['p99']:.2f} s, max {lat['max']:.2f} s; "
          f"errors {run['errors'] or 'none'}")
    print(f"service: peak PSS {pss.peak_bytes / 2**30:.2f} GiB over its process tree (idle {idle_pss / 2**30:.2f} "
          f"GiB; {pss.samples} samples), start {start_s:.1f} s; rows stored {n} (distinct {distinct}), "
          f"quarantined {quarantined}: accounting {'exact' if out['service']['accounting_exact'] else 'WRONG'}")
    if args.baseline_total:
        import subprocess

        # as a user runs it: its own local `ray start` cluster, one Ray job per file (defaults of raybench jobs)
        jobs_out = os.path.join(work, "jobs")
        done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "raybench"), "jobs", files[0],
                               "--concurrent", str(args.concurrent), "--total", str(args.baseline_total),
                               "--num-cpus", str(args.num_cpus), "--out", jobs_out],
                              capture_output=True, text=True, env=dict(os.environ, RAY_AUTH_MODE="disabled"))
        print(f"raybench jobs: {(done.stdout.strip() or done.stderr.strip()).splitlines()[-1]}")
        import glob

        with open(sorted(glob.glob(os.path.join(jobs_out, "jobs-*", "results.json")))[-1]) as f:
            base = json.load(f)["jobs"]
        out["baseline_raybench_jobs"] = {k: base[k] for k in ("concurrent", "total", "succeeded", "wall_s",
                                                               "jobs_per_min", "concurrent_jobs_succeeded")}
        print(f"baseline raybench jobs: {base['succeeded']} of {base['total']} in {base['wall_s']:.1f} s = "
              f"{base['jobs_per_min']:.1f} jobs/min with {args.concurrent} at once")
        if base["jobs_per_min"]:
            print(f"service / baseline: {run['jobs_per_min'] / base['jobs_per_min']:.0f}x")
    if args.big_rows:
        out["big_job"] = big_job(work, args)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1, default=str)
    return 0 if out["service"]["accounting_exact"] else 1


def big_job(work: str, args) -> dict:
    """One ``--big-rows`` file: ``raybench ingest`` (its ``batches`` phase and wall) against the same file
    as one job of the service (submission to done, and the job's own ``batches`` phase), both with one
    actor of 1 CPU."""
    import subprocess

    import httpx

    from raybench.generate.production import generate_file
    from raybench.harness.service import start_service

    folder = os.path.join(work, "big")
    path = generate_file("att_mobility_voice", folder, rows=args.big_rows, seed=7).path
    env = dict(os.environ, RAY_AUTH_MODE="disabled")
    res = os.path.join(work, "big-ingest.json")
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "raybench"), "ingest", path, "--db",
                    os.path.join(work, "big-ingest.duckdb"), "--num-cpus", str(args.num_cpus), "--workers", "1",
                    "--worker-cpus", "1", "--no-progress", "--results", res], env=env, check=True,
                   capture_output=True)
    with open(res) as f:
        ingest = json.load(f)
    svc = start_service(os.path.join(work, "big-svc"), "--num-cpus", str(args.num_cpus), "--workers", "1",
                        "--worker-cpus", "1", "--root", folder)
    try:
        with httpx.Client(base_url=svc.url, timeout=60) as c:
            t0 = time.monotonic()
            job = c.post("/v1/jobs", json={"paths": [path]}).json()["job_id"]
            while c.get(f"/v1/jobs/{job}").json()["status"] in ("queued", "running"):
                time.sleep(0.5)
            service_s = time.monotonic() - t0
            results = c.get(f"/v1/jobs/{job}/results").json()
    finally:
        svc.stop()
    batches_s = ingest["phases_s"].get("batches")
    out = {"rows": args.big_rows, "ingest_wall_s": ingest["wall_s"], "ingest_batches_s": batches_s,
           "service_submit_to_done_s": service_s, "service_batches_s": results["phases_s"].get("batches"),
           "service_rows_stored": results["totals"]["rows_stored"], "ingest_rows_stored": ingest["totals"]["rows_stored"],
           "ratio_vs_ingest_batches": service_s / batches_s if batches_s else None}
    print(f"big job ({args.big_rows} records): raybench ingest {ingest['wall_s']:.1f} s (batch phase {batches_s:.1f} s); "
          f"service submission to done {service_s:.1f} s (its batch phase {out['service_batches_s']:.1f} s) = "
          f"{out['ratio_vs_ingest_batches']:.2f}x the ingest batch phase; rows stored {out['service_rows_stored']} "
          f"vs {out['ingest_rows_stored']}")
    return out


if __name__ == "__main__":
    sys.exit(main())
