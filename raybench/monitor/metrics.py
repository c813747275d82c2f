"""raybench's Prometheus metrics: one registry, the names of the contract (``docs/monitoring.md``).

Everything is in :data:`REGISTRY` (not ``prometheus_client``'s global one, so that importing this
module twice, or beside another library's metrics, never clashes); ``/metrics`` serves
``prometheus_client.generate_latest(REGISTRY)``. Names follow Prometheus' conventions: counters end in
``_total``, times are seconds (``_seconds``), memory is bytes (``_bytes``), shares are 0..1 (``_ratio``).

The queue and job metrics of the contract (``raybench_jobs_queued``, ``raybench_jobs_running``,
``raybench_jobs_total``, ``raybench_job_duration_seconds``: :data:`SERVICE_METRICS`) are the service's,
exported from its job table; the service's ``/metrics`` serves them followed by this registry's text from
the process that runs the ingests.
"""

from __future__ import annotations

import os
import threading
import time

import psutil
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from raybench.metrics.processes import ProcessSampler, is_ray_process

REGISTRY = CollectorRegistry(auto_describe=True)
"""The registry every raybench metric is in."""

ROW_OUTCOMES = ("read", "stored", "quarantined", "flagged")
"""Values of ``raybench_rows_total{outcome}``: every row read is stored or quarantined; a stored row
with a flag is also counted as flagged."""

FILE_STATUSES = ("ok", "suspect", "failed", "errors", "incomplete", "skipped", "interrupted")
"""Values of ``raybench_files_total{status}`` (the ``files.status`` of the design)."""

ERROR_FILE_STATUSES = ("failed", "errors", "incomplete")
"""File statuses counted as errors by the error rate (a file not read, or not read whole)."""

JOB_STATUSES = ("done", "failed", "suspect", "cancelled", "interrupted")
"""Values of ``raybench_ingests_total{status}`` (and of the service's ``raybench_jobs_total{status}``)."""

PROCESS_KINDS = ("driver", "worker", "ray")
"""Values of ``raybench_process_pss_bytes{kind}``: the process running the ingest (the service or the
CLI), the ingest actors and tasks (``ray::`` workers), Ray's own processes (raylet, GCS, agents)."""

# -- queue and jobs: the service's (its job table knows them; raybench.service.metrics exports them) --
SERVICE_METRICS = {
    "raybench_jobs_queued": "gauge: jobs waiting in the service's queue",
    "raybench_jobs_running": "gauge: jobs the service runs now",
    "raybench_jobs_total": "counter, label status: jobs ended, by how they ended",
    "raybench_job_duration_seconds": "histogram: a job's submission to its end, seconds",
}
"""The contract's metrics the service exports from its job table, not defined in :data:`REGISTRY`: a
service's HTTP replicas all answer them alike from the durable table, and they survive restarts."""

# -- the ingests this process drives ------------------------------------------------------------------
INGESTS_RUNNING = Gauge("raybench_ingests_running", "Ingests this process is driving now.", registry=REGISTRY)
INGESTS_TOTAL = Counter("raybench_ingests", "Ingests this process drove, by how they ended.", ["status"],
                        registry=REGISTRY)
INGEST_DURATION = Histogram("raybench_ingest_duration_seconds",
                            "Wall time of one ingest run, start to end (seconds; no queue wait).",
                            buckets=(1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200),
                            registry=REGISTRY)
JOB_TARGET_RATIO = Histogram(
    "raybench_job_duration_target_ratio",
    "A job's wall time over the plan's target for its rows (raybench.monitor.ingest.target_seconds); "
    "above 1.2 is 20% over target.", buckets=(0.25, 0.5, 0.8, 1.0, 1.2, 1.5, 2, 3, 5), registry=REGISTRY)

# -- rows and files -----------------------------------------------------------------------------------
ROWS_TOTAL = Counter("raybench_rows", "CDR rows by outcome (read, stored, quarantined, flagged).", ["outcome"],
                     registry=REGISTRY)
ROWS_QUARANTINED_BY_REASON = Counter(
    "raybench_rows_quarantined_by_reason",
    "Quarantined rows by rule id; a row with two reasons counts under both.", ["reason"], registry=REGISTRY)
FILES_TOTAL = Counter("raybench_files", "Input files by the status they ended with.", ["status"],
                      registry=REGISTRY)
BATCH_LATENCY = Histogram("raybench_batch_latency_seconds", "Time a worker took for one batch (seconds).",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120), registry=REGISTRY)
LAST_PROGRESS = Gauge("raybench_last_progress_timestamp_seconds",
                      "Unix time of the last batch written, or of the last ingest start.", registry=REGISTRY)
JOB_ROWS_PER_S = Gauge("raybench_last_job_rows_per_second", "Rows read per second of the last job to end.",
                       registry=REGISTRY)
JOB_PSS_PEAK = Gauge("raybench_last_job_pss_peak_bytes",
                     "Peak PSS of the last job to end, by process kind (the coordinator's samples).", ["kind"],
                     registry=REGISTRY)

# -- classification -----------------------------------------------------------------------------------
CLASSIFICATION_CONFIDENCE = Histogram(
    "raybench_classification_confidence", "Confidence of each file's layout decision (0..1).",
    buckets=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0), registry=REGISTRY)
FILES_ABSTAINED = Counter("raybench_files_abstained",
                          "Files the classifier named no layout for (ended failed as unknown).", registry=REGISTRY)

for _o in ROW_OUTCOMES:  # every series exists from the start: rate() and the alerts see a 0, not nothing
    ROWS_TOTAL.labels(_o)
for _s in FILE_STATUSES:
    FILES_TOTAL.labels(_s)
for _s in JOB_STATUSES:
    INGESTS_TOTAL.labels(_s)
LAST_PROGRESS.set(time.time())  # no batch yet: the stuck-job alert counts from the process's start


VIRTUAL_DISKS = ("loop", "ram", "zram")
"""Block devices left out of ``raybench_node_disk_busy_seconds_total`` (memory and loop devices)."""


class NodeCollector:
    """The node's CPU, disk and network counters, read with psutil at each scrape, and the PSS of each
    process kind, read every ``pss_every_s`` seconds by a daemon thread (each process costs several
    milliseconds to read, too slow for a scrape every second on a busy node).

    The processes: when this process runs under a raylet (a Ray worker, e.g. the service's job runner),
    its Ray session's on this node; when it started an embedded Ray, itself and its descendants; else
    every Ray process of the machine (:class:`raybench.metrics.processes.ProcessSampler`).

    Metrics:
        ``raybench_node_cpus`` (gauge), ``raybench_node_cpu_busy_seconds_total`` (all cores, not idle
        nor iowait), ``raybench_node_disk_busy_seconds_total{device}``,
        ``raybench_node_disk_read_bytes_total``, ``raybench_node_disk_written_bytes_total``,
        ``raybench_node_network_bytes_total{direction}`` (``sent``, ``received``),
        ``raybench_process_pss_bytes{kind}`` (see :data:`PROCESS_KINDS`).

    Args:
        driver_pids: processes counted as ``driver`` (default: this one).
        pss_every_s: seconds between two PSS readings.
    """

    def __init__(self, driver_pids: tuple[int, ...] | None = None, pss_every_s: float = 5.0):
        self.driver_pids = set(driver_pids or (os.getpid(),))
        self.pss_every_s = pss_every_s
        self._sampler = ProcessSampler(tuple(self.driver_pids), session_wide=True)
        self._pss: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def refresh_pss(self) -> dict[str, int]:
        """Read the PSS of every process now; returns ``{"driver": bytes, "worker": bytes, "ray": bytes}``."""
        out = dict.fromkeys(PROCESS_KINDS, 0)
        for pid, name, pss in self._processes():
            out[process_kind(pid, name, self.driver_pids)] += pss
        with self._lock:
            self._pss = out
        return dict(out)

    def _processes(self) -> list[tuple[int, str, int]]:
        me = psutil.Process()
        try:
            parent = me.parent()
            under_raylet = parent is not None and parent.name() == "raylet"
            children = [] if under_raylet else me.children(recursive=True)
        except psutil.Error:
            under_raylet, children = False, []
        if not under_raylet and any(is_ray_process(c) for c in children):  # an embedded Ray: ours alone
            out = []
            for proc in [me, *children]:
                try:
                    with proc.oneshot():
                        name = proc.name()
                        cmd = proc.cmdline()
                        if not name.startswith("ray::") and cmd and cmd[0].startswith("ray::"):
                            name = cmd[0].split()[0]
                        full = proc.memory_full_info()
                    out.append((proc.pid, name, int(getattr(full, "pss", full.rss))))
                except psutil.Error:
                    continue
            return out
        return [(s.pid, s.name, s.pss_bytes) for s in self._sampler.sample()]

    def start(self) -> NodeCollector:
        """Take a first PSS reading now and keep reading every ``pss_every_s`` on a daemon thread (once).
        Returns self."""
        if self._thread is None:
            self.refresh_pss()
            self._thread = threading.Thread(target=self._run, name="raybench-pss", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            time.sleep(self.pss_every_s)
            try:
                self.refresh_pss()
            except Exception:  # noqa: BLE001 - a failed reading keeps the last one
                pass

    def pss_by_kind(self) -> dict[str, int]:
        """The latest PSS reading per kind, bytes (``{}`` before :meth:`start`)."""
        with self._lock:
            return dict(self._pss)

    def collect(self):
        """The metric families above, read now (``prometheus_client`` calls this at each scrape)."""
        cpu = psutil.cpu_times()
        busy = sum(cpu) - cpu.idle - getattr(cpu, "iowait", 0.0)
        yield GaugeMetricFamily("raybench_node_cpus", "CPUs of this node.", value=psutil.cpu_count() or 1)
        yield CounterMetricFamily("raybench_node_cpu_busy_seconds", "CPU seconds not idle, all cores.", value=busy)
        disks = psutil.disk_io_counters(perdisk=True) or {}
        busy_s = CounterMetricFamily("raybench_node_disk_busy_seconds", "Seconds each disk was busy.",
                                     labels=["device"])
        for dev, d in disks.items():
            if hasattr(d, "busy_time") and not dev.startswith(VIRTUAL_DISKS):
                busy_s.add_metric([dev], d.busy_time / 1000)
        yield busy_s
        whole = psutil.disk_io_counters()
        yield CounterMetricFamily("raybench_node_disk_read_bytes", "Bytes read from all disks.",
                                  value=whole.read_bytes if whole else 0)
        yield CounterMetricFamily("raybench_node_disk_written_bytes", "Bytes written to all disks.",
                                  value=whole.write_bytes if whole else 0)
        net = psutil.net_io_counters()
        fam = CounterMetricFamily("raybench_node_network_bytes", "Bytes over all interfaces.", labels=["direction"])
        fam.add_metric(["sent"], net.bytes_sent)
        fam.add_metric(["received"], net.bytes_recv)
        yield fam
        pss = GaugeMetricFamily("raybench_process_pss_bytes", "PSS of the processes of each kind (bytes).",
                                labels=["kind"])
        for kind, value in self.pss_by_kind().items():
            pss.add_metric([kind], value)
        yield pss


def process_kind(pid: int, name: str, driver_pids: set[int]) -> str:
    """``driver`` for ``driver_pids``, ``worker`` for a ``ray::`` worker (actor or task), else ``ray``."""
    if pid in driver_pids:
        return "driver"
    if name.startswith("ray::") and not name.startswith(("ray::IDLE", "ray::_")):
        return "worker"
    return "ray"


_node: NodeCollector | None = None


def register_node_collector(driver_pids: tuple[int, ...] | None = None) -> NodeCollector:
    """Add the :class:`NodeCollector` to :data:`REGISTRY` and start its PSS thread (once per process;
    later calls return it)."""
    global _node
    if _node is None:
        _node = NodeCollector(driver_pids).start()
        REGISTRY.register(_node)
    return _node


def exposition() -> tuple[bytes, str]:
    """``(body, content type)`` of ``/metrics``: every metric of :data:`REGISTRY` in Prometheus' text
    format."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_metrics(port: int, addr: str = "0.0.0.0") -> None:
    """Serve :data:`REGISTRY` (with the node collector) at ``http://addr:port/metrics`` from a daemon
    thread of this process, for an ingest run from the command line (``raybench ingest --metrics-port``).
    The values are there while the process lives: Prometheus sees a long ingest, while a run shorter than
    the scrape interval is better read from its results JSON.

    Raises:
        OSError: the port is taken.
    """
    register_node_collector()
    start_http_server(port, addr=addr, registry=REGISTRY)
