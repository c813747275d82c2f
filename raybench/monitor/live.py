"""The live values of the panels (:data:`raybench.monitor.panels.PANELS`), sampled in the process that
serves the dashboard, so that ``/dashboard`` works without a Prometheus beside it.

:class:`PanelSampler` reads :data:`raybench.monitor.metrics.REGISTRY` and the node's counters every
``interval_s`` seconds on a daemon thread and keeps the last ``keep`` samples; rates (rows/s, CPU, disk,
network) are differences between two samples, shares (accuracy, error rate) are over the samples kept
(at most :data:`WINDOW_S`), as the Prometheus expressions of the panels compute them over their windows.
"""

from __future__ import annotations

import collections
import threading
import time

import psutil

from raybench.monitor import metrics as m
from raybench.monitor.panels import PANELS, format_value

WINDOW_S = 900.0
"""Window of the accuracy and error-rate panels, in seconds (the alerts' 15 minutes)."""


def _value(name: str, labels: dict | None = None) -> float:
    return m.REGISTRY.get_sample_value(name, labels or {}) or 0.0


def _counters() -> dict[str, float]:
    """The cumulative counters the panels are computed from, now."""
    cpu = psutil.cpu_times()
    disks = psutil.disk_io_counters(perdisk=True) or {}
    net = psutil.net_io_counters()
    return {
        "t": time.time(),
        "rows_read": _value("raybench_rows_total", {"outcome": "read"}),
        "conf_sum": _value("raybench_classification_confidence_sum"),
        "conf_count": _value("raybench_classification_confidence_count"),
        "files": sum(_value("raybench_files_total", {"status": s}) for s in m.FILE_STATUSES),
        "files_error": sum(_value("raybench_files_total", {"status": s}) for s in m.ERROR_FILE_STATUSES),
        "cpu_busy_s": sum(cpu) - cpu.idle - getattr(cpu, "iowait", 0.0),
        "disk_busy_s": {d: c.busy_time / 1000 for d, c in disks.items()
                        if hasattr(c, "busy_time") and not d.startswith(m.VIRTUAL_DISKS)},
        "net_bytes": float(net.bytes_sent + net.bytes_recv),
        "queued": _value("raybench_jobs_queued"),
        "active": _value("raybench_jobs_running") + _value("raybench_ingests_running"),
    }


class PanelSampler:
    """Samples every panel's value every ``interval_s`` seconds (see the module docstring).

    Args:
        interval_s: seconds between samples.
        keep: samples kept per panel (the series the dashboard draws).
    """

    def __init__(self, interval_s: float = 1.0, keep: int = 600):
        self.interval_s = interval_s
        self._node = m.register_node_collector()
        self._raw: collections.deque[dict] = collections.deque(maxlen=keep)
        self._series: dict[str, collections.deque] = {p.id: collections.deque(maxlen=keep) for p in PANELS}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> PanelSampler:
        """Start sampling (once; later calls do nothing). Returns self."""
        if self._thread is None:
            self.sample()
            self._thread = threading.Thread(target=self._run, name="raybench-panels", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the sampling thread."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sample()
            except Exception:  # noqa: BLE001 - a failed sample leaves a gap, never stops the thread
                pass

    def sample(self) -> dict[str, float | None]:
        """Take one sample now; returns panel id -> value (None where there is none yet)."""
        now = _counters()
        pss = sum(self._node.pss_by_kind().values())
        with self._lock:
            prev = self._raw[-1] if self._raw else None
            window = next((r for r in self._raw if now["t"] - r["t"] <= WINDOW_S), prev)
            self._raw.append(now)
            values = _panel_values(now, prev, window, pss)
            for pid, v in values.items():
                self._series[pid].append((now["t"], v))
        return values

    def snapshot(self) -> list[dict]:
        """Every panel with its thresholds, latest value (raw and for people), level and series.

        Returns:
            Per panel: ``id``, ``title``, ``unit``, ``warning``, ``critical``, ``bad``, ``source``,
            ``value``, ``value_text``, ``warning_text``, ``critical_text``, ``level`` (``ok``,
            ``warning``, ``critical``, ``none``) and ``series`` (``[[unix_s, value or None], ...]``).
        """
        with self._lock:
            series = {pid: list(s) for pid, s in self._series.items()}
            active = bool(self._raw and self._raw[-1]["active"] > 0)
        out = []
        for p in PANELS:
            pts = series[p.id]
            value = next((v for _, v in reversed(pts) if v is not None), None)
            out.append({"id": p.id, "title": p.title, "unit": p.unit, "warning": p.warning, "critical": p.critical,
                        "bad": p.bad, "source": p.source, "value": value, "value_text": format_value(p.unit, value),
                        "warning_text": format_value(p.unit, p.warning),
                        "critical_text": format_value(p.unit, p.critical),
                        # the throughput floors hold only while jobs run
                        "level": "ok" if p.id == "throughput" and not active and value is not None else p.level(value),
                        "series": [[t, v] for t, v in pts]})
        return out

    def jobs_active(self) -> bool:
        """Whether the latest sample saw a job running (the service's or an ingest of this process)."""
        with self._lock:
            return bool(self._raw and self._raw[-1]["active"] > 0)


def _panel_values(now: dict, prev: dict | None, window: dict | None, pss: float) -> dict[str, float | None]:
    def rate(key: str) -> float | None:
        if prev is None or now["t"] <= prev["t"]:
            return None
        return max(now[key] - prev[key], 0.0) / (now["t"] - prev["t"])

    def share(num: str, den: str) -> float | None:
        if window is None or window is now:
            return now[num] / now[den] if now[den] else None
        d = now[den] - window[den]
        if d > 0:
            return (now[num] - window[num]) / d
        return now[num] / now[den] if now[den] else None

    disk = None
    if prev is not None and now["t"] > prev["t"]:
        dt = now["t"] - prev["t"]
        busy = [max(v - prev["disk_busy_s"].get(d, v), 0.0) / dt for d, v in now["disk_busy_s"].items()]
        disk = min(max(busy, default=0.0), 1.0)
    cpu = rate("cpu_busy_s")
    return {
        "throughput": rate("rows_read"),
        "memory": float(pss),
        "queue": now["queued"],
        "accuracy": share("conf_sum", "conf_count"),
        "errors": share("files_error", "files"),
        "cpu": None if cpu is None else min(cpu / (psutil.cpu_count() or 1), 1.0),
        "disk": disk,
        "network": rate("net_bytes"),
    }
