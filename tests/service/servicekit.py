"""Helpers of the service tests: a real ``raybench serve`` started as a user starts it
(:func:`raybench.harness.service.start_service`: a subprocess on a free port, its own temporary
folders, token authentication of Ray off), stopped by the pid started here, with the test tokens."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from raybench.harness import service as harness
from raybench.service.auth import token_hash

TOKENS = {
    "writer": ("tok-writer-secret", ["submit", "read"], {}),
    "reader": ("tok-reader-secret", ["read"], {}),
    "submitter": ("tok-submitter-secret", ["submit"], {}),
    "limited": ("tok-limited-secret", ["submit", "read"], {"rate_per_min": 1, "burst": 3}),
    "admin": ("tok-admin-secret", ["admin"], {}),
}
"""Token name -> (token, scopes, own rate settings)."""


def write_tokens(path: Path) -> None:
    import yaml

    entries = [{"name": name, "sha256": token_hash(tok), "scopes": scopes, **extra}
               for name, (tok, scopes, extra) in TOKENS.items()]
    path.write_text(yaml.safe_dump({"tokens": entries}))


def auth(name: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[name][0]}"}


@dataclass
class Service:
    """A running service (:class:`raybench.harness.service.ServiceProcess`) with its folders as Paths."""

    process: harness.ServiceProcess

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def db(self) -> Path:
        return Path(self.process.db)

    @property
    def state(self) -> Path:
        return Path(self.process.state)

    @property
    def spool(self) -> Path:
        return Path(self.process.spool)

    @property
    def log(self) -> Path:
        return Path(self.process.log)

    def client(self, token: str | None = "writer", **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=auth(token) if token else {}, timeout=60, **kwargs)

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> list[int]:
        return self.process.kill()


def start_service(tmp: Path, *extra: str, db: Path | None = None) -> Service:
    """``raybench serve --tokens TMP/tokens.yaml --num-cpus 2 EXTRA...`` with its folders under ``tmp``."""
    tmp.mkdir(parents=True, exist_ok=True)
    tokens = tmp / "tokens.yaml"
    if not tokens.exists():
        write_tokens(tokens)
    return Service(harness.start_service(str(tmp), "--tokens", str(tokens), "--num-cpus", "2", *extra,
                                         db=str(db) if db else None))


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
