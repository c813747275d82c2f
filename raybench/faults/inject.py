"""Worker-side fault injection: raise, crash or exhaust memory inside chosen batches.

The worker calls :meth:`WorkerFaults.before_chunk` before it processes a chunk. ``attempt`` is Ray's
attempt at the chunk (counted by the coordinator: 1 the first time, 2 after the actor died once...);
``try_no`` is the worker's own in-process try (it retries a chunk that raised once before quarantining
it).
"""

from __future__ import annotations

import os

import numpy as np
import psutil

HOG_STEP_BYTES = 64 << 20
"""The memory hog grows by this much per step (64 MiB), touching every page."""

HOG_SPARE_BYTES = 1 << 30
"""The hog stops (raises MemoryError) when the node has less than this (1 GiB) available and nothing has
killed it yet, so a missing memory monitor cannot bring the kernel's OOM killer onto other processes."""


class InjectedFault(RuntimeError):
    """The error a ``raise_on_rows`` fault raises inside a batch (not a raybench error on purpose: it
    stands for a bug in the worker)."""


class WorkerFaults:
    """The worker part of a :class:`~raybench.faults.plan.FaultPlan` (its :meth:`worker_part` dict)."""

    def __init__(self, part: dict | None):
        part = part or {}
        self.raise_rows = sorted(part.get("raise_on_rows") or ())
        self.raise_times = int(part.get("raise_times", 1))
        self.crash_rows = sorted(part.get("crash_on_rows") or ())
        self.crash_times = int(part.get("crash_times", 1))
        self.hog_rows = sorted(part.get("hog_on_rows") or ())
        self.crash_after_rows = sorted(part.get("crash_after_output_on_rows") or ())
        self.active = bool(self.raise_rows or self.crash_rows or self.hog_rows or self.crash_after_rows)

    @staticmethod
    def _hit(rows: list[int], item) -> int | None:
        lo, hi = item.first_row, item.last_row
        return next((r for r in rows if lo <= r <= hi), None)

    def before_chunk(self, item, attempt: int, try_no: int) -> None:
        """Inject what the plan asks for this chunk, this attempt and this try.

        Raises:
            InjectedFault: a ``raise_on_rows`` row is in the chunk and ``try_no <= raise_times``.
            MemoryError: the hog left :data:`HOG_SPARE_BYTES` available without being killed.
        """
        if not self.active:
            return
        if (row := self._hit(self.crash_rows, item)) is not None and attempt <= self.crash_times:
            os._exit(70)  # an abrupt worker death, as a segfault or a kill would be
        if (row := self._hit(self.hog_rows, item)) is not None and attempt == 1 and try_no == 1:
            _hog()
        if (row := self._hit(self.raise_rows, item)) is not None and try_no <= self.raise_times:
            raise InjectedFault(f"injected fault in the batch holding row {row} (try {try_no})")


    def after_output(self, item, attempt: int) -> None:
        """End the process (``os._exit(71)``) when a ``crash_after_output_on_rows`` row is in the chunk and
        ``attempt <= crash_times``: the chunk's output is made (with the Parquet sink, its file written)
        but never returned, as a worker that dies between writing and reporting."""
        if self.crash_after_rows and self._hit(self.crash_after_rows, item) is not None and attempt <= self.crash_times:
            os._exit(71)


def _hog() -> None:
    held = []
    total = 0
    while psutil.virtual_memory().available > HOG_SPARE_BYTES + HOG_STEP_BYTES:
        held.append(np.ones(HOG_STEP_BYTES // 8, dtype=np.float64))
        total += HOG_STEP_BYTES
    raise MemoryError(f"memory hog reached {total} bytes without being killed")
