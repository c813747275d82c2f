"""The monitoring routes of the service, as a FastAPI ``APIRouter`` it mounts with one line
(``app.include_router(monitor_router(jobs=...))``):

- ``POST /v1/alerts``: Alertmanager's webhook receiver; keeps the alerts it is sent (the latest
  :data:`ALERTS_KEPT`), 200 with how many it took;
- ``GET /v1/alerts``: the alerts received, newest first (``?status=firing`` for the firing ones);
- ``GET /v1/dashboard/data``: the panels (values, thresholds, series), the jobs and the latest alerts,
  as JSON;
- ``GET /dashboard``: the live page, which polls ``/v1/dashboard/data`` every second.

The page is one self-contained HTML document (inline script and SVG, nothing from the network).
"""

from __future__ import annotations

import collections
import html
import json
import sqlite3
import threading
import time
from typing import Callable

from fastapi import APIRouter, Body, Query
from fastapi.responses import HTMLResponse

from raybench.monitor.ingest import recent_jobs
from raybench.monitor.live import PanelSampler
from raybench.monitor.panels import PANELS

ALERTS_KEPT = 500
"""Alerts the receiver keeps (the oldest go first)."""


def alert_records(payload: dict) -> list[dict]:
    """The alerts of one Alertmanager webhook payload (version 4: ``alerts`` with ``status``, ``labels``,
    ``annotations``, ``startsAt``, ``endsAt``, ``fingerprint``) as the stores keep them."""
    received = time.time()
    out = []
    for a in payload.get("alerts") or []:
        if not isinstance(a, dict):
            continue
        labels = a.get("labels") or {}
        annotations = a.get("annotations") or {}
        out.append({
            "received_s": received, "status": a.get("status") or payload.get("status"),
            "alertname": labels.get("alertname"), "severity": labels.get("severity"),
            "summary": annotations.get("summary"), "runbook_url": annotations.get("runbook_url"),
            "labels": labels, "annotations": annotations, "starts_at": a.get("startsAt"),
            "ends_at": a.get("endsAt"), "fingerprint": a.get("fingerprint"), "receiver": payload.get("receiver")})
    return out


class AlertStore:
    """Alerts received from Alertmanager, in this process's memory, newest last, at most
    :data:`ALERTS_KEPT`. Several processes answering one address (Serve's HTTP replicas) share a
    :class:`SqliteAlertStore` instead."""

    def __init__(self, keep: int = ALERTS_KEPT):
        self._alerts: collections.deque[dict] = collections.deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, payload: dict) -> int:
        """Keep the alerts of one Alertmanager webhook payload (:func:`alert_records`). Returns how many."""
        alerts = alert_records(payload)
        with self._lock:
            self._alerts.extend(alerts)
        return len(alerts)

    def list(self, status: str | None = None, limit: int = 100) -> list[dict]:
        """The latest alerts, newest first; only those with ``status`` (``firing``, ``resolved``) if
        given."""
        with self._lock:
            items = list(reversed(self._alerts))
        if status:
            items = [a for a in items if a["status"] == status]
        return items[:limit]


class SqliteAlertStore:
    """Alerts kept in a SQLite file (WAL mode: several processes write and read it), the latest
    ``keep``; what :class:`AlertStore` does, for every process that shares ``path``.

    Args:
        path: the database file (created with its table when missing).
        keep: alerts kept; older ones are deleted as new ones come.
    """

    def __init__(self, path: str, keep: int = ALERTS_KEPT):
        self.path, self.keep = path, keep
        with sqlite3.connect(path, timeout=30) as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "status TEXT, alert TEXT NOT NULL)")

    def add(self, payload: dict) -> int:
        """Keep the alerts of one Alertmanager webhook payload (:func:`alert_records`). Returns how many."""
        alerts = alert_records(payload)
        with sqlite3.connect(self.path, timeout=30) as con:
            con.executemany("INSERT INTO alerts (status, alert) VALUES (?, ?)",
                            [(a["status"], json.dumps(a)) for a in alerts])
            con.execute("DELETE FROM alerts WHERE id <= (SELECT max(id) FROM alerts) - ?", [self.keep])
        return len(alerts)

    def list(self, status: str | None = None, limit: int = 100) -> list[dict]:
        """The latest alerts, newest first; only those with ``status`` if given."""
        with sqlite3.connect(self.path, timeout=30) as con:
            rows = con.execute("SELECT alert FROM alerts WHERE ? IS NULL OR status = ? ORDER BY id DESC LIMIT ?",
                               [status, status, limit]).fetchall()
        return [json.loads(r[0]) for r in rows]


def monitor_router(jobs: Callable[[], list[dict]] | None = None, sampler: PanelSampler | None = None,
                   alerts: AlertStore | None = None) -> APIRouter:
    """The monitoring routes (see the module docstring).

    Args:
        jobs: returns the jobs to list, newest first, as dicts with at least ``job`` and ``status``
            (and, where known, ``rows_read``, ``rows_per_s``, ``started_s``, ``ended_s``, ``error``);
            default: the ingests of this process (:func:`raybench.monitor.ingest.recent_jobs`).
        sampler: the panels' sampler, or a function returning it (called at the first request: a Serve
            ingress builds it in its replica); default: a new one sampling this process's metrics every
            second, started now. An ingress whose ingests run in another deployment gives one reading
            that deployment's metrics (:class:`raybench.monitor.live.PanelSampler` ``read``).
        alerts: where received alerts are kept, or a function returning it (as ``sampler``); default: a
            new :class:`AlertStore` (in memory; a :class:`SqliteAlertStore` for several replicas).
    """
    jobs = jobs or recent_jobs
    made: dict = {}

    def sampler_now() -> PanelSampler:
        if "sampler" not in made:  # a factory is called at the first request (a replica's own state)
            got = sampler() if callable(sampler) and not isinstance(sampler, PanelSampler) else sampler
            made["sampler"] = (got or PanelSampler()).start()
        return made["sampler"]

    def alerts_now():
        if "alerts" not in made:
            got = alerts() if callable(alerts) and not hasattr(alerts, "add") else alerts
            made["alerts"] = got or AlertStore()
        return made["alerts"]

    if not callable(sampler) or isinstance(sampler, PanelSampler):
        sampler_now()  # start sampling now: the dashboard's series begin before anyone looks
    router = APIRouter()

    @router.post("/v1/alerts", tags=["monitoring"])
    def receive_alerts(payload: dict = Body(...)) -> dict:
        """Alertmanager's webhook: keep the alerts of the payload."""
        return {"received": alerts_now().add(payload)}

    @router.get("/v1/alerts", tags=["monitoring"])
    def list_alerts(status: str | None = Query(None, pattern="^(firing|resolved)$"),
                    limit: int = Query(100, ge=1, le=ALERTS_KEPT)) -> dict:
        """The alerts received, newest first."""
        return {"alerts": alerts_now().list(status, limit)}

    @router.get("/v1/dashboard/data", tags=["monitoring"])
    def dashboard_data() -> dict:
        """Panels, jobs and the latest alerts, for the dashboard page."""
        panels = sampler_now()
        return {"now_s": time.time(), "panels": panels.snapshot(), "jobs_active": panels.jobs_active(),
                "jobs": [job_row(j) for j in jobs()[:50]], "alerts": alerts_now().list(limit=20)}

    @router.get("/dashboard", response_class=HTMLResponse, tags=["monitoring"])
    def dashboard() -> str:
        """The live dashboard."""
        return dashboard_html()

    return router


def job_row(job: dict) -> dict:
    """A job as the dashboard lists it, from this module's records (``job``, ``rows_read``, ``started_s``)
    or a service's job table (``id``, ``rows_done``, ``started_utc``): ``job``, ``status``,
    ``rows_read``, ``rows_per_s``, ``started``, ``error``."""
    started = job.get("started_s")
    if started is not None:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started))
    return {"job": job.get("job") or job.get("job_id") or job.get("id"), "status": job.get("status"),
            "rows_read": job.get("rows_read", job.get("rows_done")), "rows_per_s": job.get("rows_per_s"),
            "started": started or job.get("started_utc") or job.get("submitted_utc"),
            "error": job.get("error")}


def dashboard_html(poll_ms: int = 1000) -> str:
    """The dashboard page: a card per panel (value, warning and critical thresholds, an SVG line of its
    series with the thresholds drawn), the job list and the latest alerts, refreshed every ``poll_ms``."""
    cards = "".join(
        f'<section class="panel" id="panel-{p.id}" data-level="none" data-points="0">'
        f'<h2>{html.escape(p.title)}</h2><div class="value">-</div>'
        f'<div class="thresholds">warning <span class="threshold-warning">-</span> · critical '
        f'<span class="threshold-critical">-</span> ({"above" if p.bad == "above" else "below"})</div>'
        f'<svg class="chart" viewBox="0 0 300 90" preserveAspectRatio="none"></svg></section>'
        for p in PANELS)
    return _PAGE.replace("__CARDS__", cards).replace("__POLL_MS__", str(int(poll_ms)))


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>raybench dashboard</title>
<style>
body{font-family:sans-serif;margin:1em 2em;background:#fafafa;color:#222}
#panels{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.panel{background:#fff;border:1px solid #ccc;border-left:6px solid #aaa;padding:6px 10px}
.panel h2{font-size:14px;margin:2px 0}.value{font-size:22px;font-weight:bold}
.thresholds{font-size:11px;color:#555}.chart{width:100%;height:90px;background:#fcfcfc}
.panel[data-level=ok]{border-left-color:#2a2}.panel[data-level=warning]{border-left-color:#e90}
.panel[data-level=critical]{border-left-color:#d22}
table{border-collapse:collapse;margin:0.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:2px 8px}
.firing{color:#b00}.resolved{color:#080}
</style></head><body>
<h1>raybench <span id="state">connecting…</span></h1>
<div id="panels">__CARDS__</div>
<h2>Jobs</h2><table id="jobs"><thead><tr><th>job</th><th>status</th><th>rows read</th><th>rows/s</th>
<th>started (UTC)</th><th>error</th></tr></thead><tbody></tbody></table>
<h2>Latest alerts</h2><table id="alerts"><thead><tr><th>received (UTC)</th><th>status</th><th>alert</th>
<th>severity</th><th>summary</th></tr></thead><tbody></tbody></table>
<script>
let updates = 0;
function fmt(unit, v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const bytes = (n) => { const u = [["TiB",2**40],["GiB",2**30],["MiB",2**20],["KiB",2**10]];
    for (const [name, size] of u) if (Math.abs(n) >= size) return (n / size).toFixed(2) + " " + name;
    return n.toFixed(0) + " B"; };
  if (unit === "bytes") return bytes(v);
  if (unit === "bytes/s") return bytes(v) + "/s";
  if (unit === "ratio") return (100 * v).toFixed(1) + "%";
  if (unit === "rows/s") return Math.round(v).toLocaleString("en-US") + " rows/s";
  if (unit === "jobs") return v.toFixed(0) + " jobs";
  return v.toPrecision(4) + " " + unit;
}
function esc(s) { return String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c])); }
function utc(t) { return t ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) : "-"; }
function draw(svg, p) {
  const pts = p.series.filter(x => x[1] !== null);
  const vals = pts.map(x => x[1]).concat([p.warning, p.critical]);
  const lo = Math.min(0, ...vals), hi = Math.max(...vals) * 1.1 || 1;
  const t0 = pts.length ? pts[0][0] : 0, t1 = pts.length ? pts[pts.length - 1][0] : 1;
  const x = t => 300 * (t - t0) / Math.max(t1 - t0, 1e-9), y = v => 90 - 90 * (v - lo) / (hi - lo);
  const line = pts.map(q => x(q[0]).toFixed(1) + "," + y(q[1]).toFixed(1)).join(" ");
  svg.innerHTML =
    `<line class="threshold-line-warning" x1="0" x2="300" y1="${y(p.warning)}" y2="${y(p.warning)}" stroke="#e90" stroke-dasharray="4 3"/>` +
    `<line class="threshold-line-critical" x1="0" x2="300" y1="${y(p.critical)}" y2="${y(p.critical)}" stroke="#d22" stroke-dasharray="4 3"/>` +
    `<polyline class="series" fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line}"/>`;
}
async function refresh() {
  try {
    const r = await fetch("/v1/dashboard/data", {cache: "no-store"});
    const d = await r.json();
    for (const p of d.panels) {
      const el = document.getElementById("panel-" + p.id);
      el.querySelector(".value").textContent = p.value_text;
      el.querySelector(".threshold-warning").textContent = p.warning_text;
      el.querySelector(".threshold-critical").textContent = p.critical_text;
      el.dataset.level = p.level;
      el.dataset.value = p.value === null ? "" : String(p.value);
      el.dataset.points = String(p.series.filter(x => x[1] !== null).length);
      el.dataset.max = String(Math.max(0, ...p.series.filter(x => x[1] !== null).map(x => x[1])));
      draw(el.querySelector("svg"), p);
    }
    document.querySelector("#jobs tbody").innerHTML = d.jobs.map(j =>
      `<tr class="job" data-status="${esc(j.status)}"><td>${esc(j.job)}</td><td>${esc(j.status)}</td>` +
      `<td>${j.rows_read ?? "-"}</td><td>${j.rows_per_s == null ? "-" : fmt("rows/s", j.rows_per_s)}</td>` +
      `<td>${esc(j.started ?? "-")}</td><td>${esc(j.error)}</td></tr>`).join("");
    document.querySelector("#alerts tbody").innerHTML = d.alerts.map(a =>
      `<tr class="alert ${esc(a.status)}"><td>${utc(a.received_s)}</td><td>${esc(a.status)}</td>` +
      `<td>${esc(a.alertname)}</td><td>${esc(a.severity)}</td><td>${esc(a.summary)}</td></tr>`).join("");
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.getElementById("state").textContent = (d.jobs_active ? "jobs running" : "idle") + " · " + utc(d.now_s);
  } catch (e) {
    document.getElementById("state").textContent = "no answer: " + e;
  }
}
refresh();
setInterval(refresh, __POLL_MS__);
</script></body></html>"""
