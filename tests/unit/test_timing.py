"""PhaseTimer: consecutive phases, repeated names add up, optional rounding (on a clock of its own,
so nothing sleeps and no wall clock is compared)."""

from __future__ import annotations

from raybench.timing import PhaseTimer


class Clock:
    """A clock that reads the times it is given, in order."""

    def __init__(self, *times: float):
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0)


def test_phases_are_consecutive_and_add_up():
    timer = PhaseTimer(clock=Clock(10.0, 10.25, 10.5, 11.0, 11.75))
    assert timer.mark("a") == 0.25
    assert timer.mark("b") == 0.25
    assert timer.mark("a") == 0.5
    assert timer.phases_s == {"a": 0.75, "b": 0.25}
    assert timer.elapsed_s == 1.75  # 11.75 - 10.0


def test_rounding():
    timer = PhaseTimer(digits=1, clock=Clock(0.0, 0.06, 0.1))
    timer.mark("x")
    assert timer.phases_s["x"] == 0.1
    timer.mark("x")
    assert timer.phases_s["x"] == 0.1  # 0.06 + 0.04, rounded
