"""Queries answered while a real ingest (another process, embedded Ray) holds the database's writer: they
read the snapshots the writer publishes, and each snapshot holds whole commits only (issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from raybench.errors import QueryError
from raybench.generate.production import generate_file
from raybench.query import open_for_query, run_query, snapshot_path


def _seen(db: str) -> tuple[bool, int, int] | None:
    """(from a snapshot?, cdr + quarantine rows, rows the checkpoint says were committed)."""
    try:
        with open_for_query(db) as s:
            rows = s.con.execute("SELECT (SELECT count(*) FROM cdr) + (SELECT count(*) FROM quarantine)").fetchall()[0][0]
            committed = s.con.execute("SELECT coalesce(sum(rows_written), 0) FROM chunks").fetchall()[0][0]
            return s.snapshot, int(rows), int(committed)
    except QueryError:
        return None


def test_queries_read_committed_snapshots_while_an_ingest_writes(tmp_path):
    made = generate_file("att_mobility_voice", str(tmp_path / "data"), rows=80_000, seed=17)
    db = str(tmp_path / "live.duckdb")
    env = dict(os.environ, RAYBENCH_SNAPSHOT_INTERVAL_S="0.2", RAY_AUTH_MODE="disabled")
    ingest = subprocess.Popen(
        [sys.executable, "-m", "raybench", "ingest", made.path, "--db", db, "--commit-rows", "4000",
         "--chunk-size", "256KiB", "--workers", "1", "--num-cpus", "2", "--no-progress",
         "--results", str(tmp_path / "r.json")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, cli = [], None
    try:
        deadline = time.monotonic() + 600
        while not os.path.exists(snapshot_path(db)):  # the writer holds the file before it publishes
            assert ingest.poll() is None, ingest.stdout.read()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.1)
        while ingest.poll() is None and time.monotonic() < deadline:
            if (s := _seen(db)) is not None and s[0]:
                seen.append(s)
                if cli is None and 0 < s[1]:  # once rows are in, ask through the command line too
                    cli = subprocess.run([sys.executable, "-m", "raybench", "query", "counts", "--db", db, "--json"],
                                         capture_output=True, text=True, timeout=300)
            time.sleep(0.2)
        out, _ = ingest.communicate(timeout=600)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, out[-3000:]
    final = _seen(db)
    assert final is not None and final[0] is False  # the writer is gone: the file itself
    with open(tmp_path / "r.json") as f:
        totals = json.load(f)["totals"]
    assert final[1] == totals["rows_read"] == 80_000
    counts = [s[1] for s in seen]
    assert counts == sorted(counts) and all(c <= final[1] for c in counts)
    partial = sorted({c for c in counts if 0 < c < final[1]})
    assert partial, f"no snapshot caught the ingest half-way: {counts}"
    assert all(rows == committed for _, rows, committed in seen), "a snapshot held part of a commit"
    assert cli is not None and cli.returncode == 0, cli and cli.stderr
    assert "reading its snapshot" in cli.stderr
    assert json.loads(cli.stdout)[0]["records"] <= final[1]
    with open_for_query(db) as s:
        assert run_query(s.con, "counts").to_pylist()[0]["records"] == totals["rows_stored"]
