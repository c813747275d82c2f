"""Ctrl-C during a long ingest (issue 18): SIGINT to the driver's process group after its first commit
gives one line (rows committed of the total, ``--resume JOB``), exit 130, no traceback; the manifest and
the file row say ``interrupted``; ``--resume`` then completes with every record exactly once."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from raybench.generate.production import generate_file
from raybench.harness.accounting import exact_accounting

BIN = Path(sys.executable).parent
CHUNK = 64 << 10
MESSAGE = re.compile(r"^raybench: interrupted: (\d+) of (\d+) rows committed; run the same command again to "
                     r"start over, or `raybench ingest --db (\S+) --resume (job-\S+)` to carry on from them$")


def _env() -> dict:
    return dict(os.environ, RAY_AUTH_MODE="disabled", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def _interrupt_after_first_commit(cmd: list[str], timeout_s: float = 300) -> tuple[int, str, str]:
    """Run ``cmd`` in a session of its own; once stderr says a commit happened, SIGINT the session (as
    Ctrl-C signals a terminal's foreground process group). Returns (exit status, stdout, stderr)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                            start_new_session=True)
    lines: list[str] = []
    committed = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if " rows committed (" in line:
                committed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert committed.wait(timeout_s), "no commit line on stderr:\n" + "".join(lines)[-3000:]
        os.killpg(proc.pid, signal.SIGINT)
        out = proc.stdout.read()
        rc = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=10)
    return rc, out, "".join(lines)


@pytest.mark.slow  # 43 s; run with -m slow (CI keeps the checkpoint resume tests)
def test_ctrl_c_says_what_is_committed_and_resume_completes_exactly(tmp_path):
    g = generate_file("att_mobility_voice", str(tmp_path), rows=60_000, seed=5, defect_rate=0.01)
    db = str(tmp_path / "cdr.duckdb")
    rc, out, err = _interrupt_after_first_commit(
        [str(BIN / "raybench"), "ingest", g.path, "--db", db, "--num-cpus", "2", "--chunk-size", str(CHUNK),
         "--commit-rows", "2000", "--results", str(tmp_path / "first.json")])
    assert rc == 130, err[-3000:]
    assert "Traceback" not in err and "Aborted" not in err and "RuntimeError" not in err, err[-3000:]
    final = [line for line in err.splitlines() if line.startswith("raybench:")]
    assert len(final) == 1, err[-3000:]
    # Ray's own lines (core_worker.cc, Ray Data, the token-auth notice) stay off stderr by default
    assert all(line.startswith(("ingest: ", "raybench: ")) for line in err.splitlines()), err[-3000:]
    m = MESSAGE.match(final[0])
    assert m, final[0]
    committed, total, db_named, job = int(m[1]), int(m[2]), m[3], m[4]
    assert (total, db_named) == (60_000, db)
    assert 0 < committed < total  # stopped after the first commit, before the end
    assert out == ""  # no summary table for a job that did not finish

    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT ingest_job, status, error FROM ingest_jobs").fetchall() == [
            (job, "interrupted", final[0][len("raybench: "):])]
        rows = con.execute("SELECT status, rows_stored, rows_quarantined FROM files").fetchall()
        stored = con.execute("SELECT count(*) FROM cdr").fetchone()[0]
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    assert stored + quarantined == committed  # what the message says is what the tables hold
    assert rows == [("interrupted", stored, quarantined)]

    resumed = subprocess.run([str(BIN / "raybench"), "ingest", "--db", db, "--resume", job, "--num-cpus", "2",
                              "--results", str(tmp_path / "resumed.json")],
                             capture_output=True, text=True, env=_env(), timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert all(line.startswith("ingest: ") for line in resumed.stderr.splitlines()), resumed.stderr[-3000:]
    doc = json.loads((tmp_path / "resumed.json").read_text())
    assert doc["job"] == job and doc["checkpoint"]["run"] == 2 and doc["checkpoint"]["chunks_skipped"] >= 1
    with duckdb.connect(db, read_only=True) as con:
        acc = exact_accounting(con, {g.path: g.truth_path})
        assert con.execute("SELECT status, runs FROM ingest_jobs").fetchall() == [("done", 2)]
        assert con.execute("SELECT status, rows_read FROM files").fetchall() == [("ok", 60_000)]
    assert acc["exact"], acc  # none lost, none twice
    assert acc["rows_stored"] + acc["rows_quarantined"] == 60_000
