"""A crash of the whole service while jobs are queued and running: started again on the same files,
every job ends ``done``, each of its records stored once, and the running job carried on from its
checkpoint (its committed chunks not read again)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from servicekit import generate, start_service, wait_job

pytestmark = pytest.mark.integration


@pytest.mark.slow  # 75 s; run with -m slow (CI keeps the service's queue, cancel and results tests)
def test_kill_everything_then_restart_every_job_done_exactly_once(tmp_path):
    gen = tmp_path / "gen"
    files = [generate(gen, rows=20_000, seed=s) for s in (201, 202)] + \
        [generate(gen, rows=100, seed=s) for s in (203, 204, 205)]
    truth = {str(f): pl.read_parquet(str(f) + ".truth.parquet").height for f in files}
    args = ("--max-concurrent-jobs", "1", "--workers", "1", "--commit-rows", "1000", "--root", str(gen))
    svc = start_service(tmp_path, *args)
    try:
        with svc.client() as c:
            jobs = {c.post("/v1/jobs", json={"paths": [str(f)], "chunk_bytes": 16384}).json()["job_id"]: str(f)
                    for f in files}
            first = next(iter(jobs))
            wait_job(c, first, until=lambda s: (s["rows_done"] or 0) >= 3000)
            queued = [j for j in jobs if c.get(f"/v1/jobs/{j}").json()["status"] == "queued"]
        assert len(queued) == 4
        killed = svc.kill()
        assert len(killed) > 5  # the CLI, Ray's own processes, the Serve actors, the runner, the workers
    except BaseException:
        svc.stop()
        raise
    svc = start_service(tmp_path, *args, db=svc.db)
    try:
        with svc.client() as c:
            states = {j: wait_job(c, j, timeout_s=300) for j in jobs}
            results = c.get(f"/v1/jobs/{first}/results").json()
    finally:
        svc.stop()
    assert {s["status"] for s in states.values()} == {"done"}, states
    for job, path in jobs.items():
        assert states[job]["rows_stored"] + states[job]["rows_quarantined"] == truth[path], job
    assert states[first]["runs"] == 2
    assert results["checkpoint"]["run"] == 2 and results["checkpoint"]["chunks_skipped"] > 0
    con = duckdb.connect(str(svc.db), read_only=True)
    try:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone()
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        per_job = dict(con.execute("SELECT ingest_job, count(*) FROM cdr GROUP BY 1").fetchall())
    finally:
        con.close()
    assert n == distinct and n + quarantined == sum(truth.values())
    assert per_job == {j: states[j]["rows_stored"] for j in jobs}
