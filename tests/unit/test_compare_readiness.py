"""compare: regressions by direction and threshold; readiness: criteria against evidence."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from raybench.cli import main
from raybench.errors import ConfigError
from raybench.harness.compare import compare, parse_fraction
from raybench.harness.readiness import assess


def test_regression_depends_on_direction_and_threshold():
    base = {"wall_s": 100.0, "rows_per_s": 1000.0, "pss_bytes_peak": 1e9, "rows_read": 5}
    new = {"wall_s": 109.0, "rows_per_s": 880.0, "pss_bytes_peak": 0.5e9, "rows_read": 7}
    got = {c.metric: c for c in compare(base, new, 0.10)}
    assert not got["wall_s"].regressed and got["wall_s"].change == pytest.approx(0.09)
    assert got["rows_per_s"].regressed and got["rows_per_s"].change == pytest.approx(-0.12)
    assert not got["pss_bytes_peak"].regressed  # lower memory is better
    assert not got["rows_read"].regressed       # not a judged metric
    assert {c.metric for c in compare(base, new, 0.15) if c.regressed} == set()


def test_zero_base_error_rate_rising_is_a_regression():
    got = compare({"error_rate": 0.0}, {"error_rate": 0.02}, 0.10)
    assert got[0].regressed and got[0].change is None


def test_parse_fraction():
    assert parse_fraction("10%") == 0.10 and parse_fraction("0.25") == 0.25
    with pytest.raises(ConfigError, match="percentage"):
        parse_fraction("ten")


def _results(tmp_path, name, metrics):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"scenario": {"name": "s"}, "metrics": metrics}))
    return str(path)


def test_compare_cli_exits_1_on_regression(tmp_path):
    a = _results(tmp_path, "a", {"wall_s": 10.0})
    b = _results(tmp_path, "b", {"wall_s": 12.0})
    runner = CliRunner()
    assert runner.invoke(main, ["compare", a, b, "--max-regression", "10%"]).exit_code == 1
    assert runner.invoke(main, ["compare", a, b, "--max-regression", "25%"]).exit_code == 0


def test_readiness_needs_evidence_for_every_criterion():
    good = {"rows_read": 1_000_000, "wall_s": 40.0, "pss_bytes_peak": 1.5 * 2**30, "classification_accuracy": 1.0,
            "duplicate_recall": 0.995, "validation_coverage": 1.0, "error_rate": 0.0,
            "concurrent_jobs_succeeded": 10, "jobs_per_min": 120.0}
    verdicts = assess([("big", good)])
    assert all(v["met"] for v in verdicts), verdicts
    verdicts = {v["criterion"]: v for v in assess([("big", dict(good, pss_bytes_peak=3 * 2**30)),
                                                   ("small", {"rows_read": 1000, "wall_s": 1.0})])}
    assert not verdicts["peak memory <= 2 GiB (PSS, all Ray processes)"]["met"]
    assert verdicts["100k rows ingested in <= 300 s"]["run"] == "big"
    # the run nearest the criterion's size decides it, not a larger and longer one
    sized = {v["criterion"]: v for v in assess([("huge", {"rows_read": 10_000_000, "wall_s": 438.0}),
                                                ("mid", {"rows_read": 130_000, "wall_s": 20.0}),
                                                ("mid_slow", {"rows_read": 130_000, "wall_s": 25.0}),
                                                ("big", {"rows_read": 1_000_000, "wall_s": 44.0})])}
    assert (sized["100k rows ingested in <= 300 s"]["run"], sized["100k rows ingested in <= 300 s"]["value"]) == ("mid_slow", 25.0)
    assert (sized["1M rows ingested in <= 1800 s"]["run"], sized["1M rows ingested in <= 1800 s"]["value"]) == ("big", 44.0)
    # a run far larger than the criterion's size that took longer than its limit is no evidence either way;
    # one that ended within the limit is (it did more work in the time allowed)
    only_huge = {v["criterion"]: v for v in assess([("huge", {"rows_read": 10_000_000, "wall_s": 496.2})])}
    assert only_huge["100k rows ingested in <= 300 s"]["value"] is None
    assert (only_huge["1M rows ingested in <= 1800 s"]["run"], only_huge["1M rows ingested in <= 1800 s"]["met"]) == (
        "huge", True)
    slow_near = {v["criterion"]: v for v in assess([("huge", {"rows_read": 10_000_000, "wall_s": 200.0}),
                                                    ("near", {"rows_read": 150_000, "wall_s": 310.0})])}
    assert (slow_near["100k rows ingested in <= 300 s"]["run"], slow_near["100k rows ingested in <= 300 s"]["met"]) == (
        "near", False)
    missing = {v["criterion"]: v for v in assess([("small", {"rows_read": 1000, "wall_s": 1.0})])}
    assert missing["1M rows ingested in <= 1800 s"]["value"] is None
    assert not missing["1M rows ingested in <= 1800 s"]["met"]


def test_report_plots_draw_a_run_without_samples():
    """A resumed job whose chunks had all committed ran no batch, so it has no samples: the report must
    still render (it once raised in the throughput plot)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from raybench.harness.report_html import draw_memory, draw_throughput

    for ticks in ([], [{"t_s": 0.5, "rows_done": 10, "pss_bytes": 2**20}]):
        fig, ax = plt.subplots()
        draw_throughput(ticks)(ax)
        draw_memory(ticks)(ax)
        assert len(ax.lines) == 2 and len(ax.lines[0].get_xdata()) == len(ticks)
        plt.close(fig)


def test_jobs_refuses_bad_counts_before_starting_a_cluster(tmp_path):
    runner = CliRunner()
    for args, needle in ((["--concurrent", "0"], "--concurrent"), (["--total", "-3"], "--total"),
                         (["--num-cpus", "0"], "--num-cpus"), (["--worker-cpus", "nan"], "--worker-cpus must be a finite"),
                         (["--sample-interval", "inf"], "--sample-interval")):
        got = runner.invoke(main, ["jobs", str(tmp_path / "f.csv"), "--out", str(tmp_path / "out"), *args])
        assert got.exit_code == 2, (args, got.output)
        assert needle in got.output, (args, got.output)
    missing = runner.invoke(main, ["jobs", str(tmp_path / "f.csv"), "--out", str(tmp_path / "out")])
    assert missing.exit_code == 2 and f"{tmp_path / 'f.csv'}: no such file" in missing.output, missing.output
    nobody = runner.invoke(main, ["jobs", str(tmp_path / "f.csv"), "--out", str(tmp_path / "out"),
                                  "--address", "http://127.0.0.1:1"])
    assert nobody.exit_code == 2, nobody.output
    assert "--address http://127.0.0.1:1: cannot submit jobs there" in nobody.output
    assert "Traceback" not in nobody.output
    assert not (tmp_path / "out").exists()


def test_results_files_that_are_not_scenario_results_are_named_as_such(tmp_path):
    import json

    import pytest

    from raybench.errors import ConfigError
    from raybench.harness.compare import load_metrics

    ingest = tmp_path / "ingest.json"
    ingest.write_text(json.dumps({"job": "j", "metrics": {"batches": 1}}))
    with pytest.raises(ConfigError, match="raybench ingest` does not"):
        load_metrics(str(ingest))
    broken = tmp_path / "broken.json"
    for doc in ({"runs": [{}]}, {"metrics": {}, "scenario": "x"}):
        broken.write_text(json.dumps(doc))
        with pytest.raises(ConfigError, match="without scenario names and metrics"):
            load_metrics(str(broken))
