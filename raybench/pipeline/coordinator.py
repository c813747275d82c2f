"""The coordinator: a Ray actor that collects metrics from every worker and samples every node.

It runs :class:`raybench.metrics.collector.MetricsCollector` and a sampling thread that calls
``tick()`` every ``interval_s`` seconds (default 0.5 s) on the driver's node; a :class:`NodeSampler`
actor does the same on every other node of the cluster. None of them asks for a CPU, so they never take
a slot from the workers.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import psutil
import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from raybench.metrics.collector import MetricsCollector

SAMPLE_INTERVAL_S = 0.5


class Coordinator:
    """Actor body (wrapped with ``ray.remote`` by :func:`start_coordinator`).

    Args:
        driver_pids: driver process ids, sampled with the Ray processes.
        interval_s: sampling period in seconds.
    """
    def __init__(self, driver_pids: tuple[int, ...] = (), interval_s: float = SAMPLE_INTERVAL_S,
                 node_samplers: tuple = ()):
        self.collector = MetricsCollector(driver_pids=tuple(driver_pids))
        self.node_samplers = tuple(node_samplers)
        self._sampler_nodes: dict | None = None
        self._killed: set[str] = set()
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="raybench-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sample_loop(self.collector, self._stop, self.interval_s)

    def register_worker(self, worker_id: str, pid: int, node_id: str | None = None) -> None:
        self.collector.register_worker(worker_id, pid, node_id)

    def batch_started(self, worker_id: str, chunk_id: str) -> int:
        """Returns Ray's attempt number at ``chunk_id`` (see :meth:`MetricsCollector.batch_started`)."""
        return self.collector.batch_started(worker_id, chunk_id)

    def fault_event(self, kind: str, detail: dict) -> None:
        self.collector.fault_event(kind, detail)

    def set_phase(self, name: str) -> None:
        """Label later samples with the job's phase ``name`` (see :meth:`MetricsCollector.set_phase`)
        and take one at once, so that even a phase shorter than the sampling interval has a sample."""
        self.collector.set_phase(name)
        try:
            self.collector.tick()
        except Exception as exc:  # as in the sampling loop: recorded, never raised
            self.collector.errors.append(f"sampler: {exc!r}")

    def live_workers(self) -> list[tuple[str, int, str | None]]:
        return self.collector.live_workers()

    def _samplers_by_node(self) -> dict:
        if self._sampler_nodes is None:
            try:
                ids = ray.get([s.node_id.remote() for s in self.node_samplers], timeout=30)
            except Exception:
                ids = [None] * len(self.node_samplers)
            self._sampler_nodes = dict(zip(ids, self.node_samplers))
        return self._sampler_nodes

    def kill_random_node(self, seed: int, busy_only: bool = False) -> dict | None:
        """Fault injection: kill a node other than the driver's (its raylet, through its sampler),
        preferring one where a worker is busy, chosen with ``random.Random(seed)``.

        Args:
            seed: the choice among equally preferred nodes.
            busy_only: kill nothing unless some other node has a worker busy with a batch now.

        Returns:
            The fault event (``kind``, ``node_id``, ``busy``: whether a worker of that node had a batch
            in flight), or None when the cluster has no other node, or none busy under ``busy_only``.
        """
        samplers = self._samplers_by_node()
        nodes = [n for n in samplers if n is not None]
        if not nodes:
            return None
        busy_workers = {b.worker_id for b in list(self.collector.in_flight.values())}
        busy_nodes = {node for w, _, node in self.collector.live_workers() if w in busy_workers}
        if busy_only and not busy_nodes.intersection(nodes):
            return None
        rng = random.Random(seed)
        rng.shuffle(nodes)
        nodes.sort(key=lambda n: n not in busy_nodes)
        node = nodes[0]
        samplers[node].kill_node.remote()
        self.node_samplers = tuple(s for n, s in samplers.items() if n != node)
        self._sampler_nodes = {n: s for n, s in samplers.items() if n != node}
        event = {"node_id": node, "busy": node in busy_nodes}
        self.collector.fault_event("kill_node", event)
        return {"kind": "kill_node", **event}

    def kill_random_worker(self, seed: int) -> dict | None:
        """Fault injection: SIGKILL the process of one registered worker, a busy one when any is busy,
        chosen with ``random.Random(seed)``; on another node through that node's sampler.

        Returns:
            The fault event (``kind``, ``t_s``, ``worker_id``, ``pid``, ``node_id``), or None when no
            worker could be killed.
        """

        here = ray.get_runtime_context().get_node_id()
        self._samplers_by_node()
        busy = {b.worker_id for b in list(self.collector.in_flight.values())}
        candidates = [w for w in self.collector.live_workers() if w[0] not in self._killed]
        rng = random.Random(seed)
        rng.shuffle(candidates)
        candidates.sort(key=lambda w: w[0] not in busy)
        for worker_id, pid, node in candidates:
            self._killed.add(worker_id)
            if node is None or node == here:
                ok = _kill_pid(pid)
            elif (sampler := self._sampler_nodes.get(node)) is not None:
                try:
                    ok = ray.get(sampler.kill_pid.remote(pid), timeout=30)
                except Exception:
                    ok = False
            else:
                ok = False
            if ok:
                event = {"worker_id": worker_id, "pid": pid, "node_id": node, "busy": worker_id in busy}
                self.collector.fault_event("kill_actor", event)
                return {"kind": "kill_actor", **event}
        return None

    def batch_finished(self, worker_id: str, chunk_id: str, report: dict) -> None:
        self.collector.batch_finished(worker_id, chunk_id, report)

    def progress(self) -> dict:
        """Rows done and the latest node sample, for a progress display."""
        ticks = self.collector.ticks
        return {"rows_done": sum(r["rows"] for r in list(self.collector.done.values())),
                "last": ticks[-1].__dict__ if ticks else None,
                "in_flight": sorted(self.collector.in_flight)}

    def finish(self) -> dict:
        """Take a last sample, stop sampling (here and on the other nodes) and return the summary.

        ``nodes`` lists one entry per node (``node_ip``, ``pss_bytes_peak``, ``rss_bytes_peak``,
        ``cpu_pct_mean``, ``processes``); ``pss_bytes_peak_cluster`` adds the nodes' peaks (an upper
        bound on the cluster's simultaneous peak; equal to ``pss_bytes_peak`` on one node).
        """
        self._stop.set()
        self._thread.join(timeout=5)
        self.collector.tick()
        summary = self.collector.summary()
        local = {"node_ip": ray.util.get_node_ip_address(), **_node_part(summary)}
        remote = []
        if self.node_samplers:
            try:
                remote = ray.get([s.finish.remote() for s in self.node_samplers], timeout=30)
            except Exception as exc:  # a lost node must not lose the job's metrics
                summary["errors"].append(f"node sampler: {exc!r}")
        summary["nodes"] = [local, *remote]
        summary["pss_bytes_peak_cluster"] = sum(n["pss_bytes_peak"] for n in summary["nodes"])
        return summary


SAMPLER_DUTY_MAX = 0.5
"""Most of a core a sampler may use: after a tick that took ``c`` seconds of the sampling thread's CPU it
waits at least ``c * (1 / SAMPLER_DUTY_MAX - 1)``. Reading PSS costs about 8 ms of CPU per process, so
with many processes (many concurrent jobs, each sampling the whole session) back-to-back ticks would take
the CPU the workers need; the interval stretches instead, and ``sample_interval_s_max`` shows it. CPU
time, not wall time, is counted: a tick that waited for a busy CPU or for another tick cost nothing."""
def sample_loop(collector, stop: threading.Event, interval_s: float) -> None:
    """Tick every ``interval_s`` seconds, counted from the start of each tick (a slow tick shortens
    the wait, down to :data:`SAMPLER_DUTY_MAX`'s floor), until ``stop`` is set. A sampling error is
    recorded, never raised."""
    while not stop.is_set():
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            collector.tick()
        except Exception as exc:  # a sampling error must not stop the job; it is reported
            collector.errors.append(f"sampler: {exc!r}")
        stop.wait(sampler_wait_s(interval_s, time.perf_counter() - started, time.thread_time() - cpu_started))


def sampler_wait_s(interval_s: float, tick_wall_s: float, tick_cpu_s: float) -> float:
    """Seconds :func:`sample_loop` waits after a tick that took ``tick_wall_s`` seconds of wall time and
    ``tick_cpu_s`` seconds of its thread's CPU: the rest of the interval, but at least
    ``tick_cpu_s * (1 / SAMPLER_DUTY_MAX - 1)`` so the sampler's CPU share stays under
    :data:`SAMPLER_DUTY_MAX` (time a tick spent waiting, with no CPU, is not held against it); never
    negative."""
    return max(0.0, interval_s - tick_wall_s, tick_cpu_s * (1 / SAMPLER_DUTY_MAX - 1))


def _node_part(summary: dict) -> dict:
    return {k: summary[k] for k in ("pss_bytes_peak", "rss_bytes_peak", "cpu_pct_mean", "samples",
                                    "disk_read_bytes_per_s_mean", "disk_write_bytes_per_s_mean",
                                    "net_bytes_per_s_mean", "shm_used_bytes_peak", "processes")}


class NodeSampler:
    """Actor body sampling the Ray processes and I/O of one node (not the driver's)."""

    def __init__(self, interval_s: float = SAMPLE_INTERVAL_S):
        self.collector = MetricsCollector(session_wide=False)
        self._stop = threading.Event()
        self.interval_s = interval_s
        self._thread = threading.Thread(target=self._run, name="raybench-node-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sample_loop(self.collector, self._stop, self.interval_s)

    def node_id(self) -> str:
        return ray.get_runtime_context().get_node_id()

    def kill_pid(self, pid: int) -> bool:
        """SIGKILL a process of this node (the fault injector's arm on other nodes)."""
        return _kill_pid(pid)

    def kill_node(self) -> None:
        """Fault injection: SIGKILL this node's raylet (this actor's parent process); the node's workers,
        this actor among them, die with it, as when a machine is lost."""
        raylet = psutil.Process().parent()
        if raylet is not None and "raylet" in raylet.name():
            _kill_pid(raylet.pid)

    def finish(self) -> dict:
        self._stop.set()
        self._thread.join(timeout=5)
        return {"node_ip": ray.util.get_node_ip_address(), **_node_part(self.collector.summary())}


def _kill_pid(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def start_coordinator(driver_pids: tuple[int, ...], interval_s: float = SAMPLE_INTERVAL_S):
    """Start the coordinator on the driver's node and a node sampler on every other alive node.

    Returns:
        The coordinator's actor handle (it holds the samplers' handles).
    """
    here = ray.get_runtime_context().get_node_id()
    sampler = ray.remote(num_cpus=0, max_concurrency=2)(NodeSampler)
    samplers = tuple(
        sampler.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)).remote(interval_s)
        for n in ray.nodes() if n.get("Alive") and n["NodeID"] != here)
    actor = ray.remote(num_cpus=0, max_concurrency=8)(Coordinator)
    return actor.options(
        scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=False),
    ).remote(driver_pids, interval_s, samplers)
