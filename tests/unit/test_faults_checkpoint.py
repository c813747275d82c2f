"""Fault plans, the sink's chunk checkpoint and duplicate guard, resume bookkeeping, exact accounting."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pyarrow as pa
import pytest

from raybench.errors import ConfigError
from raybench.faults.inject import InjectedFault, WorkerFaults
from raybench.faults.plan import ALWAYS, FaultPlan, parse_fault_pairs, parse_fault_plan
from raybench.harness.accounting import exact_accounting
from raybench.pipeline import checkpoint
from raybench.pipeline.transform import record_id
from raybench.pipeline.worker import worker_schema
from raybench.read.chunk import ChunkDescriptor
from raybench.sink.duckdb_sink import DuckDBSink


def test_fault_pairs_are_parsed():
    plan = parse_fault_pairs(["kill_actor_every_s=2.5", "raise_on_rows=3,9", "raise_times=always",
                              "memory_headroom=2GiB"])
    assert plan == FaultPlan(kill_actor_every_s=2.5, raise_on_rows=(3, 9), raise_times=ALWAYS,
                             memory_headroom=2 * 2**30)
    assert plan.worker_part()["raise_on_rows"] == [3, 9] and not plan.empty and FaultPlan().empty


@pytest.mark.parametrize("doc, message", [
    ({"kill_everything": 1}, "fault key 'faults.kill_everything' is not known; allowed: crash_after_output_on_rows, crash_on_rows"),
    ({"raise_on_rows": [0]}, "fault key 'faults.raise_on_rows': [0] is not a valid value"),
    ({"kill_actor_every_s": -1}, "fault key 'faults.kill_actor_every_s': -1 is not a valid value"),
    ({"memory_usage_threshold": 1.5}, "fault key 'faults.memory_usage_threshold': 1.5 is not a valid value"),
])
def test_bad_fault_plans_name_the_key(doc, message):
    with pytest.raises(ConfigError) as err:
        parse_fault_plan(doc)
    assert message in str(err.value)


def test_cli_pair_without_equals_is_refused():
    with pytest.raises(ConfigError, match="--fault 'kill' must be KEY=VALUE"):
        parse_fault_pairs(["kill"])


def test_worker_raises_only_in_the_chunk_holding_the_row_and_only_on_early_tries():
    faults = WorkerFaults(FaultPlan(raise_on_rows=(150,), raise_times=1).worker_part())
    first, second = _items("aa")[0], _items("aa")[0]
    first, second = replace(first, first_row=1, n_records=149), replace(second, first_row=150, n_records=10)
    faults.before_chunk(first, attempt=1, try_no=1)  # rows 1-149: no fault
    with pytest.raises(InjectedFault, match="row 150"):
        faults.before_chunk(second, attempt=1, try_no=1)
    faults.before_chunk(second, attempt=1, try_no=2)  # transient: 2nd try passes


def _rows(sha: str, chunk: str, rows: range, bad: set[int] = frozenset()) -> pa.Table:
    schema = worker_schema()
    n = len(rows)
    cols = {f.name: pa.nulls(n, f.type) for f in schema}
    cols.update({
        "record_id": pa.array([record_id(sha, r) for r in rows]), "source_file": pa.array(["f.csv"] * n),
        "source_sha256": pa.array([sha] * n), "source_row": pa.array(list(rows), pa.int64()),
        "ingest_job": pa.array(["job-1"] * n), "chunk_id": pa.array([chunk] * n),
        "raw": pa.array([("x" if r in bad else None) for r in rows]),
        "reasons": pa.array([(["bad"] if r in bad else []) for r in rows], pa.list_(pa.string())),
    })
    return pa.table(cols, schema=schema)


def _items(sha: str) -> list[ChunkDescriptor]:
    return [ChunkDescriptor(chunk_id=f"{sha}:{i}", format="delimited", path="/x.csv", source_file="x.csv",
                            sha256=sha, ingest_job="job-1", layout="x", layout_key="x", first_row=1 + 10 * i,
                            n_records=10, encoding="utf-8") for i in range(3)]


def test_a_chunk_delivered_twice_is_stored_once(tmp_path):
    sink = DuckDBSink(str(tmp_path / "x.duckdb"), flush_rows=1000)
    sink.expect_chunks(_items("aa"))
    sink.add(_rows("aa", "aa:0", range(1, 11), bad={4}))
    sink.add(_rows("aa", "aa:0", range(1, 11), bad={4}))  # Ray delivered it again
    sink.add(_rows("aa", "aa:1", range(11, 21)))
    sink.flush()
    assert sink.rows_dropped_duplicate == 10
    assert sink.con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone() == (19, 19)
    assert sink.con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
    assert checkpoint.committed_chunks(sink.con, "job-1", "aa") == {"aa:0", "aa:1"}
    sink.close()


def test_commits_are_checkpoints_and_resume_forgets_only_partial_chunks(tmp_path):
    sink = DuckDBSink(str(tmp_path / "x.duckdb"), flush_rows=1000)
    sink.expect_chunks(_items("bb"))
    commits = []
    sink.on_commit = commits.append
    sink.add(_rows("bb", "bb:0", range(1, 11)))
    sink.add(_rows("bb", "bb:1", range(11, 16)))  # half of chunk 1 (Ray split its output block)
    sink.flush()
    assert commits == [1]
    assert checkpoint.committed_chunks(sink.con, "job-1", "bb") == {"bb:0"}
    keep = checkpoint.committed_chunks(sink.con, "job-1", "bb")
    assert checkpoint.forget_uncommitted(sink.con, "job-1", "bb", keep) == 5
    assert sink.con.execute("SELECT min(source_row), max(source_row), count(*) FROM cdr").fetchone() == (1, 10, 10)
    sink.close()


def test_the_queue_commits_at_its_byte_cap_before_its_row_count(tmp_path):
    one = _rows("cc", "cc:0", range(1, 11))
    sink = DuckDBSink(str(tmp_path / "x.duckdb"), flush_rows=1000, flush_bytes=2 * one.nbytes)
    sink.expect_chunks(_items("cc"))
    commits = []
    sink.on_commit = commits.append
    sink.add(one)
    assert commits == []                         # 10 rows, half the byte cap: still queued
    sink.add(_rows("cc", "cc:1", range(11, 21)))
    assert commits == [1]                        # the cap is reached at 20 of 1000 rows: committed
    assert sink.con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 20
    sink.add(_rows("cc", "cc:2", range(21, 31)))
    assert commits == [1]
    sink.close()
    assert commits == [1, 2]
    assert checkpoint.committed_chunks(duckdb.connect(str(tmp_path / "x.duckdb")), "job-1", "cc") == {"cc:0", "cc:1", "cc:2"}


def test_a_failed_commit_leaves_neither_rows_nor_checkpoint(tmp_path):
    sink = DuckDBSink(str(tmp_path / "x.duckdb"), flush_rows=1000)
    sink.expect_chunks(_items("cc"))
    sink.add(_rows("cc", "cc:0", range(1, 11)))
    sink.con.execute("CREATE TABLE chunks_backup AS SELECT * FROM chunks")
    sink.con.execute("DROP TABLE chunks")  # the checkpoint insert fails inside the transaction
    with pytest.raises(duckdb.Error):
        sink.flush()
    assert sink.con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 0
    sink.con.close()


def test_resume_target_and_manifest(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    from raybench.schema import ALL_DDL

    for ddl in ALL_DDL:
        con.execute(ddl)
    with pytest.raises(ConfigError, match="no unfinished job"):
        checkpoint.resume_target(con, None)
    assert checkpoint.start_job(con, "job-a", ["a.csv"], {"chunk_bytes": 65536}) == 1
    assert checkpoint.resume_target(con, None) == ("job-a", ["a.csv"], {"chunk_bytes": 65536})
    assert checkpoint.start_job(con, "job-a", ["a.csv"], {}) == 2
    checkpoint.finish_job(con, "job-a", "done")
    with pytest.raises(ConfigError, match="finished already"):
        checkpoint.resume_target(con, "job-a")
    with pytest.raises(ConfigError, match="--resume job-zz: no such job"):
        checkpoint.resume_target(con, "job-zz")


def test_exact_accounting_finds_missing_extra_and_duplicated_rows(tmp_path):
    truth = tmp_path / "t.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"source_row": list(range(1, 11))}), truth)
    sink = DuckDBSink(str(tmp_path / "x.duckdb"))
    sink.write(_rows("dd", "dd:0", range(1, 9), bad={2}).drop(["chunk_id"]))  # rows 1-8 (2 quarantined)
    ok = exact_accounting(sink.con, {"f.csv": str(truth)})
    assert (ok["missing"], ok["extra"], ok["duplicated"], ok["exact"]) == (2, 0, 0, False)
    sink.write(_rows("dd", "dd:1", range(8, 13)).drop(["chunk_id"]))  # 8 again, 9-10, and 11-12 extra
    got = exact_accounting(sink.con, {"f.csv": str(truth)})
    assert (got["missing"], got["extra"], got["duplicated"], got["duplicate_record_ids"]) == (0, 2, 1, 1)
    sink.close()


def test_resume_forgets_rows_of_a_file_that_changed_since_the_crash(tmp_path):
    sink = DuckDBSink(str(tmp_path / "x.duckdb"), flush_rows=1000)
    sink.expect_chunks(_items("old") + _items("new"))
    sink.add(_rows("old", "old:0", range(1, 11)))  # the crashed run read the file's earlier content
    sink.add(_rows("new", "new:0", range(1, 11)))
    sink.flush()
    assert checkpoint.forget_other_files(sink.con, "job-1", {"new"}) == 10
    assert sink.con.execute("SELECT DISTINCT source_sha256 FROM cdr").fetchall() == [("new",)]
    assert checkpoint.committed_chunks(sink.con, "job-1", "old") == set()
    sink.close()
