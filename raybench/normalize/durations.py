"""Durations to whole seconds (``duration_s``).

Encodings (../shared/reference/carrier-formats.md 0.2): integer seconds; decimal seconds (``137.0``,
rounded to the nearest second); ``MM:SS`` where minutes may pass
59 (AT&T ``ET``); ``HH:MM:SS``, with a fraction of a second rounded (``00:02:17.482``, contact-centre exports); billed minutes, whole or decimal (billing exports: ``68.9`` is 4134 s; a decimal comma, ``2,2833``, is read as a point); milliseconds (rounded to the
nearest second); hours, minutes and seconds in words (``2m 05s``, ``1h 3m``, ``45 sec``: phone call logs). An empty value is null; a value that does not fit the encoding is null and flagged.
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
    if unit in ("seconds_decimal", "minutes", "ms"):  # a decimal comma (2,2833: European bills) is a point
        text = text.str.replace(r"^(\d+),(\d+)$", "${1}.${2}")
        # digits with a fraction only: a float cast would read a hex id (53046E61) as 5.3e61, and inf/nan
        text = pl.when(text.str.contains(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")).then(text).otherwise(None)
    if unit == "seconds":
        return text.cast(pl.Int64, strict=False)
    if unit == "seconds_decimal":
        return text.cast(pl.Float64, strict=False).round(0).cast(pl.Int64, strict=False)
    if unit == "minutes":  # whole billed minutes, or tenths in 6-second billing (68.9 = 4134 s)
        return (text.cast(pl.Float64, strict=False) * 60).round(0).cast(pl.Int64, strict=False)
    if unit == "ms":
        return (text.cast(pl.Float64, strict=False) / 1000).round(0).cast(pl.Int64, strict=False)
    if unit == "mm_ss":
        parts = text.str.extract_groups(r"^(\d+):([0-5]\d)$")
        return (parts.struct.field("1").cast(pl.Int64, strict=False) * 60
                + parts.struct.field("2").cast(pl.Int64, strict=False))
    if unit == "hh_mm_ss":  # a fraction of a second after the seconds (00:02:17.482) is rounded
        parts = text.str.extract_groups(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
        return (parts.struct.field("1").cast(pl.Int64, strict=False) * 3600
                + parts.struct.field("2").cast(pl.Int64, strict=False) * 60
                + parts.struct.field("3").cast(pl.Float64, strict=False).round(0).cast(pl.Int64))
    if unit == "hms_words":  # 2m 05s, 1h 3m, 45 sec, 3 min 20 sec: at least one part
        parts = text.str.to_lowercase().str.extract_groups(
            r"^(?:(\d+)\s*h(?:rs?|ours?)?\s*)?(?:(\d+)\s*m(?:in(?:s|utes?)?)?\s*)?(?:(\d+)\s*s(?:ecs?|econds?)?)?$")
        h, m, s = (parts.struct.field(k).cast(pl.Int64, strict=False) for k in ("1", "2", "3"))
        some = h.is_not_null() | m.is_not_null() | s.is_not_null()
        return pl.when(some).then(h.fill_null(0) * 3600 + m.fill_null(0) * 60 + s.fill_null(0)).otherwise(None)
    raise ValueError(f"unknown duration unit {unit!r}")
