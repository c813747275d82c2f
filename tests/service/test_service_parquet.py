"""The service's large jobs go through the Parquet sink: its warm actors write each chunk's rows as a part
and return only the report; the runner commits the reports and loads the parts at the job's end
(raybench/service/runner.py, ``ServiceConfig.parquet_bytes``). A real ``raybench serve``."""

from __future__ import annotations

import os

import duckdb
import pytest
from servicekit import generate, start_service, wait_job

import raybench

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def svc(service_dir):
    root = service_dir / "root"
    root.mkdir()
    # inputs of 256 KiB or more through the parts, in chunks of 64 KiB (a 4,000-row file: about 7 parts)
    service = start_service(service_dir, "--root", str(root), "--workers", "1", "--worker-cpus", "0.5",
                            "--parquet-from", "256KiB", "--chunk-size", "64KiB")
    service.root = root
    yield service
    service.stop()


def _stored(db, job: str) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("SELECT record_id, source_row, caller, callee, start_utc, duration_s FROM cdr "
                               "WHERE ingest_job = ?", [job]).fetchall())
    finally:
        con.close()


def _expected(path) -> set[tuple]:
    """The same file read without Ray or a service (:func:`raybench.read_local`): the rows with no reason."""
    read = raybench.read_local(str(path))
    return {(r["record_id"], r["source_row"], r["caller"], r["callee"], r["start_utc"], r["duration_s"])
            for r in read.rows if not r["reasons"]}


def test_a_large_job_goes_through_parts_and_a_small_one_through_the_runner(svc):
    large = generate(svc.root, rows=4000, seed=61)
    small = generate(svc.root / "small", rows=300, seed=62)
    assert large.stat().st_size >= 256 << 10 > small.stat().st_size
    with svc.client() as c:
        jobs = {}
        for name, path in (("large", large), ("small", small)):
            r = c.post("/v1/jobs", json={"paths": [str(path)]})
            assert r.status_code == 202, r.text
            jobs[name] = r.json()["job_id"]
        states = {name: wait_job(c, job) for name, job in jobs.items()}
        results = {name: c.get(f"/v1/jobs/{job}/results").json() for name, job in jobs.items()}
    assert states["large"]["status"] == "done" and states["small"]["status"] == "done", states
    sink = results["large"]["sink"]
    assert sink["kind"] == "parquet" and sink["parts_loaded"] == sink["parts_committed"] >= 5, sink
    assert sink["parts_orphaned"] == 0 and sink["reports_refused"] == 0
    assert results["small"]["sink"]["kind"] == "duckdb"
    # the job table's counts are the rows the parts held, and the parts are gone once loaded
    assert states["large"]["rows_done"] == states["large"]["rows_planned"] == 4000
    assert states["large"]["rows_stored"] + states["large"]["rows_quarantined"] == 4000
    assert not os.path.exists(os.path.join(str(svc.db) + ".parts", jobs["large"]))
    svc.stop()  # the runner holds the database's one writer
    for name, path in (("large", large), ("small", small)):
        stored = _stored(svc.db, jobs[name])
        assert stored == _expected(path), name
        assert len(stored) == states[name]["rows_stored"]


def test_a_failed_parquet_job_keeps_its_committed_rows_in_cdr(tmp_path, monkeypatch):
    # the service never resumes a failed job (a retry reads only its failed files again): the rows its
    # committed parts hold must reach cdr when it fails, as the DuckDB sink's committed rows already have
    from raybench.service.runner import FAIL_FAULT_ENV

    gen = tmp_path / "gen"
    path = generate(gen, rows=4000, seed=63)
    monkeypatch.setenv(FAIL_FAULT_ENV, "1")  # the first job to finish fails after its last batch
    svc = start_service(tmp_path / "svc", "--root", str(gen), "--workers", "1", "--worker-cpus", "0.5",
                        "--parquet-from", "256KiB", "--chunk-size", "64KiB")
    try:
        with svc.client() as c:
            job = c.post("/v1/jobs", json={"paths": [str(path)]}).json()["job_id"]
            state = wait_job(c, job)
    finally:
        svc.stop()
    assert state["status"] == "failed" and FAIL_FAULT_ENV in state["error"], state
    assert _stored(svc.db, job) == _expected(path)
    con = duckdb.connect(str(svc.db), read_only=True)
    try:
        parts, loaded = con.execute("SELECT count(*), count(*) FILTER (loaded) FROM chunk_parts WHERE ingest_job = ?",
                                    [job]).fetchone()
    finally:
        con.close()
    assert parts == loaded >= 5
