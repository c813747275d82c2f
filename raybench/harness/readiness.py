"""``raybench readiness RESULTS...``: the plan's production criteria, each checked against evidence.

Each criterion looks through the given results files for the run that answers it (e.g. the smallest run
of at least 100k rows for "100k rows in 300 s") and reports its value. A criterion with no evidence is
not met: readiness is shown, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from raybench.errors import ConfigError

GIB = 2**30


@dataclass(frozen=True)
class Criterion:
    """One production criterion.

    Attributes:
        name: what the plan asks, in words.
        evidence: runs (scenario name, metrics) -> (value, run name) of the deciding run, or None.
        passes: value -> met or not.
        unit: for display.
        needs: the run that gives evidence for it, in words (shown when there is none).
    """

    name: str
    evidence: Callable[[list[tuple[str, dict]]], tuple[float, str] | None]
    passes: Callable[[float], bool]
    unit: str
    needs: str = "any scenario run (`raybench run scenarios/NAME.yaml`)"


def _smallest_with(min_rows: int, limit_s: float):
    """Evidence for "``min_rows`` rows ingested in <= ``limit_s`` s": the run closest in size among those
    of ``min_rows`` to twice as many rows (the slowest of them on a tie): a job that size would do no more
    work. Without one, a larger run counts only when it still ended within ``limit_s`` (it did more work in
    the time allowed); a larger run that took longer says nothing about a job of ``min_rows`` (a 10M-row
    run in 496 s once decided "100k rows in 300 s": not met). None when no run is evidence."""
    def pick(runs):
        fit = [(m["rows_read"], m["wall_s"], name) for name, m in runs
               if (m.get("rows_read") or 0) >= min_rows and m.get("wall_s")]
        near = [f for f in fit if f[0] <= 2 * min_rows]
        if near:
            fewest = min(rows for rows, _, _ in near)
            return max((wall, name) for rows, wall, name in near if rows == fewest)
        within = [(wall, name) for _, wall, name in fit if wall <= limit_s]
        return max(within) if within else None
    return pick


def _worst(metric: str, worst=min):
    def pick(runs):
        vals = [(m[metric], name) for name, m in runs if isinstance(m.get(metric), (int, float))]
        return worst(vals) if vals else None
    return pick


def _max_metric(metric: str):
    return _worst(metric, max)


CRITERIA: tuple[Criterion, ...] = (
    Criterion("100k rows ingested in <= 300 s", _smallest_with(100_000, 300), lambda v: v <= 300, "s",
              "a run of >= 100k rows (`raybench run scenarios/rows_100k.yaml`)"),
    Criterion("1M rows ingested in <= 1800 s", _smallest_with(1_000_000, 1800), lambda v: v <= 1800, "s",
              "a run of >= 1M rows (`raybench run scenarios/1m_rows_csv.yaml`)"),
    Criterion("peak memory <= 2 GiB (PSS, all Ray processes)", _max_metric("pss_bytes_peak"),
              lambda v: v <= 2 * GIB, "bytes"),
    Criterion("classification accuracy >= 0.95", _worst("classification_accuracy"), lambda v: v >= 0.95, ""),
    Criterion("duplicate detection >= 0.99", _worst("duplicate_recall"), lambda v: v >= 0.99, "",
              "a run with labelled duplicates (`raybench run scenarios/rows_100k.yaml`)"),
    Criterion("validation coverage >= 0.98", _worst("validation_coverage"), lambda v: v >= 0.98, ""),
    Criterion("error rate <= 0.01", _max_metric("error_rate"), lambda v: v <= 0.01, ""),
    Criterion("10 concurrent jobs", _max_metric("concurrent_jobs_succeeded"), lambda v: v >= 10, "jobs",
              "the service under Locust (`raybench run scenarios/service_small_jobs.yaml`) or "
              "`raybench jobs FILE --concurrent 10`"),
    Criterion(">= 100 jobs/min queue throughput", _max_metric("jobs_per_min"), lambda v: v >= 100, "jobs/min",
              "the service under Locust (`raybench run scenarios/service_small_jobs.yaml`) or `raybench jobs FILE`"),
)


RESULTS_NAMES = ("results.json", "benchmark_results.json")
"""The files ``raybench readiness`` takes from a folder: a scenario's (``raybench run``, ``raybench
jobs``) and a suite's."""


def results_files(paths: list[str]) -> list[str]:
    """The results files among ``paths``: a file as given, a folder's :data:`RESULTS_NAMES` at any depth
    (sorted).

    Raises:
        ConfigError: a path that does not exist, or a folder without any results file.
    """
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(str(f) for f in path.rglob("*") if f.name in RESULTS_NAMES and f.is_file())
            if not found:
                raise ConfigError(f"{p}: no {' or '.join(RESULTS_NAMES)} in this folder (`raybench run` and "
                                  "`raybench jobs` write them)")
            out.extend(found)
        elif path.exists():
            out.append(p)
        else:
            raise ConfigError(f"{p}: no such file or folder")
    return out


def assess(runs: list[tuple[str, dict]]) -> list[dict]:
    """Check every criterion.

    Args:
        runs: (scenario name, metrics) of every run given.

    Returns:
        Per criterion: ``criterion``, ``value`` (None without evidence), ``unit``, ``run``, ``met``,
        ``needs`` (the run that would give evidence, in words).
    """
    out = []
    for c in CRITERIA:
        found = c.evidence(runs)
        if found is None:
            out.append({"criterion": c.name, "value": None, "unit": c.unit, "run": None, "met": False,
                        "needs": c.needs})
        else:
            value, run = found
            out.append({"criterion": c.name, "value": value, "unit": c.unit, "run": run, "met": bool(c.passes(value)),
                        "needs": c.needs})
    return out


def verdict_line(verdicts: list[dict], single_run: str | None = None) -> tuple[str, bool]:
    """The one-line verdict under the criteria, and whether it is good news.

    Args:
        verdicts: :func:`assess`'s output.
        single_run: the scenario name when the verdicts are one run's own (``raybench run``): a run
            that leaves criteria without evidence is then said not to be evidence on its own, rather
            than "not ready".
    """
    met = sum(v["met"] for v in verdicts)
    answered = [v for v in verdicts if v["value"] is not None]
    missed = [v for v in answered if not v["met"]]
    if met == len(verdicts):
        return "READY: every production criterion is met", True
    if single_run is not None:
        head = (f"NOT READY: this run misses {len(missed)} criteria it measured; " if missed else "")
        return (head + f"run {single_run} alone is not evidence for the production criteria: it answers "
                f"{len(answered)} of {len(verdicts)} ({met} met); combine runs with `raybench readiness "
                "results/`"), False
    lacking = len(verdicts) - len(answered)
    parts = [f"{len(missed)} not met"] if missed else []
    parts += [f"{lacking} without evidence"] if lacking else []
    return f"NOT READY: {met} of {len(verdicts)} criteria met, " + ", ".join(parts), False
