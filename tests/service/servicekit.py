"""Helpers of the service tests: a real ``raybench serve`` started as a user starts it (a subprocess on a free
port, its own temporary folders, token authentication of Ray off), stopped by the pid started here."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from raybench.service.auth import token_hash

READY_TIMEOUT_S = 180.0
"""Longest wait for a starting service's /readyz (the machine is shared; Ray and Serve start in 10-30 s)."""

TOKENS = {
    "writer": ("tok-writer-secret", ["submit", "read"], {}),
    "reader": ("tok-reader-secret", ["read"], {}),
    "submitter": ("tok-submitter-secret", ["submit"], {}),
    "limited": ("tok-limited-secret", ["submit", "read"], {"rate_per_min": 1, "burst": 3}),
    "admin": ("tok-admin-secret", ["admin"], {}),
}
"""Token name -> (token, scopes, own rate settings)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_tokens(path: Path) -> None:
    import yaml

    entries = [{"name": name, "sha256": token_hash(tok), "scopes": scopes, **extra}
               for name, (tok, scopes, extra) in TOKENS.items()]
    path.write_text(yaml.safe_dump({"tokens": entries}))


def auth(name: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[name][0]}"}


@dataclass
class Service:
    """One running service: ``url``, its ``proc``, ``db``, ``state`` folder, ``spool``, ``log`` file."""

    url: str
    proc: subprocess.Popen | None
    db: Path
    state: Path
    spool: Path
    log: Path
    args: list[str]

    def client(self, token: str | None = "writer", **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=auth(token) if token else {}, timeout=60, **kwargs)

    def stop(self, timeout_s: float = 60.0) -> None:
        """SIGTERM to the pid started here (it stops Serve and its embedded Ray), then wait."""
        import psutil

        if self.proc is None or self.proc.poll() is not None:
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
        # Ray's worker processes (the runner holds the DuckDB file) end a moment after their raylet
        _, alive = psutil.wait_procs(below, timeout=15)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)

    def kill(self) -> list[int]:
        """SIGKILL the service and every process below it (its embedded Ray: raylet, GCS, the Serve
        actors, the runner, the ingest actors), as a crash would; returns the pids killed."""
        return kill_tree(self.proc.pid)


def kill_tree(pid: int) -> list[int]:
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    procs = [root, *root.children(recursive=True)]
    for p in procs:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=30)
    return [p.pid for p in procs]


def start_service(tmp: Path, *extra: str, db: Path | None = None, port: int | None = None) -> Service:
    """Start ``raybench serve`` on a free port with its folders under ``tmp``; wait until /readyz.

    Raises:
        RuntimeError: it exited or did not get ready in :data:`READY_TIMEOUT_S` (its log attached).
    """
    tmp.mkdir(parents=True, exist_ok=True)
    db = db or tmp / "cdr.duckdb"
    tokens = tmp / "tokens.yaml"
    if not tokens.exists():
        write_tokens(tokens)
    port = port or free_port()
    log = tmp / f"serve-{port}.log"
    args = [os.path.join(os.path.dirname(sys.executable), "raybench"), "serve", "--db", str(db), "--port", str(port),
            "--tokens", str(tokens), "--num-cpus", "2", *extra]
    env = dict(os.environ, RAY_AUTH_MODE="disabled", RAYBENCH_SNAPSHOT_INTERVAL_S="0")
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp,
                                start_new_session=True)
    service = Service(f"http://127.0.0.1:{port}", proc, db, Path(str(db) + ".service"),
                      Path(str(db) + ".service") / "spool", log, args)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"raybench serve exited {proc.returncode}: {log.read_text()[-3000:]}")
        try:
            if httpx.get(service.url + "/readyz", timeout=5).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    service.stop()
    raise RuntimeError(f"raybench serve not ready in {READY_TIMEOUT_S:.0f} s: {log.read_text()[-3000:]}")


def generate(out: Path, rows: int, seed: int, layout: str = "att_mobility_voice") -> Path:
    """A generated production of ``rows`` records (its truth Parquet beside it)."""
    from raybench.generate.production import generate_file

    return Path(generate_file(layout, str(out), rows=rows, seed=seed).path)


def wait_job(client: httpx.Client, job: str, timeout_s: float = 180.0, until=None) -> dict:
    """Poll a job until it ends (or ``until(state)`` holds)."""
    from raybench.service.store import FINAL_STATUSES

    deadline = time.monotonic() + timeout_s
    while True:
        state = client.get(f"/v1/jobs/{job}").json()
        if (until(state) if until else state["status"] in FINAL_STATUSES):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job} still {state['status']} after {timeout_s} s: {state}")
        time.sleep(0.1)
