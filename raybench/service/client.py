"""The service's client (``raybench submit``), on httpx: upload files, submit a job, follow it."""

from __future__ import annotations

import os
import time
from typing import Callable, Iterator
from urllib.parse import quote

import httpx

from raybench.errors import ServiceError
from raybench.service.store import FINAL_STATUSES

UPLOAD_BLOCK_BYTES = 1 << 20
"""Bytes read from a file per block sent (uploads stream; the file is never read whole)."""

POLL_S = 0.2
"""Seconds between two status calls while waiting for a job."""


def _blocks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while block := f.read(UPLOAD_BLOCK_BYTES):
            yield block


class ServiceClient:
    """A client of one service.

    Args:
        server: base URL, e.g. ``http://127.0.0.1:8000``.
        token: bearer token, or None (a service without tokens).
        timeout_s: seconds one request may take.
    """

    def __init__(self, server: str, token: str | None = None, timeout_s: float = 120.0):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=timeout_s)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, method: str, url: str, expect: tuple[int, ...] = (200,), **kwargs) -> httpx.Response:
        """One request; raises :class:`ServiceError` with the service's one-line message unless the
        status is one of ``expect``."""
        try:
            r = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(f"{self.http.base_url}: no answer ({type(exc).__name__}: {exc})") from None
        if r.status_code not in expect:
            try:
                message = r.json().get("error") or r.text
            except ValueError:
                message = r.text.strip().splitlines()[0] if r.text.strip() else r.reason_phrase
            raise ServiceError(f"{method} {url}: {message}", r.status_code)
        return r

    def upload(self, path: str) -> dict:
        """Stream one file; returns ``{upload_id, sha256, bytes, name}``."""
        return self.call("POST", "/v1/uploads", (201,), params={"name": os.path.basename(path)},
                         content=_blocks(path)).json()

    def submit(self, upload_ids: list[str] = (), paths: list[str] = (), **options) -> dict:
        """Queue a job; returns ``{job_id, status, queue_position}``."""
        body = {"uploads": list(upload_ids), "paths": list(paths),
                **{k: v for k, v in options.items() if v is not None}}
        return self.call("POST", "/v1/jobs", (202,), json=body).json()

    def job(self, job_id: str) -> dict:
        """``GET /v1/jobs/{id}``: status, queue position, rows, files."""
        return self.call("GET", f"/v1/jobs/{job_id}").json()

    def results(self, job_id: str) -> dict:
        """``GET /v1/jobs/{id}/results``: the results JSON of an ended job."""
        return self.call("GET", f"/v1/jobs/{job_id}/results").json()

    def query(self, name: str, **params) -> dict:
        """One named query (:data:`raybench.query.calls.QUERIES`) with the parameters of
        :func:`raybench.query.calls.run_query` (``start``/``end`` are sent as ``from``/``to``; None
        values are left out); returns the service's answer (``columns``, ``rows``, ``source``, ...).

        Raises:
            ServiceError: an unknown query name, or the service refused it (400 naming the parameter).
        """
        given = {k: v for k, v in params.items() if v is not None}
        path = {"calls": lambda: "/v1/calls", "counts": lambda: "/v1/counts",
                "top-contacts": lambda: f"/v1/contacts/{quote(given.pop('number'), safe='')}",
                "shared-contacts": lambda: (f"/v1/contacts/{quote(given.pop('number'), safe='')}/shared/"
                                            f"{quote(given.pop('other'), safe='')}"),
                "timeline": lambda: f"/v1/timeline/{quote(given.pop('number'), safe='')}",
                "cell": lambda: f"/v1/cells/{quote(given.pop('cell'), safe='')}/calls"}.get(name)
        if path is None:
            raise ServiceError(f"no query {name!r}; the service serves: calls, top-contacts, shared-contacts, "
                               "timeline, cell, counts")
        try:
            url = path()
        except KeyError as exc:
            raise ServiceError(f"query {name} needs --{exc.args[0]}") from None
        for ours, theirs in (("start", "from"), ("end", "to")):
            if ours in given:
                given[theirs] = given.pop(ours)
        if isinstance(given.get("include_duplicates"), bool):
            given["include_duplicates"] = str(given["include_duplicates"]).lower()
        return self.call("GET", url, params=given).json()

    def wait(self, job_id: str, timeout_s: float | None = None, poll_s: float = POLL_S) -> dict:
        """Poll until the job ends; returns its last status.

        Raises:
            ServiceError: ``timeout_s`` passed first.
        """
        t0 = time.monotonic()
        while True:
            state = self.job(job_id)
            if state["status"] in FINAL_STATUSES:
                return state
            if timeout_s is not None and time.monotonic() - t0 > timeout_s:
                raise ServiceError(f"job {job_id} still {state['status']} after {timeout_s:.0f} s")
            time.sleep(poll_s)


def submit_files(server: str, files: list[str], *, token: str | None = None, wait: bool = False,
                 tz: str | None = None, on_job: Callable[[str], None] | None = None,
                 timeout_s: float | None = None) -> dict:
    """Upload ``files``, submit them as one job and, with ``wait``, follow it to its end.

    Returns:
        ``{"job_id": ...}``; with ``wait``, the job's results JSON (as ``raybench ingest`` writes it),
        or ``{"job_id", "status", "error"}`` for a job that ended without results (cancelled).

    Raises:
        ServiceError: the service refused a request (its one-line message) or did not answer.
    """
    with ServiceClient(server, token) as client:
        ids = [client.upload(f)["upload_id"] for f in files]
        job = client.submit(ids, tz=tz)["job_id"]
        if on_job is not None:
            on_job(job)
        if not wait:
            return {"job_id": job}
        state = client.wait(job, timeout_s)
        if not state.get("finished_utc") or state["status"] == "cancelled":
            return {"job_id": job, "status": state["status"], "error": state.get("error")}
        try:
            out = client.results(job)
        except ServiceError:
            return {"job_id": job, "status": state["status"], "error": state.get("error")}
        out["job_id"], out["status"] = job, state["status"]
        return out
