"""`raybench run`: results, time series, HTML report (rendered in headless Chromium), exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time

import polars as pl
import pytest
from click.testing import CliRunner

from raybench.cli import main
from raybench.harness.report_html import PLOTS

pytestmark = pytest.mark.usefixtures("ray_local")

SCENARIO = """
name: tiny
description: two layouts, 400 rows each
generate: {layouts: [sprint_cdma, asterisk_master_csv], rows: 400, seed: 4, defect_rate: 0.05, duplicates: true}
ingest: {chunk_size: 8KiB}
targets:
  rows_accounted_ratio: "== 1"
  field_accuracy: ">= 1.0"
  quarantine_recall: ">= 1.0"
  classification_accuracy: ">= 1.0"
  wall_s: "%s"
"""


def _run(tmp_path, wall_target: str):
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO % wall_target)
    return CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "results"),
                                     "--cache", str(tmp_path / "cache")])


@pytest.fixture(scope="module")
def passed_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("harness")
    result = _run(tmp_path, "<= 600")
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / "results").iterdir()
    return run_dir


@pytest.fixture(scope="module")
def second_run(passed_run):
    """The same scenario run again into the same results folder: its report compares with the first."""
    time.sleep(1.1)  # created_utc has whole seconds: the runs are ordered by it
    result = _run(passed_run.parents[1], "<= 600")
    assert result.exit_code == 0, result.output
    (run_dir,) = [d for d in (passed_run.parent).iterdir() if d != passed_run]
    return run_dir


def test_results_and_timeseries(passed_run):
    doc = json.loads((passed_run / "results.json").read_text())
    assert doc["schema_version"] == 1 and doc["passed"] is True
    m = doc["metrics"]
    # 800 base records plus their labelled copies and hard negatives, every one accounted for exactly
    assert m["rows_read"] == doc["accounting"]["rows_truth"] > 800 and m["accounting_exact"] == 1.0
    assert m["classification_accuracy"] == 1.0 and m["duplicate_recall"] == 1.0 and m["duplicate_precision"] >= 0.99
    assert m["validation_coverage"] == 1.0 and m["error_rate"] == 0.0
    assert m["template_match_rate"] == 0.0 and 0 < m["classification_latency_p95_ms"] < 5000
    assert {t["metric"] for t in doc["targets"]} == {"rows_accounted_ratio", "field_accuracy", "quarantine_recall",
                                                     "classification_accuracy", "wall_s"}
    readiness = {v["criterion"]: v for v in doc["readiness"]}
    assert len(readiness) == 9
    assert readiness["validation coverage >= 0.98"]["met"] and readiness["validation coverage >= 0.98"]["value"] == 1.0
    assert readiness["1M rows ingested in <= 1800 s"]["value"] is None  # 800 rows are no evidence for 1M
    ts = pl.read_parquet(passed_run / "timeseries.parquet")
    assert ts.height >= 1 and {"t_s", "pss_bytes", "rows_done", "cpu_pct"} <= set(ts.columns)
    assert ts["rows_done"].max() == m["rows_read"]


def test_impossible_target_exits_1(tmp_path):
    result = _run(tmp_path, "<= 0.001")
    assert result.exit_code == 1, result.output
    assert "missed targets" in result.output


@pytest.mark.skipif(shutil.which("chromium") is None and not os.environ.get("CI"),
                    reason="Debian's chromium is installed by .ci/run (in CI a missing browser fails the test)")
def test_report_renders_in_headless_chromium(passed_run):
    profile = tempfile.mkdtemp()
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", (passed_run / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120).stdout
    shutil.rmtree(profile, ignore_errors=True)
    assert "raybench scenario tiny" in dom
    for plot in PLOTS:
        start = dom.index(f'id="plot-{plot}"')
        figure = dom[start:dom.index("</figure>", start)]
        assert "<svg" in figure and "<path" in figure, plot


def test_report_compares_with_the_previous_run_and_reads_in_units(passed_run, second_run):
    import re

    from raybench.monitor.panels import PANELS, format_value

    first = json.loads((passed_run / "results.json").read_text())
    second = json.loads((second_run / "results.json").read_text())
    page = (second_run / "report.html").read_text()
    assert "Compared with the previous run" in page and str(passed_run / "results.json") in page
    assert "1 earlier run in the folder" in page
    assert "trend over 2 runs of tiny" in page
    # the comparison row of rows/s shows both runs' values in rows/s, and the change between them
    from raybench.units import humanize_metric

    row = page[page.index("<tr><td>rows_per_s</td>"):]
    row = row[:row.index("</tr>")]
    a, b = first["metrics"]["rows_per_s"], second["metrics"]["rows_per_s"]
    assert humanize_metric("rows_per_s", a) in row and humanize_metric("rows_per_s", b) in row
    assert f"{(b - a) / a:+.1%}" in row
    # each plan panel has its plot, captioned with its thresholds in the panel's unit
    for p in PANELS:
        start = page.index(f'id="plot-{p.id}"')
        caption = page[page.index("<figcaption>", start):page.index("</figcaption>", start)]
        assert f"warning {format_value(p.unit, p.warning)}" in caption, p.id
    # no raw byte counts outside the plots: every 7+ digit number in the text is a year, an id or a path
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert str(first["machine"]["memory_bytes"]) not in text
    assert format_value("bytes", second["machine"]["memory_bytes"]) in text
    # a commit id is an id even when its hex digits happen to be all decimal (CI failed at 4549703532)
    shas = {str(r.get("git_sha") or "") for r in (first, second)} - {""}
    raw = [n for n in re.findall(r"(?<![\w/.:-])\d{7,}(?![\w/.:-])", text)
           if not any(sha.startswith(n) for sha in shas)]
    assert raw == [], raw[:5]
