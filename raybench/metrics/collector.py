"""What the coordinator collects across workers: rows, latency, memory, CPU, concurrency, errors.

:class:`MetricsCollector` is plain Python so it can be tested without Ray; the coordinator actor
(:mod:`raybench.pipeline.coordinator`) wraps it and runs :meth:`MetricsCollector.tick` on a thread at
least once a second.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from raybench.metrics.processes import NodeIO, ProcessSample, ProcessSampler, node_io
from raybench.metrics.stats import percentiles


@dataclass
class _Batch:
    worker_id: str
    started_s: float


@dataclass
class Tick:
    """One sample of the whole node.

    Attributes:
        t_s: seconds since the collector started.
        pss_bytes, rss_bytes: summed over the sampled processes.
        cpu_pct: summed CPU, percent of one core.
        processes: how many processes were sampled.
        actors_alive, actors_busy: workers whose process exists; workers running a batch.
        batches_in_flight: batches started and not finished. (The summary's ``actors_busy_max`` and
            ``batches_in_flight_max`` also count the moments batches start, between samples.)
        rows_done: rows finished so far.
        driver_cpu_pct: CPU of the driver process(es), percent of one core.
        disk_read_bytes_per_s, disk_write_bytes_per_s, net_bytes_per_s: node rates since the last tick.
        disk_busy_ratio: share of the time since the last tick the busiest disk was busy (0..1).
        shm_used_bytes: shared memory in use (Ray's object store).
        driver_pss_bytes: PSS of the driver process(es), bytes (part of ``pss_bytes``).
        phase: the job's phase when sampled (``batches``, ``dedupe``, ``finalize``; see
            :meth:`MetricsCollector.set_phase`).
        worker_pss_bytes: worker id -> PSS of that worker's process, bytes.
    """

    t_s: float
    pss_bytes: int
    rss_bytes: int
    cpu_pct: float
    processes: int
    actors_alive: int
    actors_busy: int
    batches_in_flight: int
    rows_done: int
    driver_cpu_pct: float = 0.0
    disk_read_bytes_per_s: float = 0.0
    disk_write_bytes_per_s: float = 0.0
    net_bytes_per_s: float = 0.0
    shm_used_bytes: int = 0
    driver_pss_bytes: int = 0
    phase: str = "batches"
    worker_pss_bytes: dict[str, int] = field(default_factory=dict)
    disk_busy_ratio: float = 0.0


DRIVER_SATURATED_CPU_PCT = 90.0
"""A driver above this CPU (percent of one core) in most samples is flagged as saturated: the harness's
own process, not the workers, may then be what limits the run."""


@dataclass
class MetricsCollector:
    """Collects the metrics of one ingest job.

    Batch reports are keyed by chunk id, so a batch Ray retries is counted once (the last report wins).

    Args:
        driver_pids: pids to sample besides Ray's own processes.
        session_wide: sample the session's processes that are not under this node's raylet too.
    """

    driver_pids: tuple[int, ...] = ()
    session_wide: bool = True
    t0: float = field(default_factory=time.perf_counter)
    workers: dict[str, int] = field(default_factory=dict)
    in_flight: dict[str, _Batch] = field(default_factory=dict)
    done: dict[str, dict] = field(default_factory=dict)
    ticks: list[Tick] = field(default_factory=list)
    peaks: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    attempt_starts: dict[str, list[float]] = field(default_factory=dict)
    worker_nodes: dict[str, str | None] = field(default_factory=dict)
    registered_s: list[float] = field(default_factory=list)
    fault_events: list[dict] = field(default_factory=list)
    phase: str = "batches"
    busy_peak: int = 0
    in_flight_peak: int = 0

    def __post_init__(self) -> None:
        self._sampler = ProcessSampler(self.driver_pids, self.session_wide)
        self._lock = threading.Lock()
        self._tick_lock = threading.Lock()  # one sample at a time: the sampler thread and set_phase
        self._io: tuple[float, NodeIO] | None = None

    def register_worker(self, worker_id: str, pid: int, node_id: str | None = None) -> None:
        """A worker actor started, or restarted (its process is sampled from now on)."""
        with self._lock:
            self.workers[worker_id] = pid
            self.worker_nodes[worker_id] = node_id
            self.registered_s.append(time.perf_counter() - self.t0)
            self._sampler.add_pid(pid)

    def set_phase(self, name: str) -> None:
        """The job entered phase ``name``; later samples are labelled with it, and the summary gives
        the peak memory of each phase (``pss_bytes_peak_by_phase``)."""
        with self._lock:
            self.phase = name

    def batch_started(self, worker_id: str, chunk_id: str) -> int:
        """A worker began ``chunk_id``. Returns Ray's attempt number at it (1, then 2 after a worker
        died on it...)."""
        with self._lock:
            self.in_flight[chunk_id] = _Batch(worker_id, time.perf_counter())
            # the peaks at each start, not only at the samples: batches shorter than the sampling
            # interval would otherwise never be seen in flight
            self.in_flight_peak = max(self.in_flight_peak, len(self.in_flight))
            self.busy_peak = max(self.busy_peak, len({b.worker_id for b in self.in_flight.values()}))
            self.attempts[chunk_id] = self.attempts.get(chunk_id, 0) + 1
            self.attempt_starts.setdefault(chunk_id, []).append(time.perf_counter() - self.t0)
            return self.attempts[chunk_id]

    def fault_event(self, kind: str, detail: dict) -> None:
        """A fault was injected now (``kind``: ``kill_actor``, ``kill_node``...)."""
        with self._lock:
            self.fault_events.append({"kind": kind, "t_s": time.perf_counter() - self.t0, **detail})

    def live_workers(self) -> list[tuple[str, int, str | None]]:
        """``(worker_id, pid, node_id)`` of registered workers (newest registration per pid)."""
        with self._lock:
            return [(w, pid, self.worker_nodes.get(w)) for w, pid in self.workers.items()]

    def fault_summary(self) -> dict:
        """Injected faults and recovery: per fault event, ``recover_s`` = time from the fault to the next
        worker registration (a restarted actor) and ``next_batch_s`` = to the next finished batch; plus
        ``retried_batches`` (chunks Ray ran more than once), ``attempts_max`` and ``retry_gap_s_max`` (the
        longest time from a batch's first attempt to its next: its worker's death, whatever killed it, and
        Ray bringing the batch back on a restarted actor)."""
        with self._lock:
            events = [dict(e) for e in self.fault_events]
            registered = sorted(self.registered_s)
            finished = sorted(r["finished_s"] for r in self.done.values())
            attempts = dict(self.attempts)
            gaps = [starts[1] - starts[0] for starts in self.attempt_starts.values() if len(starts) > 1]
        for e in events:
            e["recover_s"] = next((t - e["t_s"] for t in registered if t > e["t_s"]), None)
            e["next_batch_s"] = next((t - e["t_s"] for t in finished if t > e["t_s"]), None)
        recover = [e["recover_s"] for e in events if e["recover_s"] is not None]
        return {"events": events, "retried_batches": sum(1 for n in attempts.values() if n > 1),
                "attempts_max": max(attempts.values(), default=0),
                "retry_gap_s_max": max(gaps, default=None),
                "recover_s_max": max(recover, default=None),
                "recover_s_mean": sum(recover) / len(recover) if recover else None}

    def batch_finished(self, worker_id: str, chunk_id: str, report: dict) -> None:
        """A worker finished ``chunk_id``.

        Args:
            report: ``rows`` (int), ``latency_s`` (float), ``file`` (str), ``rule_counts``
                (rule id -> [passed, failed]), ``error`` (str or None), ``rss_bytes``, ``pss_bytes``
                (the worker's own memory after the batch).
        """
        with self._lock:
            self.in_flight.pop(chunk_id, None)
            report = dict(report, worker_id=worker_id, finished_s=time.perf_counter() - self.t0)
            self.done[chunk_id] = report
            if report.get("error"):
                self.errors.append(f"{chunk_id}: {report['error']}")

    def tick(self) -> Tick:
        """Sample every process once and record the node's totals."""
        with self._tick_lock:
            return self._tick()

    def _tick(self) -> Tick:
        samples = self._sampler.sample()
        now, io = time.perf_counter(), node_io()
        rates = (0.0, 0.0, 0.0)
        disk_busy = 0.0
        if self._io is not None:
            dt = max(now - self._io[0], 1e-6)
            prev = self._io[1]
            rates = ((io.disk_read_bytes - prev.disk_read_bytes) / dt,
                     (io.disk_write_bytes - prev.disk_write_bytes) / dt,
                     (io.net_sent_bytes + io.net_recv_bytes - prev.net_sent_bytes - prev.net_recv_bytes) / dt)
            disk_busy = min(max((v - prev.disk_busy_s.get(d, v) for d, v in io.disk_busy_s.items()), default=0.0) / dt, 1.0)
        self._io = (now, io)
        drivers = set(self.driver_pids)
        with self._lock:
            alive_pids = {s.pid for s in samples}
            busy = {b.worker_id for b in self.in_flight.values()}
            tick = Tick(
                t_s=time.perf_counter() - self.t0,
                pss_bytes=sum(s.pss_bytes for s in samples),
                rss_bytes=sum(s.rss_bytes for s in samples),
                cpu_pct=sum(s.cpu_pct for s in samples),
                processes=len(samples),
                actors_alive=sum(1 for pid in self.workers.values() if pid in alive_pids),
                actors_busy=len(busy),
                batches_in_flight=len(self.in_flight),
                rows_done=sum(r["rows"] for r in self.done.values()),
                driver_cpu_pct=sum(s.cpu_pct for s in samples if s.pid in drivers),
                disk_read_bytes_per_s=rates[0], disk_write_bytes_per_s=rates[1], net_bytes_per_s=rates[2],
                disk_busy_ratio=disk_busy,
                shm_used_bytes=io.shm_used_bytes,
                driver_pss_bytes=sum(s.pss_bytes for s in samples if s.pid in drivers),
                phase=self.phase,
                worker_pss_bytes={w: s.pss_bytes for w, pid in self.workers.items() for s in samples
                                  if s.pid == pid},
            )
            self.ticks.append(tick)
            for s in samples:
                self._update_peak(s)
        return tick

    def _update_peak(self, s: ProcessSample) -> None:
        peak = self.peaks.setdefault(str(s.pid), {"name": s.name, "rss_bytes_max": 0, "pss_bytes_max": 0,
                                                    "cpu_pct_max": 0.0, "cpu_pct_sum": 0.0, "samples": 0})
        peak["name"] = s.name
        peak["rss_bytes_max"] = max(peak["rss_bytes_max"], s.rss_bytes)
        peak["pss_bytes_max"] = max(peak["pss_bytes_max"], s.pss_bytes)
        peak["cpu_pct_max"] = max(peak["cpu_pct_max"], s.cpu_pct)
        peak["cpu_pct_sum"] += s.cpu_pct
        peak["samples"] += 1

    def summary(self) -> dict:
        """Everything collected, in base units (see ``docs`` in the README for the keys)."""
        with self._lock:
            reports = list(self.done.values())
            ticks = list(self.ticks)
            peaks = {pid: dict(p) for pid, p in self.peaks.items()}
            workers = dict(self.workers)
            errors = list(self.errors)
        latencies = [r["latency_s"] for r in reports]
        rule_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in reports:
            for rule, (passed, failed) in r.get("rule_counts", {}).items():
                rule_counts[rule][0] += passed
                rule_counts[rule][1] += failed
        per_worker: dict[str, dict] = defaultdict(lambda: {"batches": 0, "rows": 0, "busy_s": 0.0})
        for r in reports:
            w = per_worker[r["worker_id"]]
            w["batches"] += 1
            w["rows"] += r["rows"]
            w["busy_s"] += r["latency_s"]
        for p in peaks.values():
            p["cpu_pct_mean"] = p.pop("cpu_pct_sum") / max(p["samples"], 1)
        interval = [b.t_s - a.t_s for a, b in zip(ticks, ticks[1:])]
        busy_ticks = [t for t in ticks if t.actors_busy or t.batches_in_flight]
        saturated = sum(1 for t in busy_ticks if t.driver_cpu_pct >= DRIVER_SATURATED_CPU_PCT)

        def mean(values: list[float]) -> float:
            return sum(values) / len(values) if values else 0.0

        return {
            "batches": len(reports),
            "rows_processed": sum(r["rows"] for r in reports),
            "batch_latency_s": percentiles(latencies),
            "batch_latency_s_max": max(latencies) if latencies else None,
            "workers": {"registered": len(workers), "per_worker": dict(per_worker)},
            "actors_alive_max": max((t.actors_alive for t in ticks), default=0),
            "actors_busy_max": max(max((t.actors_busy for t in ticks), default=0), self.busy_peak),
            "batches_in_flight_max": max(max((t.batches_in_flight for t in ticks), default=0),
                                         self.in_flight_peak),
            "pss_bytes_peak": max((t.pss_bytes for t in ticks), default=0),
            "pss_bytes_peak_by_phase": _peak_by_phase(ticks, "pss_bytes"),
            "driver_pss_bytes_peak_by_phase": _peak_by_phase(ticks, "driver_pss_bytes"),
            "rss_bytes_peak": max((t.rss_bytes for t in ticks), default=0),
            "cpu_pct_mean": mean([t.cpu_pct for t in ticks]),
            "pss_bytes_mean": mean([t.pss_bytes for t in ticks]),
            "driver_cpu_pct_mean": mean([t.driver_cpu_pct for t in busy_ticks]),
            "driver_saturated": bool(busy_ticks) and saturated > len(busy_ticks) / 2,
            "disk_read_bytes_per_s_mean": mean([t.disk_read_bytes_per_s for t in ticks[1:]]),
            "disk_write_bytes_per_s_mean": mean([t.disk_write_bytes_per_s for t in ticks[1:]]),
            "net_bytes_per_s_mean": mean([t.net_bytes_per_s for t in ticks[1:]]),
            "shm_used_bytes_peak": max((t.shm_used_bytes for t in ticks), default=0),
            "sample_interval_s_max": max(interval, default=None),
            "samples": len(ticks),
            "processes": peaks,
            "rule_counts": {k: {"passed": v[0], "failed": v[1]} for k, v in sorted(rule_counts.items())},
            "errors": errors,
            "faults": self.fault_summary(),
            "batch_latencies_s": latencies,
            "timeseries": [t.__dict__ for t in ticks],
        }


def _peak_by_phase(ticks: list[Tick], attr: str) -> dict[str, int]:
    """Phase name -> the largest ``attr`` among the ticks sampled in that phase (in first-seen order)."""
    peaks: dict[str, int] = {}
    for t in ticks:
        peaks[t.phase] = max(peaks.get(t.phase, 0), getattr(t, attr))
    return peaks
