"""DuckDB invalidates a database when it fails in a way it cannot undo (seen: out of memory in a commit);
every later statement on it then fails. The runner that meets it stops, so the health check fails and
Serve starts a new runner on the file: the job it was finishing fails with the error named, and the jobs
after it are done (in a soak, one such error failed the 715 jobs after it)."""

from __future__ import annotations

import pytest

from servicekit import generate, start_service, wait_job

from raybench.service.runner import FATAL_FAULT_ENV

pytestmark = pytest.mark.integration


def test_a_duckdb_fatal_error_fails_its_job_and_a_new_runner_takes_the_next(tmp_path, monkeypatch):
    gen = tmp_path / "gen"
    files = [generate(gen, rows=100, seed=s) for s in (301, 302, 303, 304)]
    monkeypatch.setenv(FATAL_FAULT_ENV, "2")  # the second job each runner finishes
    svc = start_service(tmp_path, "--max-concurrent-jobs", "1", "--workers", "1", "--root", str(gen))
    try:
        with svc.client() as c:
            states = []
            for f in files:  # one after the other
                job = c.post("/v1/jobs", json={"paths": [str(f)]}).json()["job_id"]
                states.append(wait_job(c, job, timeout_s=240))
    finally:
        svc.stop()
    # the third job is the new runner's first (a runner that went on would have finished it as its third,
    # and the fourth as its fourth: done, failed, done, done)
    assert [s["status"] for s in states] == ["done", "failed", "done", "failed"], states
    assert "FatalException" in states[1]["error"] and FATAL_FAULT_ENV in states[1]["error"]
    assert states[0]["rows_stored"] == states[2]["rows_stored"] == 100
