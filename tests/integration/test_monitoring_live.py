"""Monitoring end to end, with the real parts: an ingest on Ray counts its rows into raybench's metrics;
a real Prometheus (Debian's) scrapes them from a real HTTP server every second, and Ray's own metrics
agents through the session's service-discovery file, and evaluates an alert rule of
cluster/prometheus/alerts.yml with a lowered threshold; a real Alertmanager sends the alert to the
webhook receiver ``POST /v1/alerts``; the receiver keeps it and the live ``/dashboard``, rendered in
headless Chromium while the ingest runs, shows it with the panels, their thresholds and their series.

The HTTP server is uvicorn serving the monitoring router (raybench.monitor.routes) and ``/metrics``, the
way the service mounts them. Prometheus and Alertmanager run as subprocesses on free ports with their
own data folders and are stopped by their pids.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "cluster" / "prometheus" / "alerts.yml"

pytestmark = [
    pytest.mark.skipif((shutil.which("prometheus") is None or shutil.which("prometheus-alertmanager") is None)
                       and not os.environ.get("CI"),
                       reason="Debian's prometheus and prometheus-alertmanager are installed by .ci/run "
                              "(in CI a missing one fails the test)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


class _Process:
    """A subprocess stopped by its pid (SIGTERM, then SIGKILL) at the end of the test module."""

    def __init__(self, args: list[str], log: Path):
        self.log = log
        self._out = open(log, "wb")
        self.proc = subprocess.Popen(args, stdout=self._out, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._out.close()


def lowered_rules(path: Path, alert: str = "RaybenchThroughputLow", old: str = "< 667", new: str = "< 1e12") -> dict:
    """alerts.yml with ``alert``'s threshold ``old`` replaced by ``new`` and its ``for`` removed (by
    default ``RaybenchThroughputLow`` fires whenever a job runs: its floor raised from 667 rows/s to
    1e12); the recording rules as they are, the other alerts left out."""
    doc = yaml.safe_load(path.read_text())
    groups = []
    for group in doc["groups"]:
        rules = []
        for rule in group["rules"]:
            if "record" in rule:
                rules.append(rule)
            elif rule["alert"] == alert:
                assert old in rule["expr"]
                rules.append(dict(rule, expr=rule["expr"].replace(old, new), **{"for": "0s"}))
        groups.append(dict(group, rules=rules))
    return {"groups": groups}


@pytest.fixture(scope="module")
def ray_local():
    """This module's own embedded Ray, with its dashboard: the dashboard writes the Prometheus
    service-discovery file of the session's metrics agents (Ray 2.60: ``<session dir>/
    prom_metrics_service_discovery.json``, linked from ``/tmp/ray/`` for the latest session)."""
    import ray

    ctx = ray.init(address="local", num_cpus=2, include_dashboard=True, dashboard_port=_free_port(),
                   object_store_memory=300 * 2**20, log_to_driver=False, configure_logging=False)
    session_dir = ray._private.worker.global_worker.node.get_session_dir_path()
    yield {"session_dir": session_dir, "session": os.path.basename(session_dir), "context": ctx}
    ray.shutdown()


@pytest.fixture(scope="module")
def service():
    """uvicorn serving the monitoring router and /metrics on a free port, in a thread of this process
    (the ingests of the tests run in this process, so their metrics are the ones served)."""
    import uvicorn
    from fastapi import FastAPI, Response

    from raybench.monitor.live import PanelSampler
    from raybench.monitor.metrics import exposition, register_node_collector
    from raybench.monitor.routes import monitor_router

    register_node_collector()
    app = FastAPI()
    router = monitor_router(sampler=PanelSampler(interval_s=0.5))
    app.include_router(router)

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/metrics")
    yield {"url": url, "port": port, "router": router}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def alerting(service, ray_local, tmp_path_factory):
    """A real Alertmanager (webhook to the service's POST /v1/alerts, 1 s grouping) and a real Prometheus
    (scraping the service and, through the session's service-discovery file, Ray's metrics agents every
    second; the lowered rules; sending to that Alertmanager)."""
    tmp = tmp_path_factory.mktemp("alerting")
    am_port, prom_port = _free_port(), _free_port()
    (tmp / "alertmanager.yml").write_text(yaml.safe_dump({
        "route": {"receiver": "service", "group_by": ["alertname"], "group_wait": "1s", "group_interval": "1s",
                  "repeat_interval": "1h"},
        "receivers": [{"name": "service", "webhook_configs": [
            {"url": service["url"] + "/v1/alerts", "send_resolved": True}]}]}))
    (tmp / "rules.yml").write_text(yaml.safe_dump(lowered_rules(RULES)))
    (tmp / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp / "rules.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [
            {"job_name": "raybench-service", "static_configs": [{"targets": [f"127.0.0.1:{service['port']}"]}]},
            {"job_name": "ray", "file_sd_configs": [
                {"files": [os.path.join(ray_local["session_dir"], "prom_metrics_service_discovery.json")],
                 "refresh_interval": "1s"}]}]}))
    check = subprocess.run(["promtool", "check", "config", str(tmp / "prometheus.yml")], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    am = _Process(["prometheus-alertmanager", f"--config.file={tmp / 'alertmanager.yml'}",
                   f"--storage.path={tmp / 'am-data'}", f"--web.listen-address=127.0.0.1:{am_port}",
                   "--cluster.listen-address="], tmp / "alertmanager.log")
    prom = _Process(["prometheus", f"--config.file={tmp / 'prometheus.yml'}",
                     f"--storage.tsdb.path={tmp / 'prom-data'}", f"--web.listen-address=127.0.0.1:{prom_port}",
                     "--rules.alert.resend-delay=1s"], tmp / "prometheus.log")
    try:
        _wait_http(f"http://127.0.0.1:{am_port}/-/ready")
        _wait_http(f"http://127.0.0.1:{prom_port}/-/ready")
        yield {"prometheus": f"http://127.0.0.1:{prom_port}", "alertmanager": f"http://127.0.0.1:{am_port}",
               "logs": tmp}
    finally:
        prom.stop()
        am.stop()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """A generated production with defects (so rows are quarantined and flagged), 20k records."""
    from raybench.generate.production import generate_file

    return generate_file("sprint_cdma", str(tmp_path_factory.mktemp("prod")), rows=20_000, seed=15,
                         defect_rate=0.05)


def _query(prometheus: str, expr: str) -> list[dict]:
    r = httpx.get(prometheus + "/api/v1/query", params={"query": expr}, timeout=10)
    r.raise_for_status()
    return r.json()["data"]["result"]


def _wait_scraped(prometheus: str, job: str = "raybench-service", timeout_s: float = 30.0) -> None:
    """Wait until Prometheus has scraped ``job`` (so that the counters' values before the test's job
    are in its database: a rate needs the value before the increase)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(r["value"][1] == "1" for r in _query(prometheus, f'up{{job="{job}"}}')):
            return
        time.sleep(0.2)
    raise AssertionError(f"Prometheus did not scrape {job} within {timeout_s} s")


def _ingest_in_thread(production, tmp_path) -> tuple[threading.Thread, dict]:
    from raybench.pipeline.job import IngestOptions, run_ingest

    out: dict = {}

    def run():
        try:
            out["results"] = run_ingest([production.path], IngestOptions(
                db=str(tmp_path / "cdr.duckdb"), results=str(tmp_path / "ingest.json"), progress=False,
                chunk_bytes=64 << 10))
        except BaseException as exc:  # handed to the test
            out["error"] = exc

    thread = threading.Thread(target=run, name="test-ingest")
    thread.start()
    return thread, out


def _chromium(url: str, profile: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1400,1100", "--virtual-time-budget=4000", *extra, url],
        capture_output=True, text=True, timeout=120)


def test_ingest_metrics_alert_and_dashboard(ray_local, service, alerting, production, tmp_path):
    from raybench.monitor import metrics as m

    def counted(outcome: str) -> float:
        return m.REGISTRY.get_sample_value("raybench_rows_total", {"outcome": outcome}) or 0.0

    before = {o: counted(o) for o in m.ROW_OUTCOMES}
    files_before = m.REGISTRY.get_sample_value("raybench_files_total", {"status": "ok"}) or 0.0
    _wait_scraped(alerting["prometheus"])
    thread, out = _ingest_in_thread(production, tmp_path)
    # the dashboard while rows are flowing: wait for the first rows, then render it twice in Chromium
    deadline = time.monotonic() + 120
    while counted("read") == before["read"] and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    profile = tempfile.mkdtemp(prefix="raybench-chromium-")
    try:
        shot = tmp_path / "dashboard.png"
        _chromium(service["url"] + "/dashboard", profile, f"--screenshot={shot}")
        dom = _chromium(service["url"] + "/dashboard", profile, "--dump-dom").stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    thread.join(timeout=300)
    assert "error" not in out, out.get("error")
    results = out["results"]
    totals = results["totals"]

    # every row the ingest read was counted once, by outcome, as the database has them
    assert counted("read") - before["read"] == totals["rows_read"] > 0
    assert counted("stored") - before["stored"] == totals["rows_stored"]
    assert counted("quarantined") - before["quarantined"] == totals["rows_quarantined"] > 0
    assert counted("flagged") - before["flagged"] == totals["rows_flagged"]
    ok_files = sum(1 for r in results["files"] if r["status"] == "ok")
    assert (m.REGISTRY.get_sample_value("raybench_files_total", {"status": "ok"}) or 0) - files_before == ok_files

    # the screenshot and the DOM: every panel has a value, its thresholds and a series that grew
    assert shot.stat().st_size > 20_000
    from raybench.monitor.panels import PANELS, format_value

    assert 'data-updates="' in dom
    updates = int(dom.split('data-updates="')[1].split('"')[0])
    assert updates >= 2, "the page did not refresh while it was open"
    for p in PANELS:
        start = dom.index(f'id="panel-{p.id}"')
        card = dom[start:dom.index("</section>", start)]
        assert f'<span class="threshold-warning">{format_value(p.unit, p.warning)}</span>' in card, p.id
        assert f'<span class="threshold-critical">{format_value(p.unit, p.critical)}</span>' in card, p.id
        assert "<polyline" in card and "threshold-line-critical" in card, p.id
        if p.id in ("throughput", "memory", "cpu", "network"):
            points = int(card.split('data-points="')[1].split('"')[0])
            assert points >= 2, (p.id, points)
    throughput = dom[dom.index('id="panel-throughput"'):]
    assert float(throughput.split('data-max="')[1].split('"')[0]) > 0, "no rows/s while the ingest ran"
    memory = dom[dom.index('id="panel-memory"'):]
    assert "GiB" in memory.split('class="value">')[1][:20] or "MiB" in memory.split('class="value">')[1][:20]
    assert 'class="job"' in dom

    # Prometheus scraped the same counts, and the lowered rule's alert reached the receiver
    deadline = time.monotonic() + 60
    received: list = []
    while time.monotonic() < deadline and not received:
        received = [a for a in httpx.get(service["url"] + "/v1/alerts", timeout=5).json()["alerts"]
                    if a["alertname"] == "RaybenchThroughputLow" and a["status"] == "firing"]
        time.sleep(0.5)
    logs = alerting["logs"]
    targets = httpx.get(alerting["prometheus"] + "/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
    assert received, ("no alert arrived; targets: " + json.dumps(
        [{k: t.get(k) for k in ("scrapeUrl", "health", "lastError", "lastScrapeDuration")} for t in targets])
        + "\nprometheus log:\n" + (logs / "prometheus.log").read_text()[-2000:]
                      + "\nalertmanager log:\n" + (logs / "alertmanager.log").read_text()[-2000:])
    alert = received[0]
    assert alert["severity"] == "warning" and alert["runbook_url"] == "docs/monitoring.md#raybenchthroughputlow"
    assert alert["summary"].endswith("rows/s while jobs run (floor 667 rows/s)")
    deadline = time.monotonic() + 10
    scraped = None
    while time.monotonic() < deadline:
        got = _query(alerting["prometheus"], 'raybench_rows_total{outcome="read"}')
        scraped = float(got[0]["value"][1]) if got else None
        if scraped == counted("read"):
            break
        time.sleep(0.5)
    assert scraped == counted("read")
    # Ray's own metrics agents, found through the session's service-discovery file, were scraped too
    deadline = time.monotonic() + 30
    ray_up: list = []
    while time.monotonic() < deadline and not ray_up:
        ray_up = [r for r in _query(alerting["prometheus"], 'up{job="ray"}') if r["value"][1] == "1"]
        time.sleep(0.5)
    assert ray_up, "Prometheus found no Ray metrics agent through the service-discovery file"
    sessions = {r["metric"].get("SessionName") for r in _query(alerting["prometheus"], "ray_node_mem_used")}
    assert ray_local["session"] in sessions, sessions
    # and the dashboard's data lists it among the latest alerts
    data = httpx.get(service["url"] + "/v1/dashboard/data", timeout=10).json()
    assert any(a["alertname"] == "RaybenchThroughputLow" for a in data["alerts"])
    (tmp_path / "dashboard-data.json").write_text(json.dumps(data)[:1000])


def test_receiver_keeps_alertmanager_payloads(service):
    payload = {"version": "4", "status": "resolved", "receiver": "service", "alerts": [
        {"status": "resolved", "labels": {"alertname": "RaybenchQueueDeep", "severity": "warning"},
         "annotations": {"summary": "150 jobs queued (over 100)"}, "startsAt": "2026-01-01T00:00:00Z",
         "endsAt": "2026-01-01T00:05:00Z", "fingerprint": "abc"}]}
    r = httpx.post(service["url"] + "/v1/alerts", json=payload, timeout=5)
    assert r.status_code == 200 and r.json() == {"received": 1}
    resolved = httpx.get(service["url"] + "/v1/alerts", params={"status": "resolved"}, timeout=5).json()["alerts"]
    assert resolved[0]["alertname"] == "RaybenchQueueDeep" and resolved[0]["ends_at"] == "2026-01-01T00:05:00Z"
    assert httpx.get(service["url"] + "/v1/alerts", params={"status": "nonsense"}, timeout=5).status_code == 422


@pytest.mark.skipif(__import__("importlib").util.find_spec("raybench.service") is None,
                    reason="raybench serve is not in this checkout")
@pytest.mark.slow  # 55 s; run with -m slow (CI keeps test_ingest_metrics_alert_and_dashboard: real Prometheus, Alertmanager, Chromium)
def test_real_service_metrics_alerts_and_dashboard(tmp_path, production):
    """The same chain against ``raybench serve`` started as a user starts it: Prometheus scrapes its
    /metrics (the job table's metrics and the runner's ingest metrics); ``RaybenchClassificationAccuracyLow``
    with its floor raised from 95% to 101% fires once a job has classified a file (the runner counts
    each file's confidence when the job ends: a warm service ends a small job within a scrape or two,
    too soon for a rule on a running job); Alertmanager posts to the service's own POST /v1/alerts, and
    its /dashboard shows it."""
    from raybench.harness.service import start_service

    svc = start_service(str(tmp_path / "svc"))
    am_port, prom_port = _free_port(), _free_port()
    port = svc.url.rsplit(":", 1)[1]
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump({
        "route": {"receiver": "service", "group_by": ["alertname"], "group_wait": "1s", "group_interval": "1s",
                  "repeat_interval": "1h"},
        "receivers": [{"name": "service", "webhook_configs": [{"url": svc.url + "/v1/alerts"}]}]}))
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(
        lowered_rules(RULES, "RaybenchClassificationAccuracyLow", "< 0.95", "< 1.01")))
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / "rules.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "raybench-service", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}]}))
    am = _Process(["prometheus-alertmanager", f"--config.file={tmp_path / 'alertmanager.yml'}",
                   f"--storage.path={tmp_path / 'am-data'}", f"--web.listen-address=127.0.0.1:{am_port}",
                   "--cluster.listen-address="], tmp_path / "alertmanager.log")
    prom = _Process(["prometheus", f"--config.file={tmp_path / 'prometheus.yml'}",
                     f"--storage.tsdb.path={tmp_path / 'prom-data'}", f"--web.listen-address=127.0.0.1:{prom_port}",
                     "--rules.alert.resend-delay=1s"], tmp_path / "prometheus.log")
    prometheus = f"http://127.0.0.1:{prom_port}"
    try:
        _wait_http(f"http://127.0.0.1:{am_port}/-/ready")
        _wait_http(prometheus + "/-/ready")
        _wait_scraped(prometheus)
        with httpx.Client(base_url=svc.url, timeout=60) as c:
            with open(production.path, "rb") as f:
                upload = c.post("/v1/uploads", params={"name": "prod.csv"}, content=f.read()).json()["upload_id"]
            job = c.post("/v1/jobs", json={"uploads": [upload]}).json()["job_id"]
            deadline = time.monotonic() + 180
            while c.get(f"/v1/jobs/{job}").json()["status"] in ("queued", "running"):
                assert time.monotonic() < deadline, "the job did not end"
                time.sleep(0.2)
            state = c.get(f"/v1/jobs/{job}").json()
            results = c.get(f"/v1/jobs/{job}/results").json()
            received: list = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not received:
                received = [a for a in c.get("/v1/alerts").json()["alerts"]
                            if a["alertname"] == "RaybenchClassificationAccuracyLow" and a["status"] == "firing"]
                time.sleep(0.5)
            targets = httpx.get(prometheus + "/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
            assert received, ([{k: t.get(k) for k in ("scrapeUrl", "health", "lastError", "lastScrapeDuration")}
                               for t in targets], (tmp_path / "prometheus.log").read_text()[-500:])
            confidence = results["files"][0]["confidence"]
            assert received[0]["summary"] == (f"mean classification confidence over 1 h is {100 * confidence:.4g}% "
                                              "(under 95%)")
            # the runner's counts reached Prometheus through the service's /metrics
            totals = results["totals"]
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                got = _query(prometheus, 'raybench_rows_total{outcome="read"}')
                if got and float(got[0]["value"][1]) == totals["rows_read"]:
                    break
                time.sleep(0.5)
            assert got and float(got[0]["value"][1]) == totals["rows_read"] > 0
            quarantined = _query(prometheus, 'raybench_rows_total{outcome="quarantined"}')
            assert float(quarantined[0]["value"][1]) == totals["rows_quarantined"] > 0
            assert float(_query(prometheus, 'raybench_jobs_total{status="done"}')[0]["value"][1]) \
                == (state["status"] == "done")
            data = c.get("/v1/dashboard/data").json()
            assert any(j["job"] == job for j in data["jobs"])
            assert any(a["alertname"] == "RaybenchClassificationAccuracyLow" for a in data["alerts"])
            queue = next(p for p in data["panels"] if p["id"] == "queue")
            assert queue["value"] == 0 and queue["value_text"] == "0 jobs"
            assert 'id="panel-throughput"' in c.get("/dashboard").text
    finally:
        prom.stop()
        am.stop()
        svc.stop()
