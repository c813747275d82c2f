"""Driver-side fault injection: kill a random ingest actor every N seconds; kill a worker node."""

from __future__ import annotations

import logging
import threading

from raybench.faults.plan import FaultPlan

log = logging.getLogger(__name__)


class ActorKiller:
    """A thread that asks the coordinator to kill a worker node's raylet after ``plan.kill_node_after_s``
    seconds, and to SIGKILL a random ingest actor's process (a busy one first) every
    ``plan.kill_actor_every_s`` seconds, at most ``plan.kill_actor_max`` times. Times count from
    :meth:`start`.

    The process dies as it would from the kernel's OOM killer: Ray restarts the actor and retries its
    batch (Ray Data's actor pools default to unlimited restarts and task retries). Each kill is a fault
    event in the coordinator's summary (``metrics.faults``) with its recovery time.

    Attributes:
        kills: the kills done, as the coordinator reported them.
    """

    def __init__(self, coordinator, plan: FaultPlan):
        self.coordinator = coordinator
        self.plan = plan
        self.kills: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="raybench-actor-killer", daemon=True)

    @property
    def started(self) -> bool:
        return self._thread.ident is not None

    def start(self) -> None:
        """Start the clocks (the driver calls this when the first batch arrives)."""
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=35)

    def _run(self) -> None:
        import ray

        if self.plan.kill_node_after_s and not self._stop.wait(self.plan.kill_node_after_s):
            try:
                event = ray.get(self.coordinator.kill_random_node.remote(self.plan.seed), timeout=30)
            except Exception as exc:  # the injector must not be what breaks the job
                log.warning("fault injection: node kill failed: %s", exc)
                event = None
            if event is not None:
                self.kills.append(event)
                log.warning("fault injection: killed node %s", event["node_id"])
        if not self.plan.kill_actor_every_s:
            return
        n = 0
        while not self._stop.wait(self.plan.kill_actor_every_s):
            if self.plan.kill_actor_max is not None and n >= self.plan.kill_actor_max:
                return
            try:
                event = ray.get(self.coordinator.kill_random_worker.remote(self.plan.seed * 1000 + n), timeout=30)
            except Exception as exc:  # the injector must not be what breaks the job
                log.warning("fault injection: kill failed: %s", exc)
                continue
            if event is not None:
                n += 1
                self.kills.append(event)
                log.warning("fault injection: killed %s (pid %s)", event["worker_id"], event["pid"])
