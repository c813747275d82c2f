"""Which faults to inject into an ingest job (issue 7: faults and pressure lose no record).

A fault plan is a mapping, given in a scenario's ``faults:`` section or with ``raybench ingest --fault
KEY=VALUE`` (repeat)::

    kill_actor_every_s: 5        # SIGKILL a random ingest actor's process every 5 s (driver side)
    kill_actor_max: 3            # ... at most 3 times (default: unbounded)
    raise_on_rows: [17, 4000]    # a worker raises inside the batch that holds these source rows
    raise_times: 1               # ... on its first attempt only (a transient error); "always" = poison
    crash_on_rows: [2500]        # the worker process exits (os._exit) inside the batch holding these rows
    crash_times: 1               # ... on its first attempt only; "always" = a poison batch
    crash_after_output_on_rows: [2500]  # the worker process exits after it made the batch's output (with
                                 #   --sink parquet: after writing its Parquet part) and before returning
                                 #   it; crash_times attempts (default: the first only)
    hog_on_rows: [9000]          # the worker allocates memory until Ray's OOM killer ends it (first
                                 #   attempt only); pair with memory_usage_threshold
    memory_usage_threshold: 0.6  # Ray's memory monitor threshold (fraction of the node's memory) for an
                                 #   embedded Ray (env RAY_memory_usage_threshold)
    memory_headroom: 2GiB        # ... or: the memory in use when the job starts plus this much
    driver_crash_after_commits: 2  # the driver exits abruptly (os._exit(137)) after its 2nd commit
    kill_node_after_s: 8         # SIGKILL the raylet of a node other than the driver's (a lost machine),
                                 #   one whose worker has a batch in flight

Rows are ``source_row`` numbers (1-based data records) of any file of the job. Workers see only the
worker part (:meth:`FaultPlan.worker_part`); the driver runs the rest.
"""

from __future__ import annotations

import psutil
from pydantic import field_validator

from raybench.config import Section, size, validate
from raybench.errors import ConfigError

ALWAYS = 1_000_000
"""``*_times`` value meaning every attempt."""


_FAULT_VALUES = ("(rows: positive integers; *_times: a positive integer or 'always'; seconds: > 0; "
                 "memory_usage_threshold: between 0 and 1)")


def _bad(value) -> ValueError:
    return ValueError(f"{value!r} is not a valid value {_FAULT_VALUES}")


class FaultPlan(Section):
    """A fault plan, checked as it is built (see the module docstring for the keys; every key is
    optional). One model for both the plan as written (a scenario's ``faults:`` or ``--fault`` pairs,
    each value checked by :mod:`raybench.config`) and the plan the job runs; frozen, so it can be
    compared and sent to Ray as it is."""

    kill_actor_every_s: float | None = None
    kill_actor_max: int | None = None
    raise_on_rows: tuple[int, ...] = ()
    raise_times: int = 1
    crash_on_rows: tuple[int, ...] = ()
    crash_times: int = 1
    crash_after_output_on_rows: tuple[int, ...] = ()
    hog_on_rows: tuple[int, ...] = ()
    memory_usage_threshold: float | None = None
    memory_headroom: int | None = None
    driver_crash_after_commits: int | None = None
    kill_node_after_s: float | None = None
    seed: int = 0

    @property
    def empty(self) -> bool:
        """True when the plan injects nothing."""
        return self == FaultPlan()

    def memory_threshold(self) -> float | None:
        """Ray's memory-monitor threshold for this plan: ``memory_usage_threshold``, or the fraction of
        the node's memory in use now plus ``memory_headroom`` (at most 0.95); None when neither is set."""
        if self.memory_usage_threshold:
            return self.memory_usage_threshold
        if self.memory_headroom:
            vm = psutil.virtual_memory()
            return min(0.95, (vm.total - vm.available + self.memory_headroom) / vm.total)
        return None

    def worker_part(self) -> dict:
        """The keys a worker acts on, as a plain dict (sent to the actors)."""
        return {"raise_on_rows": list(self.raise_on_rows), "raise_times": self.raise_times,
                "crash_on_rows": list(self.crash_on_rows), "crash_times": self.crash_times,
                "crash_after_output_on_rows": list(self.crash_after_output_on_rows),
                "hog_on_rows": list(self.hog_on_rows)}

    def to_dict(self) -> dict:
        """The plan as JSON-ready values (only keys that differ from the defaults)."""
        default = FaultPlan()
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.model_dump().items()
                if v != getattr(default, k)}

    @field_validator("raise_on_rows", "crash_on_rows", "crash_after_output_on_rows", "hog_on_rows", mode="before")
    @classmethod
    def _rows(cls, value):
        try:
            rows = value if isinstance(value, (list, tuple)) else str(value).split(",")
            out = tuple(int(r) for r in rows if str(r).strip())
        except (TypeError, ValueError):
            raise _bad(value) from None
        if any(r < 1 for r in out):
            raise _bad(value)
        return out

    @field_validator("raise_times", "crash_times", mode="before")
    @classmethod
    def _times(cls, value):
        try:
            out = ALWAYS if str(value).strip().lower() == "always" else int(value)
        except (TypeError, ValueError):
            raise _bad(value) from None
        if out < 1:
            raise _bad(value)
        return out

    @field_validator("kill_actor_every_s", "kill_node_after_s", "memory_usage_threshold", "memory_headroom",
                     "kill_actor_max", "driver_crash_after_commits", "seed", mode="before")
    @classmethod
    def _positive(cls, value, info):
        if value is None:
            return None
        key = info.field_name
        try:
            out = (size(value) if key == "memory_headroom" else
                   int(value) if key in ("kill_actor_max", "driver_crash_after_commits", "seed") else float(value))
        except (TypeError, ValueError):
            raise _bad(value) from None
        low_ok = out >= 0 if key == "seed" else out > 0
        if not low_ok or (key == "memory_usage_threshold" and not out < 1) or (
                key in ("kill_actor_max", "driver_crash_after_commits") and out < 1):
            raise _bad(value)
        return out


def parse_fault_plan(doc: dict | None, where: str = "faults") -> FaultPlan:
    """Build a :class:`FaultPlan` from a mapping (scenario YAML or CLI pairs), checked by
    :class:`FaultPlan`'s validators.

    Raises:
        ConfigError: an unknown key (naming the allowed keys) or a bad value, as
            ``fault key '<where>.<key>': ...``.
    """
    if not doc:
        return FaultPlan()
    if not isinstance(doc, dict):
        raise ConfigError(f"scenario key '{where}' must be a mapping, got {doc!r}")
    return validate(FaultPlan, doc, "fault", f"{where}.")


def parse_fault_pairs(pairs: tuple[str, ...] | list[str]) -> FaultPlan:
    """``("kill_actor_every_s=5", "raise_on_rows=3,9")`` -> :class:`FaultPlan` (for ``--fault``).

    Raises:
        ConfigError: a pair without ``=``, or what :func:`parse_fault_plan` raises.
    """
    doc: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"--fault {pair!r} must be KEY=VALUE, e.g. kill_actor_every_s=5")
        doc[key.strip()] = value.strip()
    return parse_fault_plan(doc, where="--fault")
