"""Fault scenarios in the harness: a fault-free reference run, the run with faults (each driver run a
``raybench ingest`` subprocess, so a crashed or killed driver does not take the harness with it), the
resume after a driver death, and a local multi-node cluster for node loss (``ray start --head`` plus one
``ray start --address`` per extra node).

The figures: per fault event the time to recover (from the coordinator's fault summary; for a driver
death, the resumed driver's time until its first batch), and the slowdown against the reference run
(both measured as subprocess wall time, start-up included).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from raybench.errors import IngestError
from raybench.faults.plan import FaultPlan
from raybench.harness.cluster import start_local_cluster
from raybench.harness.scenario import Scenario, sink_flags

DRIVER_RUN_TIMEOUT_S = 3600
"""Longest a driver subprocess may run before the harness gives up on it."""


def _ingest_cmd(scenario: Scenario, paths: list[str], db: str, results: str, address: str | None,
                job: str | None, faults: bool) -> list[str]:
    cmd = [sys.executable, "-m", "raybench", "ingest", *paths, "--db", db, "--results", results, "--no-progress",
           "--chunk-size", str(scenario.chunk_bytes), "--commit-rows", str(scenario.commit_rows),
           *sink_flags(scenario)]
    for flag, value in (("--address", address), ("--job-id", job), ("--workers", scenario.workers),
                        ("--tz", scenario.tz)):
        if value is not None:
            cmd += [flag, str(value)]
    if address is None:
        if scenario.num_cpus:
            cmd += ["--num-cpus", str(scenario.num_cpus)]
        if scenario.object_store_bytes:
            cmd += ["--object-store", str(scenario.object_store_bytes)]
    if faults and scenario.faults is not None:
        for key, value in scenario.faults.to_dict().items():
            value = ",".join(map(str, value)) if isinstance(value, list) else value
            cmd += ["--fault", f"{key}={value}"]
    return cmd


def _run(cmd: list[str], kill_after_s: float | None = None) -> dict:
    """Run one driver; SIGKILL it after ``kill_after_s`` seconds when it is still running."""
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    killed = False
    try:
        out, err = proc.communicate(timeout=kill_after_s or DRIVER_RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        if not kill_after_s:
            proc.kill()
            raise
        proc.send_signal(signal.SIGKILL)
        killed = True
        out, err = proc.communicate(timeout=120)
    return {"rc": proc.returncode, "wall_s": time.perf_counter() - t0, "killed": killed,
            "stderr_tail": (err or "")[-1500:] if proc.returncode else ""}


def _first_batch_s(results: dict) -> float | None:
    phases = results.get("phases_s") or {}
    if "first_batch" not in phases:
        return None
    return sum(phases.get(k, 0.0) for k in ("identify_plan", "ray_init", "pool_setup", "first_batch"))


def run_with_faults(scenario: Scenario, paths: list[str], run_dir: str, job: str,
                    address: str | None) -> tuple[dict, dict]:
    """The scenario's ingest with its faults (and its reference run).

    Returns:
        ``(ingest results of the job's last driver run, fault report)``; the report has ``runs`` (per
        driver run: ``rc``, ``wall_s``, ``killed``), ``reference_wall_s``, ``events`` (the coordinator's
        fault events of every run, plus ``driver_killed``/``driver_crashed`` events), ``recover_s_max``,
        ``slowdown_ratio``.

    Raises:
        IngestError: a driver run failed other than by the injected fault, or the job did not finish.
    """
    cluster = None
    if scenario.nodes > 1 and address is None:
        cluster = start_local_cluster(scenario.nodes, scenario.num_cpus or 1, scenario.object_store_bytes)
        address = cluster.address
    try:
        report: dict = {"runs": [], "events": [], "reference_wall_s": None}
        if scenario.fault_reference:
            ref = _run(_ingest_cmd(scenario, paths, os.path.join(run_dir, "reference.duckdb"),
                                   os.path.join(run_dir, "reference.json"), address, None, faults=False))
            if ref["rc"] != 0:
                raise IngestError(f"the fault-free reference run failed: {ref['stderr_tail'][-300:]}")
            report["reference_wall_s"] = ref["wall_s"]
        db, results = os.path.join(run_dir, "cdr.duckdb"), os.path.join(run_dir, "ingest.json")
        run = _run(_ingest_cmd(scenario, paths, db, results, address, job, faults=True),
                   kill_after_s=scenario.kill_driver_after_s)
        report["runs"].append(run)
        if run["killed"]:
            report["events"].append({"kind": "driver_killed", "t_s": run["wall_s"]})
        elif run["rc"] == 137:
            report["events"].append({"kind": "driver_crashed", "t_s": run["wall_s"]})
        elif run["rc"] != 0:
            raise IngestError(f"the ingest with faults failed (exit {run['rc']}): {run['stderr_tail'][-300:]}")
        else:
            _add_events(report, results)
        if run["rc"] != 0:
            resumed = _run(_ingest_cmd(scenario, [], db, results, address, None, faults=False)
                           + ["--resume", job])
            report["runs"].append(resumed)
            if resumed["rc"] != 0:
                raise IngestError(f"resuming job {job} failed (exit {resumed['rc']}): {resumed['stderr_tail'][-300:]}")
            _add_events(report, results)
            with open(results) as f:  # back to work: the resumed driver's first batch (or its end, when
                first = _first_batch_s(json.load(f))  # every chunk had committed before the crash)
            report["events"][0]["recover_s"] = first if first is not None else resumed["wall_s"]
        with open(results) as f:
            ingest = json.load(f)
        total = sum(r["wall_s"] for r in report["runs"])
        report["wall_s_total"] = total
        report["slowdown_ratio"] = total / report["reference_wall_s"] if report["reference_wall_s"] else None
        report["recover_s_max"] = recover_s_max(report["events"], report.get("retry_gap_s_max"), scenario.faults)
        return ingest, report
    finally:
        if cluster is not None:
            cluster.stop()


def recover_s_max(events: list[dict], retry_gap_s_max: float | None, plan: FaultPlan | None) -> float | None:
    """The longest recovery of a fault run, seconds: the largest ``recover_s`` of its fault events (a kill
    to the next actor registration; a driver death to the resumed driver's first batch) and, when the
    plan makes workers die of themselves (``crash_on_rows``, ``crash_after_output_on_rows``, ``hog_on_rows``: no event carries a time),
    ``retry_gap_s_max``, the longest gap between two attempts at a batch. An injected kill's retry gap is
    left out: it starts when the batch started, before the kill. None when nothing recovered."""
    recover = [e["recover_s"] for e in events if e.get("recover_s") is not None]
    if plan is not None and (plan.crash_on_rows or plan.crash_after_output_on_rows or plan.hog_on_rows) and retry_gap_s_max is not None:
        recover.append(retry_gap_s_max)
    return max(recover, default=None)


def _add_events(report: dict, results_path: str) -> None:
    with open(results_path) as f:
        faults = (json.load(f).get("metrics") or {}).get("faults") or {}
    report["events"].extend(faults.get("events") or [])
    report["retried_batches"] = report.get("retried_batches", 0) + faults.get("retried_batches", 0)
    if faults.get("retry_gap_s_max") is not None:
        report["retry_gap_s_max"] = max(report.get("retry_gap_s_max") or 0.0, faults["retry_gap_s_max"])
