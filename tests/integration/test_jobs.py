"""`raybench jobs`: real Ray jobs (JobSubmissionClient) on a `ray start --head` cluster, several at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

BIN = Path(sys.executable).parent


@pytest.mark.slow  # 37 s; run with -m slow
@pytest.mark.integration
def test_concurrent_jobs_on_one_cluster(tmp_path, real_dir):
    env = dict(os.environ, RAY_AUTH_MODE="disabled", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run([str(BIN / "raybench"), "jobs", str(real_dir / "cdrstats_cdrimport_2015-10-26.csv"),
                           "--concurrent", "2", "--total", "3", "--num-cpus", "2", "--out", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    (run_dir,) = [p for p in tmp_path.iterdir() if p.name.startswith("jobs-")]
    doc = json.loads((run_dir / "results.json").read_text())
    assert doc["metrics"]["succeeded"] == 3 and doc["metrics"]["concurrent_jobs_succeeded"] == 2
    assert doc["metrics"]["jobs_per_min"] > 0
    for i in range(3):  # every job wrote its own database with the file's 5 records
        con = duckdb.connect(str(run_dir / f"job-{i}.duckdb"), read_only=True)
        assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 5
        con.close()
