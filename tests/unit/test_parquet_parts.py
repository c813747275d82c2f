"""The Parquet sink's parts (issue 20): a part file holds a chunk's rows as the worker made them, a
chunk's report is committed once with its checkpoint, an attempt whose report never came is never read,
and loading copies exactly the committed parts into ``cdr`` and ``quarantine``."""

from __future__ import annotations

import datetime as dt
import json
import os
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from raybench.errors import ConfigError, IngestError
from raybench.pipeline import checkpoint
from raybench.pipeline.job import AUTO_PARQUET_BYTES, resolve_sink
from raybench.pipeline.options import IngestOptions, validate_options
from raybench.pipeline.worker import worker_schema
from raybench.sink.duckdb_sink import DuckDBSink
from raybench.sink.parquet_parts import (PART_REPORT_SCHEMA, default_parts_root, orphan_parts, read_parts,
                                         report_rows, write_part)

JOB = "job-parts"
SHA = "ab" * 32


def _rows(chunk: str, first_row: int, n: int, bad: set[int] = frozenset(), flagged: set[int] = frozenset()) -> pa.Table:
    """Worker output of one chunk: ``n`` rows from ``first_row``; rows in ``bad`` quarantined (a reason
    and their raw text), rows in ``flagged`` stored with a flag."""
    rows = []
    for r in range(first_row, first_row + n):
        rows.append({
            "record_id": f"{r:032x}", "source_file": "/in/att.csv", "source_sha256": SHA, "source_row": r,
            "carrier": "att", "layout": "att_mobility_voice", "record_type": "voice", "direction": "outgoing",
            "start_utc": dt.datetime(2024, 3, 10, 7, 30, r % 60, tzinfo=dt.timezone.utc), "start_raw": f"r{r}",
            "duration_s": r * 7, "caller": "+13125550100", "callee": f"+1312555{r:04d}", "ingest_job": JOB,
            "flags": ["duration_long"] if r in flagged else [], "raw": f"raw line {r}" if r in bad else None,
            "reasons": ["number_invalid: callee"] if r in bad else [], "chunk_id": chunk})
    return pa.Table.from_pylist(rows, schema=worker_schema())


def _plan(*chunks: tuple[str, int, int]):
    return [SimpleNamespace(chunk_id=c, ingest_job=JOB, sha256=SHA, first_row=f, n_records=n) for c, f, n in chunks]


def test_a_part_holds_the_chunk_rows_as_written_and_reports_their_outcomes(tmp_path):
    table = _rows("abababababab:0", 1, 5, bad={2, 4}, flagged={3, 4})
    report = write_part(table, str(tmp_path), JOB, "abababababab:0", 3)
    assert report.schema == PART_REPORT_SCHEMA
    row = report.to_pylist()[0]
    assert row["rows"] == 5 and row["rows_quarantined"] == 2
    assert row["rows_flagged"] == 1  # row 4 is flagged but quarantined: counted as quarantined only
    assert json.loads(row["reason_counts"]) == {"number_invalid: callee": 2}
    assert row["part_path"].startswith(os.path.join(str(tmp_path), JOB, "abababababab-0", "attempt-3-"))
    assert row["part_bytes"] == os.path.getsize(row["part_path"])
    assert pq.read_table(row["part_path"]).equals(table)  # every column, every type, every value
    assert report_rows(report) == 5 and report_rows(table) == 5


def test_the_default_root_is_beside_the_database_and_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_parts_root("out/cdr.duckdb") == str(tmp_path / "out" / "cdr.duckdb.parts")


def _sink(tmp_path, root, load_at: str = "end") -> DuckDBSink:
    sink = DuckDBSink(str(tmp_path / "cdr.duckdb"), flush_rows=1_000_000)
    sink.snapshot_interval_s = 0.0
    sink.use_parts(root, load_at)
    return sink


@pytest.mark.parametrize("uri", [False, True], ids=["local-path", "file-uri"])
def test_a_chunk_counts_once_whatever_attempts_wrote(tmp_path, uri):
    root = f"file://{tmp_path / 'parts'}" if uri else str(tmp_path / "parts")
    sink = _sink(tmp_path, root)
    sink.expect_chunks(_plan(("c:0", 1, 4), ("c:1", 5, 3)))
    a0 = _rows("c:0", 1, 4, bad={2})
    write_part(a0, root, JOB, "c:0", 1)  # attempt 1 died after writing: no report, an orphan
    sink.add(write_part(a0, root, JOB, "c:0", 2))
    again = write_part(a0, root, JOB, "c:0", 3)  # the same chunk reported twice: refused
    b = _rows("c:1", 5, 3, flagged={6})
    sink.add(pa.concat_tables([again, write_part(b, root, JOB, "c:1", 1)]))
    assert sink.rows_dropped_duplicate == 4
    sink.flush()
    con = sink.con
    assert con.execute("SELECT chunk_id, rows_written FROM chunks ORDER BY 1").fetchall() == [("c:0", 4), ("c:1", 3)]
    assert checkpoint.committed_chunks(con, JOB, SHA) == {"c:0", "c:1"}
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 0  # nothing read before the load
    summary = sink.load_parts(JOB)
    assert (summary["parts_loaded"], summary["rows_cdr"], summary["rows_quarantine"]) == (2, 6, 1)
    assert summary["parts_orphaned"] == 2 and summary["reports_refused"] == 1
    assert con.execute("SELECT list(source_row ORDER BY source_row) FROM cdr").fetchone()[0] == [1, 3, 4, 5, 6, 7]
    assert con.execute("SELECT source_row, raw, reasons FROM quarantine").fetchall() == [
        (2, "raw line 2", ["number_invalid: callee"])]
    assert con.execute("SELECT flags FROM cdr WHERE source_row = 6").fetchone()[0] == ["duration_long"]
    assert con.execute("SELECT start_utc, duration_s FROM cdr WHERE source_row = 7").fetchone() == (
        dt.datetime(2024, 3, 10, 7, 30, 7, tzinfo=dt.timezone.utc), 49)
    assert sink.load_parts(JOB)["parts_loaded"] == 2  # loaded once: a second load copies nothing more
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 6
    sink.remove_parts(JOB)
    assert not os.path.exists(tmp_path / "parts" / JOB)
    sink.close()


def test_loading_at_each_commit_loads_what_that_commit_named(tmp_path):
    sink = _sink(tmp_path, str(tmp_path / "parts"), load_at="commit")
    sink.expect_chunks(_plan(("c:0", 1, 4), ("c:1", 5, 3)))
    sink.add(write_part(_rows("c:0", 1, 4, bad={3}), sink.parts.root, JOB, "c:0", 1))
    sink.flush()
    con = sink.con
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 3  # loaded with the commit
    assert con.execute("SELECT chunk_id, loaded FROM chunk_parts").fetchall() == [("c:0", True)]
    sink.add(write_part(_rows("c:1", 5, 3), sink.parts.root, JOB, "c:1", 1))
    sink.flush()
    summary = sink.load_parts(JOB)  # after the last batch: nothing left
    assert (summary["load_at"], summary["parts_loaded"], summary["rows_cdr"], summary["rows_quarantine"]) == (
        "commit", 2, 6, 1)
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 6
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
    sink.close()


def test_a_report_with_another_row_count_than_the_plan_is_refused(tmp_path):
    sink = _sink(tmp_path, str(tmp_path / "parts"))
    sink.expect_chunks(_plan(("c:0", 1, 5)))
    with pytest.raises(IngestError, match=r"4 rows for chunk c:0, whose plan has 5 records"):
        sink.add(write_part(_rows("c:0", 1, 4), sink.parts.root, JOB, "c:0", 1))
    with pytest.raises(IngestError, match="which this job did not plan"):
        sink.add(write_part(_rows("c:9", 1, 4), sink.parts.root, JOB, "c:9", 1))
    sink.close()


def test_a_missing_part_loads_nothing(tmp_path):
    sink = _sink(tmp_path, str(tmp_path / "parts"))
    sink.expect_chunks(_plan(("c:0", 1, 3), ("c:1", 4, 3)))
    first = write_part(_rows("c:0", 1, 3), sink.parts.root, JOB, "c:0", 1)
    second = write_part(_rows("c:1", 4, 3), sink.parts.root, JOB, "c:1", 1)
    sink.add(pa.concat_tables([first, second]))
    sink.flush()
    os.remove(second.column("part_path")[0].as_py())
    with pytest.raises(IngestError, match="could not load its Parquet parts"):
        sink.load_parts(JOB)
    assert sink.con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 0
    assert sink.con.execute("SELECT count(*) FROM chunk_parts WHERE loaded").fetchone()[0] == 0
    sink.close()


def test_forgetting_a_file_forgets_its_parts_too(tmp_path):
    sink = _sink(tmp_path, str(tmp_path / "parts"))
    sink.expect_chunks(_plan(("c:0", 1, 3)))
    report = write_part(_rows("c:0", 1, 3), sink.parts.root, JOB, "c:0", 1)
    sink.add(report)
    sink.flush()
    checkpoint.forget_file(sink.con, JOB, SHA)
    assert sink.con.execute("SELECT count(*) FROM chunk_parts").fetchone()[0] == 0
    assert orphan_parts(sink.con, sink.parts.root, JOB) == [report.column("part_path")[0].as_py()]
    assert sink.load_parts(JOB)["parts_loaded"] == 0
    sink.close()


def test_read_parts_reads_the_columns_asked(tmp_path):
    r1 = write_part(_rows("c:0", 1, 3), str(tmp_path), JOB, "c:0", 1)
    r2 = write_part(_rows("c:1", 4, 2), str(tmp_path), JOB, "c:1", 1)
    got = read_parts([r1.column("part_path")[0].as_py(), r2.column("part_path")[0].as_py()], ["source_row", "reasons"])
    assert got.column_names == ["source_row", "reasons"]
    assert sorted(got.column("source_row").to_pylist()) == [1, 2, 3, 4, 5]


def test_an_unknown_sink_is_refused_naming_the_option(tmp_path):
    with pytest.raises(ConfigError, match=r"'--sink': 'lake' must be one of auto, duckdb, parquet"):
        validate_options(IngestOptions(db=str(tmp_path / "x.duckdb"), sink="lake"))


def test_a_resumed_job_takes_its_sink_and_parts_from_the_manifest():
    options = IngestOptions(db="x.duckdb")  # --sink not given again: the default
    checkpoint.apply_manifest_options(options, {"sink": "parquet", "parts_path": "/shared/parts", "tz": None})
    assert (options.sink, options.parts_path) == ("parquet", "/shared/parts")


def test_auto_sink_takes_parquet_for_a_large_local_input_only(tmp_path, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"x" * 1000)
    with open(large, "wb") as f:  # sparse: the size is what counts
        f.truncate(AUTO_PARQUET_BYTES)

    def resolved(paths, **kw):
        o = IngestOptions(db=str(tmp_path / "x.duckdb"), **kw)
        return resolve_sink(o, [str(p) for p in paths]), o.sink

    assert resolved([small]) == ("duckdb", "duckdb")
    assert resolved([large]) == ("parquet", "parquet")
    assert resolved([tmp_path]) == ("parquet", "parquet")  # a folder counts its data files
    # a cluster's nodes may not reach DB.parts: only with --parts
    assert resolved([large], address="ray://head:10001") == ("duckdb", "duckdb")
    assert resolved([large], address="ray://head:10001", parts_path="s3://b/p") == ("parquet", "parquet")
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")  # `ray job submit`: the driver joins that cluster
    assert resolved([large]) == ("duckdb", "duckdb")
    assert resolved([large], parts_path="/shared/parts") == ("parquet", "parquet")
    monkeypatch.delenv("RAY_ADDRESS")
    assert resolved([large], sink="duckdb") == ("duckdb", "duckdb")  # a sink asked for is kept
    assert resolved([small], sink="parquet") == ("parquet", "parquet")
    assert resolved([tmp_path / "missing.csv"]) == ("duckdb", "duckdb")
    o = IngestOptions(db=str(tmp_path / "x.duckdb"))
    assert resolve_sink(o, [str(small)], parquet_bytes=1000) == "parquet"


def test_parts_are_loaded_in_the_files_row_order_not_by_chunk_id(tmp_path):
    # twelve chunks reported in reverse: by chunk_id "c:10" and "c:11" would sort before "c:2"
    sink = _sink(tmp_path, str(tmp_path / "parts"))
    chunks = [(f"c:{i}", 1 + 3 * i, 3) for i in range(12)]
    sink.expect_chunks(_plan(*chunks))
    for chunk, first, n in reversed(chunks):
        sink.add(write_part(_rows(chunk, first, n), sink.parts.root, JOB, chunk, 1))
    sink.flush()
    sink.con.execute("SET threads = 1")  # one thread appends the parts as read: the order is the read order
    assert sink.load_parts(JOB)["parts_loaded"] == 12
    assert sink.con.execute("SELECT list(source_row ORDER BY rowid) FROM cdr").fetchone()[0] == list(range(1, 37))
    sink.close()
