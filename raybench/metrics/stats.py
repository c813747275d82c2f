"""Small statistics for metrics: percentiles and summaries in base units."""

from __future__ import annotations

import numpy as np


def percentiles(values: list[float], qs: tuple[int, ...] = (50, 95, 99)) -> dict[str, float | None]:
    """``{"p50": .., "p95": .., "p99": ..}`` of ``values`` (linear interpolation); None when empty."""
    if not values:
        return {f"p{q}": None for q in qs}
    arr = np.asarray(values, dtype=float)
    return {f"p{q}": float(np.percentile(arr, q)) for q in qs}
