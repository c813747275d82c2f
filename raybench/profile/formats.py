"""Candidate formats for start times and durations, and how many values each reads.

Dates: 4- and 2-digit years, month-first, day-first and year-first, ``/`` ``-`` ``.`` or no separator,
month names; times: 24 h and 12 h (with or without a space before AM/PM), with or without seconds,
with fractions, and French ``13h05`` / ``13h05m07s``. polars' ``strptime`` (chrono) reads unpadded fields (``2020/2/10 2:41``) with the same
formats. Durations: integer seconds, decimal seconds (``137.0``), ``MM:SS``, ``H:MM:SS``, whole minutes,
milliseconds. Sources: ../shared/reference/carrier-formats.md 0.2 (duration encodings) and
parsing-notes.md 1.3 (the date formats DuckDB's sniffer tries).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from raybench.layout import DurationUnit
from raybench.normalize.durations import parse_duration
from raybench.normalize.times import EPOCH_SCALE_US, TS32298_FORMAT, strptime_naive

_DATES_YEAR_LAST = ("%m/%d/%Y", "%d/%m/%Y", "%m-%d-%Y", "%d-%m-%Y", "%d.%m.%Y", "%m/%d/%y", "%d/%m/%y",
                    "%d.%m.%y", "%m-%d-%y", "%d-%m-%y")
_DATES_YEAR_FIRST = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%y%m%d")
_DATES_UNSEPARATED = ("%m%d%y", "%d%m%y", "%m%d%Y", "%d%m%Y")
"""Six- and eight-digit dates with the year last (switch reports: ``121523`` for 12/15/23,
carrier-formats.md 1.9); tried after the year-first ones."""
_DATES_NAMED = ("%d-%b-%Y", "%d %b %Y", "%b %d %Y", "%d-%b-%y", "%b %d, %Y")
_DATES_WEEKDAY = ("%a %m/%d/%Y", "%a %d/%m/%Y", "%a %Y-%m-%d", "%a, %d %b %Y", "%a %d %b %Y", "%a %b %d %Y")
"""Dates after their weekday's name (``Mon 07/15/2024``: phone services' call logs; ``Mon Sep 16 2024``:
C's ``ctime`` order, SBC logs); chrono checks that the weekday is the date's."""
_TIMES = ("%H:%M:%S", "%H:%M", "%H:%M:%S%.f", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p", "%H%M%S", "%H%M",
          "%H.%M.%S", "%I:%M:%S%.f %p", "%Hh%M", "%Hh%Mm%Ss", "%Hh%M:%S")

DATES_NO_YEAR = ("%m/%d", "%d/%m", "%m-%d", "%d.%m")
"""Dates written without their year (Mitel SMDR ``10/13``, month first as North American switches print
them): read only with a year given elsewhere (:attr:`raybench.layout.StartSpec.year`)."""

LEAP_YEAR = 2000
"""The year put before a year-less date while its format is chosen (a leap year: ``02/29`` reads)."""


def yearless_formats() -> tuple[str, ...]:
    """Every candidate ``"%Y <date> <time>"`` format for a date written without its year, read as
    ``"<year> <date> <time>"``."""
    return tuple(f"%Y {d} {t}" for d in DATES_NO_YEAR for t in _TIMES)


DURATION_UNITS: tuple[DurationUnit, ...] = ("seconds", "seconds_decimal", "mm_ss", "hh_mm_ss", "minutes", "ms",
                                             "hms_words", "seconds_grouped")
"""Duration encodings tried, in order of preference when two read as many values."""


def date_formats() -> tuple[str, ...]:
    """Every candidate date-only format, month-first before day-first: the dates of
    :func:`date_time_formats`."""
    return _DATES_YEAR_FIRST + _DATES_YEAR_LAST + _DATES_NAMED + _DATES_WEEKDAY + _DATES_UNSEPARATED


def date_time_formats(day_first_region: bool = False) -> tuple[str, ...]:
    """Every candidate ``"<date> <time>"`` format (and the ISO ``T`` form), month-first before day-first
    unless ``day_first_region``."""
    dates = date_formats()
    if day_first_region:
        dates = tuple(sorted(dates, key=lambda d: 0 if d.startswith("%d") else 1))
    out = [f"{d} {t}" for d in dates for t in _TIMES]
    out += [f"%Y-%m-%dT{t}" for t in ("%H:%M:%S", "%H:%M:%S%.f")]
    out += [f"%Y-%m-%d{sep}{t}Z" for sep in ("T", " ") for t in ("%H:%M:%S", "%H:%M:%S%.f")]  # ISO 8601 UTC
    out += [f"%Y-%m-%d{sep}{t}%:z" for sep in ("T", " ") for t in ("%H:%M:%S", "%H:%M:%S%.f")]  # with offset
    out += list(RFC2822_FORMATS) + list(CLOCK_FIRST_FORMATS)
    out += list(COMPACT_FORMATS)
    return tuple(out)


COMPACT_FORMATS = ("%Y%m%d%H%M%S%.f", TS32298_FORMAT)
"""A date-time written as one run of digits, year first, with or without a fraction after a point
(``20240715130507.123``: BroadWorks accounting's ``startTime``, ASN.1 GeneralizedTime without its zone;
the fraction is optional in chrono's ``%.f``), and 3GPP TS 32.298's ``TimeStamp`` with its offset
(``2407151305072B0200``, :data:`raybench.normalize.times.TS32298_FORMAT`)."""


CLOCK_FIRST_FORMATS = tuple(f"{mark}{t} UTC %a %b %d %Y" for mark in ("", "*", ".")
                            for t in ("%H:%M:%S%.f", "%H:%M:%S"))
"""The time of day first, then the zone, the weekday and the date (``13:05:07.123  UTC Mon Sep 16 2024``):
Cisco IOS's ``show clock`` order, which AudioCodes' SBC CDRs and other network elements' logs also write.
IOS puts its clock's mark before the time (``*13:05:07.123 UTC ...``: the clock is not authoritative;
``.``: authoritative, not synchronised; none: synchronised, as CUBE's file accounting writes its setup,
connect and disconnect times). The zone is written, so the times are instants
(:func:`raybench.normalize.times.states_offset`)."""


RFC2822_FORMATS = ("%a, %d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M:%S %z")
"""RFC 2822 (section 3.3) date-times, as e-mail headers and web APIs write them
(``Mon, 15 Jul 2024 13:05:07 +0000``): the offset is stated, so the times are instants (read as UTC)."""


EARLIEST_YEAR = 1990
"""A reading before this year is not a reading (``01/15/24`` read with ``%Y`` is the year 24)."""


def plausible(parsed: pl.Expr) -> pl.Expr:
    """True where a parsed naive start is a time a call record can have: from :data:`EARLIEST_YEAR` to
    next year (the validation rule ``start_range`` is the exact bound, on the UTC instant)."""
    return parsed.is_not_null() & parsed.is_between(datetime(EARLIEST_YEAR, 1, 1),
                                                    datetime(datetime.now().year + 2, 1, 1))


def second_clock(values: pl.Series, best: str, candidates: tuple[str, ...]) -> str | None:
    """The format that reads most of the ``values`` the format ``best`` leaves unread, when it differs from
    ``best`` only in the time of day (a 12 h clock beside a 24 h one: two exports of one phone system pasted
    together, ``1:05:07 pm`` then ``13:05:07``); None when no such format reads any. A value reads with at
    most one of the two (``%p`` needs its AM/PM), so using both never changes a reading."""
    date = _date_part(best)
    if date is None:
        return None
    text = values.str.strip_chars()
    unread = text.filter(~plausible(pl.DataFrame({"v": text}).select(strptime_naive(pl.col("v"), best)).to_series()))
    if unread.is_empty():
        return None
    others = tuple(f for f in candidates if f != best and _date_part(f) == date)
    counts = read_counts_start(unread, others)
    return max(counts, key=lambda f: counts[f]) if counts else None


def _date_part(fmt: str) -> str | None:
    """The date of a ``"<date> <time>"`` format (its time one of :data:`_TIMES`), or None."""
    for t in sorted(_TIMES, key=len, reverse=True):
        if fmt.endswith(" " + t):
            return fmt[: -len(t) - 1]
    return None


def read_counts_start(values: pl.Series, candidates: tuple[str, ...]) -> dict[str, int]:
    """How many of ``values`` (non-empty texts) each start format reads, for the formats that read any.

    A format reads a value when polars' ``strptime`` gives a :func:`plausible` time for it."""
    text = values.str.strip_chars()
    frame = pl.DataFrame({"v": text})
    exprs = [plausible(strptime_naive(pl.col("v"), fmt)).sum().alias(str(i)) for i, fmt in enumerate(candidates)]
    row = frame.select(exprs).row(0) if exprs else ()
    return {fmt: int(n) for fmt, n in zip(candidates, row) if n}


def read_counts_duration(values: pl.Series, units: tuple[DurationUnit, ...] = DURATION_UNITS) -> dict[str, int]:
    """How many of ``values`` (non-empty texts) each duration unit reads (units that read none left out)."""
    frame = pl.DataFrame({"v": values})
    row = frame.select([parse_duration(pl.col("v"), u).is_not_null().sum().alias(u) for u in units]).row(0)
    return {u: int(n) for u, n in zip(units, row) if n}


EPOCH_DIGITS = {"s": 10, "ms": 13, "us": 16}
"""Digits of a Unix epoch of this century in each unit (2001-09-09 to 2286 for seconds)."""


def read_counts_epoch(values: pl.Series) -> dict[str, int]:
    """How many of ``values`` read as a plausible start when taken as Unix epoch seconds, milliseconds or
    microseconds (integers of 10, 13 or 16 digits), for the units that read any."""
    text = values.str.strip_chars()
    out = {}
    for unit, n in EPOCH_DIGITS.items():
        ok = text.str.contains(f"^[0-9]{{{n}}}$")
        parsed = (text.cast(pl.Int64, strict=False) * EPOCH_SCALE_US[unit]).cast(pl.Datetime("us"))
        k = int(pl.DataFrame({"p": parsed, "ok": ok}).select((plausible(pl.col("p")) & pl.col("ok")).sum()).item())
        if k:
            out[unit] = k
    return out
