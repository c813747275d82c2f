"""The Parquet sink (issue 20): workers write their chunks as Parquet parts and the driver commits only
which file holds which chunk. A parquet-sink job stores exactly what a duckdb-sink job stores (every
column of every table, compared as multisets), a worker that dies after writing its part leaves an
orphan that is never read, and a crashed driver resumes with the sink of its manifest. Every test ends
with the exact-accounting check against the generator's truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from raybench.faults.plan import FaultPlan
from raybench.generate.production import generate_file
from raybench.harness.accounting import exact_accounting
from raybench.harness.stores import compare_stores, stores_differ
from raybench.pipeline.job import IngestOptions, run_ingest

CHUNK = 96 << 10


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """30k AT&T records with 1% defects (about 33 chunks of 96 KiB)."""
    return generate_file("att_mobility_voice", str(tmp_path_factory.mktemp("parquet-sink")), rows=30_000, seed=21,
                         defect_rate=0.01)


def _ingest(g, folder, **kw) -> tuple[dict, str]:
    db = str(folder / "x.duckdb")
    out = run_ingest([g.path], IngestOptions(db=db, progress=False, results=str(folder / "r.json"),
                                             chunk_bytes=CHUNK, commit_rows=4000, **kw))
    return out, db


def _exact(db: str, g) -> dict:
    with duckdb.connect(db, read_only=True) as con:
        return exact_accounting(con, {g.path: g.truth_path})


@pytest.fixture(scope="module")
def duckdb_store(production, tmp_path_factory, ray_local):
    """The same file through the DuckDB sink: the store every parquet-sink job must equal."""
    out, db = _ingest(production, tmp_path_factory.mktemp("duckdb-sink"))
    assert out["sink"] == {"kind": "duckdb"}
    return db


@pytest.mark.parametrize("uri, load", [(False, "commit"), (True, "end")], ids=["local-folder", "file-uri-load-at-end"])
def test_a_parquet_sink_job_stores_what_a_duckdb_sink_job_stores(production, duckdb_store, tmp_path, uri, load):
    parts = f"file://{tmp_path / 'parts'}" if uri else None  # a URI goes through pyarrow's filesystems
    out, db = _ingest(production, tmp_path, sink="parquet", parts_path=parts, parts_load=load)
    report = compare_stores(duckdb_store, db)
    assert stores_differ(report) == 0, report
    assert report["cdr"]["rows_a"] > 29_000 and report["quarantine"]["rows_a"] > 100
    assert _exact(db, production)["exact"]
    sink = out["sink"]
    chunks = out["checkpoint"]["chunks_run"]
    assert chunks > 20
    assert (sink["kind"], sink["load_at"], sink["parts_loaded"], sink["parts_committed"], sink["parts_orphaned"]) == (
        "parquet", load, chunks, chunks, 0)
    assert sink["rows_cdr"] == out["totals"]["rows_stored"] and sink["rows_quarantine"] == out["totals"]["rows_quarantined"]
    assert out["dedupe"]["stream"]["used"]  # keys streamed from the parts as they committed
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*), count(*) FILTER (WHERE loaded), sum(rows) FROM chunk_parts").fetchone() == (
            chunks, chunks, 30_000)
        assert con.execute("SELECT status FROM ingest_jobs").fetchall() == [("done",)]
    root = str(tmp_path / "parts") if uri else db + ".parts"
    assert not os.path.exists(os.path.join(root, out["job"]))  # loaded and done: the parts are removed


@pytest.mark.parametrize("sink", ["parquet", "duckdb"])
def test_a_worker_that_dies_after_writing_its_output_counts_its_chunk_once(production, duckdb_store, tmp_path, sink):
    out, db = _ingest(production, tmp_path, sink=sink, batch_timeout_s=120,
                      faults=FaultPlan(crash_after_output_on_rows=(15_000,)))
    assert out["metrics"]["faults"]["attempts_max"] == 2  # the chunk ran again on the restarted actor
    assert _exact(db, production)["exact"]
    assert stores_differ(compare_stores(duckdb_store, db)) == 0
    if sink == "parquet":
        assert out["sink"]["parts_orphaned"] == 1  # the first attempt's file: written, never reported, never read
        assert out["sink"]["parts_loaded"] == out["checkpoint"]["chunks_run"]
    assert out["files"][0]["status"] == "ok"


def _cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, RAY_AUTH_MODE="disabled")
    return subprocess.run([sys.executable, "-m", "raybench", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.mark.parametrize("load", [pytest.param("end", marks=pytest.mark.slow), "commit"])  # [end]: 45 s, -m slow
def test_a_crashed_parquet_driver_resumes_with_the_sink_of_its_manifest(production, duckdb_store, tmp_path, load):
    db, results = str(tmp_path / "x.duckdb"), str(tmp_path / "resume.json")
    crashed = _cli("ingest", production.path, "--db", db, "--sink", "parquet", "--parts-load", load, "--chunk-size",
                   str(CHUNK), "--commit-rows", "4000", "--num-cpus", "2", "--no-progress",
                   "--fault", "driver_crash_after_commits=2")
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    with duckdb.connect(db, read_only=True) as con:
        parts, rows = con.execute("SELECT count(*), sum(rows) FROM chunk_parts").fetchone()
        loaded = con.execute("SELECT coalesce(sum(rows), 0) FROM chunk_parts WHERE loaded").fetchone()[0]
        stored = con.execute("SELECT (SELECT count(*) FROM cdr) + (SELECT count(*) FROM quarantine)").fetchone()[0]
        assert stored == loaded == (0 if load == "end" else rows)  # loaded with each commit, or not yet
        assert con.execute("SELECT sum(rows_written) FROM chunks").fetchone()[0] == rows
        job = con.execute("SELECT ingest_job FROM ingest_jobs").fetchone()[0]
    assert 8000 <= rows < 30_000
    resumed = _cli("ingest", "--db", db, "--resume", "--no-progress", "--num-cpus", "2", "--results", results)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    out = json.load(open(results))
    assert out["sink"]["kind"] == "parquet"  # from the manifest: --sink was not given again
    assert out["checkpoint"]["chunks_skipped"] == parts
    # this run loads its own parts, and the first run's when it had left them for the end: each once
    assert out["sink"]["parts_loaded"] == (parts if load == "end" else 0) + out["checkpoint"]["chunks_run"]
    assert _exact(db, production)["exact"]
    assert stores_differ(compare_stores(duckdb_store, db)) == 0
    assert not os.path.exists(os.path.join(db + ".parts", job))
