"""Driver-side fault injection: kill a random ingest actor every N seconds; kill a worker node."""

from __future__ import annotations

import logging
import threading
import time

import ray

from raybench.faults.plan import FaultPlan

log = logging.getLogger(__name__)

NODE_BUSY_WAIT_S = 30.0  # how long a node kill waits for a node whose worker has a batch in flight
NODE_POLL_S = 0.25


class ActorKiller:
    """A thread that asks the coordinator to kill a worker node's raylet after ``plan.kill_node_after_s``
    seconds (then at the first moment one of that node's workers has a batch in flight, waiting up to
    ``NODE_BUSY_WAIT_S``, so that the loss costs work to redo), and to SIGKILL a random ingest actor's
    process (a busy one first) every ``plan.kill_actor_every_s`` seconds, at most ``plan.kill_actor_max``
    times. Times count from :meth:`start`.

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
        if self.plan.kill_node_after_s and not self._stop.wait(self.plan.kill_node_after_s):
            event = self._kill_node()
            if event is not None:
                self.kills.append(event)
                log.warning("fault injection: killed node %s (busy: %s)", event["node_id"], event["busy"])
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

    def _kill_node(self) -> dict | None:
        """Kill a node while one of its workers has a batch in flight (the loss that costs work), polling
        every :data:`NODE_POLL_S` for up to :data:`NODE_BUSY_WAIT_S`; then any node other than the
        driver's. Returns the coordinator's event, or None."""
        deadline = time.monotonic() + NODE_BUSY_WAIT_S
        while not self._stop.is_set():
            busy_only = time.monotonic() < deadline
            try:
                event = ray.get(self.coordinator.kill_random_node.remote(self.plan.seed, busy_only), timeout=30)
            except Exception as exc:  # the injector must not be what breaks the job
                log.warning("fault injection: node kill failed: %s", exc)
                return None
            if event is not None or not busy_only:
                return event
            self._stop.wait(NODE_POLL_S)
        return None
