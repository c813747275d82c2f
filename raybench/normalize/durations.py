"""Durations to whole seconds (``duration_s``).

Encodings (../shared/reference/carrier-formats.md 0.2): integer seconds; decimal seconds (``137.0``,
rounded to the nearest second); ``MM:SS`` where minutes may pass
59 (AT&T ``ET``); ``HH:MM:SS``, with a fraction of a second rounded (``00:02:17.482``, contact-centre exports); billed minutes, whole or decimal (billing exports: ``68.9`` is 4134 s; a decimal comma, ``2,2833``, is read as a point); milliseconds (rounded to the
nearest second); hours, minutes and seconds in words (``2m 05s``, ``1h 3m``, ``45 sec``: phone call logs; ``2分17秒``,
``1時間00分43秒``: Japanese and Chinese bills, ``2분 17초`` Korean ones). An empty value is null; a value that does not fit the encoding is null and flagged.
"""

from __future__ import annotations

import re

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
    if unit == "seconds_grouped":  # 3,958: integer seconds, a comma between thousands (comma_grouping)
        grouped = text.str.contains(r"^\d{1,3}(?:,\d{3})*$")
        return pl.when(grouped).then(text.str.replace_all(",", "")).otherwise(None).cast(pl.Int64, strict=False)
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
    if unit == "hms_words":  # 2m 05s, 1h 3m, 45 sec, 3 min 20 sec, 2分17秒, 1時間00分43秒: at least one part
        parts = text.str.to_lowercase().str.extract_groups(
            r"^(?:(\d+)\s*(?:h(?:rs?|ours?)?|時間|小时|小時|시간)\s*)?(?:(\d+)\s*(?:m(?:in(?:s|utes?)?)?|分(?:钟|鐘)?|분)\s*)?"
            r"(?:(\d+)\s*(?:s(?:ecs?|econds?)?|秒|초))?$")
        h, m, s = (parts.struct.field(k).cast(pl.Int64, strict=False) for k in ("1", "2", "3"))
        some = h.is_not_null() | m.is_not_null() | s.is_not_null()
        return pl.when(some).then(h.fill_null(0) * 3600 + m.fill_null(0) * 60 + s.fill_null(0)).otherwise(None)
    raise ValueError(f"unknown duration unit {unit!r}")


_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_COMMA_DECIMAL = re.compile(r"^\d+,\d+$")
_PLAIN = re.compile(r"^\d+$")


def comma_grouping(values: list[str]) -> str | None:
    """What the comma in a column of seconds is: ``"thousands"``, ``"decimal"``, ``"ambiguous"``, or None
    when no value has one.

    A comma followed by exactly three digits (``3,958``) groups thousands where the column shows it: every
    value with a comma is so grouped, and every value without one is under 1000 (a writer that groups
    thousands groups them all; one with a decimal comma would write decimals on short calls too). A comma
    followed by other than three digits (``2,5``, ``137,40``) is a decimal comma. Grouped-looking values
    beside plain values of 1000 or more are ``ambiguous``: the caller flags the duration.

    Args:
        values: the column's non-empty sampled texts.
    """
    texts = [v.strip().strip('"') for v in values if v and v.strip()]
    commas = [v for v in texts if _COMMA_DECIMAL.match(v) or _GROUPED.match(v)]
    if not commas:
        return None
    if any(not _GROUPED.match(v) for v in commas):
        return "decimal"
    plain = [int(v) for v in texts if _PLAIN.match(v)]
    if all(n < 1000 for n in plain):
        return "thousands"
    return "ambiguous"
