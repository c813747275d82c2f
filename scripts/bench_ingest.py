#!/usr/bin/env python3
"""Benchmark: one AT&T file of N rows through raybench cold and warm, and through a plain polars+DuckDB pass.

In one run on the same file (each run a fresh subprocess, started the way a user starts it):

- the plain single-process pass (:mod:`raybench.harness.baseline`);
- raybench **cold**: ``raybench ingest`` with an embedded Ray (it starts Ray and stops it);
- raybench **warm**: ``raybench ingest --address`` on a cluster that is already up (``ray start --head``
  by this script on a free port with its own temp dir, before the run; stopped after it by the pids of
  its processes, never ``ray stop``: other clusters may run on the machine). The job still starts its
  actor pool (Ray Data's ``ActorPoolStrategy``) and Ray Data's own actors;
- raybench **warm (service up)**: the same file submitted by path (``POST /v1/jobs``) to ``raybench serve``
  started and ready before the clock starts (embedded Ray, ``--root`` the file's folder): its ingest
  actors are already running with their models loaded, so the job pays no start-up at all. The wall is
  from the submission to the job's end as the client sees it (polled every 0.2 s); peak PSS is the
  service's whole process tree (its Ray included) while the job runs. ``--no-service`` skips it.

For each: wall seconds, rows/s, peak PSS summed over every process of the run (sampled every 0.2 s with
psutil: the command's process tree, and for the warm run also the cluster's processes), and the ratio to
the plain pass. For the raybench runs also the driver's share of the CPU used (the coordinator's
``driver_cpu_pct_mean`` over ``cpu_pct_mean``, both percent of one core), the phases, the dedupe time
after the last batch and the value profile's seconds (issue 13: decided in the driver before any chunk
runs, so they add to the wall one for one). Exits 1 when the accounting does not add up (rows read = stored + quarantined =
the file's records). Not a test: run it by hand, on a quiet machine, and say the load (it is printed).

``--sinks`` (default ``auto``: the sink ``raybench ingest`` picks by itself; for the warm run on this
machine's one-node cluster ``--parts`` is given, so auto may pick parquet there too) ``duckdb,parquet``
runs cold and warm once per sink (``raybench ingest --sink``; the warm runs
each on a fresh cluster; ``parquet-end`` is the Parquet sink with ``--parts-load end``), prints the
Parquet sink's load into DuckDB and part bytes, and exits 1 unless the stores of every sink hold the
same values as the first one's (:func:`raybench.harness.stores.compare_stores`).

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/bench_ingest.py --rows 1000000 [--no-warm] [--num-cpus 2]
        [--sinks duckdb,parquet,parquet-end]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import psutil

from raybench.generate.production import GENERATOR_VERSION, file_name, generate_file
from raybench.harness.peers import marked_processes
from raybench.harness.peers import measure as peers_measure
from raybench.harness.run import default_cache_dir
from raybench.harness.stores import compare_stores, stores_differ

GIB = 2**30


def measure(cmd: list[str], env: dict, marker: str | None = None) -> dict:
    """:func:`raybench.harness.peers.measure`, exiting with the command's output when it fails."""
    m = peers_measure(cmd, env, marker=marker)
    if m["returncode"] != 0:
        sys.exit(f"failed ({m['returncode']}): {' '.join(cmd)}\n{m['output'][-3000:]}")
    return m


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``ray start --head`` on a free port with its own temp dir; :meth:`stop` ends its processes by pid."""

    def __init__(self, bin_dir: str, env: dict, num_cpus: int | None):
        self.temp_dir = tempfile.mkdtemp(prefix="rb20-", dir="/tmp")
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        cmd = [os.path.join(bin_dir, "ray"), "start", "--head", f"--port={self.port}", f"--temp-dir={self.temp_dir}",
               "--include-dashboard=false", "--disable-usage-stats",
               # ports of its own: other clusters on this machine hold the defaults
               f"--ray-client-server-port={_free_port()}", f"--dashboard-agent-listen-port={_free_port()}",
               f"--dashboard-agent-grpc-port={_free_port()}", f"--metrics-export-port={_free_port()}",
               f"--runtime-env-agent-port={_free_port()}"]
        if num_cpus:
            cmd.append(f"--num-cpus={num_cpus}")
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"ray start failed: {out.stderr[-2000:]}")
        self.start_s = time.perf_counter() - t0

    def pids(self) -> list[int]:
        return [p.pid for p in marked_processes(psutil.Process(), self.temp_dir) if p.pid != os.getpid()]

    def stop(self) -> None:
        procs = [psutil.Process(pid) for pid in self.pids() if psutil.pid_exists(pid)]
        for p in procs:
            try:
                p.send_signal(signal.SIGTERM)
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(procs, timeout=15)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def _ingest(bin_dir: str, path: str, tmp: str, name: str, env: dict, extra: list[str], marker=None) -> tuple[dict, dict]:
    db, results = os.path.join(tmp, f"{name}.duckdb"), os.path.join(tmp, f"{name}.json")
    cmd = [os.path.join(bin_dir, "raybench"), "ingest", path, "--db", db, "--results", results, "--no-progress", *extra]
    m = measure(cmd, env, marker)
    with open(results) as f:
        return m, json.load(f)


def _sink_args(sink: str) -> list[str]:
    """``raybench ingest`` flags of a ``--sinks`` entry: ``duckdb``, ``parquet``, ``parquet-end``."""
    if sink == "parquet-end":
        return ["--sink", "parquet", "--parts-load", "end"]
    return ["--sink", sink]


def _service_run(path: str, tmp: str, env: dict, num_cpus: int | None) -> tuple[dict, dict]:
    """``path`` through a ``raybench serve`` that is up before the clock starts: ``({wall_s,
    pss_bytes_peak}, the job's results JSON)``. Exits when the job does not end ``done``/``suspect``."""
    from raybench.harness.service import PssSampler, start_service
    from raybench.service.client import ServiceClient

    svc = start_service(os.path.join(tmp, "svc"), "--root", os.path.dirname(os.path.abspath(path)),
                        *(["--num-cpus", str(num_cpus)] if num_cpus else []))
    try:
        with ServiceClient(svc.url, timeout_s=600) as client, PssSampler(svc.proc.pid, 0.2) as pss:
            t0 = time.perf_counter()
            job = client.submit(paths=[os.path.abspath(path)])["job_id"]
            state = client.wait(job, timeout_s=1800, poll_s=0.2)
            wall_s = time.perf_counter() - t0
            if state["status"] not in ("done", "suspect"):
                sys.exit(f"service job {job} ended {state['status']}: {state.get('error')}")
            result = client.results(job)
    finally:
        svc.stop()
    return {"wall_s": wall_s, "pss_bytes_peak": pss.peak_bytes, "returncode": 0}, result


def _check(name: str, result: dict, rows: int) -> None:
    t = result["totals"]
    if not (t["rows_read"] == rows == t["rows_stored"] + t["rows_quarantined"]):
        sys.exit(f"{name}: accounting does not add up: {t}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--num-cpus", type=int, default=None, help="CPUs of the embedded Ray and of the warm cluster")
    parser.add_argument("--memory-budget", default=None, help="passed to raybench ingest")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm run")
    parser.add_argument("--no-service", action="store_true", help="skip the warm run through raybench serve")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--sinks", default="auto",
                        help="comma-separated: auto (the default's choice), duckdb, parquet, parquet-end "
                             "(raybench ingest --sink)")
    args = parser.parse_args()

    folder = os.path.join(default_cache_dir(), f"bench-v{GENERATOR_VERSION}")
    path = os.path.join(folder, file_name("att_mobility_voice", args.rows, args.seed, 0.0))
    if not os.path.exists(path):
        print(f"generating {args.rows} rows ...", flush=True)
        generate_file("att_mobility_voice", folder, rows=args.rows, seed=args.seed)
    size = os.path.getsize(path)
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    bin_dir = os.path.dirname(sys.executable)
    extra = (["--workers", str(args.workers)] if args.workers else []) + (
        ["--memory-budget", args.memory_budget] if args.memory_budget else [])
    load = [os.getloadavg()[0]]
    runs: dict[str, tuple[dict, dict | None]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = measure([sys.executable, "-c",
                        "import json,sys; from raybench.harness.baseline import run_baseline; "
                        "print(json.dumps(run_baseline(sys.argv[1], sys.argv[2])))",
                        path, os.path.join(tmp, "base.duckdb")], env)
        base_result = json.loads(base["output"].strip().splitlines()[-1])
        rows = base_result["rows_read"]
        runs["plain pass (polars+DuckDB)"] = (base, None)
        load.append(os.getloadavg()[0])
        sinks = [s.strip() for s in args.sinks.split(",") if s.strip()]
        cluster = None
        for sink in sinks:
            tag = "" if len(sinks) == 1 else f" [{sink}]"
            cold = _ingest(bin_dir, path, tmp, f"cold-{sink}", env,
                           extra + _sink_args(sink) + (["--num-cpus", str(args.num_cpus)] if args.num_cpus else []))
            _check("cold", cold[1], rows)
            runs["raybench cold (embedded Ray)" + tag] = cold
            load.append(os.getloadavg()[0])
        for sink in sinks if not args.no_warm else []:
            tag = "" if len(sinks) == 1 else f" [{sink}]"
            cluster = Cluster(bin_dir, env, args.num_cpus)
            # the cluster's one node is this machine, so its workers reach a local parts folder: --parts
            # says so, as a user of a one-machine cluster would (auto takes parquet with --address only then)
            parts = [] if sink == "duckdb" else ["--parts", os.path.join(tmp, f"warm-{sink}.parts")]
            try:
                warm = _ingest(bin_dir, path, tmp, f"warm-{sink}", env,
                               extra + _sink_args(sink) + parts + ["--address", cluster.address],
                               marker=cluster.temp_dir)
            finally:
                cluster.stop()
            _check("warm", warm[1], rows)
            runs["raybench warm (cluster up)" + tag] = warm
            load.append(os.getloadavg()[0])
        if not args.no_service:
            service = _service_run(path, tmp, env, args.num_cpus)
            _check("service", service[1], rows)
            runs["raybench warm (service up)"] = service
            load.append(os.getloadavg()[0])
        differ, store_lines = 0, []
        for other in sinks[1:]:
            report = compare_stores(os.path.join(tmp, f"cold-{sinks[0]}.duckdb"), os.path.join(tmp, f"cold-{other}.duckdb"))
            differ += stores_differ(report)
            store_lines.append(f"stores, {sinks[0]} / {other} (cold runs): " + "; ".join(
                f"{t} {r.get('rows_a')}/{r.get('rows_b')} rows, {r.get('only_a', 0) + r.get('only_b', 0)} differ"
                for t, r in report.items()))

    print(f"file: {path} ({size / 2**20:.0f} MiB, {rows} rows, layout att_mobility_voice)")
    print(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / GIB:.0f} GiB; load average (1 min) "
          f"before/between runs: {', '.join(f'{x:.1f}' for x in load)}")
    if cluster is not None:
        print(f"warm cluster: ray start --head took {cluster.start_s:.1f} s (not counted)")
    print(f"{'':40}{'wall_s':>9}{'rows_per_s':>12}{'x plain':>9}{'peak_PSS_GiB':>14}{'driver_CPU_share':>18}")
    figures = {}
    for name, (m, result) in runs.items():
        share = ""
        if result is not None:
            mm = result.get("metrics") or {}
            if mm.get("cpu_pct_mean"):
                share = f"{mm['driver_cpu_pct_mean'] / mm['cpu_pct_mean']:.0%}"
        ratio = m["wall_s"] / base["wall_s"]
        print(f"{name:40}{m['wall_s']:>9.1f}{rows / m['wall_s']:>12,.0f}{ratio:>9.2f}{m['pss_bytes_peak'] / GIB:>14.2f}"
              f"{share:>18}")
        figures[name] = {"wall_s": m["wall_s"], "ratio_to_plain": ratio, "pss_bytes_peak": m["pss_bytes_peak"],
                         "driver_cpu_share": share or None}
    for name, (m, result) in runs.items():
        if result is None:
            continue
        mm, ph, dd = result.get("metrics") or {}, result["phases_s"], result.get("dedupe") or {}
        m = runs[name][0]
        print(f"{name}: sink {(result.get('sink') or {}).get('kind', 'duckdb')}, pool {mm.get('pool_size')} actor(s), "
              f"{mm.get('batches')} batches; phases "
              + ", ".join(f"{k} {v:.1f}" for k, v in ph.items())
              + f"; dedupe after the last batch {dd.get('wall_s', 0):.1f} s"
              + (f" (streamed during the batches: {dd['stream']['wall_s']:.1f} s, used: {dd['stream']['used']})"
                 if dd.get("stream") else "")
              + (f"; sink writes {mm['sink_write_s']:.1f} s" if mm.get("sink_write_s") is not None else "")
              + (f"; value profile {prof['total']:.2f} s in the driver before the chunks "
                 f"({prof['total'] / m['wall_s']:.1%} of the wall)"
                 if (prof := (result.get("classification") or {}).get("profile_s")) else "")
              + (f"; parts {result['sink']['parts_loaded']} ({result['sink']['part_bytes_committed'] / 2**20:.0f} MiB), "
                 f"loaded into DuckDB in {result['sink']['load_s']:.1f} s ({result['sink']['load_after_batches_s']:.1f} "
                 f"after the last batch)"
                 if (result.get("sink") or {}).get("kind") == "parquet" else ""))
    for line in store_lines:
        print(line)
    cold_ratio = figures[next(k for k in figures if k.startswith("raybench cold"))]["ratio_to_plain"]
    warm = {k.removeprefix("raybench warm "): v["ratio_to_plain"] for k, v in figures.items()
            if k.startswith("raybench warm")}
    print(f"targets: cold <= 3x plain: {'met' if cold_ratio <= 3 else 'MISSED'} ({cold_ratio:.2f}x)"
          + "".join(f"; warm {how} <= 1.5x plain: {'met' if r <= 1.5 else 'MISSED'} ({r:.2f}x)"
                    for how, r in warm.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "load": load, "figures": figures,
                       "phases": {k: r["phases_s"] for k, (m, r) in runs.items() if r},
                       "dedupe": {k: r.get("dedupe") for k, (m, r) in runs.items() if r},
                       "sink": {k: r.get("sink") for k, (m, r) in runs.items() if r}}, f, indent=1, default=str)
    if differ:
        sys.exit(f"the sinks stored different values from the {sinks[0]} sink's: {differ} rows differ")


if __name__ == "__main__":
    main()
