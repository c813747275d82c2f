"""PhaseTimer: consecutive phases, repeated names add up, optional rounding."""

from __future__ import annotations

import time

from raybench.timing import PhaseTimer


def test_phases_are_consecutive_and_add_up():
    timer = PhaseTimer()
    time.sleep(0.02)
    first = timer.mark("a")
    time.sleep(0.01)
    timer.mark("b")
    time.sleep(0.02)
    timer.mark("a")
    assert first >= 0.02
    assert timer.phases_s["a"] >= 0.04 and 0.01 <= timer.phases_s["b"] < timer.phases_s["a"]
    assert abs(sum(timer.phases_s.values()) - timer.elapsed_s) < 0.01


def test_rounding():
    timer = PhaseTimer(digits=1)
    time.sleep(0.06)
    timer.mark("x")
    assert timer.phases_s["x"] == 0.1
