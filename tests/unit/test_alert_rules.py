"""The alert rules (cluster/prometheus/alerts.yml) checked and unit-tested by promtool, and in step with
the panels' thresholds (raybench.monitor.panels).

promtool is Debian's ``prometheus`` package; ``.ci/run`` installs it, so in CI these never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from raybench.monitor.panels import PANEL_BY_ID

RULES_DIR = Path(__file__).resolve().parents[2] / "cluster" / "prometheus"

needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None and not os.environ.get("CI"),
    reason="promtool not found: install Debian's `prometheus` package (.ci/run does; in CI a missing promtool fails)")


def _alerts() -> dict[str, dict]:
    doc = yaml.safe_load((RULES_DIR / "alerts.yml").read_text())
    return {r["alert"]: r for g in doc["groups"] for r in g["rules"] if "alert" in r}


@needs_promtool
def test_rules_pass_promtool_check():
    done = subprocess.run(["promtool", "check", "rules", str(RULES_DIR / "alerts.yml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_rules_pass_their_promtool_unit_tests():
    done = subprocess.run(["promtool", "test", "rules", "alerts_test.yml"], cwd=RULES_DIR,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_tested_firing_and_silent():
    tests = yaml.safe_load((RULES_DIR / "alerts_test.yml").read_text())["tests"]
    fired, silent = set(), set()
    for group in tests:
        for case in group.get("alert_rule_test", []):
            (fired if case.get("exp_alerts") else silent).add(case["alertname"])
    alerts = set(_alerts())
    assert alerts - fired == set(), "alerts no test makes fire"
    assert alerts - silent == set(), "alerts no test shows silent"


def test_every_alert_has_severity_summary_and_runbook_in_the_guide():
    guide = (RULES_DIR.parents[1] / "docs" / "monitoring.md").read_text()
    anchors = {"#" + re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
               for h in re.findall(r"^#+ (.+)$", guide, flags=re.M)}
    for name, rule in _alerts().items():
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert rule["annotations"]["summary"], name
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/monitoring.md#") and url[len("docs/monitoring.md"):] in anchors, (name, url)


@pytest.mark.parametrize(("alert", "panel", "level"), [
    ("RaybenchMemoryHigh", "memory", "warning"), ("RaybenchMemoryCritical", "memory", "critical"),
    ("RaybenchQueueDeep", "queue", "warning"), ("RaybenchQueueCritical", "queue", "critical"),
    ("RaybenchThroughputLow", "throughput", "warning"), ("RaybenchThroughputCritical", "throughput", "critical"),
    ("RaybenchClassificationAccuracyLow", "accuracy", "warning"),
    ("RaybenchClassificationAccuracyCritical", "accuracy", "critical"),
    ("RaybenchErrorRateHigh", "errors", "warning"), ("RaybenchErrorRateCritical", "errors", "critical"),
    ("RaybenchCPUHigh", "cpu", "warning"), ("RaybenchCPUCritical", "cpu", "critical"),
    ("RaybenchDiskBusy", "disk", "warning"), ("RaybenchDiskCritical", "disk", "critical"),
    ("RaybenchNetworkHigh", "network", "warning"), ("RaybenchNetworkCritical", "network", "critical"),
])
def test_alert_thresholds_are_the_panels(alert, panel, level):
    rule = _alerts()[alert]
    spec = PANEL_BY_ID[panel]
    op, number = re.search(r"([<>])\s*([0-9.e+]+)(?:\s|$)", rule["expr"].split(" and ")[0].strip() + " ").groups()
    assert op == (">" if spec.bad == "above" else "<")
    assert float(number) == pytest.approx(getattr(spec, level), rel=1e-9), (alert, number)
    assert rule["labels"]["severity"] == level
