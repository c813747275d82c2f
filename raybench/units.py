"""Units for option values: ``4MiB`` -> bytes, ``1M`` -> a count."""

from __future__ import annotations

import re

from raybench.errors import ConfigError

_BYTES = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_COUNT = {"": 1, "k": 10**3, "m": 10**6}


def parse_bytes(text: str | int) -> int:
    """``'4MiB'`` -> 4194304; ``'2GB'`` -> 2000000000; an int is returned as is.

    Raises:
        ConfigError: not a size; the message lists the units.
    """
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(text))
    if not m or m.group(2).lower() not in _BYTES:
        raise ConfigError(f"{text!r} is not a size; use a number with one of: {', '.join(u for u in _BYTES if u)}")
    return int(float(m.group(1)) * _BYTES[m.group(2).lower()])


def parse_count(text: str | int) -> int:
    """``'1M'`` -> 1000000; ``'10k'`` -> 10000; ``'250'`` -> 250.

    Raises:
        ConfigError: not a count.
    """
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", str(text))
    if not m:
        raise ConfigError(f"{text!r} is not a count; use e.g. 1000, 10k or 1M")
    return int(float(m.group(1)) * _COUNT[m.group(2).lower()])


def format_bytes(n: float | None) -> str:
    """Bytes for display, in binary units with two decimals: ``2147483648`` -> ``'2.00 GiB'``,
    ``1536`` -> ``'1.50 KiB'``, ``12`` -> ``'12 B'``; None -> ``'-'``."""
    if n is None:
        return "-"
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"


def is_bytes_metric(name: str) -> bool:
    """True for a metric measured in bytes (its name says so: ``pss_bytes_peak``, ``shm_used_bytes``),
    not a rate (``..._bytes_per_s``)."""
    return "bytes" in name.split("_") and "per" not in name.split("_")


def format_metric(name: str, value) -> str:
    """A metric's value for display: bytes in binary units (:func:`format_bytes`) when the name says
    bytes, other floats to 4 significant digits, None as ``-``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and is_bytes_metric(name):
        return format_bytes(value)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


_PERCENT_METRICS = ("accuracy", "recall", "precision", "coverage", "error_rate", "match_rate", "accounting_exact",
                    "rows_accounted_ratio", "false_quarantine_ratio")
"""Metrics that are shares (0..1), shown as percentages."""


def humanize_metric(name: str, value) -> str:
    """A metric's value for a person, its unit read from its name: bytes in binary units
    (``1.14 GiB``), rates (``12.5 MiB/s``, ``1,234 rows/s``), seconds (``12.3 s``, ``4.2 min``),
    shares as percentages (``field_accuracy`` 0.995 -> ``99.5%``), other ratios as ``x1.23``, CPU
    (``cpu_pct``) in % of one core, counts with thousands separators; None as ``-``."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    if value != value:
        return "-"
    words = name.split("_")
    if name.endswith("_bytes_per_s"):
        return f"{format_bytes(value)}/s"
    if is_bytes_metric(name) or name in ("memory_bytes",):
        return format_bytes(value)
    if name.endswith("rows_per_s"):
        return f"{value:,.0f} rows/s"
    if "ms" in words:
        return f"{value:,.1f} ms"
    if "s" in words:
        if abs(value) < 10:
            return f"{value:.3g} s"
        return f"{value:.1f} s" if abs(value) < 120 else f"{value / 60:.1f} min"
    if "pct" in words:
        return f"{value:.0f}% of a core"
    if name.endswith(_PERCENT_METRICS) or name in ("driver_saturated",):
        return f"{100 * value:.2f}%" if name != "driver_saturated" else ("yes" if value else "no")
    if "ratio" in words or "efficiency" in words:
        return f"x{value:.3g}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.4g}"
