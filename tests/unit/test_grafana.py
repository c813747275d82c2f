"""The Grafana dashboard (cluster/grafana/raybench-dashboard.json): what raybench.monitor.grafana builds
with grafana-foundation-sdk, one panel per plan panel with its PromQL (valid for promtool), unit and
thresholds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from raybench.monitor.grafana import build_dashboard, threshold_steps
from raybench.monitor.panels import PANELS

SHIPPED = Path(__file__).resolve().parents[2] / "cluster" / "grafana" / "raybench-dashboard.json"


def test_shipped_dashboard_is_the_built_one():
    pytest.importorskip("grafana_foundation_sdk")
    assert json.loads(SHIPPED.read_text()) == build_dashboard(), \
        "regenerate: python -m raybench.monitor.grafana > cluster/grafana/raybench-dashboard.json"


def test_one_panel_per_plan_panel_with_its_thresholds():
    board = json.loads(SHIPPED.read_text())
    panels = board["panels"]
    assert [p["title"] for p in panels] == [p.title for p in PANELS]
    for spec, panel in zip(PANELS, panels):
        assert panel["type"] == "timeseries" and panel["datasource"]["uid"] == "${datasource}"
        assert [t["expr"] for t in panel["targets"]] == [spec.promql]
        steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        assert [(s["value"], s["color"]) for s in steps] == threshold_steps(spec)
        values = [s["value"] for s in steps[1:]]
        assert values == sorted(values), "Grafana needs the steps in ascending order"
    cells = {(p["gridPos"]["x"], p["gridPos"]["y"]) for p in panels}
    assert len(cells) == len(panels), "panels overlap"
    assert {v["name"] for v in board["templating"]["list"]} == {"datasource"}


@pytest.mark.skipif(shutil.which("promtool") is None and not os.environ.get("CI"),
                    reason="promtool not found (Debian's prometheus; .ci/run installs it)")
def test_panel_expressions_are_valid_promql(tmp_path):
    rules = {"groups": [{"name": "panels", "rules": [
        {"record": f"raybench:panel_{p.id}", "expr": p.promql} for p in PANELS]}]}
    (tmp_path / "panels.yml").write_text(yaml.safe_dump(rules))
    done = subprocess.run(["promtool", "check", "rules", str(tmp_path / "panels.yml")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
