"""The README's cluster recipe, run as written in a clean shell: ``ray start --head``, then ``ray job
submit --working-dir .`` of the smoke scenario; its results must outlive the cluster.

The recipe's lines run unchanged in ``env -i bash -e`` from a copy of the working tree, except what a
machine shared with other clusters needs: its two port numbers become free ports (plus a temp folder and
a Ray Client port of the cluster's own), and ``ray stop``, which would end every Ray on the machine, is
left to the test, which stops only this cluster.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from raybench.harness.cluster import LocalCluster, free_port

REPO = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def readme_cluster_recipe() -> list[str]:
    """The lines of the README's code block that runs ``ray job submit``."""
    blocks = re.findall(r"^```\n(.*?)^```", (REPO / "README.md").read_text(), flags=re.M | re.S)
    (recipe,) = [b for b in blocks if "ray job submit" in b]
    return recipe.strip().splitlines()


def _fresh_copy(dest: Path) -> None:
    """The working tree as a clone would have it (tracked and untracked files that git does not ignore),
    with the tests' virtual environment as its ``.venv``."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src, dst = REPO / name, dest / name
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
    (dest / ".venv").symlink_to(VENV)


@pytest.mark.slow  # 43 s; run with -m slow (CI keeps ray start clusters in test_multinode)
@pytest.mark.integration
def test_readme_cluster_recipe_runs_as_written(tmp_path):
    lines = readme_cluster_recipe()
    assert lines[0] == ". .venv/bin/activate" and "export RAY_AUTH_MODE=disabled" in lines
    assert lines[-1] == "ray stop"
    gcs, dashboard, client = free_port(), free_port(), free_port()
    temp_dir = f"/tmp/rb-recipe-{os.getpid()}-{gcs}"  # short: Ray's socket paths are limited
    script, replaced = [], 0
    for line in lines:
        if line.startswith("ray start --head"):
            assert "--port 6379 --dashboard-port 8265" in line, line
            line = line.replace("--port 6379", f"--port {gcs}").replace("--dashboard-port 8265", f"--dashboard-port {dashboard}")
            line += f" --temp-dir={temp_dir} --ray-client-server-port={client}"
            replaced += 1
        elif line.startswith("ray job submit"):
            assert "http://127.0.0.1:8265" in line, line
            line = line.replace("http://127.0.0.1:8265", f"http://127.0.0.1:{dashboard}")
            replaced += 1
        elif line == "ray stop":
            line = ": ray stop is left to the test"
        script.append(line)
    assert replaced == 2
    clone = tmp_path / "clone"
    _fresh_copy(clone)
    (tmp_path / "recipe.sh").write_text("\n".join(script) + "\n")
    (tmp_path / "home").mkdir()
    try:
        run = subprocess.run(["env", "-i", f"HOME={tmp_path / 'home'}", "PATH=/usr/local/bin:/usr/bin:/bin",
                              "bash", "-e", str(tmp_path / "recipe.sh")],
                             cwd=clone, capture_output=True, text=True, timeout=900)
    finally:
        LocalCluster(f"127.0.0.1:{gcs}", None, temp_dir).stop()  # this cluster's processes only
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    assert "InvalidAuthToken" not in out and "Traceback" not in out, out[-5000:]
    assert "succeeded" in out and "scenario smoke: targets" in out and "MISS" not in out, out[-5000:]
    # the results outlive the cluster (stopped above), in the repository's results/
    (run_dir,) = (clone / "results").iterdir()
    assert run_dir.name.startswith("smoke-") and f"{run_dir.name}\n" in run.stdout  # `ls results/` shows it
    doc = json.loads((run_dir / "results.json").read_text())
    assert doc["passed"] is True and doc["metrics"]["field_accuracy"] == 1.0
    assert (run_dir / "report.html").is_file()
    assert f"results: {run_dir / 'results.json'}" in out
