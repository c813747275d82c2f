"""The coordinator: a Ray actor that collects metrics from every worker and samples the node.

It runs :class:`raybench.metrics.collector.MetricsCollector` and a sampling thread that calls
``tick()`` every ``interval_s`` seconds (default 0.5 s). It asks for no CPU, so it never takes a slot
from the workers.
"""

from __future__ import annotations

import threading

SAMPLE_INTERVAL_S = 0.5


class Coordinator:
    """Actor body (wrapped with ``ray.remote`` by :func:`start_coordinator`).

    Args:
        driver_pids: driver process ids, sampled with the Ray processes.
        interval_s: sampling period in seconds.
    """

    def __init__(self, driver_pids: tuple[int, ...] = (), interval_s: float = SAMPLE_INTERVAL_S):
        from raybench.metrics.collector import MetricsCollector

        self.collector = MetricsCollector(driver_pids=tuple(driver_pids))
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="raybench-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.collector.tick()
            except Exception as exc:  # a sampling error must not stop the job; it is reported
                self.collector.errors.append(f"sampler: {exc!r}")
            self._stop.wait(self.interval_s)

    def register_worker(self, worker_id: str, pid: int) -> None:
        self.collector.register_worker(worker_id, pid)

    def batch_started(self, worker_id: str, chunk_id: str) -> None:
        self.collector.batch_started(worker_id, chunk_id)

    def batch_finished(self, worker_id: str, chunk_id: str, report: dict) -> None:
        self.collector.batch_finished(worker_id, chunk_id, report)

    def progress(self) -> dict:
        """Rows done and the latest node sample, for a progress display."""
        ticks = self.collector.ticks
        return {"rows_done": sum(r["rows"] for r in list(self.collector.done.values())),
                "last": ticks[-1].__dict__ if ticks else None}

    def finish(self) -> dict:
        """Take a last sample, stop sampling and return the summary."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.collector.tick()
        return self.collector.summary()


def start_coordinator(driver_pids: tuple[int, ...], interval_s: float = SAMPLE_INTERVAL_S):
    """Start the coordinator actor on the driver's node (Ray must be initialised).

    Returns:
        The actor handle.
    """
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    node_id = ray.get_runtime_context().get_node_id()
    actor = ray.remote(num_cpus=0, max_concurrency=8)(Coordinator)
    return actor.options(
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
    ).remote(driver_pids, interval_s)
