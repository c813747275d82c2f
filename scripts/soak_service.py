#!/usr/bin/env python3
"""Soak the ingestion service: a long stream of small jobs with a few large ones, status queries in
between, and the PSS of every process of the service sampled throughout; the leak check is each
process's PSS slope after warm-up (issue 17).

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/soak_service.py --jobs 1000 --large 3 --out soak.json

Generates ``--jobs`` small AT&T files of ``--rows`` records and ``--large`` files of ``--large-rows``,
starts ``raybench serve`` (embedded Ray), and submits them ``--concurrent`` at a time (the first large
one half way through the warm-up, the others spread over the rest: :func:`large_positions`), listing the job table (``GET /v1/jobs``) between them. Beside the
jobs, one client thread asks the named queries (``GET /v1/calls``, ``/v1/contacts/{number}``, shared
contacts, timeline, cell calls, counts; numbers and a cell taken from the first small file) in turn, one
every ``--query-every`` seconds, while the jobs write; their latency (client side, p50/p95/p99 per
query) is reported. Every
``--interval`` seconds it records, per process of the service's tree (the service, Ray's own processes,
the runner and worker actors, by their command line), its PSS, USS and anonymous memory
(``/proc/PID/smaps_rollup``) and the number of jobs done so far, and every 10th time the machine's load and
count of other processes (other Ray sessions among them). After the first ``--warmup`` share of the jobs,
a least-squares line of each process's PSS against jobs done gives its growth per 1,000 jobs, as a share
of its PSS at the end of warm-up: a process whose PSS grows more than 5% per 1,000 jobs is reported as
leaking (the check, and the exit status). The same slopes of its USS and anonymous memory (as shares of
the same PSS) are printed beside it, with the slope of PSS's shared-file part: on a shared machine that
part rises when other processes mapping the same libraries end (the machine's state at start, end of
warm-up and end tells when), and USS and anonymous memory say whether the process itself grew.
Every ``--runner-every`` seconds the runner's own figures (``GET /readyz``: RSS, DuckDB's count of what it
holds, DuckDB's jemalloc resident, glibc's heap in use) are read too, and their medians and slopes after
warm-up printed: where a runner's growth lives.
``--settle-s`` lets the started service idle (sampled) before the first job: a fresh Ray's raylet grows
for its first minutes with no calls at all, which a short soak's slope counts as growth per job. The
stored rows are checked (each record once).
Writes the samples and figures as JSON and, with ``--plot``, a PNG of PSS against jobs done per process.
A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time

LEAK_SHARE_PER_1000 = 0.05
"""Growth of a process's PSS per 1,000 jobs after warm-up, as a share of its PSS then, above which it leaks."""


def _kind(proc) -> str:
    try:
        cmd = " ".join(proc.cmdline())[:300]
    except Exception:  # noqa: BLE001  (a process that ended while it was looked at)
        return "gone"
    for word in ("ServiceRunner", "Runner", "IngestWorker", "Coordinator", "ServeController", "ProxyActor",
                 "ServeReplica", "raylet", "gcs_server", "dashboard", "log_monitor", "monitor.py",
                 "runtime_env", "raybench serve"):
        if word in cmd:
            return word
    return os.path.basename(proc.name())


SPLIT_EVERY = 10
"""Every this many samples, the machine's other processes and load are recorded (:func:`machine_state`)."""

MEASURES = ("pss", "uss", "anon", "pss_file", "pss_shmem")
"""What is sampled per process (bytes, :func:`memory_of`): PSS (the issue's check), USS (its private
pages), anonymous memory (malloc's heap and arenas, Arrow's and DuckDB's buffers: what a leak grows), and
PSS's shares of files (shared libraries) and of shared memory (Ray's object store)."""


def memory_of(pid: int) -> dict[str, int]:
    """A process's memory (bytes) from ``/proc/PID/smaps_rollup`` (Linux 4.14+; the ``Pss_*`` split since
    5.9): ``pss``, ``uss`` (``Private_Clean`` + ``Private_Dirty``), ``anon`` (``Anonymous``, its own
    anonymous pages whoever else maps them), ``pss_file``, ``pss_shmem``. PSS counts a share of each page
    mapped by several processes: a shared library's ``pss_file`` share rises when other processes of the
    machine that map it end, without this process allocating anything; USS and ``anon`` do not move then.

    Raises:
        OSError: the process ended or its file cannot be read.
    """
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return {"pss": fields.get("Pss", 0), "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
            "anon": fields.get("Anonymous", 0), "pss_file": fields.get("Pss_File", 0),
            "pss_shmem": fields.get("Pss_Shmem", 0)}


def machine_state(tree: set[int]) -> dict:
    """The machine around the service: 1-minute load, the count of processes outside the service's tree
    (``tree``: its pids), and of Ray daemons (raylet, gcs_server) among them: other people's Ray sessions,
    whose end raises the service's PSS (shared libraries' pages are shared by fewer)."""
    import psutil

    others, ray_daemons = 0, 0
    for p in psutil.process_iter(["pid", "name"]):
        if p.info["pid"] in tree:
            continue
        others += 1
        if (p.info["name"] or "") in ("raylet", "gcs_server"):
            ray_daemons += 1
    return {"load_1m": round(os.getloadavg()[0], 2), "other_processes": others, "other_ray_daemons": ray_daemons}


class Sampler(threading.Thread):
    """Per process of a tree: ``(t_s, jobs_done, {measure: bytes})`` samples every ``interval_s``
    (:data:`MEASURES`), and the machine's state every :data:`SPLIT_EVERY` samples."""

    def __init__(self, pid: int, interval_s: float, done):
        super().__init__(daemon=True)
        self.pid, self.interval_s, self.done = pid, interval_s, done
        self.samples: dict[str, list[tuple[float, int, dict]]] = {}
        self.names: dict[int, str] = {}
        self.machine: list[dict] = []
        self.rounds = 0
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def _key(self, proc) -> str:
        """A process's name for the whole run: its kind when first seen (an actor's title changes while
        it runs a task: ``ray::ChunkWorker`` / ``ray::ChunkWorker.process``), numbered from the second
        process of a kind."""
        if proc.pid not in self.names:
            kind = _kind(proc).split(".")[0]
            n = sum(1 for k in self.names.values() if k.split("#")[0] == kind)
            self.names[proc.pid] = f"{kind}#{n + 1}" if n else kind
        return self.names[proc.pid]

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                return
            for p in procs:
                try:
                    mem = memory_of(p.pid)
                except OSError:
                    continue
                key = self._key(p)
                self.samples.setdefault(key, []).append((time.monotonic() - self.t0, self.done(), mem))
            if self.rounds % SPLIT_EVERY == 0:
                self.machine.append({"t_s": round(time.monotonic() - self.t0, 1), "jobs_done": self.done(),
                                     **machine_state({p.pid for p in procs})})
            self.rounds += 1
            self.stop.wait(self.interval_s)


class Asker(threading.Thread):
    """Asks the service's named queries in turn, one every ``every_s``, and keeps each one's latency."""

    def __init__(self, url: str, every_s: float, number: str, other: str, cell: str, day: str):
        super().__init__(daemon=True)
        self.url, self.every_s = url, every_s
        self.routes = [("calls", "/v1/calls", {"number": number}),
                       ("top-contacts", f"/v1/contacts/{number}", {}),
                       ("shared-contacts", f"/v1/contacts/{number}/shared/{other}", {}),
                       ("timeline", f"/v1/timeline/{number}", {"day": day}),
                       ("cell", f"/v1/cells/{cell}/calls", {"limit": 100}),
                       ("counts", "/v1/counts", {})]
        self.latency_s: dict[str, list[float]] = {name: [] for name, _, _ in self.routes}
        self.errors: dict[str, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        from raybench.errors import ServiceError
        from raybench.service.client import ServiceClient

        i = 0
        with ServiceClient(self.url) as client:
            while not self.stop.wait(self.every_s):
                name, url, params = self.routes[i % len(self.routes)]
                i += 1
                t = time.perf_counter()
                try:
                    client.call("GET", url, params=params)
                except ServiceError as exc:
                    self.errors[f"{name}: {exc}"[:120]] = self.errors.get(f"{name}: {exc}"[:120], 0) + 1
                    continue
                self.latency_s[name].append(time.perf_counter() - t)

    def figures(self) -> dict:
        from raybench.metrics.stats import percentiles

        return {name: {"calls": len(v), **({k: round(1000 * x, 1) for k, x in percentiles(v).items()} if v else {})}
                for name, v in self.latency_s.items()}


class RunnerPoller(threading.Thread):
    """Every ``every_s``, the runner's own memory figures from ``GET /readyz`` (``runner_memory``: RSS,
    DuckDB's count of what it holds, DuckDB's jemalloc resident, glibc's heap in use, bytes) against jobs
    done, so that a runner whose PSS grows is split by source through the whole run, not only between
    batches (:meth:`raybench.service.runner.JobRunner.ready`)."""

    SOURCES = ("rss_bytes", "duckdb_bytes", "duckdb_resident_bytes", "malloc_in_use_bytes")

    def __init__(self, url: str, every_s: float, done):
        super().__init__(daemon=True)
        self.url, self.every_s, self.done = url, every_s, done
        self.samples: list[dict] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from raybench.errors import ServiceError
        from raybench.service.client import ServiceClient

        with ServiceClient(self.url) as client:
            while not self.stop.wait(self.every_s):
                try:
                    memory = client.call("GET", "/readyz").json().get("runner_memory") or {}
                except (ServiceError, ValueError):
                    continue
                self.samples.append({"jobs_done": self.done(), **{k: memory.get(k) for k in self.SOURCES}})

    def slopes(self, warm_jobs: int) -> dict[str, dict]:
        """Per source: its median over the first tenth of the samples after warm-up and over the last
        tenth, and its least-squares slope in bytes per 1,000 jobs after warm-up (:func:`slopes`, over the
        samples where the figure was given: DuckDB's own count is missing while a query holds the cursor)."""
        import numpy as np

        series = {src: [(0.0, s["jobs_done"], s[src]) for s in self.samples if s[src] is not None]
                  for src in self.SOURCES}
        out = {}
        for src, fit in slopes(series, warm_jobs).items():
            v = [b for _, j, b in series[src] if j >= warm_jobs]
            tenth = max(1, len(v) // 10)
            out[src] = {"median_first_bytes": int(np.median(v[:tenth])), "median_last_bytes": int(np.median(v[-tenth:])),
                        "slope_bytes_per_1000_jobs": fit["slope_bytes_per_1000_jobs"], "samples": fit["samples"]}
        return out


def _query_subjects(path: str) -> tuple[str, str, str, str]:
    """A number, a second number, a cell and a day (of the first record) from a generated AT&T file."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    first = rows[0]
    number = first["Originating Number"].split()[0]
    other = next(r["Terminating Number"].split()[0] for r in rows if r["Terminating Number"].split()[0] != number)
    month, day, year = first["Conn. Date"].split("/")
    return number, other, first["Cell ID"], f"{year}-{month}-{day}"


def large_positions(jobs: int, large: int, warmup: float) -> list[tuple[int, int]]:
    """The stream's batches as ``(first, end)`` slices of the small jobs, batch ``i`` followed by large
    job ``i``: the first large job half way through the warm-up (a process's working set for the
    largest job is reached once, before the slope is taken), the others spread evenly over the rest, so
    that a process that keeps something per large job grows at each of them after warm-up."""
    if not large:
        return [(0, jobs)]
    first = max(1, int(jobs * warmup / 2))
    step = (jobs - first) // large
    cuts = [first + i * step for i in range(large)]
    return list(zip([0] + cuts, cuts + [jobs]))


def slopes(samples: dict[str, list[tuple[float, int, int]]], warm_jobs: int) -> dict[str, dict]:
    """Per process: PSS at the end of warm-up, its least-squares slope in bytes per 1,000 jobs after it,
    that slope as a share of the warm-up PSS, and whether that passes :data:`LEAK_SHARE_PER_1000`."""
    import numpy as np

    out = {}
    for key, rows in samples.items():
        after = [(j, p) for _, j, p in rows if j >= warm_jobs]
        if len(after) < 5 or len({j for j, _ in after}) < 3:
            continue
        jobs = np.array([j for j, _ in after], dtype=float)
        pss = np.array([p for _, p in after], dtype=float)
        slope = float(np.polyfit(jobs, pss, 1)[0]) * 1000
        base = float(pss[: max(1, len(pss) // 10)].mean())
        share = slope / base if base else 0.0
        out[key] = {"pss_bytes_after_warmup": int(base), "pss_bytes_last": int(pss[-1]),
                    "slope_bytes_per_1000_jobs": int(slope), "growth_share_per_1000_jobs": round(share, 4),
                    "leaking": share > LEAK_SHARE_PER_1000, "samples": len(after)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=100)
    ap.add_argument("--large", type=int, default=3)
    ap.add_argument("--large-rows", type=int, default=200_000)
    ap.add_argument("--concurrent", type=int, default=10)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--query-every", type=float, default=0.5, help="seconds between two named queries")
    ap.add_argument("--warmup", type=float, default=0.2, help="share of the jobs before the slope is taken")
    ap.add_argument("--settle-s", type=float, default=0.0,
                    help="seconds the started service idles before the first job (sampled, outside the slope): "
                         "a fresh Ray's raylet grows for its first minutes with no calls at all")
    ap.add_argument("--runner-every", type=float, default=2.0,
                    help="seconds between two readings of the runner's own memory figures (GET /readyz); 0: none")
    ap.add_argument("--out", default=None)
    ap.add_argument("--plot", default=None, help="PNG of PSS against jobs done, per process")
    args = ap.parse_args()

    import duckdb

    from raybench.generate.production import generate_file
    from raybench.harness.service import drive_jobs, start_service
    from raybench.service.client import ServiceClient

    work = tempfile.mkdtemp(prefix="raybench-soak-")
    t = time.perf_counter()
    small = [generate_file("att_mobility_voice", os.path.join(work, "gen"), rows=args.rows, seed=5000 + i).path
             for i in range(args.jobs)]
    large = [generate_file("tmobile_cdr", os.path.join(work, "gen"), rows=args.large_rows, seed=90 + i).path
             for i in range(args.large)]
    print(f"generated {len(small)} small and {len(large)} large files in {time.perf_counter() - t:.1f} s",
          flush=True)
    batches = large_positions(args.jobs, len(large), args.warmup)
    batches = [small[a:b] + ([large[i]] if i < len(large) else []) for i, (a, b) in enumerate(batches)]
    svc = start_service(os.path.join(work, "svc"), "--num-cpus", "2", "--max-queued", str(args.jobs + 100),
                        "--burst", str(args.jobs + 100), "--rate", "100000")
    done_count = [0]
    jobs_db = os.path.join(svc.state, "jobs.sqlite")

    def jobs_done() -> int:  # the job table, read as it is (SQLite in WAL mode takes readers beside its writer)
        import sqlite3

        try:
            with sqlite3.connect(f"file:{jobs_db}?mode=ro", uri=True, timeout=1.0) as con:
                return con.execute("SELECT count(*) FROM jobs WHERE status = 'done'").fetchone()[0]
        except sqlite3.Error:
            return done_count[0]

    sampler = Sampler(svc.proc.pid, args.interval, jobs_done)
    sampler.start()
    asker = Asker(svc.url, args.query_every, *_query_subjects(small[0]))
    asker.start()
    poller = RunnerPoller(svc.url, args.runner_every, jobs_done)
    if args.runner_every > 0:
        poller.start()
    if args.settle_s > 0:
        print(f"service up; idling {args.settle_s:.0f} s before the first job (--settle-s)", flush=True)
        time.sleep(args.settle_s)
    t0 = time.monotonic()
    statuses: dict[str, int] = {}
    list_calls, list_s = 0, 0.0
    runner_memory: list[dict] = []
    try:
        for batch in batches:
            run = drive_jobs(svc.url, batch, concurrent=args.concurrent)
            done_count[0] += run["done"]
            for k, v in run["statuses"].items():
                statuses[k] = statuses.get(k, 0) + v
            with ServiceClient(svc.url) as client:  # a status query between the batches
                q0 = time.perf_counter()
                client.call("GET", "/v1/jobs")
                list_s += time.perf_counter() - q0
                list_calls += 1
                runner_memory.append({"jobs_done": done_count[0], **(client.call("GET", "/readyz").json()
                                                                       .get("runner_memory") or {})})
            print(f"  {done_count[0]} jobs done, {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        sampler.stop.set()
        asker.stop.set()
        poller.stop.set()
        sampler.join(10)
        asker.join(70)
        svc.stop()
    wall_s = time.monotonic() - t0
    con = duckdb.connect(svc.db, read_only=True)
    n, distinct = con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone()
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    con.close()
    expected = args.jobs * args.rows + args.large * args.large_rows
    warm_jobs = int(args.warmup * (args.jobs + args.large))
    per_measure = {m: slopes({k: [(t, j, mem[m]) for t, j, mem in rows] for k, rows in sampler.samples.items()},
                             warm_jobs) for m in MEASURES}
    figures = per_measure["pss"]  # the check: PSS
    leaking = sorted(k for k, v in figures.items() if v["leaking"])
    # the same slope of USS and of anonymous memory, as shares of the PSS after warm-up: PSS counts a share
    # of each shared library's pages, which grows when other processes of the machine that mapped them end
    other = {m: {k: {"slope_bytes_per_1000_jobs": v["slope_bytes_per_1000_jobs"],
                     "share_of_pss_per_1000_jobs": round(v["slope_bytes_per_1000_jobs"]
                                                         / figures[k]["pss_bytes_after_warmup"], 4),
                     "bytes_after_warmup": v["pss_bytes_after_warmup"], "bytes_last": v["pss_bytes_last"]}
                 for k, v in per_measure[m].items() if k in figures and figures[k]["pss_bytes_after_warmup"]}
             for m in MEASURES if m != "pss"}
    over_uss = sorted(k for k, v in other["uss"].items() if v["share_of_pss_per_1000_jobs"] > LEAK_SHARE_PER_1000)
    over_anon = sorted(k for k, v in other["anon"].items() if v["share_of_pss_per_1000_jobs"] > LEAK_SHARE_PER_1000)
    machine = sampler.machine
    machine_warm = next((m for m in machine if m["jobs_done"] >= warm_jobs), machine[-1] if machine else None)
    out = {"jobs": args.jobs + args.large, "statuses": statuses, "wall_s": round(wall_s, 1),
           "jobs_per_min": round(done_count[0] / (wall_s / 60), 1), "rows_stored": n, "rows_distinct": distinct,
           "rows_quarantined": quarantined, "rows_expected": expected,
           "accounting_exact": n == distinct and n + quarantined == expected,
           "status_query_mean_s": round(list_s / max(1, list_calls), 4), "warmup_jobs": warm_jobs,
           "named_queries_ms": asker.figures(), "runner_memory": runner_memory,
           "runner_sources": poller.slopes(warm_jobs), "runner_samples": poller.samples, "named_query_errors": asker.errors,
           "per_process": figures, "leaking": leaking, "per_process_other_measures": other,
           "over_threshold_by_uss": over_uss, "over_threshold_by_anon": over_anon,
           "machine": machine, "load_1m_end": os.getloadavg()[0],
           "samples": {k: v for k, v in sampler.samples.items()}}
    print(f"{done_count[0]} of {out['jobs']} jobs done in {wall_s:.0f} s ({out['jobs_per_min']} jobs/min), "
          f"statuses {statuses}; rows {n} stored ({distinct} distinct) + {quarantined} quarantined of {expected}: "
          f"accounting {'exact' if out['accounting_exact'] else 'WRONG'}")
    print("named queries while the jobs wrote (client side, ms): " + "; ".join(
        f"{k} n={v['calls']} p50 {v.get('p50')} p95 {v.get('p95')} p99 {v.get('p99')}"
        for k, v in out["named_queries_ms"].items()) + (f"; errors {asker.errors}" if asker.errors else ""))
    if machine:
        print("the machine (1-min load, processes outside the service, other Ray daemons): " + "; ".join(
            f"{label} (job {m['jobs_done']}) {m['load_1m']} / {m['other_processes']} / {m['other_ray_daemons']}"
            for label, m in (("start", machine[0]), ("warm-up end", machine_warm), ("end", machine[-1]))))
    print("per 1,000 jobs after warm-up, MiB (share of the PSS after warm-up); PSS is the check:")
    print(f"{'process':26}{'PSS after warm-up':>18}{'PSS last':>10}{'PSS slope':>18}{'USS slope':>18}"
          f"{'anon slope':>18}{'file slope':>12}")

    def cell(m, key, width):
        v = other[m].get(key)
        if not v:
            return " " * width
        text = f"{v['slope_bytes_per_1000_jobs'] / 2**20:+.1f} ({100 * v['share_of_pss_per_1000_jobs']:+.1f}%)"
        return f"{text:>{width}}"

    for key, v in sorted(figures.items(), key=lambda kv: -kv[1]["pss_bytes_after_warmup"]):
        pss = f"{v['slope_bytes_per_1000_jobs'] / 2**20:+.1f} ({100 * v['growth_share_per_1000_jobs']:+.1f}%)"
        print(f"{key:26}{v['pss_bytes_after_warmup'] / 2**20:>14.1f} MiB{v['pss_bytes_last'] / 2**20:>6.1f} MiB"
              f"{pss:>18}{cell('uss', key, 18)}{cell('anon', key, 18)}"
              f"{other['pss_file'].get(key, {}).get('slope_bytes_per_1000_jobs', 0) / 2**20:>+12.1f}")
    print("leaking (PSS over 5% per 1,000 jobs after warm-up): " + (", ".join(leaking) or "none"))
    print("  over 5% by USS: " + (", ".join(over_uss) or "none") + "; by anonymous memory: "
          + (", ".join(over_anon) or "none"))
    print("runner between batches (RSS / DuckDB's own count / DuckDB's jemalloc resident / glibc in use, MiB; reopens): " + "; ".join(
        f"{m['jobs_done']} jobs {m.get('rss_bytes', 0) / 2**20:.0f} / "
        + (f"{m['duckdb_bytes'] / 2**20:.1f}" if m.get("duckdb_bytes") is not None else "- (a query held the cursor)")
        + (f" / {m['duckdb_resident_bytes'] / 2**20:.1f}" if m.get("duckdb_resident_bytes") is not None else "")
        + (f" / {m['malloc_in_use_bytes'] / 2**20:.1f}" if m.get("malloc_in_use_bytes") is not None else "")
        + (f"; {m['duckdb_reopens']}" if m.get("duckdb_reopens") is not None else "")
        for m in runner_memory))
    if out["runner_sources"]:
        print("runner by source after warm-up (median first tenth -> last tenth, slope per 1,000 jobs, MiB): " + "; ".join(
            f"{src.removesuffix('_bytes')} {v['median_first_bytes'] / 2**20:.1f} -> {v['median_last_bytes'] / 2**20:.1f}, "
            f"{v['slope_bytes_per_1000_jobs'] / 2**20:+.1f}" for src, v in out["runner_sources"].items()))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 5))
        for key, rows in sorted(sampler.samples.items()):
            if len(rows) > 5 and max(m["pss"] for _, _, m in rows) > 20 * 2**20:
                ax.plot([j for _, j, _ in rows], [m["pss"] / 2**20 for _, _, m in rows], label=key, lw=1)
        ax.axvline(warm_jobs, color="grey", ls="--", lw=0.8)
        ax.set_xlabel("jobs done")
        ax.set_ylabel("PSS (MiB)")
        ax.set_title("raybench serve: PSS per process over a soak (warm-up to the dashed line)")
        ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
    return 0 if out["accounting_exact"] and not leaking and not asker.errors else 1


if __name__ == "__main__":
    sys.exit(main())
