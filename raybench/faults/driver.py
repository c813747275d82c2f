"""Driver-side fault injection: kill a random ingest actor every N seconds."""

from __future__ import annotations

import logging
import threading

from raybench.faults.plan import FaultPlan

log = logging.getLogger(__name__)


class ActorKiller:
    """A thread that asks the coordinator to SIGKILL a random ingest actor's process (a busy one
    first) every ``plan.kill_actor_every_s`` seconds, at most ``plan.kill_actor_max`` times.

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

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=35)

    def _run(self) -> None:
        import ray

        assert self.plan.kill_actor_every_s
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
