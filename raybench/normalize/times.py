"""Start times to UTC, with the layout's zone assumption and DST flags.

A local time that a DST change makes ambiguous (it happens twice, autumn) is read as the first
occurrence (daylight time) and flagged ``dst_ambiguous``; one that does not exist (spring gap) is read
with the offset in force before the change (standard time) and flagged ``dst_nonexistent``. UTC and epoch
sources are never flagged.
"""

from __future__ import annotations

import polars as pl

from raybench.layout import StartSpec

_NAIVE = pl.Datetime("us")


def parse_naive(raw: pl.Expr, spec: StartSpec) -> pl.Expr:
    """Expression: raw start text -> naive Datetime (null when no format fits).

    Epoch sources come out as naive UTC.
    """
    text = raw.str.strip_chars()
    if spec.epoch is not None:
        scale = 1_000_000 if spec.epoch == "s" else 1_000
        return (text.cast(pl.Int64, strict=False) * scale).cast(_NAIVE)
    tries = [text.str.strptime(_NAIVE, fmt, strict=False) for fmt in spec.formats]
    return pl.coalesce(tries) if len(tries) > 1 else tries[0]


def localize(naive: pl.Expr, tz: str) -> tuple[pl.Expr, pl.Expr]:
    """Read naive wall-clock times in ``tz``.

    Returns:
        ``(start_utc, tz_flag)``: a ``Datetime(us, UTC)`` expression and a String expression
        (null, ``dst_ambiguous`` or ``dst_nonexistent``).
    """
    if tz == "UTC":
        return naive.dt.replace_time_zone("UTC"), pl.lit(None, dtype=pl.String)
    early = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    late = naive.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
    gap = (naive + pl.duration(hours=1)).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    nonexistent = naive.is_not_null() & early.is_null()
    start = pl.when(nonexistent).then(gap).otherwise(early).dt.convert_time_zone("UTC")
    flag = (pl.when(nonexistent).then(pl.lit("dst_nonexistent"))
            .when(early != late).then(pl.lit("dst_ambiguous"))
            .otherwise(pl.lit(None, dtype=pl.String)))
    return start, flag
