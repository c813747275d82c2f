"""Concurrent ingest jobs as real Ray jobs on one cluster (``JobSubmissionClient``).

Submits ``total`` jobs, ``concurrent`` at a time, each ``raybench ingest FILE --db <own db>``, and
measures how many of a wave of ``concurrent`` simultaneous jobs succeed and how many jobs per minute the
cluster's job queue completes. ``raybench jobs`` without an address runs them on a local cluster
(:func:`raybench.harness.cluster.local_cluster` with a dashboard).
"""

from __future__ import annotations

import os
import shlex
import sys
import time

from ray.job_submission import JobStatus, JobSubmissionClient

from raybench.errors import IngestError

JOB_TIMEOUT_S = 900

AGENT_WAIT_S = 60.0
"""How long a submission waits for the head's job agent of a cluster that just started (on a loaded
machine the dashboard answers before its agent does: "No available agent to submit job")."""


def _submit(client, entry: str) -> str:
    deadline = time.monotonic() + AGENT_WAIT_S
    while True:
        try:
            return client.submit_job(entrypoint=entry, entrypoint_num_cpus=0)
        except RuntimeError as exc:
            if "No available agent" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def run_jobs(path: str, *, concurrent: int, total: int, out_dir: str, address: str,
             worker_cpus: float = 1.0, sample_interval_s: float = 0.5) -> dict:
    """Submit ``total`` ingest jobs of ``path``, keeping ``concurrent`` in flight.

    Each job is ``raybench ingest --workers 1 --worker-cpus worker_cpus``: its one actor reserves
    ``worker_cpus`` CPUs, so ``worker_cpus`` below 1 lets more jobs' actors run at once than the
    cluster has CPUs. Each job's coordinator samples every process of the cluster's session every
    ``sample_interval_s`` seconds.

    Raises:
        IngestError: no Ray job server answers at ``address``.

    Returns:
        ``concurrent``, ``total``, ``succeeded``, ``failed`` (job ids with status), ``wall_s``,
        ``jobs_per_min`` (succeeded jobs / wall minutes), ``concurrent_jobs_succeeded`` (succeeded jobs
        of the first wave, which all ran at once), ``job_wall_s`` (per job, submit to end).
    """
    try:
        client = JobSubmissionClient(address)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError or its RpcError here
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise IngestError(f"--address {address}: cannot submit jobs there ({first}); give the cluster's "
                          "dashboard address, e.g. http://127.0.0.1:8265") from exc
    raybench_bin = os.path.join(os.path.dirname(sys.executable), "raybench")
    os.makedirs(out_dir, exist_ok=True)
    pending = list(range(total))
    running: dict[str, tuple[int, float]] = {}
    finished: dict[int, tuple[str, float]] = {}
    t0 = time.perf_counter()
    while pending or running:
        while pending and len(running) < concurrent:
            i = pending.pop(0)
            db = os.path.join(out_dir, f"job-{i}.duckdb")
            entry = shlex.join([raybench_bin, "ingest", path, "--db", db, "--workers", "1",
                                "--worker-cpus", str(worker_cpus), "--sample-interval", str(sample_interval_s),
                                "--no-progress", "--results", os.path.join(out_dir, f"job-{i}.json")])
            job_id = _submit(client, entry)
            running[job_id] = (i, time.perf_counter())
        time.sleep(0.5)
        for job_id, (i, started) in list(running.items()):
            status = client.get_job_status(job_id)
            if status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED):
                finished[i] = (str(status), time.perf_counter() - started)
                del running[job_id]
            elif time.perf_counter() - started > JOB_TIMEOUT_S:
                client.stop_job(job_id)
                finished[i] = ("TIMEOUT", time.perf_counter() - started)
                del running[job_id]
    wall = time.perf_counter() - t0
    ok = [i for i, (s, _) in finished.items() if s == "SUCCEEDED"]
    return {
        "concurrent": concurrent, "total": total, "succeeded": len(ok),
        "failed": {i: s for i, (s, _) in finished.items() if s != "SUCCEEDED"},
        "wall_s": wall, "jobs_per_min": len(ok) / (wall / 60) if wall else None,
        "concurrent_jobs_succeeded": sum(1 for i in ok if i < concurrent),
        "job_wall_s": {i: w for i, (_, w) in sorted(finished.items())},
    }
