"""raybench.monitor without Ray: the block counts, the job's figures, the panels' levels and units."""

from __future__ import annotations

import pyarrow as pa
import pytest

from raybench.monitor import metrics as m
from raybench.monitor.ingest import observe_block, pss_peaks_by_kind, reason_id, record_job, target_seconds
from raybench.monitor.panels import PANEL_BY_ID, format_value


def _v(name, **labels):
    return m.REGISTRY.get_sample_value(name, labels) or 0.0


def test_block_rows_by_outcome_and_reason():
    before = {o: _v("raybench_rows_total", outcome=o) for o in m.ROW_OUTCOMES}
    bad_start = _v("raybench_rows_quarantined_by_reason_total", reason="bad_start")
    block = pa.table({
        "reasons": pa.array([[], ["bad_start: '31/02'"], ["bad_start", "field_count"], None, []],
                            pa.list_(pa.string())),
        "flags": pa.array([["tz_assumed"], ["x"], [], [], None], pa.list_(pa.string()))})
    observe_block(block)
    got = {o: _v("raybench_rows_total", outcome=o) - before[o] for o in m.ROW_OUTCOMES}
    # a quarantined row's flag does not make it a flagged stored row
    assert got == {"read": 5, "stored": 3, "quarantined": 2, "flagged": 1}
    assert _v("raybench_rows_quarantined_by_reason_total", reason="bad_start") - bad_start == 2


def test_target_time_is_the_plans_two_criteria():
    assert target_seconds(100_000) == pytest.approx(300)
    assert target_seconds(1_000_000) == pytest.approx(1800)
    assert reason_id("worker_error: poison batch: died") == "worker_error"


def test_job_record_files_confidence_and_target_ratio():
    ok, suspect = _v("raybench_files_total", status="ok"), _v("raybench_files_total", status="suspect")
    abstained = _v("raybench_files_abstained_total")
    count = _v("raybench_classification_confidence_count")
    over = _v("raybench_job_duration_target_ratio_count") - _v("raybench_job_duration_target_ratio_bucket", le="1.2")
    record_job({"files": [{"status": "ok", "layout": "sprint_cdma", "confidence": 0.97},
                          {"status": "suspect", "layout": "att_mobility_voice", "confidence": 0.6},
                          {"status": "failed", "layout": None, "bytes": 120, "confidence": None}],
                "totals": {"rows_read": 100_000}, "wall_s": 400.0, "rows_per_s": 250.0,
                "metrics": {"batch_latencies_s": [0.2, 0.4], "timeseries": [
                    {"pss_bytes": 900, "driver_pss_bytes": 100, "worker_pss_bytes": {"a": 300, "b": 200}},
                    {"pss_bytes": 1000, "driver_pss_bytes": 400, "worker_pss_bytes": {"a": 100}}]}})
    assert _v("raybench_files_total", status="ok") - ok == 1
    assert _v("raybench_files_total", status="suspect") - suspect == 1
    assert _v("raybench_files_abstained_total") - abstained == 1
    assert _v("raybench_classification_confidence_count") - count == 2
    # 400 s for 100k rows is 133% of the 300 s target: one job over 120%
    assert (_v("raybench_job_duration_target_ratio_count")
            - _v("raybench_job_duration_target_ratio_bucket", le="1.2")) - over == 1
    assert _v("raybench_last_job_pss_peak_bytes", kind="worker") == 500
    assert _v("raybench_last_job_pss_peak_bytes", kind="driver") == 400
    assert _v("raybench_last_job_pss_peak_bytes", kind="ray") == 500  # 1000 - 400 - 100


def test_pss_peaks_without_samples():
    assert pss_peaks_by_kind([]) == {}


@pytest.mark.parametrize(("panel", "value", "level"), [
    ("memory", 1.7e9, "ok"), ("memory", 1.9e9, "warning"), ("memory", 2.2e9, "critical"),
    ("throughput", 700, "ok"), ("throughput", 600, "warning"), ("throughput", 500, "critical"),
    ("accuracy", 0.93, "warning"), ("accuracy", 0.89, "critical"), ("queue", 100, "ok"), ("queue", 101, "warning"),
    ("errors", None, "none")])
def test_panel_levels(panel, value, level):
    assert PANEL_BY_ID[panel].level(value) == level


def test_units_for_people():
    assert format_value("bytes", 1223704576) == "1.14 GiB"
    assert format_value("bytes/s", 1.5 * 2**20) == "1.50 MiB/s"
    assert format_value("ratio", 0.0512) == "5.1%"
    assert format_value("rows/s", 12345.6) == "12,346 rows/s"
    assert format_value("s", 95.0) == "95.0 s" and format_value("s", 600) == "10.0 min"


def test_exposition_names_carry_units():
    m.register_node_collector()
    body, content_type = m.exposition()
    text = body.decode()
    assert content_type.startswith("text/plain")
    for name in ("raybench_rows_total", "raybench_files_total", "raybench_ingests_running", "raybench_ingests_total",
                 "raybench_ingest_duration_seconds_bucket", "raybench_batch_latency_seconds_count",
                 "raybench_process_pss_bytes", "raybench_node_cpu_busy_seconds_total",
                 "raybench_node_network_bytes_total", "raybench_classification_confidence_sum"):
        assert f"\n{name}" in text, name
    # the service's job-table metrics are not here: its /metrics serves both without a duplicate name
    for name in m.SERVICE_METRICS:
        assert f"\n{name}" not in text and f"# TYPE {name}" not in text, name
    pss = {line.split('"')[1]: float(line.split()[-1]) for line in text.splitlines()
           if line.startswith("raybench_process_pss_bytes{")}
    assert set(pss) == set(m.PROCESS_KINDS) and pss["driver"] > 10 * 2**20  # this Python process


def test_sqlite_alert_store_is_shared_between_processes_views(tmp_path):
    from raybench.monitor.routes import SqliteAlertStore

    path = str(tmp_path / "alerts.sqlite")
    one, other = SqliteAlertStore(path, keep=3), SqliteAlertStore(path, keep=3)
    for i in range(4):
        one.add({"status": "firing", "alerts": [{"status": "firing" if i % 2 else "resolved",
                                                 "labels": {"alertname": f"A{i}", "severity": "warning"}}]})
    got = other.list()
    assert [a["alertname"] for a in got] == ["A3", "A2", "A1"]  # newest first, the oldest beyond keep gone
    assert [a["alertname"] for a in other.list(status="firing")] == ["A3", "A1"]


def test_panels_read_another_process_metrics():
    """A Serve ingress samples the runner's metrics text (and the job table's): the panels come from
    that text, not from this process's registry."""
    from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

    from raybench.monitor.live import PanelSampler

    remote = CollectorRegistry()
    rows = Counter("raybench_rows", "", ["outcome"], registry=remote)
    queued = Gauge("raybench_jobs_queued", "", registry=remote)
    Gauge("raybench_jobs_running", "", registry=remote).set(1)
    pss = Gauge("raybench_process_pss_bytes", "", ["kind"], registry=remote)
    pss.labels("driver").set(3 * 2**30)
    pss.labels("worker").set(2**30)
    queued.set(120)
    clock = iter([1000.0, 1000.25])  # two samples 0.25 s apart
    sampler = PanelSampler(read=lambda: generate_latest(remote), clock=lambda: next(clock))
    sampler.sample()
    rows.labels("read").inc(5000)
    sampler.sample()
    panels = {p["id"]: p for p in sampler.snapshot()}
    assert panels["queue"]["value"] == 120 and panels["queue"]["level"] == "warning"
    assert panels["memory"]["value"] == 4 * 2**30 and panels["memory"]["value_text"] == "4.00 GiB"
    assert panels["memory"]["level"] == "critical"
    assert panels["throughput"]["value"] == 20_000  # 5000 rows over 0.25 s
    assert sampler.jobs_active()


def test_serve_metrics_answers_prometheus_and_a_taken_port_is_refused():
    import socket

    import httpx
    from click.testing import CliRunner

    from raybench.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    m.serve_metrics(port, addr="127.0.0.1")
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'raybench_rows_total{outcome="read"}' in text and "raybench_node_cpus" in text
    # the same port again, through the CLI: one line naming the option, before any work
    got = CliRunner().invoke(main, ["ingest", __file__, "--db", "unused.duckdb", "--metrics-port", str(port)])
    assert got.exit_code == 2 and f"--metrics-port {port}: cannot listen there" in got.output, got.output


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_router_with_a_replicas_own_state(tmp_path):
    """A Serve ingress mounts the router at import and gives its replica's state as factories: the job
    table's rows are listed, the alerts go to SQLite, the sampler reads another process's text."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    from raybench.monitor.live import PanelSampler
    from raybench.monitor.routes import SqliteAlertStore, monitor_router

    remote = CollectorRegistry()
    Gauge("raybench_jobs_queued", "", registry=remote).set(600)
    replica: dict = {}
    app = FastAPI()
    app.include_router(monitor_router(
        jobs=lambda: replica["store"], sampler=lambda: replica["sampler"], alerts=lambda: replica["alerts"]))
    # the replica's __init__, after the app was built
    replica.update(store=[{"id": "job-1", "status": "running", "rows_done": 1200, "started_utc": "2026-12-01T10:00:00Z",
                           "error": None}],
                   sampler=PanelSampler(read=lambda: generate_latest(remote)),
                   alerts=SqliteAlertStore(str(tmp_path / "alerts.sqlite")))
    client = TestClient(app)
    assert client.post("/v1/alerts", json={"alerts": [{"status": "firing", "labels": {
        "alertname": "RaybenchQueueCritical", "severity": "critical"}}]}).json() == {"received": 1}
    data = client.get("/v1/dashboard/data").json()
    assert data["jobs"] == [{"job": "job-1", "status": "running", "rows_read": 1200, "rows_per_s": None,
                             "started": "2026-12-01T10:00:00Z", "error": None}]
    assert [a["alertname"] for a in data["alerts"]] == ["RaybenchQueueCritical"]
    queue = next(p for p in data["panels"] if p["id"] == "queue")
    assert queue["value_text"] == "600 jobs" and queue["level"] == "critical"
    page = client.get("/dashboard").text
    assert page.count('<section class="panel"') == 8 and 'id="panel-network"' in page
