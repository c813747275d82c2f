"""Peers measured in the same run: the same files through a plain single-process polars+DuckDB pass
and through DuckDB's own ``read_csv``. Each peer runs in a fresh subprocess; its wall time and the peak
PSS of its process tree are sampled from outside every 0.2 s
(:func:`raybench.metrics.processes.tree_pss_bytes`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import psutil

from raybench.metrics.processes import memory_bytes, tree_pss_bytes

_POLARS = ("import json,sys; from raybench.harness.baseline import run_baseline; "
           "print(json.dumps([run_baseline(p, sys.argv[1]) for p in sys.argv[2:]]))")
_DUCKDB = ("import duckdb,json,sys; con=duckdb.connect(sys.argv[1]); out=[]\n"
           "for i,p in enumerate(sys.argv[2:]):\n"
           "    con.execute(f\"CREATE TABLE t{i} AS SELECT * FROM read_csv('{p}', all_varchar=true)\")\n"
           "    out.append(con.execute(f'SELECT count(*) FROM t{i}').fetchone()[0])\n"
           "print(json.dumps(out))")


def marked_processes(root: psutil.Process, marker: str) -> list[psutil.Process]:
    """``root``'s process tree, plus every process whose command line holds ``marker`` (a Ray cluster's
    processes hold its temp dir) and their trees; each process once."""
    out: dict[int, psutil.Process] = {}
    tops = [root]
    for p in psutil.process_iter(["cmdline"]):
        try:
            if marker in " ".join(p.info["cmdline"] or ()):
                tops.append(p)
        except psutil.Error:
            continue
    for top in tops:
        try:
            for p in [top, *top.children(recursive=True)]:
                out[p.pid] = p
        except psutil.Error:
            continue
    return list(out.values())


def _marked_pss_bytes(root: psutil.Process, marker: str) -> int:
    total = 0
    for p in marked_processes(root, marker):
        try:
            total += memory_bytes(p)[1]
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], env: dict | None = None, interval_s: float = 0.2, marker: str | None = None) -> dict:
    """Run ``cmd`` to completion, sampling the PSS of its process tree (with ``marker``, also of the
    processes :func:`marked_processes` finds: a cluster the command joins).

    Returns:
        ``wall_s``, ``pss_bytes_peak`` (bytes), ``returncode``, ``output`` (stdout + stderr).
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(proc.pid)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            now = tree_pss_bytes(root) if marker is None else _marked_pss_bytes(root, marker)
            peak[0] = max(peak[0], now)
            done.wait(interval_s)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    thread.join()
    return {"wall_s": wall, "pss_bytes_peak": peak[0], "returncode": proc.returncode, "output": out}


def run_peers(paths: list[str]) -> dict:
    """Both peers over ``paths``.

    Returns:
        ``{"polars_duckdb": {...}, "duckdb_read_csv": {...}}``, each with ``wall_s``, ``pss_bytes_peak``
        and ``rows`` (rows each read) or ``error`` when the peer failed.
    """
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, code in (("polars_duckdb", _POLARS), ("duckdb_read_csv", _DUCKDB)):
            m = measure([sys.executable, "-c", code, os.path.join(tmp, f"{name}.duckdb"), *paths])
            entry = {"wall_s": m["wall_s"], "pss_bytes_peak": m["pss_bytes_peak"]}
            if m["returncode"] == 0:
                result = json.loads(m["output"].strip().splitlines()[-1])
                entry["rows"] = sum(r["rows_read"] if isinstance(r, dict) else r for r in result)
            else:
                entry["error"] = m["output"].strip().splitlines()[-1][:300] if m["output"].strip() else "failed"
            out[name] = entry
    return out


def measure_ingest(path: str, db: str, results: str, *, workers: int | None = None, env: dict | None = None) -> tuple[dict, dict]:
    """``raybench ingest PATH --db DB --results RESULTS`` as a user runs it (this install's ``raybench``),
    measured by :func:`measure`.

    Returns:
        ``(measure's dict, the results JSON)``.

    Raises:
        SystemExit: the ingest failed; the message has the command and the end of its output.
    """
    cmd = [os.path.join(os.path.dirname(sys.executable), "raybench"), "ingest", path, "--db", db,
           "--results", results, "--no-progress"] + (["--workers", str(workers)] if workers else [])
    m = measure(cmd, env)
    if m["returncode"] != 0:
        sys.exit(f"failed ({m['returncode']}): {' '.join(cmd)}\n{m['output'][-3000:]}")
    with open(results) as f:
        return m, json.load(f)
