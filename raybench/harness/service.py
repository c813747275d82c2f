"""Running the ingestion service as its users do, for the benchmark, the Locust scenario and the tests.

:func:`start_service` starts ``raybench serve`` as a subprocess (its own folders, a free port, an
embedded Ray with token authentication off) and waits for ``/readyz``; :class:`ServiceProcess` stops it
by the pid it started (SIGTERM, then SIGKILL of what is left of its own process tree), and measures the
PSS of that tree (the CLI, the embedded Ray's processes, the Serve actors, the runner, the ingest
actors). :func:`drive_jobs` submits files as jobs over HTTP, ``concurrent`` at a time, and times each
from submission to its end.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
import psutil

from raybench.errors import IngestError, ServiceError
from raybench.metrics.processes import tree_pss_bytes
from raybench.metrics.stats import percentiles
from raybench.service.client import ServiceClient

READY_TIMEOUT_S = 180.0
"""Longest wait for a starting service's ``/readyz`` (Ray and Serve start in 10-30 s on 2 cores)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServiceProcess:
    """One running ``raybench serve``.

    Attributes:
        url: base URL; proc: the process started; db, state, spool: its folders; log: its output file.
    """

    url: str
    proc: subprocess.Popen
    db: str
    state: str
    spool: str
    log: str
    args: list[str] = field(default_factory=list)

    def stop(self, timeout_s: float = 60.0) -> None:
        """SIGTERM to the pid started here (it stops Serve and its embedded Ray), wait, then end what is
        left of the processes that were below it."""
        if self.proc.poll() is not None:
            return
        try:
            below = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            below = []
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc.pid)
            self.proc.wait(30)
        _, alive = psutil.wait_procs(below, timeout=15)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)

    def kill(self) -> list[int]:
        """SIGKILL the service and every process below it, as a crash would; returns the pids."""
        return kill_tree(self.proc.pid)

    def pss_bytes(self) -> int:
        """PSS of the service's whole process tree now, bytes."""
        return tree_pss_bytes(self.proc.pid)


def kill_tree(pid: int) -> list[int]:
    """SIGKILL ``pid`` and every process below it; returns the pids."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    for p in procs:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=30)
    return [p.pid for p in procs]


def start_service(work_dir: str, *extra: str, db: str | None = None, port: int | None = None,
                  ready_timeout_s: float = READY_TIMEOUT_S) -> ServiceProcess:
    """Start ``raybench serve --db DB --port PORT EXTRA...`` in ``work_dir`` and wait until it is ready.

    Raises:
        IngestError: it exited, or was not ready in ``ready_timeout_s`` (the end of its log attached).
    """
    os.makedirs(work_dir, exist_ok=True)
    db = db or os.path.join(work_dir, "cdr.duckdb")
    port = port or free_port()
    log = os.path.join(work_dir, f"serve-{port}.log")
    args = [os.path.join(os.path.dirname(sys.executable), "raybench"), "serve", "--db", db, "--port", str(port),
            *extra]
    env = dict(os.environ, RAY_AUTH_MODE="disabled", RAYBENCH_SNAPSHOT_INTERVAL_S="0")
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work_dir,
                                start_new_session=True)
    service = ServiceProcess(f"http://127.0.0.1:{port}", proc, db, db + ".service",
                             os.path.join(db + ".service", "spool"), log, args)

    deadline = time.monotonic() + ready_timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise IngestError(f"raybench serve exited {proc.returncode}: {_tail(log)}")
        try:
            if httpx.get(service.url + "/readyz", timeout=5).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    service.stop()
    raise IngestError(f"raybench serve not ready in {ready_timeout_s:.0f} s: {_tail(log)}")


def _tail(path: str, n: int = 2000) -> str:
    with open(path, errors="replace") as f:
        return " | ".join(f.read()[-n:].splitlines()[-8:])


class PssSampler:
    """Samples a process tree's PSS every ``interval_s`` seconds in a thread; ``peak_bytes``."""

    def __init__(self, pid: int, interval_s: float = 0.5):
        self.pid, self.interval_s = pid, interval_s
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_pss_bytes(self.pid))
            self.samples += 1
            self._stop.wait(self.interval_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)


def drive_jobs(url: str, files: list[str], *, concurrent: int, token: str | None = None,
               timeout_s: float = 600.0) -> dict:
    """Upload and submit each file as its own job, ``concurrent`` jobs in flight at once (one client
    thread each: upload, submit, poll every 0.1 s until the job ends).

    Returns:
        ``jobs``, ``done`` (jobs that ended ``done``), ``statuses`` (status -> jobs), ``wall_s``,
        ``jobs_per_min`` (done jobs / wall minutes), ``submit_to_done_s`` (p50, p95, p99, max over the
        done jobs: from the submission call to the poll that saw the end), ``errors`` (``HTTP <code>`` or
        the exception's name -> count).
    """
    def one(path: str):
        with ServiceClient(url, token) as client:
            try:
                upload = client.upload(path)["upload_id"]
                t0 = time.monotonic()
                job = client.submit([upload])["job_id"]
                state = client.wait(job, timeout_s, poll_s=0.1)
                return state["status"], time.monotonic() - t0, None
            except ServiceError as exc:
                return "error", None, f"HTTP {exc.status}" if exc.status else "no answer"

    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(concurrent) as pool:
        outcomes = list(pool.map(one, files))
    wall_s = time.monotonic() - t0
    done = [s for status, s, _ in outcomes if status == "done"]
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    for status, _, error in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
        if error:
            errors[error] = errors.get(error, 0) + 1
    return {"jobs": len(files), "done": len(done), "statuses": statuses, "wall_s": wall_s,
            "jobs_per_min": len(done) / (wall_s / 60) if wall_s else None,
            "submit_to_done_s": {**percentiles(done), "max": max(done) if done else None}, "errors": errors}


def max_overlap_done(jobs: list[dict]) -> int:
    """Most jobs that ended ``done`` while in flight at the same time (between submission and end),
    from the job table's rows (``submitted_utc``, ``finished_utc``, ``status``)."""
    events = []
    for j in jobs:
        if j["status"] == "done" and j.get("finished_utc"):
            events += [(j["submitted_utc"], 1), (j["finished_utc"], -1)]
    best = now = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        now += step
        best = max(best, now)
    return best
