"""Concurrent ingest jobs as real Ray jobs on one cluster (``JobSubmissionClient``).

Submits ``total`` jobs, ``concurrent`` at a time, each ``raybench ingest FILE --db <own db>``, and
measures how many of a wave of ``concurrent`` simultaneous jobs succeed and how many jobs per minute the
cluster's job queue completes. Without an address it starts a local cluster with ``ray start --head``
(its own temp folder and ports) and stops it afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from raybench.errors import IngestError

JOB_TIMEOUT_S = 900


@contextmanager
def local_cluster(num_cpus: int | None = None):
    """``ray start --head`` in a private temp folder; yields the dashboard address; after, ends that
    cluster's processes (not ``ray stop``, which would end every Ray on the machine)."""
    from raybench.harness.cluster import free_port, stop_ray_processes

    ray_bin = os.path.join(os.path.dirname(sys.executable), "ray")
    tmp = tempfile.mkdtemp(prefix="rbj", dir="/tmp")  # Ray's socket paths must stay under 107 bytes
    dashboard, gcs_port = free_port(), free_port()
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    cmd = [ray_bin, "start", "--head", "--port", str(gcs_port), "--dashboard-port", str(dashboard),
           "--ray-client-server-port", str(free_port()),
           "--include-dashboard", "true", "--disable-usage-stats", "--temp-dir", tmp]
    if num_cpus:
        cmd += ["--num-cpus", str(num_cpus)]
    started = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        stop_ray_processes(tmp, gcs_port=gcs_port)
        shutil.rmtree(tmp, ignore_errors=True)
        raise IngestError(f"ray start --head failed: {started.stderr.strip().splitlines()[-1:]}")
    try:
        yield f"http://127.0.0.1:{dashboard}"
    finally:
        stop_ray_processes(tmp, gcs_port=gcs_port)
        shutil.rmtree(tmp, ignore_errors=True)


def run_jobs(path: str, *, concurrent: int, total: int, out_dir: str, address: str,
             worker_cpus: float = 1.0, sample_interval_s: float = 0.5) -> dict:
    """Submit ``total`` ingest jobs of ``path``, keeping ``concurrent`` in flight.

    Each job is ``raybench ingest --workers 1 --worker-cpus worker_cpus``: its one actor reserves
    ``worker_cpus`` CPUs, so ``worker_cpus`` below 1 lets more jobs' actors run at once than the
    cluster has CPUs. Each job's coordinator samples every process of the cluster's session every
    ``sample_interval_s`` seconds.

    Returns:
        ``concurrent``, ``total``, ``succeeded``, ``failed`` (job ids with status), ``wall_s``,
        ``jobs_per_min`` (succeeded jobs / wall minutes), ``concurrent_jobs_succeeded`` (succeeded jobs
        of the first wave, which all ran at once), ``job_wall_s`` (per job, submit to end).
    """
    from ray.job_submission import JobStatus, JobSubmissionClient

    client = JobSubmissionClient(address)
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
            entry = (f"{raybench_bin} ingest {path} --db {db} --workers 1 --worker-cpus {worker_cpus} "
                     f"--sample-interval {sample_interval_s} --no-progress "
                     f"--results {os.path.join(out_dir, f'job-{i}.json')}")
            job_id = client.submit_job(entrypoint=entry, entrypoint_num_cpus=0)
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
