"""``raybench run`` as a Ray job: ``ray start --head``, then ``ray job submit --working-dir .``."""

from __future__ import annotations

import os
import socket
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_smoke_scenario_as_ray_job(tmp_path):
    env = dict(os.environ, RAY_AUTH_MODE="disabled", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
               RAYBENCH_CACHE=str(tmp_path / "cache"))
    dashboard = _free_port()
    ray_tmp = tempfile.mkdtemp(prefix="rb", dir="/tmp")  # Ray's socket paths must stay under 107 bytes
    start = subprocess.run(
        [str(BIN / "ray"), "start", "--head", "--num-cpus", "2", "--port", str(_free_port()),
         "--dashboard-port", str(dashboard), "--include-dashboard", "true", "--disable-usage-stats",
         "--temp-dir", ray_tmp],
        env=env, capture_output=True, text=True, timeout=180)
    assert start.returncode == 0, start.stderr[-2000:]
    try:
        env["RAY_ADDRESS"] = f"http://127.0.0.1:{dashboard}"
        job = subprocess.run(
            [str(BIN / "ray"), "job", "submit", "--working-dir", ".", "--",
             "raybench", "run", "scenarios/smoke.yaml"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        out = job.stdout + job.stderr
        assert job.returncode == 0, out[-4000:]
        assert "succeeded" in out
        assert "scenario smoke: targets" in out
        assert "MISS" not in out
        assert "field_accuracy" in out
    finally:
        from raybench.harness.cluster import stop_ray_processes

        stop_ray_processes(ray_tmp)  # this cluster only: `ray stop` would end every Ray on the machine
        shutil.rmtree(ray_tmp, ignore_errors=True)
