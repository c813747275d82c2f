"""Earlier runs of a scenario in a results folder, for the report's comparison and trend.

A run is a ``results.json`` written by :func:`raybench.harness.run.run_scenario` (``<out>/<name>-<job>/``,
or inside a suite folder); runs are told apart by scenario name and ordered by ``created_utc``.
"""

from __future__ import annotations

import glob
import json
import os

TREND_METRICS = ("wall_s", "rows_per_s", "pss_bytes_peak", "batch_latency_p95_s", "classification_accuracy",
                 "field_accuracy", "error_rate", "cpu_pct_mean")
"""The metrics the comparison table and the trend plot show."""


def earlier_runs(folder: str, scenario: str, exclude: str | None = None, limit: int = 50) -> list[dict]:
    """The runs of ``scenario`` in ``folder`` (two levels deep: runs and suites of runs), oldest first,
    without the one at ``exclude`` (a results.json path).

    Returns:
        Per run: ``results_path``, ``created_utc``, ``git_sha``, ``passed`` and ``metrics`` (the
        :data:`TREND_METRICS` only); at most the latest ``limit``. Unreadable files are left out.
    """
    paths = set(glob.glob(os.path.join(folder, "*", "results.json"))) | set(
        glob.glob(os.path.join(folder, "*", "*", "results.json")))
    skip = os.path.abspath(exclude) if exclude else None
    runs = []
    for path in paths:
        if skip and os.path.abspath(path) == skip:
            continue
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict) or (doc.get("scenario") or {}).get("name") != scenario:
            continue
        metrics = doc.get("metrics") or {}
        runs.append({"results_path": path, "created_utc": doc.get("created_utc") or "", "git_sha": doc.get("git_sha"),
                     "passed": doc.get("passed"), "metrics": {k: metrics.get(k) for k in TREND_METRICS}})
    runs.sort(key=lambda r: (r["created_utc"], r["results_path"]))
    return runs[-limit:]
