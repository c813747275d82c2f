"""raybench.metrics.collector.MetricsCollector without Ray."""

from __future__ import annotations

import os

import pytest

from raybench.metrics.collector import MetricsCollector


def report(rows: int, latency_s: float, rule_counts: dict | None = None, error: str | None = None) -> dict:
    return {"rows": rows, "latency_s": latency_s, "file": "f.csv", "rule_counts": rule_counts or {},
            "error": error, "rss_bytes": 1, "pss_bytes": 1}


def test_latency_figures_are_over_the_last_attempt_of_each_chunk_failed_ones_included():
    """Ten chunks with latencies 1..10 s, chunk 3 first tried at 100 s and retried at 3 s, chunk 5 failing:
    the figures are over 1..10 (the 100 s attempt superseded, the failed batch counted), busy time per
    worker is the sum of its last attempts."""
    m = MetricsCollector()
    m.batch_started("w1", "c3")
    m.batch_finished("w1", "c3", report(10, 100.0))
    for i in range(1, 11):
        worker = "w1" if i % 2 else "w2"
        m.batch_started(worker, f"c{i}")
        m.batch_finished(worker, f"c{i}", report(10, float(i), error="boom" if i == 5 else None))
    s = m.summary()
    assert s["batches"] == 10 and s["rows_processed"] == 100
    assert s["batch_latency_s"] == pytest.approx({"p50": 5.5, "p95": 9.55, "p99": 9.91})
    assert s["batch_latency_s_max"] == 10.0
    assert s["errors"] == ["c5: boom"]
    assert s["workers"]["per_worker"]["w1"]["busy_s"] == 1 + 3 + 5 + 7 + 9
    assert s["workers"]["per_worker"]["w2"]["busy_s"] == 2 + 4 + 6 + 8 + 10


def test_batches_keyed_by_chunk_id_retry_counted_once():
    m = MetricsCollector()
    m.batch_started("w1", "c1")
    m.batch_finished("w1", "c1", report(100, 1.0, {"start_parse": [99, 1]}))
    # Ray retried c1 on another worker: the last report wins, nothing is counted twice
    m.batch_started("w2", "c1")
    m.batch_finished("w2", "c1", report(100, 3.0, {"start_parse": [99, 1]}))
    m.batch_started("w1", "c2")
    m.batch_finished("w1", "c2", report(50, 2.0, {"start_parse": [48, 2], "duration_range": [50, 0]}))
    s = m.summary()
    assert s["batches"] == 2
    assert s["rows_processed"] == 150
    assert s["batch_latency_s"] == {"p50": 2.5, "p95": pytest.approx(2.95), "p99": pytest.approx(2.99)}
    assert s["batch_latency_s_max"] == 3.0
    assert s["rule_counts"] == {"duration_range": {"passed": 50, "failed": 0},
                                "start_parse": {"passed": 147, "failed": 3}}
    assert s["workers"]["per_worker"] == {
        "w2": {"batches": 1, "rows": 100, "busy_s": 3.0},
        "w1": {"batches": 1, "rows": 50, "busy_s": 2.0},
    }
    assert m.in_flight == {}


def test_errors_are_listed_with_the_chunk():
    m = MetricsCollector()
    m.batch_finished("w1", "c9", report(10, 0.1, error="boom"))
    m.batch_finished("w1", "c10", report(10, 0.1))
    assert m.summary()["errors"] == ["c9: boom"]


def test_empty_summary():
    s = MetricsCollector().summary()
    assert s["batches"] == 0 and s["rows_processed"] == 0
    assert s["batch_latency_s"] == {"p50": None, "p95": None, "p99": None}
    assert s["batch_latency_s_max"] is None
    assert s["samples"] == 0 and s["pss_bytes_peak"] == 0
    assert s["rule_counts"] == {} and s["errors"] == []


def test_tick_sees_this_process_and_the_batches_in_flight():
    m = MetricsCollector()
    m.register_worker("w1", os.getpid())
    m.register_worker("gone", 2**22 + 12345)   # a pid that does not exist: not alive
    m.batch_started("w1", "c1")
    m.batch_started("w1", "c2")
    first = m.tick()
    assert first.processes >= 1
    assert first.rss_bytes > 10 << 20            # at least this Python process, polars loaded
    assert first.pss_bytes > 0
    assert first.actors_alive == 1
    assert first.actors_busy == 1
    assert first.batches_in_flight == 2
    assert first.rows_done == 0
    m.batch_finished("w1", "c1", report(7, 0.5))
    second = m.tick()
    assert second.batches_in_flight == 1
    assert second.rows_done == 7
    me = m.peaks[str(os.getpid())]
    assert me["samples"] == 2
    assert me["rss_bytes_max"] > 10 << 20
    assert me["rss_bytes_max"] <= max(first.rss_bytes, second.rss_bytes)
    s = m.summary()
    assert s["samples"] == 2
    assert s["actors_alive_max"] == 1
    assert s["batches_in_flight_max"] == 2
    assert s["rss_bytes_peak"] == max(first.rss_bytes, second.rss_bytes)
    assert s["workers"]["registered"] == 2
    assert len(s["timeseries"]) == 2 and s["timeseries"][1]["rows_done"] == 7
    assert "cpu_pct_mean" in s["processes"][str(os.getpid())]


def test_memory_peaks_per_phase_include_the_phases_after_the_batches():
    """Samples are labelled with the phase set when they were taken; a peak in dedupe must show in
    the job's peak and in its own phase, not in the batches' peak."""
    from raybench.metrics.collector import Tick

    m = MetricsCollector(driver_pids=(os.getpid(),))
    own = m.tick()
    assert own.phase == "batches"
    assert own.driver_pss_bytes > 0 and own.driver_pss_bytes <= own.pss_bytes

    def tick(phase: str, pss: int, driver: int) -> Tick:
        return Tick(t_s=0.0, pss_bytes=pss, rss_bytes=pss, cpu_pct=0.0, processes=1, actors_alive=0,
                    actors_busy=0, batches_in_flight=0, rows_done=0, driver_pss_bytes=driver, phase=phase)

    m.ticks[:] = [tick("batches", 100, 40), tick("batches", 300, 50), tick("dedupe", 900, 700),
                  tick("dedupe", 200, 150), tick("finalize", 250, 10)]
    s = m.summary()
    assert s["pss_bytes_peak"] == 900
    assert s["pss_bytes_peak_by_phase"] == {"batches": 300, "dedupe": 900, "finalize": 250}
    assert s["driver_pss_bytes_peak_by_phase"] == {"batches": 50, "dedupe": 700, "finalize": 10}
    m.set_phase("dedupe")
    assert m.tick().phase == "dedupe"


def test_fault_summary_times_recovery_from_the_collectors_clock():
    from raybench.metrics.collector import MetricsCollector

    c = MetricsCollector()
    c.register_worker("w1", 111)
    assert c.batch_started("w1", "chunk-0") == 1
    c.fault_event("kill_actor", {"worker_id": "w1"})
    c.registered_s.append(c.fault_events[0]["t_s"] + 2.5)  # the restarted actor registered 2.5 s later
    c.attempt_starts["chunk-0"].append(c.attempt_starts["chunk-0"][0] + 3.0)  # Ray's next attempt at it
    c.attempts["chunk-0"] += 1
    summary = c.fault_summary()
    assert summary["events"][0]["recover_s"] == pytest.approx(2.5) == summary["recover_s_max"]
    assert summary["retried_batches"] == 1 and summary["attempts_max"] == 2
    assert summary["retry_gap_s_max"] == pytest.approx(3.0)


def test_sampler_waits_the_rest_of_the_interval_or_its_cpu_time_whichever_is_longer():
    """SAMPLER_DUTY_MAX 0.5: after a tick that burned c s of CPU the sampler waits at least c s, so it
    never takes more than half a core from the workers; a tick that only waited is not held against it."""
    from raybench.pipeline.coordinator import SAMPLER_DUTY_MAX, sampler_wait_s

    assert SAMPLER_DUTY_MAX == 0.5
    assert sampler_wait_s(1.0, 0.2, 0.1) == pytest.approx(0.8)    # a cheap tick: the rest of the interval
    assert sampler_wait_s(0.05, 0.15, 0.15) == pytest.approx(0.15)  # a slow CPU-bound tick backs off
    assert sampler_wait_s(0.05, 0.15, 0.0) == 0.0                  # slow only from waiting: no back-off
    assert sampler_wait_s(0.5, 0.3, 0.25) == pytest.approx(0.25)   # CPU floor above the interval's rest


def test_sample_loop_records_a_failing_tick_and_keeps_sampling_until_stopped():
    import threading

    from raybench.pipeline.coordinator import sample_loop

    stop = threading.Event()

    class Flaky:
        errors: list = []
        calls = 0

        def tick(self):
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("no /proc")
            if self.calls == 3:
                stop.set()

    flaky = Flaky()
    flaky.errors = []
    sample_loop(flaky, stop, 0.0)
    assert flaky.calls == 3
    assert flaky.errors == ["sampler: RuntimeError('no /proc')"]
