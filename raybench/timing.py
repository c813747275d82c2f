"""Phase timing: how long each named step of a job took, in seconds (``time.perf_counter``)."""

from __future__ import annotations

import time


class PhaseTimer:
    """Times consecutive phases: each :meth:`mark` closes the phase running since the previous mark.

    A name marked twice adds up. ``phases_s`` maps phase name -> seconds.

    Args:
        digits: round the seconds to this many decimals (None keeps them as measured).
        clock: the clock, in seconds (``time.perf_counter``; a test passes its own).
    """

    def __init__(self, digits: int | None = None, clock=time.perf_counter):
        self._clock = clock
        self.t0 = self._last = clock()
        self.digits = digits
        self.phases_s: dict[str, float] = {}

    def mark(self, name: str) -> float:
        """Close the phase ``name``; returns its seconds."""
        now = self._clock()
        seconds = now - self._last
        self._last = now
        total = self.phases_s.get(name, 0.0) + seconds
        self.phases_s[name] = round(total, self.digits) if self.digits is not None else total
        return seconds

    @property
    def elapsed_s(self) -> float:
        """Seconds since the timer started."""
        return self._clock() - self.t0
