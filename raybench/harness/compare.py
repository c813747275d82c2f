"""``raybench compare BASE NEW``: metric by metric, with a verdict on regressions.

A metric regresses when it moves the wrong way by more than the allowed fraction of the base value
(``--max-regression 10%``). Which way is wrong is fixed per metric in :data:`DIRECTION`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from raybench.errors import ConfigError

DIRECTION = {
    "wall_s": -1, "rows_per_s": +1, "pss_bytes_peak": -1, "rss_bytes_peak": -1, "pss_bytes_mean": -1,
    "batch_latency_p50_s": -1, "batch_latency_p95_s": -1, "batch_latency_p99_s": -1,
    "field_accuracy": +1, "quarantine_recall": +1, "false_quarantine_ratio": -1,
    "classification_accuracy": +1, "validation_coverage": +1, "error_rate": -1, "error_count": -1,
    "files_failed": -1, "files_suspect": -1,
}
"""+1: higher is better; -1: lower is better. Metrics not listed are shown, never judged."""


@dataclass(frozen=True)
class Change:
    """One metric in both runs."""

    metric: str
    base: float | None
    new: float | None
    change: float | None  # (new - base) / |base|; None when not computable
    regressed: bool


def load_metrics(path: str) -> dict[str, dict]:
    """Scenario name -> metrics, from a scenario ``results.json`` or a suite ``benchmark_results.json``.

    Raises:
        ConfigError: not a raybench results file.
    """
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read results: {exc}") from None
    try:
        if isinstance(doc, dict) and "runs" in doc:
            return {r["scenario"]["name"]: dict(r["metrics"]) for r in doc["runs"]}
        if isinstance(doc, dict) and "metrics" in doc and "scenario" in doc:
            return {doc["scenario"]["name"]: dict(doc["metrics"])}
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"{path}: a results file without scenario names and metrics in every run") from None
    raise ConfigError(f"{path}: not a scenario results file (it needs 'scenario' and 'metrics', or 'runs'; "
                      "`raybench run` and `raybench jobs` write them, `raybench ingest` does not)")


def parse_fraction(text: str) -> float:
    """``'10%'`` -> 0.10; ``'0.1'`` -> 0.1.

    Raises:
        ConfigError: not a fraction.
    """
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ConfigError(f"--max-regression {text!r} must be a percentage like 10% or a fraction like 0.1") from None


def compare(base: dict, new: dict, max_regression: float) -> list[Change]:
    """Compare two metric dicts of the same scenario."""
    out = []
    for metric in sorted(set(base) | set(new)):
        b, n = base.get(metric), new.get(metric)
        if not isinstance(b, (int, float)) or not isinstance(n, (int, float)):
            out.append(Change(metric, b, n, None, False))
            continue
        change = (n - b) / abs(b) if b else (0.0 if n == b else None)
        direction = DIRECTION.get(metric, 0)
        if change is None:
            worse = direction != 0 and (n - b) * direction < 0
            out.append(Change(metric, b, n, None, worse))
            continue
        out.append(Change(metric, b, n, change, direction != 0 and -change * direction > max_regression))
    return out
