"""Read-only snapshots (raybench.query.snapshot): a reader gets the committed data while a writer holds
the file, and publishing a snapshot leaves the writer's lock in place."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from raybench.errors import QueryError
from raybench.query import open_for_query, publish_snapshot, snapshot_path
from raybench.sink.duckdb_sink import DuckDBSink

READ = ("import sys\nfrom raybench.query import open_for_query\n"
        "with open_for_query(sys.argv[1]) as s:\n"
        "    print(s.snapshot, s.con.execute('SELECT count(*) FROM t').fetchall()[0][0])")


def _read_elsewhere(db: str) -> str:
    """What a reader in another process sees: '<snapshot?> <rows>' or the error."""
    r = subprocess.run([sys.executable, "-c", READ, db], capture_output=True, text=True, timeout=120)
    return r.stdout.strip() or r.stderr.strip().splitlines()[-1]


def test_reader_gets_the_snapshot_while_the_writer_holds_the_file(tmp_path):
    db = str(tmp_path / "w.duckdb")
    con = duckdb.connect(db)
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(10)")
    assert "no snapshot" in _read_elsewhere(db)  # held, nothing published yet
    out = publish_snapshot(con, db)
    assert out["path"] == snapshot_path(db) and out["bytes"] > 0
    con.execute("INSERT INTO t SELECT range FROM range(5)")  # committed after the snapshot: not in it
    assert _read_elsewhere(db) == "True 10"
    publish_snapshot(con, db)
    assert _read_elsewhere(db) == "True 15"
    # the writer still holds its lock after copying the file (an open/close in this process would drop it)
    r = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({db!r})"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0 and "lock" in r.stderr.lower()
    con.close()
    assert _read_elsewhere(db) == "False 15"  # no writer: the file itself


def test_the_sink_publishes_at_open_and_after_commits(tmp_path, monkeypatch):
    monkeypatch.setenv("RAYBENCH_SNAPSHOT_INTERVAL_S", "0.001")
    db = str(tmp_path / "s.duckdb")
    sink = DuckDBSink(db)
    assert len(sink.snapshots_s) == 1  # at open
    sink.con.execute("CREATE TABLE t (x INTEGER)")
    sink.con.execute("INSERT INTO t VALUES (1), (2)")
    sink.snapshot()
    assert _read_elsewhere(db) == "True 2"
    sink.close()
    monkeypatch.setenv("RAYBENCH_SNAPSHOT_INTERVAL_S", "0")
    sink = DuckDBSink(db)
    assert sink.snapshots_s == []
    sink.close()


def test_open_for_query_errors(tmp_path):
    with pytest.raises(QueryError, match="no such database"):
        open_for_query(str(tmp_path / "missing.duckdb"))
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(QueryError):
        with open_for_query(str(bad)) as s:
            s.con.execute("SELECT * FROM cdr")


def test_the_sink_drops_the_query_indexes_before_it_writes(tmp_path, caplog):
    from raybench.query.calls import has_party_indexes, create_party_indexes

    db = str(tmp_path / "i.duckdb")
    sink = DuckDBSink(db)
    create_party_indexes(sink.con)
    sink.close()
    with duckdb.connect(db, read_only=True) as c:
        assert has_party_indexes(c)
    sink = DuckDBSink(db)  # a later ingest: its commits must not pay for the indexes
    assert "dropped the query indexes cdr_caller, cdr_callee" in caplog.text
    with duckdb.connect(snapshot_path(db), read_only=True) as c:
        assert has_party_indexes(c)  # the snapshot readers get during the ingest still has them
    assert not has_party_indexes(sink.con)
    sink.close()
