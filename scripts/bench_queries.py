"""Latency of the named queries (raybench.query.calls) under each physical design, and what each costs.

    scripts/bench_queries.py --rows 1000000 [--reps 20] [--out /tmp/raybench-bench-queries]

Builds a synthetic ``cdr`` of N rows (plus ``duplicates`` and ``call_legs``) in SQL, in the order an
ingest stores it: productions of ``--file-rows`` rows, one target number on one side of every row,
each production in time order over the same 90 days (so stored row groups span the whole period).
Partners are drawn with a skew (a few numbers in many calls), cells from 2,000. 1% of rows are flagged
copies, 2% are legs of two-leg calls.

Then, each built in a fresh process, the layouts (the first run of a query is DuckDB's first run after
opening the file, with its own buffer pool empty; the OS page cache stays warm):

* ``arrival``: as stored (today's layout);
* ``sorted``: rows ordered by ``start_utc`` (tight zone maps on start);
* ``arrival+art`` / ``sorted+art``: the same with ART indexes on ``caller`` and ``callee``
  (:func:`raybench.query.calls.create_party_indexes`; the queries then read two index lookups);
* ``party``: ``sorted`` plus a party table (one row per number-side, sorted by number; only the
  ``calls`` query shape is measured on it, with its own SQL);
* ``arrival+summary``: with the query summary tables (:mod:`raybench.query.summary`), built by
  :func:`~raybench.query.summary.rebuild_summary` at the finalizer's memory limit; each appended commit is
  then folded in as the finalizer does after a job (timed apart as ``summary_s``). The sink's own layout
  after an ingest (it drops the ART indexes when it opens a file to write);
* ``arrival+art+summary``: both, what the queries get once ``raybench query index`` ran on it (its appends
  are not folded into the summary: with the indexes in memory the fold does not fit the finalizer's
  256MB, and the sink drops the indexes before any job writes);

it prints the time and peak PSS of building the layout, the time (median of 3) and peak PSS of appending
one commit of 250k rows into it (what every later ingest pays), the file size. Then, in one process with
every layout open and the layouts taking turns run by run (the machine is shared: load from elsewhere
then falls on all alike), per query: the first run, then p50/p95/p99 over ``--reps`` warm runs (over
several numbers/cells). Last, the snapshot costs (file copy after a
checkpoint against ``COPY FROM DATABASE``) and query latency on a snapshot while another process
inserts (``--no-writing`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

LAYOUTS = ("arrival", "sorted", "arrival+art", "sorted+art", "party", "arrival+summary", "arrival+art+summary")
COMMIT_ROWS = 250_000
APPENDS = 3
"""Commits appended (and removed again) per layout; the median is reported."""


def build_base(path: str, rows: int, file_rows: int, seed: int) -> float:
    """Write the synthetic production into ``path``; returns seconds."""
    import duckdb

    from raybench.dedupe.tables import DEDUPE_DDL
    from raybench.schema import CDR_DDL

    t0 = time.perf_counter()
    con = duckdb.connect(path)
    con.execute("SET preserve_insertion_order = true")
    con.execute(CDR_DDL)
    partners = max(1000, rows // 50)
    con.execute(_rows_sql(0, rows, file_rows, partners, seed))
    for ddl in DEDUPE_DDL:
        con.execute(ddl)
    con.execute("INSERT INTO duplicates SELECT record_id, duplicate_of, 'exact', NULL, 0, 'bench' FROM cdr "
                "WHERE duplicate_of IS NOT NULL")
    con.execute(f"""INSERT INTO call_legs
        SELECT 'r' || i, 'r' || (i - i % 2), 1 + i % 2, 2, 'bench' FROM range({rows - 1}) t(i)
        WHERE hash(i - i % 2, {seed}, 5) % 50 = 0""")
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t0


def _rows_sql(first: int, n: int, file_rows: int, partners: int, seed: int, job: str = "bench") -> str:
    """INSERT of rows ``first .. first+n`` of the synthetic production (see the module docstring)."""
    span_us = 90 * 86400 * 1_000_000
    return f"""
    INSERT INTO cdr
    WITH g AS (
        SELECT i, i // {file_rows} AS f, i % {file_rows} AS r,
               hash(i, {seed}, 1) % 2 = 0 AS outgoing,
               '+1' || (2000000000 + i // {file_rows}) AS target,
               '+1' || (3000000000 + floor({partners} * pow((hash(i, {seed}, 2) % 1000003) / 1000003.0, 2))::BIGINT)
                   AS partner,
               (hash(i, {seed}, 3) % 2000)::INTEGER AS cell
        FROM range({first}, {first + n}) t(i))
    SELECT 'r' || i, 'prod' || f || '.csv', 'sha' || f, r + 1, NULL, 'att', 'att_mobility_voice', 'voice',
           CASE WHEN outgoing THEN 'outgoing' ELSE 'incoming' END,
           TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds((r * ({span_us} // {file_rows}))::BIGINT
               + (hash(i, {seed}, 6) % 1000000)::BIGINT),
           NULL, 'UTC', NULL, (hash(i, {seed}, 4) % 600)::INTEGER,
           CASE WHEN outgoing THEN target ELSE partner END, CASE WHEN outgoing THEN partner ELSE target END,
           NULL, NULL, NULL, cell::VARCHAR, '3' || (cell % 97)::VARCHAR, NULL,
           40 + cell / 1000.0, -74 - cell / 1000.0,
           CASE WHEN hash(i, {seed}, 7) % 100 = 0 AND i > 0 THEN 'r' || (i - 1) END, '{job}', NULL, NULL
    FROM g"""


PARTY_DDL = """
CREATE OR REPLACE TABLE party AS
SELECT caller AS number, callee AS other, start_utc, duration_s, direction, record_type, cell_id, lac,
       cell_lat, cell_lon, carrier, source_file, source_row, record_id, duplicate_of FROM {src} WHERE caller IS NOT NULL
UNION ALL
SELECT callee, caller, start_utc, duration_s, direction, record_type, cell_id, lac,
       cell_lat, cell_lon, carrier, source_file, source_row, record_id, duplicate_of FROM {src}
WHERE callee IS NOT NULL AND caller IS DISTINCT FROM callee
ORDER BY number, start_utc"""


class PeakPss:
    """Samples this process's PSS every 20 ms in a thread; ``peak - start`` is the growth."""

    def __init__(self):
        self.proc = psutil.Process()
        self.start = self.peak = self.proc.memory_full_info().pss
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_full_info().pss)

    def stop(self) -> dict:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_full_info().pss)
        return {"pss_start_mib": self.start / 2**20, "pss_peak_mib": self.peak / 2**20,
                "pss_growth_mib": (self.peak - self.start) / 2**20}


def _timed(fn) -> tuple[float, dict]:
    m = PeakPss()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0, m.stop()


def prepare_layout(base: str, path: str, layout: str, rows: int, file_rows: int, seed: int,
                   build_memory: str = "128MB", appends_n: int = APPENDS) -> dict:
    """Copy the base into ``path`` in ``layout``; time it, then time one appended commit."""
    import duckdb

    from raybench.query import summary as query_summary
    from raybench.query.calls import create_party_indexes
    from raybench.sink.duckdb_sink import DEDUPE_MEMORY_LIMIT

    if os.path.exists(path):
        os.remove(path)
    shutil.copyfile(base, path)
    con = duckdb.connect(path, config={"memory_limit": "128MB", "preserve_insertion_order": False})
    out = {"layout": layout}

    def build():
        if layout.startswith("sorted") or layout == "party":
            con.execute("SET preserve_insertion_order = true")
            con.execute("CREATE TABLE cdr_sorted AS SELECT * FROM cdr ORDER BY start_utc")
            con.execute("DROP TABLE cdr")
            con.execute("ALTER TABLE cdr_sorted RENAME TO cdr")
        if layout.endswith("+summary"):  # as the finalizer would (a first job on a stored table)
            con.execute(f"SET memory_limit = '{DEDUPE_MEMORY_LIMIT}'")
            out["summary_build"] = query_summary.rebuild_summary(con)
            con.execute(f"SET memory_limit = '{build_memory}'")
        if "+art" in layout:
            create_party_indexes(con)
        if layout == "party":
            con.execute(PARTY_DDL.format(src="cdr"))
        con.execute("CHECKPOINT")

    if layout == "arrival":
        out["build_s"], out["build_mem"] = 0.0, {}
    else:  # the sink's limit is 128MB; at 10M rows an ART build does not fit in it
        con.execute(f"SET memory_limit = '{build_memory}'")
        out["build_s"], out["build_mem"] = _timed(build)
        con.execute("SET memory_limit = '128MB'")
    partners = max(1000, rows // 50)

    summary_s: list[float] = []

    def append():  # one more commit, as the sink writes it (a later job's rows)
        con.begin()
        con.execute(_rows_sql(rows, COMMIT_ROWS, file_rows, partners, seed + 1, "bench-append"))
        if layout == "party":
            con.execute(PARTY_DDL.format(src=f"(SELECT * FROM cdr WHERE rowid >= {rows})")
                        .replace("CREATE OR REPLACE TABLE party AS", "INSERT INTO party"))
        con.commit()
        con.execute("CHECKPOINT")
        if layout == "arrival+summary":  # the finalizer folds the job in after its (here: no) dedupe
            con.execute(f"SET memory_limit = '{DEDUPE_MEMORY_LIMIT}'")
            t0 = time.perf_counter()
            before = query_summary.capture_before(con, "bench-append")
            assert before.fresh
            query_summary.update_after(con, before)
            con.execute("CHECKPOINT")
            summary_s.append(time.perf_counter() - t0)
            con.execute("SET memory_limit = '128MB'")

    if layout == "arrival+summary":
        con.close()
        shutil.copyfile(path, path + ".built")
        con = duckdb.connect(path, config={"memory_limit": "128MB", "preserve_insertion_order": False})
    appends = []
    for _ in range(appends_n):
        try:
            appends.append(_timed(append))
        except duckdb.Error as exc:  # at 10M rows with the ART indexes: out of the sink's 128MB
            try:
                con.rollback()
            except duckdb.Error:
                pass
            out["append_error"] = str(exc).splitlines()[0]
            break
        con.execute(f"DELETE FROM cdr WHERE record_id IN (SELECT 'r' || i FROM range({rows}, {rows + COMMIT_ROWS}) t(i))")
        if layout == "party":
            con.execute(f"DELETE FROM party WHERE record_id IN (SELECT 'r' || i FROM range({rows}, {rows + COMMIT_ROWS}) t(i))")
        con.execute("CHECKPOINT")
        if layout == "arrival+summary":  # back to the file as built (its summary without the commit)
            con.close()
            shutil.copyfile(path + ".built", path)
            con = duckdb.connect(path, config={"memory_limit": "128MB", "preserve_insertion_order": False})
    out["append_s_all"] = [a[0] for a in appends]
    out["append_s"] = sorted(out["append_s_all"])[len(appends) // 2] if appends else float("nan")
    if os.path.exists(path + ".built"):
        os.remove(path + ".built")
    out["append_mem"] = {"pss_growth_mib": max((a[1]["pss_growth_mib"] for a in appends), default=float("nan"))}
    if summary_s:  # inside append_s too
        out["summary_s_all"] = summary_s
        out["summary_s"] = sorted(summary_s)[len(summary_s) // 2]
    con.close()
    out["file_mib"] = os.path.getsize(path) / 2**20
    return out


def _params(con, seed: int) -> dict:
    """Numbers, cells and windows to ask about (typical numbers: drawn uniformly from the partners)."""
    import random

    rnd = random.Random(seed)
    partners = sorted(r[0] for r in con.execute(
        "SELECT DISTINCT callee FROM cdr WHERE callee LIKE '+13%' UNION SELECT DISTINCT caller FROM cdr "
        "WHERE caller LIKE '+13%'").fetchall())
    numbers = rnd.sample(partners, 10)
    cells = [str(rnd.randrange(2000)) for _ in range(10)]
    return {"numbers": numbers, "cells": cells, "target": "+12000000000"}


def _national(e164: str) -> str:
    """As an analyst writes it, with its country code: the synthetic numbers (+1300...) are not valid US
    numbers, so without ``+1`` they do not resolve to E.164 and would match nothing."""
    return f"+1 ({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def query_cases(p: dict) -> list[tuple[str, str, list[dict]]]:
    """(label, query name, parameter sets)."""
    ns, cells = p["numbers"], p["cells"]
    return [
        ("calls (90 days)", "calls", [{"number": _national(n)} for n in ns]),
        ("calls (7 days)", "calls", [{"number": n, "start": "2024-02-01", "end": "2024-02-08"} for n in ns]),
        ("top-contacts", "top-contacts", [{"number": n} for n in ns]),
        ("top-contacts (target)", "top-contacts", [{"number": p["target"]}]),
        ("shared-contacts", "shared-contacts", [{"number": a, "other": b} for a, b in zip(ns, ns[1:] + ns[:1])]),
        ("timeline", "timeline", [{"number": n, "day": "2024-02-14"} for n in ns]),
        ("cell (1 day)", "cell", [{"cell": c, "start": "2024-02-14", "end": "2024-02-15"} for c in cells]),
        ("counts (7 days)", "counts", [{"start": "2024-02-01", "end": "2024-02-08"}]),
        ("counts (number)", "counts", [{"number": n} for n in ns]),
    ]


def _party_calls(con, number: str, start=None, end=None):
    """The ``calls`` shape over the party table (same rows as raybench.query.calls.calls)."""
    from raybench.query.calls import _in, _window, number_forms

    window, wp = _window(start, end, "p.start_utc")
    return con.sql(f"""
        SELECT p.*, l.call_id, l.leg, l.legs FROM party p LEFT JOIN call_legs l ON l.record_id = p.record_id
        WHERE p.number IN {_in(number_forms(number))} AND {window} AND p.duplicate_of IS NULL
        ORDER BY p.start_utc, p.source_file, p.source_row""", params=wp).to_arrow_table()


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def measure_queries(paths: dict[str, str], reps: int, seed: int, snapshot: bool = False) -> dict:
    """Per layout and query: the first run in this process, then p50/p95/p99 of ``reps`` warm runs, in
    ms. The layouts take turns run by run, so that load from elsewhere falls on all of them alike."""
    from raybench.query import open_for_query, run_query

    sources = {layout: open_for_query(path) for layout, path in paths.items()}
    for layout, src in sources.items():
        assert src.snapshot == snapshot, (src.path, snapshot)
    p = _params(next(iter(sources.values())).con, seed)
    out: dict = {layout: {} for layout in sources}
    for label, name, sets in query_cases(p):
        def one(layout, params):
            con = sources[layout].con
            if layout == "party":
                return _party_calls(con, **params)
            return run_query(con, name, **params)

        todo = [lay for lay in sources if lay != "party" or name == "calls"]
        warm: dict = {lay: [] for lay in todo}
        first: dict = {}
        for i in range(reps + 1):
            for lay in todo:
                t0 = time.perf_counter()
                n_rows = one(lay, sets[i % len(sets)]).num_rows
                ms = (time.perf_counter() - t0) * 1e3
                if i == 0:
                    first[lay] = (ms, n_rows)
                else:
                    warm[lay].append(ms)
        for lay in todo:
            out[lay][label] = {"cold_ms": first[lay][0], "p50_ms": _pct(warm[lay], 0.5),
                               "p95_ms": _pct(warm[lay], 0.95), "p99_ms": _pct(warm[lay], 0.99),
                               "rows_first": first[lay][1]}
    for src in sources.values():
        src.close()
    return out


def snapshot_costs(path: str) -> dict:
    """Seconds to publish a snapshot two ways, on a writable connection to ``path``."""
    import duckdb

    from raybench.query.snapshot import publish_snapshot, snapshot_path

    con = duckdb.connect(path)
    copy = publish_snapshot(con, path)
    target = path + ".attach"
    if os.path.exists(target):
        os.remove(target)
    t0 = time.perf_counter()
    con.execute(f"ATTACH '{target}' AS snap")
    con.execute(f"COPY FROM DATABASE \"{con.execute('SELECT current_database()').fetchone()[0]}\" TO snap")
    con.execute("DETACH snap")
    attach_s = time.perf_counter() - t0
    con.close()
    out = {"copy_s": copy["wall_s"], "copy_mib": copy["bytes"] / 2**20, "copy_from_database_s": attach_s,
           "copy_from_database_mib": os.path.getsize(target) / 2**20}
    os.remove(target)
    os.remove(snapshot_path(path))
    return out


def writer(path: str, rows: int, file_rows: int, seed: int, seconds: float, ready: str) -> None:
    """Hold the writer on ``path`` for ``seconds``: commits of 250k rows, a snapshot every 5 s."""
    import duckdb

    from raybench.query.snapshot import publish_snapshot

    con = duckdb.connect(path, config={"memory_limit": "128MB"})
    publish_snapshot(con, path)
    open(ready, "w").close()
    t_end, t_snap, first = time.monotonic() + seconds, time.monotonic(), rows
    commits = 0
    while time.monotonic() < t_end:
        con.execute(_rows_sql(first, COMMIT_ROWS // 5, file_rows, max(1000, rows // 50), seed + 2))
        first += COMMIT_ROWS // 5
        commits += 1
        if time.monotonic() - t_snap >= 5:
            publish_snapshot(con, path)
            t_snap = time.monotonic()
    print(json.dumps({"commits": commits, "rows": first - rows}))
    con.close()


def _child(args) -> None:
    if args.child == "layout":
        out = prepare_layout(args.base, args.path, args.layout, args.rows, args.file_rows, args.seed,
                             args.build_memory, args.appends)
    elif args.child == "queries":
        out = measure_queries(json.loads(args.path), args.reps, args.seed)
    elif args.child == "snapshot":
        out = snapshot_costs(args.path)
    elif args.child == "writer":
        writer(args.path, args.rows, args.file_rows, args.seed, args.seconds, args.ready)
        return
    print("RESULT " + json.dumps(out))


def _run_child(*argv: str) -> dict:
    r = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"child {argv[:2]} failed:\n{r.stderr[-3000:]}")
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--file-rows", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/raybench-bench-queries")
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--no-writing", action="store_true", help="Skip the queries-while-writing measurement.")
    ap.add_argument("--writing-layout", default="arrival",
                    help="Layout the writer inserts into (the sink writes without the query indexes).")
    ap.add_argument("--build-memory", default="128MB",
                    help="DuckDB memory limit while a layout is built (appends run at the sink's 128MB).")
    ap.add_argument("--appends", type=int, default=APPENDS, help="Commits appended per layout (median reported).")
    ap.add_argument("--json", dest="json_out", default=None, help="Also write the figures here.")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--base", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--path", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--layout", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--seconds", type=float, default=30.0, help=argparse.SUPPRESS)
    ap.add_argument("--ready", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"base-{args.rows}-{args.file_rows}-{args.seed}.duckdb")
    if not os.path.exists(base):
        print(f"building {args.rows:,} rows ...", flush=True)
        print(f"  {build_base(base + '.tmp', args.rows, args.file_rows, args.seed):.1f} s", flush=True)
        os.replace(base + ".tmp", base)
    common = ["--appends", str(args.appends), "--build-memory", args.build_memory, "--rows", str(args.rows), "--file-rows", str(args.file_rows), "--seed", str(args.seed),
              "--reps", str(args.reps), "--base", base]
    results: dict = {"rows": args.rows, "file_rows": args.file_rows, "reps": args.reps,
                     "cpus": os.cpu_count(), "load_1m_start": os.getloadavg()[0], "layouts": {}}
    for layout in args.layouts.split(","):
        path = os.path.join(args.out, f"{layout}.duckdb")
        print(f"layout {layout} ...", flush=True)
        results["layouts"][layout] = r = _run_child("--child", "layout", "--layout", layout, "--path", path, *common)
        print(f"  build {r['build_s']:.1f} s (+{r['build_mem'].get('pss_growth_mib', 0):.0f} MiB PSS), "
              f"append {COMMIT_ROWS:,} rows {r['append_s']:.2f} s (median of {args.appends}: "
              f"{', '.join(f'{x:.2f}' for x in r['append_s_all'])}; +{r['append_mem']['pss_growth_mib']:.0f} MiB), "
              f"file {r['file_mib']:.0f} MiB", flush=True)
        if "append_error" in r:
            print(f"  append failed: {r['append_error']}", flush=True)
        if "summary_build" in r:
            b = r["summary_build"]
            print(f"  summary: rebuild {b['wall_s']:.1f} s ({b['contacts']:,} contacts rows, {b['legs']:,} legs); "
                  f"folding in a job of {COMMIT_ROWS:,} rows {r.get('summary_s', float('nan')):.2f} s "
                  f"(of the append; {', '.join(f'{x:.2f}' for x in r.get('summary_s_all', []))})", flush=True)
    paths = {layout: os.path.join(args.out, f"{layout}.duckdb") for layout in results["layouts"]}
    print("queries (layouts in turn) ...", flush=True)
    per_layout = _run_child("--child", "queries", "--path", json.dumps(paths), *common)
    for layout, q in per_layout.items():
        results["layouts"][layout]["queries"] = q
    first = os.path.join(args.out, f"{args.layouts.split(',')[0]}.duckdb")
    results["snapshot"] = s = _run_child("--child", "snapshot", "--path", first, *common)
    print(f"snapshot: file copy after CHECKPOINT {s['copy_s']:.2f} s ({s['copy_mib']:.0f} MiB); "
          f"COPY FROM DATABASE {s['copy_from_database_s']:.2f} s ({s['copy_from_database_mib']:.0f} MiB)", flush=True)
    if args.json_out:  # what is measured so far, should the writing part fail
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)
    if not args.no_writing:
        path = os.path.join(args.out, f"{args.writing_layout}.duckdb")
        ready = path + ".ready"
        if os.path.exists(ready):
            os.remove(ready)
        w = subprocess.Popen([sys.executable, __file__, "--child", "writer", "--path", path, "--ready", ready,
                              "--seconds", "45", *common], stdout=subprocess.PIPE, text=True)
        try:
            while not os.path.exists(ready):
                if w.poll() is not None:
                    raise SystemExit("the writer ended before it was ready")
                time.sleep(0.1)
            results["while_writing"] = measure_queries({args.writing_layout: path}, args.reps, args.seed,
                                                       snapshot=True)[args.writing_layout]
        finally:
            wout, _ = w.communicate(timeout=300)
        results["while_writing_writer"] = json.loads(wout.strip().splitlines()[-1])
        os.remove(ready)
    results["load_1m_end"] = os.getloadavg()[0]
    print_table(results)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)


def print_table(results: dict) -> None:
    layouts = list(results["layouts"])
    labels = list(next(iter(results["layouts"].values()))["queries"])
    for r in results["layouts"].values():
        labels += [x for x in r["queries"] if x not in labels]
    print(f"\n{results['rows']:,} rows; ms: cold / warm p50 / p95 / p99 ({results['reps']} warm runs); "
          f"load {results['load_1m_start']:.1f}-{results['load_1m_end']:.1f} on {results['cpus']} CPUs")
    cols = layouts + (["while writing (" + "snapshot)"] if "while_writing" in results else [])
    print("| query | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for label in labels:
        cells = []
        for layout in layouts:
            q = results["layouts"][layout]["queries"].get(label)
            cells.append(_cell(q))
        if "while_writing" in results:
            cells.append(_cell(results["while_writing"].get(label)))
        print(f"| {label} | " + " | ".join(cells) + " |")


def _cell(q: dict | None) -> str:
    if q is None:
        return "-"
    return f"{q['cold_ms']:.0f} / {q['p50_ms']:.1f} / {q['p95_ms']:.1f} / {q['p99_ms']:.1f}"


if __name__ == "__main__":
    main()
