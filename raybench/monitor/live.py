"""The live values of the panels (:data:`raybench.monitor.panels.PANELS`), sampled in the process that
serves the dashboard, so that ``/dashboard`` works without a Prometheus beside it.

:class:`PanelSampler` reads raybench's metrics (Prometheus' text format: this process's
:data:`raybench.monitor.metrics.REGISTRY`, or another process's) and the node's counters every
``interval_s`` seconds on a daemon thread and keeps the last ``keep`` samples; rates (rows/s, CPU, disk,
network) are differences between two samples, shares (accuracy, error rate) are over the samples kept
(at most :data:`WINDOW_S`), as the Prometheus expressions of the panels compute them over their windows.
"""

from __future__ import annotations

import collections
import threading
import time

import psutil
from prometheus_client.parser import text_string_to_metric_families

from raybench.monitor import metrics as m
from raybench.monitor.panels import PANELS, format_value

WINDOW_S = 900.0
"""Window of the accuracy and error-rate panels, in seconds (the alerts' 15 minutes)."""


Samples = dict[tuple[str, tuple], float]
"""Parsed exposition: ``(sample name, sorted label items)`` -> value."""


def parse_exposition(text: str | bytes) -> Samples:
    """Prometheus' text format parsed into :data:`Samples` (with ``prometheus_client``'s parser)."""
    if isinstance(text, bytes):
        text = text.decode()
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return out


def _sum(samples: Samples, name: str, **labels) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels`` (0 when there is none)."""
    want = set(labels.items())
    return sum(v for (n, lab), v in samples.items() if n == name and want <= set(lab))


def _local_exposition() -> bytes:
    return m.exposition()[0]


def _counters(samples: Samples, t: float) -> dict[str, float]:
    """The cumulative counters the panels are computed from, at unix time ``t`` (raybench's from
    ``samples``, the node's from psutil)."""
    cpu = psutil.cpu_times()
    disks = psutil.disk_io_counters(perdisk=True) or {}
    net = psutil.net_io_counters()
    return {
        "t": t,
        "rows_read": _sum(samples, "raybench_rows_total", outcome="read"),
        "conf_sum": _sum(samples, "raybench_classification_confidence_sum"),
        "conf_count": _sum(samples, "raybench_classification_confidence_count"),
        "files": _sum(samples, "raybench_files_total"),
        "files_error": sum(_sum(samples, "raybench_files_total", status=s) for s in m.ERROR_FILE_STATUSES),
        "cpu_busy_s": sum(cpu) - cpu.idle - getattr(cpu, "iowait", 0.0),
        "disk_busy_s": {d: c.busy_time / 1000 for d, c in disks.items()
                        if hasattr(c, "busy_time") and not d.startswith(m.VIRTUAL_DISKS)},
        "net_bytes": float(net.bytes_sent + net.bytes_recv),
        "queued": _sum(samples, "raybench_jobs_queued") if any(
            n == "raybench_jobs_queued" for n, _ in samples) else None,
        "pss": _sum(samples, "raybench_process_pss_bytes") if any(
            n == "raybench_process_pss_bytes" for n, _ in samples) else None,
        "active": _sum(samples, "raybench_jobs_running") + _sum(samples, "raybench_ingests_running"),
    }


class PanelSampler:
    """Samples every panel's value every ``interval_s`` seconds (see the module docstring).

    Args:
        interval_s: seconds between samples.
        keep: samples kept per panel (the series the dashboard draws).
        read: returns the metrics in Prometheus' text format; default: this process's
            :data:`raybench.monitor.metrics.REGISTRY` (with the node collector). A service whose ingests
            run in another process (a Serve deployment) passes a function that fetches that process's
            text, followed by its own job-table metrics (``raybench_jobs_queued``...).
        clock: unix seconds of a sample (``time.time``; a test passes its own).
    """

    def __init__(self, interval_s: float = 1.0, keep: int = 600, read=None, clock=time.time):
        self.interval_s = interval_s
        self._clock = clock  # unix seconds; a test passes its own clock
        if read is None:
            m.register_node_collector()
        self._read = read or _local_exposition
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
        now = _counters(parse_exposition(self._read()), self._clock())
        with self._lock:
            prev = self._raw[-1] if self._raw else None
            window = next((r for r in self._raw if now["t"] - r["t"] <= WINDOW_S), prev)
            self._raw.append(now)
            values = _panel_values(now, prev, window)
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


def _panel_values(now: dict, prev: dict | None, window: dict | None) -> dict[str, float | None]:
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
        "memory": now["pss"],
        "queue": now["queued"],
        "accuracy": share("conf_sum", "conf_count"),
        "errors": share("files_error", "files"),
        "cpu": None if cpu is None else min(cpu / (psutil.cpu_count() or 1), 1.0),
        "disk": disk,
        "network": rate("net_bytes"),
    }
