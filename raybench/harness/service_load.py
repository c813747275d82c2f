"""The ``service`` scenario kind: run the ingestion service and drive it with Locust, headless.

A scenario with a ``service`` section (:mod:`raybench.harness.scenario`) starts ``raybench serve``
(:func:`raybench.harness.service.start_service`) and runs ``locust --headless`` against it with the
users of :mod:`raybench.harness.locustfile` (upload a generated file, submit it, poll until done), for
``run_time_s`` seconds or until the generated files run out. The service's process tree is sampled for
PSS meanwhile. Metrics (names in :data:`raybench.harness.scenario.METRICS`): ``jobs_per_min`` (jobs
done / minutes from the first submission to the last end, from the job table), ``submit_to_done_p50_s``,
``_p95_s``, ``_p99_s`` (Locust's), ``status_latency_p95_s`` (``GET /v1/jobs/{id}``),
``concurrent_jobs_succeeded`` (most jobs in flight at once that ended done), ``pss_bytes_peak``,
``http_errors`` and ``errors_by_code``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time

from raybench.errors import ConfigError
from raybench.harness.service import PssSampler, max_overlap_done, start_service
from raybench.service.store import JobStore


def _locust_bin() -> list[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "locust")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "locust"]


def run_service_load(files: list[str], run_dir: str, settings: dict) -> dict:
    """Start the service, drive it with Locust, stop it; returns ``metrics``, ``locust`` (its stats
    rows), ``jobs`` (the job table's rows, without per-file rows) and ``service`` (how it ran).

    Args:
        files: the inputs; each is uploaded once (distinct contents: the same content twice is skipped).
        run_dir: where the service's folders, Locust's CSV files and logs go.
        settings: the scenario's ``service`` section (see :mod:`raybench.harness.scenario`).

    Raises:
        ConfigError: Locust is not installed (``pip install -e '.[bench]'``).
        IngestError: the service did not start.
    """
    try:
        subprocess.run([*_locust_bin(), "--version"], capture_output=True, check=True, timeout=120)
    except (OSError, subprocess.CalledProcessError):
        raise ConfigError("the service scenario needs Locust: pip install -e '.[bench]'") from None
    list_path = os.path.join(run_dir, "locust-files.txt")
    with open(list_path, "w") as f:
        f.write("\n".join(os.path.abspath(p) for p in files) + "\n")
    svc = start_service(os.path.join(run_dir, "service"), "--num-cpus", str(settings["num_cpus"]),
                        "--max-concurrent-jobs", str(settings["max_concurrent_jobs"]), "--workers",
                        str(settings["workers"]), "--worker-cpus", str(settings["worker_cpus"]),
                        "--max-queued", str(max(1000, len(files))), "--burst", str(max(100, len(files))),
                        "--rate", "100000")
    prefix = os.path.join(run_dir, "locust")
    cmd = [*_locust_bin(), "-f", os.path.join(os.path.dirname(__file__), "locustfile.py"), "--headless",
           "-u", str(settings["users"]), "-r", str(settings["spawn_rate"]), "-t", f"{int(settings['run_time_s'])}s",
           "--host", svc.url, "--csv", prefix, "--only-summary", "--stop-timeout", "60"]
    env = dict(os.environ, RAYBENCH_LOCUST_FILES=list_path)
    t0 = time.perf_counter()
    try:
        with PssSampler(svc.proc.pid) as pss, open(prefix + ".log", "wb") as log:
            subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=run_dir,
                           timeout=settings["run_time_s"] + 300)
        wall_s = time.perf_counter() - t0
    finally:
        svc.stop()
    store = JobStore(os.path.join(svc.state, "jobs.sqlite"))
    jobs = store.list(limit=1_000_000)
    store.close()
    stats = _read_csv(prefix + "_stats.csv")
    failures = _read_csv(prefix + "_failures.csv")
    done = [j for j in jobs if j["status"] == "done"]
    span_s = (max(j["finished_utc"] for j in done) - min(j["submitted_utc"] for j in done)) if done else 0
    job_row = _row(stats, "JOB", "submit-to-done")
    status_row = _row(stats, "GET", "/v1/jobs/[id]")
    errors: dict[str, int] = {}
    for f in failures:
        errors[f["Error"]] = errors.get(f["Error"], 0) + int(f["Occurrences"])
    metrics = {
        "jobs_done": len(done), "jobs_submitted": len(jobs),
        "jobs_per_min": len(done) / (span_s / 60) if span_s else None,
        "submit_to_done_p50_s": _ms_to_s(job_row, "50%"), "submit_to_done_p95_s": _ms_to_s(job_row, "95%"),
        "submit_to_done_p99_s": _ms_to_s(job_row, "99%"),
        "status_latency_p50_s": _ms_to_s(status_row, "50%"), "status_latency_p95_s": _ms_to_s(status_row, "95%"),
        "concurrent_jobs_succeeded": max_overlap_done(jobs),
        "pss_bytes_peak": pss.peak_bytes, "http_errors": sum(errors.values()), "errors_by_code": errors,
        "rows_stored": sum(j["rows_stored"] or 0 for j in jobs),
        "rows_quarantined": sum(j["rows_quarantined"] or 0 for j in jobs),
    }
    return {"metrics": metrics, "locust": stats, "locust_wall_s": wall_s,
            "jobs": [{k: v for k, v in j.items() if k != "files"} for j in jobs],
            "service": {"args": svc.args, "db": svc.db, "log": svc.log, "settings": settings}}


def _read_csv(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _row(rows: list[dict], kind: str, name: str) -> dict | None:
    return next((r for r in rows if r.get("Type") == kind and r.get("Name") == name), None)


def _ms_to_s(row: dict | None, column: str) -> float | None:
    if not row or row.get(column) in (None, "", "N/A"):
        return None
    return float(row[column]) / 1000.0
