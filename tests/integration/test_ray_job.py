"""``raybench run`` as a Ray job: ``ray start --head``, then ``ray job submit --working-dir .``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from raybench.harness.cluster import local_cluster

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.integration
def test_smoke_scenario_as_ray_job(tmp_path):
    env = dict(os.environ, RAY_AUTH_MODE="disabled", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
               RAYBENCH_CACHE=str(tmp_path / "cache"))
    # `ray start --head` in its own temp folder and ports; stopped alone (`ray stop` would end every Ray)
    with local_cluster(cpus_per_node=2, dashboard=True) as cluster:
        env["RAY_ADDRESS"] = cluster.dashboard_url
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
