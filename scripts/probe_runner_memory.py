#!/usr/bin/env python3
"""Probe the job runner's memory: N small jobs through one :class:`raybench.service.runner.JobRunner` held
in this process (its chunk actors in a local Ray session), and where this process's memory grows per job,
by source (issue 17, docs/service.md "Soak").

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/probe_runner_memory.py --jobs 300 --every 50

Every ``--every`` jobs (after the first ``--warmup`` jobs) it records, for this process: PSS, RSS and
anonymous memory (``/proc/self/smaps_rollup``); glibc's heap in use, free in the heap and in its own
mappings (:func:`raybench.service.memory.glibc_heap_bytes`); what DuckDB says it holds
(``duckdb_memory()``) and what its jemalloc holds (in DuckDB's use, resident:
:func:`raybench.service.memory.duckdb_allocator_bytes`); Python's traced memory (``tracemalloc``, with
``--tracemalloc``: it slows Python down, so off by default) and the object counts of the types that grew
(``gc.get_objects``). At the end: each figure's least-squares slope per 1,000 jobs after warm-up, and,
with ``--tracemalloc``, the source lines whose memory grew most; ``--memray FILE`` records every
allocation after warm-up, with native stacks, for ``memray flamegraph --leaks FILE``. ``--db-from FILE`` starts from a
copy of a stored database (the jobs run beside its rows); the ``pre-trim`` column is the median of what
DuckDB held when each job ended, before the runner trimmed its cache (a small job's working set), and
``--by-statement N`` names the statements that loaded the most into DuckDB's cache. Named queries
(``--queries K``: K of them after each batch) run in the runner as in the service. The environment of
``raybench serve`` (:data:`raybench.service.memory.MALLOC_ENV`) is set before this process starts (it
starts itself again with it). A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import gc
import json
import os
import shutil
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from raybench.service import memory
from raybench.service.memory import MALLOC_ENV, duckdb_allocator_bytes, duckdb_memory_bytes, glibc_heap_bytes

FINAL = ("done", "failed", "suspect", "cancelled")


def rollup() -> dict[str, int]:
    """This process's ``Rss``, ``Pss`` and ``Anonymous`` memory, bytes (``/proc/self/smaps_rollup``)."""
    out = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss", "Anonymous"):
                out[key.lower()] = int(rest.split()[0]) * 1024
    return out


def type_counts() -> collections.Counter:
    """Live objects tracked by the garbage collector, by type name."""
    return collections.Counter(type(o).__name__ for o in gc.get_objects())


def query_subjects(path: str) -> tuple[str, str, str, str]:
    """A number, a second number, a cell and a day (of the first record) from a generated AT&T file (as
    ``scripts/soak_service.py`` asks)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    number = rows[0]["Originating Number"].split()[0]
    other = next(r["Terminating Number"].split()[0] for r in rows if r["Terminating Number"].split()[0] != number)
    month, day, year = rows[0]["Conn. Date"].split("/")
    return number, other, rows[0]["Cell ID"], f"{year}-{month}-{day}"


class _Loaded:
    """A DuckDB connection whose ``execute`` notes how much DuckDB's own count (``duckdb_memory()``) grew
    over each statement: ``by_sql`` maps the statement's first 110 characters to (calls, bytes)."""

    def __init__(self, con, by_sql: dict | None = None):
        self._con, self.by_sql = con, {} if by_sql is None else by_sql
        self._meter = con.cursor()  # its own cursor: a statement on ``con`` would replace the pending result

    def cursor(self):
        return _Loaded(self._con.cursor(), self.by_sql)

    def _held(self) -> int:
        return sum(duckdb_memory_bytes(self._meter).values())

    def execute(self, sql, *args, **kwargs):
        before = self._held()
        out = self._con.execute(sql, *args, **kwargs)
        key = " ".join(str(sql).split())[:110]
        n, b = self.by_sql.get(key, (0, 0))
        self.by_sql[key] = (n + 1, b + max(0, self._held() - before))
        return out

    def __getattr__(self, name):
        return getattr(self._con, name)


def mib(v) -> str:
    """Bytes as MiB in 9 columns; ``-`` for None."""
    return f"{v / 2**20:9.1f}" if v is not None else f"{'-':>9}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=300)
    ap.add_argument("--rows", type=int, default=100, help="records per small job")
    ap.add_argument("--batch", type=int, default=10, help="jobs submitted at once, waited for together")
    ap.add_argument("--warmup", type=int, default=50, help="jobs before the first reference sample")
    ap.add_argument("--every", type=int, default=50, help="jobs between two samples")
    ap.add_argument("--queries", type=int, default=6, help="named queries asked after each batch")
    ap.add_argument("--tracemalloc", action="store_true", help="trace Python's allocations (slow)")
    ap.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                    help="a service setting (raybench.service.config.ServiceConfig), e.g. workers=1")
    ap.add_argument("--memray", default=None, metavar="FILE",
                    help="record every allocation after warm-up into FILE (memray, with native stacks); "
                         "then: memray flamegraph --leaks FILE")
    ap.add_argument("--no-duckdb-purge", action="store_true",
                    help="the runner does not purge DuckDB's jemalloc after a job (the figures before it did)")
    ap.add_argument("--out", default=None, help="JSON of the samples")
    ap.add_argument("--db-from", default=None, metavar="FILE",
                    help="start from a copy of this DuckDB file (stored rows beside which the jobs run)")
    ap.add_argument("--by-statement", type=int, default=0, metavar="N",
                    help="print the N statements of the runner's connection that loaded the most into DuckDB's "
                         "cache after warm-up (summed over the jobs; a checkpoint a statement triggers counts "
                         "too); with --setting reopen_every_jobs=100000: a reopened database is not watched")
    args = ap.parse_args()
    if any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):  # glibc reads them at the first malloc
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **MALLOC_ENV})

    import ray

    from raybench.generate.production import generate_file
    from raybench.service.runner import JobRunner
    from raybench.service.store import JobStore

    work = tempfile.mkdtemp(prefix="raybench-probe-")
    files = [generate_file("att_mobility_voice", os.path.join(work, "gen"), rows=args.rows, seed=5000 + i).path
             for i in range(args.jobs)]
    number, other, cell, day = query_subjects(files[0])
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    settings = dict(s.split("=", 1) for s in args.setting)
    config = {"db": os.path.join(work, "results.duckdb"), **settings}
    if args.db_from:
        shutil.copyfile(args.db_from, config["db"])
    # what DuckDB holds when a job has ended, before the runner trims its cache: the job's working set
    pre_trim: list[int] = []
    give_back = JobRunner._give_back

    def _peek(self):
        try:
            pre_trim.append(sum(duckdb_memory_bytes(self.con).values()))
        except Exception:
            pass
        give_back(self)

    JobRunner._give_back = _peek
    if args.no_duckdb_purge:
        memory.purge_duckdb_allocator = lambda: False
    runner = JobRunner(config)
    loaded = _Loaded(runner.con) if args.by_statement else None
    if loaded is not None:
        runner.con = loaded
    store = JobStore(os.path.join(work, "results.duckdb.service", "jobs.sqlite"))
    queries = [("calls", {"number": number}), ("top-contacts", {"number": number}),
               ("shared-contacts", {"number": number, "other": other}), ("timeline", {"number": number, "day": day}),
               ("cell", {"cell": cell, "limit": 100}), ("counts", {})]
    samples, snaps, counts0 = [], [], None
    query_errors: collections.Counter = collections.Counter()
    t0 = time.monotonic()
    done = 0
    print(f"{'jobs':>6}{'PSS':>9}{'RSS':>9}{'anon':>9}{'malloc used':>13}{'malloc free':>13}{'mmapped':>9}"
          f"{'duckdb':>9}{'pre-trim':>9}{'je used':>9}{'je res':>9}{'python':>9}  (MiB)", flush=True)
    while done < args.jobs:
        ids = [store.submit([{"path": p}], [p], {}, None)["id"] for p in files[done:done + args.batch]]
        runner.wake()
        while any(store.get(j)["status"] not in FINAL for j in ids):
            time.sleep(0.05)
        bad = [store.get(j) for j in ids if store.get(j)["status"] != "done"]
        if bad:
            print(f"job {bad[0]['id']} {bad[0]['status']}: {bad[0]['error']}", flush=True)
        done += len(ids)
        for k in range(args.queries):
            name, params = queries[k % len(queries)]
            answer = asyncio.run(runner.query(name, params))
            if "error" in answer:
                query_errors[answer["error"][:100]] += 1
        if done == args.warmup and args.tracemalloc:
            tracemalloc.start(8)
        if done == args.warmup and args.memray:
            import memray  # a dev tool (pip install memray), asked for with --memray only

            tracker = memray.Tracker(args.memray, native_traces=True, trace_python_allocators=False)
            tracker.__enter__()
        if done == args.warmup and loaded is not None:
            loaded.by_sql.clear()
        if done >= args.warmup and (done - args.warmup) % args.every == 0:
            gc.collect()
            ready = runner.ready()
            s = {"jobs": done, "t_s": round(time.monotonic() - t0, 1), **rollup(),
                 **{f"malloc_{k}": v for k, v in glibc_heap_bytes().items()},
                 "duckdb": (ready.get("memory") or {}).get("duckdb_bytes"),
                 "duckdb_pre_trim": float(np.median(pre_trim)) if pre_trim else None,
                 **{f"je_{k}": v for k, v in duckdb_allocator_bytes().items() if k in ("allocated", "resident")},
                 "python": tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else None}
            samples.append(s)
            pre_trim.clear()
            counts = type_counts()
            if counts0 is None:
                counts0 = counts
            if tracemalloc.is_tracing():
                snaps.append(tracemalloc.take_snapshot().filter_traces(
                    [tracemalloc.Filter(False, tracemalloc.__file__)]))
            print(f"{done:>6}{mib(s['pss'])}{mib(s['rss'])}{mib(s['anonymous'])}    {mib(s.get('malloc_in_use'))}"
                  f"    {mib(s.get('malloc_free'))}{mib(s.get('malloc_mmapped'))}{mib(s['duckdb'])}{mib(s['duckdb_pre_trim'])}"
                  f"{mib(s.get('je_allocated'))}{mib(s.get('je_resident'))}{mib(s['python'])}",
                  flush=True)
    if args.memray:
        tracker.__exit__(None, None, None)
    print(f"{done} jobs in {time.monotonic() - t0:.0f} s; query errors: {dict(query_errors) or 'none'}")
    slopes = {}
    if len(samples) >= 3:
        jobs = np.array([s["jobs"] for s in samples], dtype=float)
        for key in ("pss", "rss", "anonymous", "malloc_in_use", "malloc_free", "malloc_mmapped", "duckdb",
                    "duckdb_pre_trim", "je_allocated",
                    "je_resident", "python"):
            ys = [s.get(key) for s in samples]
            if all(y is not None for y in ys):
                slopes[key] = float(np.polyfit(jobs, np.array(ys, dtype=float), 1)[0]) * 1000
        print("growth per 1,000 jobs after warm-up (MiB): " + ", ".join(
            f"{k} {v / 2**20:+.1f}" for k, v in slopes.items())
              + f"; PSS share {100 * slopes['pss'] / samples[0]['pss']:.1f}%")
    grown = [(k, v - counts0.get(k, 0)) for k, v in type_counts().items() if v - counts0.get(k, 0) > 0]
    print("object types that grew after warm-up: " + ", ".join(
        f"{k} +{n}" for k, n in sorted(grown, key=lambda kv: -kv[1])[:12]))
    if len(snaps) >= 2:
        print("source lines whose Python memory grew most after warm-up:")
        for stat in snaps[-1].compare_to(snaps[0], "traceback")[:12]:
            frame = stat.traceback[-1]
            print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {frame.filename}:{frame.lineno}")
    if loaded is not None:
        print(f"statements that loaded the most into DuckDB's cache over the {done - args.warmup} jobs after warm-up:")
        for sql, (n, b) in sorted(loaded.by_sql.items(), key=lambda kv: -kv[1][1])[:args.by_statement]:
            print(f"  {b / 2**20:9.1f} MiB {n:6d} calls  {sql}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"samples": samples, "slopes_bytes_per_1000_jobs": slopes, "query_errors": dict(query_errors)},
                      f, indent=1)
    ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
