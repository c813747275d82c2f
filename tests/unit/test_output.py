"""What a new user reads (issue 18): tables that stay readable piped or narrow, humanised bytes, counts
that agree with the tables, concurrency seen between samples, readiness that takes folders and says what
evidence is missing, an empty input refused, Ray's own log lines off by default."""

from __future__ import annotations

import io
import json
import os

import pytest
from click.testing import CliRunner
from rich.console import Console

from raybench.cli import main
from raybench.errors import ConfigError, IngestInterrupted
from raybench.harness.readiness import assess, results_files, verdict_line
from raybench.metrics.collector import MetricsCollector
from raybench.report import classify_line, ingest_json, print_ingest_summary, print_readiness, print_scenario_summary
from raybench.units import format_bytes, is_bytes_metric

LONG_ERROR = ("not a known layout (no header rule matched; models: other 0.99); top-3: other 0.99, "
              "tmobile_cdr 0.00, sprint_cdma 0.00")


def _ingest_out() -> dict:
    files = [{"path": "/data/in/att_mobility_voice-100000r-s3.csv", "layout": "att_mobility_voice", "status": "ok",
              "rows_read": 918, "rows_stored": 917, "rows_quarantined": 1, "lines_skipped": {"header": 1},
              "error": None, "kind": "cdr"},
             {"path": "/data/in/antennas.csv", "layout": "bandicoot_antennas", "status": "ok", "rows_read": 27,
              "rows_stored": 27, "rows_quarantined": 0, "lines_skipped": {}, "error": None, "kind": "cell_sites"},
             {"path": "/data/in/README.md", "layout": None, "status": "failed", "rows_read": 0, "rows_stored": 0,
              "rows_quarantined": 0, "lines_skipped": {}, "error": LONG_ERROR, "kind": None}]
    totals = {"files": 3, "files_failed": 1, "rows_read": 918, "rows_stored": 917, "rows_quarantined": 1,
              "cell_sites_read": 27, "cell_sites_stored": 27, "cell_sites_quarantined": 0}
    metrics = {"batches": 5, "batch_latency_s": {"p50": 0.05, "p95": 0.1, "p99": 0.1}, "pss_bytes_peak": 2**31,
               "rss_bytes_peak": 3 * 2**30, "actors_alive_max": 1, "actors_busy_max": 1, "batches_in_flight_max": 1,
               "samples": 3, "sample_interval_s_max": 0.6, "errors": [], "timeseries": [{"t_s": 0}]}
    return {"job": "job-1", "files": files, "totals": totals, "metrics": metrics, "wall_s": 12.5, "rows_per_s": 73.4,
            "results_path": "/abs/results/ingest-job-1.json"}


@pytest.mark.parametrize("console", [
    Console(file=io.StringIO(), width=80),                            # piped: not a terminal
    Console(file=io.StringIO(), width=60, force_terminal=True),       # a narrow terminal
], ids=["piped", "narrow"])
def test_summary_degrades_to_one_record_per_line(console):
    print_ingest_summary(_ingest_out(), console)
    text = console.file.getvalue()
    assert "┃" not in text and "│" not in text  # no table cut into columns
    lines = text.splitlines()
    readme = [line for line in lines if line.strip().startswith("README.md:")]
    assert readme == [f"  README.md: status failed; read 0; stored 0; quarantined 0; error {LONG_ERROR}"]
    assert "  CDR rows read / stored / quarantined: 918 / 917 / 1" in lines
    assert "  cell-site rows read / stored / quarantined: 27 / 27 / 0" in lines
    assert "  peak PSS, all Ray processes + driver: 2.00 GiB" in lines


def test_ingest_json_leaves_the_series_in_the_results_file():
    doc = ingest_json(_ingest_out())
    assert "timeseries" not in doc["metrics"] and doc["metrics"]["pss_bytes_peak"] == 2**31
    assert doc["totals"]["rows_stored"] == 917 and doc["results_path"] == "/abs/results/ingest-job-1.json"
    json.dumps(doc)


def test_summary_is_a_table_on_a_wide_terminal():
    console = Console(file=io.StringIO(), width=300, force_terminal=True, color_system=None)
    print_ingest_summary(_ingest_out(), console)
    text = console.file.getvalue()
    assert "┃ file" in text and LONG_ERROR in text  # the whole error in its cell, on one line


def test_bytes_are_humanised_in_targets():
    assert format_bytes(2**31) == "2.00 GiB" and format_bytes(1536) == "1.50 KiB" and format_bytes(12) == "12 B"
    assert is_bytes_metric("pss_bytes_peak") and not is_bytes_metric("disk_read_bytes_per_s_mean")
    console = Console(file=io.StringIO(), width=80)
    outcome = {"ingest": _ingest_out(), "scenario": {"name": "smoke"}, "results_path": "r.json",
               "targets": [{"metric": "pss_bytes_peak", "value": 1.5 * 2**30, "op": "<=", "limit": 2147483648.0,
                            "passed": True}], "readiness": None}
    print_scenario_summary(outcome, console)
    text = console.file.getvalue()
    assert "  pss_bytes_peak: value 1.50 GiB; target <= 2.00 GiB; verdict pass" in text.splitlines()
    assert "e+09" not in text


def test_concurrency_counts_batches_shorter_than_the_sampling_interval():
    """Five batches that start and finish between two samples were once reported as 'busy 0 / in
    flight 0'; the peaks are taken at every batch start too."""
    m = MetricsCollector()
    m.batch_started("w1", "c1")
    m.batch_started("w2", "c2")
    for w, c in (("w1", "c1"), ("w2", "c2")):
        m.batch_finished(w, c, {"rows": 3, "latency_s": 0.01, "file": "f"})
    for i in range(3, 6):
        m.batch_started("w1", f"c{i}")
        m.batch_finished("w1", f"c{i}", {"rows": 3, "latency_s": 0.01, "file": "f"})
    m.tick()  # the only sample comes after every batch finished
    s = m.summary()
    assert s["batches"] == 5 and s["samples"] == 1
    assert (s["actors_busy_max"], s["batches_in_flight_max"]) == (2, 2)


SMOKE = {"rows_read": 5000, "wall_s": 20.0, "pss_bytes_peak": 1.2 * 2**30, "classification_accuracy": 1.0,
         "validation_coverage": 1.0, "error_rate": 0.0}


def test_a_smoke_run_is_said_not_to_be_evidence_rather_than_not_ready():
    line, good = verdict_line(assess([("smoke", SMOKE)]), single_run="smoke")
    assert not good and not line.startswith("NOT READY")
    assert line == ("run smoke alone is not evidence for the production criteria: it answers 4 of 9 (4 met); "
                    "combine runs with `raybench readiness results/`")
    line, _ = verdict_line(assess([("smoke", dict(SMOKE, pss_bytes_peak=3 * 2**30))]), single_run="smoke")
    assert line.startswith("NOT READY: this run misses 1 criteria it measured")
    console = Console(file=io.StringIO(), width=80)
    print_readiness(assess([("smoke", SMOKE)]), console, single_run="smoke")
    lines = console.file.getvalue().splitlines()
    assert ("  1M rows ingested in <= 1800 s: evidence (run) none; needs a run of >= 1M rows "
            "(`raybench run scenarios/1m_rows_csv.yaml`); verdict no evidence") in lines


def test_readiness_takes_a_results_folder(tmp_path):
    run = tmp_path / "results" / "smoke-job-1"
    run.mkdir(parents=True)
    (run / "results.json").write_text(json.dumps({"scenario": {"name": "smoke"}, "metrics": SMOKE}))
    (tmp_path / "results" / "ingest-job-2.json").write_text("{}")  # an ingest's results: not a scenario's
    assert results_files([str(tmp_path / "results")]) == [str(run / "results.json")]
    got = CliRunner().invoke(main, ["readiness", str(tmp_path / "results")])
    assert got.exit_code == 1, got.output
    assert "Is a directory" not in got.output
    assert "production readiness (1 results files, 1 runs)" in got.output
    assert "NOT READY: 4 of 9 criteria met, 5 without evidence" in got.output
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no results.json or benchmark_results.json in this folder"):
        results_files([str(tmp_path / "empty")])
    empty = CliRunner().invoke(main, ["readiness", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and len(empty.output.strip().splitlines()) == 1, empty.output


def test_an_empty_input_folder_exits_non_zero_in_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("not data")
    db = tmp_path / "cdr.duckdb"
    got = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db)])
    assert got.exit_code == 2
    assert got.output.strip().splitlines() == [
        f"raybench: error: no input files in {tmp_path / 'in'}: a folder's files are taken when their names end "
        "in .csv .txt .tsv .dat .cdr .log .pdf .xlsx .xls .jsonl .ndjson"]
    assert not db.exists()  # refused before any job started


def test_classify_line_gives_no_confidence_to_an_abstention():
    unknown = {"path": "README.md", "layout": "unknown", "carrier": "unknown", "abstained": True, "confidence": None,
               "method": "unknown", "template": None, "reason": "not a known layout (other: 1.00)",
               "top3": [{"layout": "other", "p": 0.9979}, {"layout": "tmobile_cdr", "p": 0.001}]}
    assert classify_line(unknown) == ("README.md: unknown (abstained: not a known layout (other: 1.00)); "
                                      "top-3: other 1.00, tmobile_cdr 0.00")
    known = dict(unknown, layout="tmobile_cdr", carrier="tmobile", abstained=False, confidence=0.97, method="model",
                 reason=None)
    assert classify_line(known).startswith("README.md: tmobile_cdr (tmobile) confidence 0.97 by model;")


def test_interrupted_message_and_pickling():
    import pickle

    exc = IngestInterrupted("job-1", "cdr.duckdb", 2000, 60000)
    assert str(exc) == ("interrupted: 2000 of 60000 rows committed; run the same command again to start over, or "
                        "`raybench ingest --db cdr.duckdb --resume job-1` to carry on from them")
    assert str(pickle.loads(pickle.dumps(exc))) == str(exc)


def test_ray_logs_are_quiet_by_default_and_back_with_the_flag(monkeypatch, capfd):
    from raybench import ray_logs

    for key in ("RAY_BACKEND_LOG_LEVEL", "RAY_DATA_LOGGING_CONFIG", ray_logs.RAY_LOGS_ENV):
        monkeypatch.setenv(key, "x")  # recorded, so the variables are as before once the test ends
        monkeypatch.delenv(key)
    ray_logs.configure_ray_logs()
    assert os.environ["RAY_BACKEND_LOG_LEVEL"] == "fatal"
    assert os.path.isfile(os.environ["RAY_DATA_LOGGING_CONFIG"])
    assert ray_logs.ray_init_kwargs() == {"logging_level": 40, "log_to_driver": False}
    with ray_logs.quiet_ray_init():
        os.write(2, b"core_worker.cc: noise\n")  # what Ray's C++ core writes past sys.stderr
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"
    ray_logs.configure_ray_logs(show=True)
    assert "RAY_BACKEND_LOG_LEVEL" not in os.environ and "RAY_DATA_LOGGING_CONFIG" not in os.environ
    assert ray_logs.ray_init_kwargs()["log_to_driver"] is True
    with ray_logs.quiet_ray_init():
        os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_ray_data_quiet_config_only_raises_the_console_level():
    import yaml
    from ray.data._internal.logging import DEFAULT_CONFIG

    from raybench.ray_logs import RAY_DATA_QUIET_CONFIG

    ours = yaml.safe_load(open(RAY_DATA_QUIET_CONFIG))
    assert ours["handlers"]["console"]["level"] == "ERROR"
    assert ours["loggers"] == DEFAULT_CONFIG["loggers"]
    assert {k: v for k, v in ours["handlers"]["console"].items() if k != "level"} == {
        k: v for k, v in DEFAULT_CONFIG["handlers"]["console"].items() if k != "level"}


def test_the_summary_says_what_the_parquet_sink_loaded():
    out = dict(_ingest_out(), sink={"kind": "parquet", "parts_loaded": 33, "parts_orphaned": 1, "load_s": 0.318})
    console = Console(file=io.StringIO(), width=80)
    print_ingest_summary(out, console)
    assert "  parquet sink: parts loaded / orphaned, load_s: 33 / 1, 0.32" in console.file.getvalue().splitlines()
    console = Console(file=io.StringIO(), width=80)
    print_ingest_summary(dict(_ingest_out(), sink={"kind": "duckdb"}), console)
    assert "parquet sink" not in console.file.getvalue()
