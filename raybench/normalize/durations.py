"""Durations to whole seconds (``duration_s``).

Encodings (../shared/reference/carrier-formats.md 0.2): integer seconds; decimal seconds (``137.0``,
rounded to the nearest second); ``MM:SS`` where minutes may pass
59 (AT&T ``ET``); ``HH:MM:SS``; billed minutes, whole or decimal (billing exports: ``68.9`` is 4134 s); milliseconds (rounded to the
nearest second). An empty value is null; a value that does not fit the encoding is null and flagged.
"""

from __future__ import annotations

import polars as pl

from raybench.layout import DurationUnit


def parse_duration(raw: pl.Expr, unit: DurationUnit) -> pl.Expr:
    """Expression turning raw duration text into Int64 seconds (null when empty or unreadable).

    Args:
        raw: a String expression.
        unit: how the values are written.
    """
    text = raw.str.strip_chars()
    if unit == "seconds":
        return text.cast(pl.Int64, strict=False)
    if unit == "seconds_decimal":
        return text.cast(pl.Float64, strict=False).round(0).cast(pl.Int64, strict=False)
    if unit == "minutes":  # whole billed minutes, or tenths in 6-second billing (68.9 = 4134 s)
        return (text.cast(pl.Float64, strict=False) * 60).round(0).cast(pl.Int64, strict=False)
    if unit == "ms":
        return (text.cast(pl.Float64, strict=False) / 1000).round(0).cast(pl.Int64)
    if unit == "mm_ss":
        parts = text.str.extract_groups(r"^(\d+):([0-5]\d)$")
        return (parts.struct.field("1").cast(pl.Int64, strict=False) * 60
                + parts.struct.field("2").cast(pl.Int64, strict=False))
    if unit == "hh_mm_ss":
        parts = text.str.extract_groups(r"^(\d+):([0-5]\d):([0-5]\d)$")
        return (parts.struct.field("1").cast(pl.Int64, strict=False) * 3600
                + parts.struct.field("2").cast(pl.Int64, strict=False) * 60
                + parts.struct.field("3").cast(pl.Int64, strict=False))
    raise ValueError(f"unknown duration unit {unit!r}")
