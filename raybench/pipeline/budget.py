"""The job's memory budget: how many pool actors fit beside the driver and Ray's own processes.

The plan's memory limit is per job, whatever the machine: a pool sized from the CPUs alone took 2.78 GiB
PSS with 7 actors (``--num-cpus 8``), so the pool is sized from the CPUs *and* ``--memory-budget``
(default :data:`DEFAULT_BUDGET_BYTES`, for everything the job runs: driver, workers, object store use).

The estimates are PSS peaks measured on the 1M-row AT&T benchmark file (``raybench ingest`` on the
2-core machine, per-process peaks from the results' ``metrics.processes``; docs/optimization.md,
"Issue 20"); they are per process, so they hold at any number of rows (memory is flat in rows,
docs/optimization.md section 4).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass

from raybench.errors import ConfigError

log = logging.getLogger(__name__)

GIB = 1 << 30
MIB = 1 << 20

DEFAULT_BUDGET_BYTES = 2 * GIB
"""The plan's limit: 2 GiB PSS for the whole job."""

ONE_ACTOR_JOB_BYTES = 1600 * MIB
"""Peak PSS of a whole job with one actor on an embedded Ray (driver, Ray's own processes, the actor,
the object store), summed over processes at each sample: 1.50-1.53 GiB measured (three runs; the sum of
each process's own peak is higher, 1.65 GiB, since the driver peaks in dedupe and the actor during the
batches), rounded up."""

RAY_OWN_BYTES = 760 * MIB
"""Part of :data:`ONE_ACTOR_JOB_BYTES` that is an embedded Ray's own processes: GCS, raylet, dashboard and
runtime-env agents, log monitors, Ray Data's stats, autoscaling and location actors, and the job's
coordinator actor (768 MiB of per-process peaks, measured). Not counted when the job joins a running
cluster (``--address``): those processes are the cluster's, there before the job and after it."""

ACTOR_BYTES = 220 * MIB
"""Each further pool actor's PSS (its process with polars, phonenumbers, the ONNX models and a chunk in
hand, shared pages split among the actors): (2.78 - 1.53) GiB / 6 = 213 MiB from the 1- and 7-actor runs
(issue 20), rounded up."""

OBJECT_STORE_PER_ACTOR_BYTES = 2 * 32 * MIB
"""Object-store bytes per further actor: two output blocks in flight (a 4 MiB chunk's rows are about
12-30 MiB as Arrow), rounded up."""


@dataclass(frozen=True)
class PoolFit:
    """How the budget sized a pool.

    Attributes:
        actors: actors in the pool.
        cpu_actors: what the CPUs alone allowed (or ``--workers``).
        budget_bytes: the budget (None: no budget).
        fixed_bytes: the job with its first actor (less Ray's own processes when it joins a cluster).
        per_actor_bytes: each further actor with its object-store share.
        note: one line saying the pool was shrunk (or kept over the budget, with ``--workers``), or None.
    """

    actors: int
    cpu_actors: int
    budget_bytes: int | None
    fixed_bytes: int
    per_actor_bytes: int
    note: str | None = None

    @property
    def estimate_bytes(self) -> int:
        """Estimated peak PSS of the job with this pool."""
        return self.fixed_bytes + (self.actors - 1) * self.per_actor_bytes


def _gib(n: int) -> str:
    return f"{n / GIB:.2f} GiB"


def fit_pool(cpu_actors: int, budget_bytes: int | None, *, embedded: bool, explicit: bool = False,
             actor_bytes: int = ACTOR_BYTES) -> PoolFit:
    """The pool that fits ``budget_bytes``.

    Args:
        cpu_actors: actors the CPUs allow (or ``--workers`` when ``explicit``).
        budget_bytes: the job's memory budget in bytes; None or 0: no budget.
        embedded: Ray was started by this job (its own processes count against the budget).
        explicit: ``cpu_actors`` is the user's ``--workers``: kept even over the budget, with a note.
        actor_bytes: each further actor's PSS estimate.

    Returns:
        The fit: at most ``cpu_actors`` actors, fewer when the budget holds fewer (``note`` says so).

    Raises:
        ConfigError: the budget cannot hold even one actor beside the driver (and Ray's processes),
            in one line naming the estimates.
    """
    fixed = ONE_ACTOR_JOB_BYTES - (0 if embedded else RAY_OWN_BYTES)
    per = actor_bytes + OBJECT_STORE_PER_ACTOR_BYTES
    if not budget_bytes:
        return PoolFit(cpu_actors, cpu_actors, None, fixed, per)
    what = "with an embedded Ray" if embedded else "on a running cluster"
    if budget_bytes < fixed:
        raise ConfigError(
            f"--memory-budget {_gib(budget_bytes)} cannot hold this job: {what} it takes about {_gib(fixed)} "
            f"with one pool actor (raybench/pipeline/budget.py); give at least {_gib(fixed)}")
    fits = 1 + math.floor((budget_bytes - fixed) / per)
    if explicit and cpu_actors > fits:
        note = (f"--workers {cpu_actors} is over --memory-budget {_gib(budget_bytes)} (about "
                f"{_gib(fixed + (cpu_actors - 1) * per)} estimated; {fits} would fit): kept as asked")
        return PoolFit(cpu_actors, cpu_actors, budget_bytes, fixed, per, note)
    if cpu_actors > fits:
        note = (f"pool: {fits} actor(s), not {cpu_actors}: --memory-budget {_gib(budget_bytes)} holds the job "
                f"{what} (about {_gib(fixed)} with one actor) and {fits - 1} more of about {_gib(per)}")
        return PoolFit(fits, cpu_actors, budget_bytes, fixed, per, note)
    return PoolFit(cpu_actors, cpu_actors, budget_bytes, fixed, per)


def _embedded(options) -> bool:
    return not options.address and not os.environ.get("RAY_ADDRESS")


def check_budget(options) -> None:
    """Refuse, before Ray starts, a ``memory_budget_bytes`` that cannot hold one actor (as
    :func:`fit_pool` would once the pool is sized).

    Raises:
        ConfigError: in one line, naming the estimate.
    """
    budget = getattr(options, "memory_budget_bytes", DEFAULT_BUDGET_BYTES)
    if budget is not None and budget < 0:
        raise ConfigError(f"--memory-budget must be at least 0 (0 or 'none': no budget), got {budget}")
    fit_pool(1, budget, embedded=_embedded(options))


def budgeted_pool_size(cpu_actors: int, options) -> int:
    """:func:`fit_pool` for an ingest's options (``memory_budget_bytes``, ``workers``, ``address``),
    logging its note as one warning line; the number of actors."""
    budget = getattr(options, "memory_budget_bytes", DEFAULT_BUDGET_BYTES)
    fit = fit_pool(cpu_actors, budget, embedded=_embedded(options), explicit=bool(options.workers))
    if fit.note:
        log.warning("%s", fit.note)
    return fit.actors
