"""The service scenario kind end to end: ``raybench run`` starts ``raybench serve`` and drives it with
Locust headless (a short run), and ``raybench readiness`` takes its jobs/min from the results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

RAYBENCH = os.path.join(os.path.dirname(sys.executable), "raybench")


@pytest.mark.slow  # 71 s: kept out of CI's 30 minutes (run with -m slow); the service's jobs and queue are tested in CI
def test_locust_scenario_results_and_readiness(tmp_path):
    scenario = tmp_path / "svc_short.yaml"
    scenario.write_text(
        "name: svc_short\n"
        "generate: {layouts: [att_mobility_voice], rows: 100, seed: 900, files: 12}\n"
        "service: {users: 3, spawn_rate: 3, run_time_s: 20, max_concurrent_jobs: 3, workers: 1}\n"
        "targets: {accounting_exact: '== 1', http_errors: '== 0'}\n")
    env = dict(os.environ, RAY_AUTH_MODE="disabled")
    out = subprocess.run([RAYBENCH, "run", str(scenario), "--out", str(tmp_path / "results"), "--cache",
                          str(tmp_path / "cache")], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (path,) = (tmp_path / "results").glob("svc_short-*/results.json")
    doc = json.loads(path.read_text())
    m = doc["metrics"]
    jobs = doc["service"]["jobs"]
    # every file was uploaded once and ended done (12 files, 20 s: the users run out of files first)
    assert m["jobs_done"] == m["jobs_submitted"] == 12 == len(jobs)
    assert m["rows_stored"] == 1200 and m["accounting_exact"] == 1.0 and m["http_errors"] == 0
    span_s = max(j["finished_utc"] for j in jobs) - min(j["submitted_utc"] for j in jobs)
    assert m["jobs_per_min"] == pytest.approx(12 / (span_s / 60))
    assert 1 <= m["concurrent_jobs_succeeded"] <= 3  # 3 users: never more than 3 in flight
    assert 0 < m["submit_to_done_p50_s"] <= m["submit_to_done_p95_s"] <= m["submit_to_done_p99_s"]
    done_row = next(r for r in doc["service"]["locust"] if r["Type"] == "JOB")
    assert int(done_row["Request Count"]) == 12 and int(done_row["Failure Count"]) == 0
    ready = subprocess.run([RAYBENCH, "readiness", str(path)], capture_output=True, text=True, timeout=120)
    line = next(x for x in ready.stdout.splitlines() if "jobs/min queue throughput" in x)
    from raybench.units import format_metric

    assert f"value {format_metric('jobs_per_min', m['jobs_per_min'])} jobs/min" in line and "svc_short" in line
