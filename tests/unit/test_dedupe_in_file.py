"""Duplicates and legs inside one file (issue 14), through the driver's own steps without Ray: identify,
plan, profile, process_chunk, the DuckDB sink, then duplicate detection.

tests/cases/dedupe/asterisk_copies_and_queue.csv (written here, Asterisk cdr_csv): rows 1, 2 and 5 are one
call written three times; rows 3, 4, 6, 7, 8 are the five legs of one queue call that rang five agents
(same caller, queue number 600 and start; `dstchannel` SIP/201..205); row 9 is another call of the pair of
rows 1/2/5, an hour later.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from raybench.dedupe import dedupe_job
from raybench.pipeline.local import read_local
from raybench.pipeline.transform import OUTPUT_SCHEMA, record_id
from raybench.sink.duckdb_sink import DuckDBSink

CASE = Path(__file__).resolve().parents[1] / "cases" / "dedupe" / "asterisk_copies_and_queue.csv"
JOB = "job-dedupe-case"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("dedupe") / "case.duckdb")
    sink = DuckDBSink(path)
    read = read_local(str(CASE), ingest_job=JOB)
    assert read.layout.id == "asterisk_master_csv"
    sink.write(pa.Table.from_pylist(read.rows, schema=OUTPUT_SCHEMA))
    summary = dedupe_job(sink.con, JOB)
    yield sink.con, read.file["sha256"], summary
    sink.close()


def rid(sha: str, row: int) -> str:
    return record_id(sha, row)


def test_every_copy_points_at_the_first_of_its_cluster(db):
    con, sha, _ = db
    got = dict(con.execute("SELECT source_row, duplicate_of FROM cdr WHERE duplicate_of IS NOT NULL").fetchall())
    assert got == {2: rid(sha, 1), 5: rid(sha, 1)}  # the third copy too, not only the first pair
    kinds = con.execute("SELECT record_id, duplicate_of, kind FROM duplicates ORDER BY record_id").fetchall()
    assert sorted(kinds) == sorted([(rid(sha, 2), rid(sha, 1), "exact"), (rid(sha, 5), rid(sha, 1), "exact")])


def test_queue_legs_are_one_call_not_duplicates(db):
    con, sha, _ = db
    legs = con.execute("SELECT record_id, call_id, leg, legs FROM call_legs ORDER BY leg").fetchall()
    assert legs == [(rid(sha, r), rid(sha, 3), i, 5) for i, r in enumerate((3, 4, 6, 7, 8), 1)]
    refs = con.execute("SELECT leg_ref FROM cdr WHERE source_row IN (3, 4, 6, 7, 8) ORDER BY source_row").fetchall()
    assert [r[0] for r in refs] == ["SIP/201", "SIP/202", "SIP/203", "SIP/204", "SIP/205"]


def test_another_call_of_the_same_pair_is_neither(db):
    con, sha, _ = db
    assert con.execute("SELECT duplicate_of FROM cdr WHERE source_row = 9").fetchone() == (None,)
    assert con.execute("SELECT count(*) FROM call_legs WHERE record_id = ?", [rid(sha, 9)]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM cdr").fetchone() == (9,)
