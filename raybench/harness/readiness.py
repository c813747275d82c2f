"""``raybench readiness RESULTS...``: the plan's production criteria, each checked against evidence.

Each criterion looks through the given results files for the run that answers it (e.g. the smallest run
of at least 100k rows for "100k rows in 300 s") and reports its value. A criterion with no evidence is
not met: readiness is shown, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

GIB = 2**30


@dataclass(frozen=True)
class Criterion:
    """One production criterion.

    Attributes:
        name: what the plan asks, in words.
        evidence: runs (scenario name, metrics) -> (value, run name) of the deciding run, or None.
        passes: value -> met or not.
        unit: for display.
    """

    name: str
    evidence: Callable[[list[tuple[str, dict]]], tuple[float, str] | None]
    passes: Callable[[float], bool]
    unit: str


def _smallest_with(min_rows: int):
    """The run closest in size to ``min_rows`` among those of at least ``min_rows`` rows (the slowest of
    them on a tie): a job that size would do no more work. A larger run's wall time covers more rows
    than the criterion asks (a 10M-row run once decided "100k rows in 300 s")."""
    def pick(runs):
        fit = [(m["rows_read"], m["wall_s"], name) for name, m in runs
               if (m.get("rows_read") or 0) >= min_rows and m.get("wall_s")]
        if not fit:
            return None
        fewest = min(rows for rows, _, _ in fit)
        return max((wall, name) for rows, wall, name in fit if rows == fewest)
    return pick


def _worst(metric: str, worst=min):
    def pick(runs):
        vals = [(m[metric], name) for name, m in runs if isinstance(m.get(metric), (int, float))]
        return worst(vals) if vals else None
    return pick


def _max_metric(metric: str):
    return _worst(metric, max)


CRITERIA: tuple[Criterion, ...] = (
    Criterion("100k rows ingested in <= 300 s", _smallest_with(100_000), lambda v: v <= 300, "s"),
    Criterion("1M rows ingested in <= 1800 s", _smallest_with(1_000_000), lambda v: v <= 1800, "s"),
    Criterion("peak memory <= 2 GiB (PSS, all Ray processes)", _max_metric("pss_bytes_peak"),
              lambda v: v <= 2 * GIB, "bytes"),
    Criterion("classification accuracy >= 0.95", _worst("classification_accuracy"), lambda v: v >= 0.95, ""),
    Criterion("duplicate detection >= 0.99", _worst("duplicate_recall"), lambda v: v >= 0.99, ""),
    Criterion("validation coverage >= 0.98", _worst("validation_coverage"), lambda v: v >= 0.98, ""),
    Criterion("error rate <= 0.01", _max_metric("error_rate"), lambda v: v <= 0.01, ""),
    Criterion("10 concurrent jobs", _max_metric("concurrent_jobs_succeeded"), lambda v: v >= 10, "jobs"),
    Criterion(">= 100 jobs/min queue throughput", _max_metric("jobs_per_min"), lambda v: v >= 100, "jobs/min"),
)


def assess(runs: list[tuple[str, dict]]) -> list[dict]:
    """Check every criterion.

    Args:
        runs: (scenario name, metrics) of every run given.

    Returns:
        Per criterion: ``criterion``, ``value`` (None without evidence), ``run``, ``met``.
    """
    out = []
    for c in CRITERIA:
        found = c.evidence(runs)
        if found is None:
            out.append({"criterion": c.name, "value": None, "unit": c.unit, "run": None, "met": False})
        else:
            value, run = found
            out.append({"criterion": c.name, "value": value, "unit": c.unit, "run": run, "met": bool(c.passes(value))})
    return out
