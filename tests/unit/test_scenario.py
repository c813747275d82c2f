"""Scenario files: every shipped one loads; bad keys and values give errors that name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from raybench.errors import ConfigError
from raybench.harness.scenario import load_scenario, parse_target, sink_flags

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_load(path):
    s = load_scenario(str(path))
    assert s.name == path.stem and s.rows * s.files >= 1000 and s.targets


def test_service_section_defaults_and_errors(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("generate: {rows: 100, files: 5}\nservice: {users: 4}\ntargets: {jobs_per_min: '>= 100'}\n")
    s = load_scenario(str(p))
    assert s.service["users"] == 4 and s.service["run_time_s"] == 60.0 and s.service["max_concurrent_jobs"] == 10
    p.write_text("service: {clients: 4}\n")
    with pytest.raises(ConfigError, match="'service.clients' is not known"):
        load_scenario(str(p))
    p.write_text("service: {users: 0}\n")
    with pytest.raises(ConfigError, match="scenario key 'service.users': 0 must be above 0"):
        load_scenario(str(p))


def test_expected_scenarios_exist():
    names = {p.stem for p in SCENARIOS}
    assert {"smoke", "1m_rows_csv", "baseline_1k", "baseline_10k", "baseline_100k", "rows_100k", "rows_500k",
            "rows_10m", "verizon_50k", "tmobile_75k", "files_5_at_once", "files_10_at_once", "memory_cap",
            "scale_out"} <= names


def test_counts_and_sizes_are_parsed(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("generate: {rows: 10m, files: 2}\ningest: {object_store: 96MiB}\nscale_cpus: [1, 2]\n"
                 "scale_nodes: [1, 3]\n"
                 "targets: {pss_bytes_peak: '<= 2GiB'}\n")
    s = load_scenario(str(p))
    assert (s.rows, s.files, s.object_store_bytes, s.scale_cpus) == (10_000_000, 2, 96 * 2**20, (1, 2))
    assert s.scale_nodes == (1, 3)
    assert s.targets[0].limit == 2 * 2**30 and s.name == "s"


def test_sink_and_memory_budget_reach_the_ingest_flags(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("ingest: {sink: parquet, parts_load: commit, memory_budget: 1GiB}\n")
    s = load_scenario(str(p))
    assert (s.sink, s.parts_load, s.memory_budget_bytes) == ("parquet", "commit", 2**30)
    assert sink_flags(s) == ["--sink", "parquet", "--parts-load", "commit", "--memory-budget", str(2**30)]
    p.write_text("ingest: {memory_budget: none}\n")
    s = load_scenario(str(p))
    assert (s.sink, s.parts_load, s.memory_budget_bytes) == ("auto", "end", None)
    assert sink_flags(s)[-2:] == ["--memory-budget", "none"]
    p.write_text("generate: {rows: 10}\n")
    assert load_scenario(str(p)).memory_budget_bytes == 2 * 2**30


@pytest.mark.parametrize("text, message", [
    ("colour: red\n", "scenario key 'colour' is not known; allowed: description, faults, generate"),
    ("generate: {rowz: 5}\n", "scenario key 'generate.rowz' is not known; allowed: defect_rate, duplicates, files, format, "
                               "layouts, pdf_layout, pdf_pages, rows"),
    ("generate: {format: pdf}\n", "scenario key 'generate.format': 'pdf' is not a format; allowed: csv, xlsx (PDF: pdf_pages)"),
    ("generate: {pdf_pages: 0}\n", "scenario key 'generate.pdf_pages': 0 must be >= 1"),
    ("generate: {seed: eleven}\n", "scenario key 'generate.seed': 'eleven' is not an integer"),
    ("generate: {defect_rate: abc}\n", "scenario key 'generate.defect_rate': 'abc' is not a number"),
    ("generate: 5\n", "scenario key 'generate' must be a mapping"),
    ("ingest: {tz: Mars/Base}\n", "scenario key 'ingest.tz': 'Mars/Base' is not an IANA time zone"),
    ("generate: {layouts: [nokia]}\n", "scenario key 'generate.layouts': 'nokia' is not generated; allowed: att_mobility_voice"),
    ("targets: {speed: '>= 1'}\n", "scenario key 'targets.speed' is not a metric; allowed: wall_s"),
    ("targets: {wall_s: 'about 5'}\n", "targets.wall_s: 'about 5' must be '<op> <value>'"),
    ("generate: {defect_rate: 2}\n", "scenario key 'generate.defect_rate': 2.0 must be in [0, 1)"),
    ("- a\n- b\n", "a scenario is a mapping"),
    ("ingest: {sink: postgres}\n", "scenario key 'ingest.sink': 'postgres' must be one of auto, duckdb, parquet"),
    ("ingest: {parts_load: later}\n", "scenario key 'ingest.parts_load': 'later' must be one of commit, end"),
    ("ingest: {memory_budget: lots}\n", "scenario key 'ingest.memory_budget'"),
])
def test_bad_scenarios_name_the_key(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_scenario(str(p))
    assert message in str(err.value)


def test_pdf_scenario_generates_no_csv_layouts_unless_named(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("generate: {pdf_pages: 50}\n")
    s = load_scenario(str(p))
    assert (s.pdf_pages, s.layouts, s.fmt) == (50, (), "csv")
    p.write_text("generate: {pdf_pages: 5, layouts: [switch_fixed_detail], format: xlsx}\n")
    s = load_scenario(str(p))
    assert (s.pdf_pages, s.layouts, s.fmt) == (5, ("switch_fixed_detail",), "xlsx")


def test_target_check():
    t = parse_target("wall_s", "<= 60")
    assert t.check(60) and not t.check(60.1) and not t.check(None)


def test_a_single_layout_may_be_a_string(tmp_path):
    p = tmp_path / "one.yaml"
    p.write_text("generate: {layouts: sprint_cdma}\n")
    assert load_scenario(str(p)).layouts == ("sprint_cdma",)


def test_fault_keys_are_parsed(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text("ingest: {nodes: 3, commit_rows: 50k}\n"
                 "faults: {kill_node_after_s: 3, kill_driver_after_s: 20, reference: false, raise_on_rows: [7]}\n")
    s = load_scenario(str(p))
    assert (s.nodes, s.commit_rows, s.kill_driver_after_s, s.fault_reference) == (3, 50_000, 20.0, False)
    assert s.faults.kill_node_after_s == 3.0 and s.faults.raise_on_rows == (7,) and s.has_faults


@pytest.mark.parametrize("text, message", [
    ("faults: {kill_node_after_s: 3}\n", "faults.kill_node_after_s needs a cluster of several nodes"),
    ("scale_nodes: [0, 2]\n", "scenario key 'scale_nodes': [0, 2] must be node counts >= 1"),
    ("faults: {explode: 1}\n", "fault key 'faults.explode' is not known"),
    ("faults: {kill_driver_after_s: -2}\n", "scenario key 'faults.kill_driver_after_s': -2.0 must be above 0"),
])
def test_bad_fault_scenarios_name_the_key(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_scenario(str(p))
    assert message in str(err.value)


def test_pss_growth_ratio_compares_late_rows_with_the_second_quarter():
    from raybench.harness.run import pss_growth_ratio

    def tick(rows: int, pss: int, busy: int = 1, phase: str = "batches") -> dict:
        return {"rows_done": rows, "pss_bytes": pss, "batches_in_flight": busy, "phase": phase}

    ticks = [tick(0, 5000),                  # first quarter: start-up, left out
             tick(300, 1000), tick(400, 1100),   # second quarter (250..499 of 1000 rows)
             tick(600, 9000),                # third quarter: not compared
             tick(800, 1200), tick(950, 1210),   # last quarter
             tick(1000, 9999, busy=0),       # no batch in flight: not counted
             tick(1000, 8000, phase="dedupe")]  # after the batches: not counted
    assert pss_growth_ratio(ticks) == 1210 / 1100
    assert pss_growth_ratio([tick(100, 5)]) is None       # too few samples for both quarters
    assert pss_growth_ratio([]) is None


def test_fault_recovery_leaves_out_an_injected_kills_retry_gap():
    from raybench.faults.plan import FaultPlan
    from raybench.harness.faults import recover_s_max

    node_kill = [{"kind": "kill_node", "recover_s": 18.76}]
    # the killed batch's gap (19.22 s) began before the kill: the recovery is the event's 18.76 s
    assert recover_s_max(node_kill, 19.22, FaultPlan(kill_node_after_s=1.0)) == 18.76
    # a worker's own crash has no event: its retry gap is the recovery
    assert recover_s_max([], 3.5, FaultPlan(crash_on_rows=(7,))) == 3.5
    assert recover_s_max([{"kind": "driver_crashed", "recover_s": 6.0}], 3.5, FaultPlan(crash_on_rows=(7,))) == 6.0
    assert recover_s_max([], None, FaultPlan(kill_actor_every_s=1.0)) is None
