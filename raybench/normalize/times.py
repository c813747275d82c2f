"""Start times to UTC, with the layout's zone assumption and DST flags.

A local time that a DST change makes ambiguous (it happens twice, autumn) is read as the first
occurrence (daylight time) and flagged ``dst_ambiguous``; one that does not exist (spring gap) is read
with the offset in force before the change (standard time) and flagged ``dst_nonexistent``. UTC and epoch
sources are never flagged.
"""

from __future__ import annotations

import re
import zoneinfo

import polars as pl

from raybench.layout import StartSpec

_NAIVE = pl.Datetime("us")


EPOCH_SCALE_US = {"s": 1_000_000, "ms": 1_000, "us": 1}
"""Microseconds per unit of a Unix epoch start column."""

CORE_DATA_EPOCH_S = 978_307_200
"""Unix time of 2001-01-01 00:00:00 UTC, the reference date Core Data (Apple's ``NSDate``) counts its
seconds from: the ``ZDATE`` of an iPhone's ``CallHistory.storedata`` (epoch unit ``coredata``)."""

_CORE_DATA_SECONDS = r"^(\d{9,10})(?:\.(\d{1,6})\d*)?$"
"""Core Data seconds of a call: 9 or 10 integer digits (2004-03 to 2318) and a fraction (cut to the
microsecond). Fewer digits are no call's time (a value cut short)."""


EXCEL_UNIX_DAYS = 25_569
"""Excel serial date of 1970-01-01 (day 0 is 1899-12-30 in the 1900 date system as Excel counts,
ECMA-376 Part 1, 18.17.4.1)."""

EXCEL_SERIAL_RANGE = (32_874, 73_051)
"""Serials of a call's plausible start: 1990-01-01 to 2100-01-01 (end exclusive)."""

_EXCEL_SERIAL = r"^(\d{5}(?:\.\d+)?)$"


def excel_serial_naive(text: pl.Expr) -> pl.Expr:
    """Expression: an Excel serial date-time written as a number (``45427.433518519``: whole days since
    1899-12-30, the fraction the time of day; a General cell that lost its date format) -> naive
    wall-clock Datetime, rounded to the second (a serial read back carries float noise of microseconds);
    null outside :data:`EXCEL_SERIAL_RANGE` or when not a number of 5 integer digits. The serial is local
    time, in no zone: the caller reads it in the file's zone."""
    days = text.str.extract(_EXCEL_SERIAL, 1).cast(pl.Float64, strict=False)
    days = pl.when(days.is_between(*EXCEL_SERIAL_RANGE, closed="left")).then(days).otherwise(None)
    seconds = ((days - EXCEL_UNIX_DAYS) * 86_400).round(0).cast(pl.Int64)
    return (seconds * 1_000_000).cast(_NAIVE)


def core_data_naive(text: pl.Expr) -> pl.Expr:
    """Expression: Core Data seconds since 2001-01-01 UTC (``750578315.188139``) -> naive UTC Datetime,
    exact to the microsecond (the integer and the fraction read apart, no float rounding); null where the
    text is not :data:`_CORE_DATA_SECONDS`."""
    whole = text.str.extract(_CORE_DATA_SECONDS, 1).cast(pl.Int64, strict=False)
    fraction = text.str.extract(_CORE_DATA_SECONDS, 2).str.pad_end(6, "0").cast(pl.Int64, strict=False)
    return ((whole + CORE_DATA_EPOCH_S) * 1_000_000 + fraction.fill_null(0)).cast(_NAIVE)


def states_offset(fmt: str) -> bool:
    """True for a format whose values carry their UTC offset (``%z``, ``%:z``, a literal ``Z`` or ``UTC``):
    the times are instants, read as UTC, whatever zone a layout assumes."""
    return "%z" in fmt or "%:z" in fmt or fmt.endswith("Z") or " UTC " in f" {fmt} "


_UTC_NAME = re.compile(r"(?i)(?<![a-z])(?:utc|gmt)(?![a-z])(?!\s*[+-]\s*\d)")


def name_states_utc(name: str | None) -> bool:
    """True when a column's name says its times are UTC: the word ``UTC`` or ``GMT`` in it, not followed by
    an offset (``Seizure Dt Tm (GMT)``, ``Start Time (UTC)``, ``date_utc``; not ``Time (GMT+1)``). A switch
    or carrier export that names the zone in its header states it (carrier-formats.md 1.1, AT&T's
    ``Conn. Time (UTC)``; 1.2, T-Mobile's ``(UTC)`` columns)."""
    return bool(name) and _UTC_NAME.search(name.replace("_", " ")) is not None


def name_states_zone(name: str | None) -> str | None:
    """The zone a column's name states its times in: ``"UTC"`` for ``UTC``/``GMT`` (:func:`name_states_utc`),
    a fixed-offset tz database zone for an abbreviation of :data:`ZONE_ABBREVIATIONS` in capitals that
    names a whole-hour offset (``Time (AEST)`` -> ``Etc/GMT-10``, whose sign is POSIX's, inverted), else
    None (``CST``, ``IST``: several zones; ``ACST``: a half hour, not a tz database zone of its own)."""
    if name_states_utc(name):
        return "UTC"
    words = sorted((a for a in ZONE_ABBREVIATIONS if len(a) > 1), key=len, reverse=True)
    found = re.search(r"(?<![A-Za-z])(" + "|".join(words) + r")(?![A-Za-z])(?!\s*[+-]\s*\d)", name or "")
    if found is None:
        return None
    offset = ZONE_ABBREVIATIONS[found.group(1)]
    if offset == "UTC":
        return "UTC"
    if not offset.endswith(":00"):
        return None
    return f"Etc/GMT{-int(offset[:3]):+d}"


TS32298_FORMAT = "%y%m%d%H%M%S%z"
"""3GPP TS 32.298's ``TimeStamp`` (the MSC and SGSN CDRs' ``seizureTime``, ``answerTime``, ``releaseTime``,
``originationTime``): 9 octets ``YYMMDDhhmmssShhmm``, the digits BCD, the sign ``S`` an ASCII octet, the
local time then its offset from UTC. Decoders print the OCTET STRING in hex, so the sign shows as ``2B``
(``+``) or ``2D`` (``-``): ``2407151305072B0200`` is 2024-07-15 13:05:07 +02:00. :func:`strptime_naive`
reads it with this format once the sign octet is put back as its character."""

_TS32298_SIGN = ((r"^(\d{12})2[Bb](\d{4})$", "${1}+${2}"), (r"^(\d{12})2[Dd](\d{4})$", "${1}-${2}"))


def strptime_naive(text: pl.Expr, fmt: str) -> pl.Expr:
    """``text`` read with one strptime format as a naive Datetime; a value with an offset comes out as
    naive UTC. With ``%p``, a time that ends in one letter ``A``/``P`` (``01:05P``, ``1:05p``: SMDR
    printouts and carrier bills) is read as ``AM``/``PM``; with :data:`TS32298_FORMAT`, a TS 32.298
    TimeStamp printed in hex (its sign octet ``2B``/``2D``) is read too."""
    if fmt == TS32298_FORMAT:
        for pattern, sign in _TS32298_SIGN:
            text = text.str.replace(pattern, sign)
    if "%p" in fmt:
        text = text.str.replace(r"(\d ?)([AaPp])$", "${1}${2}M")
    if "%z" in fmt or "%:z" in fmt:
        return text.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False).dt.replace_time_zone(None)
    return text.str.strptime(_NAIVE, fmt, strict=False)


ZONE_ABBREVIATIONS = {
    "UTC": "UTC", "GMT": "UTC", "Z": "UTC",
    "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00",
    "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00", "NST": "-03:30", "NDT": "-02:30",
    "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "WET": "UTC", "WEST": "+01:00",
    "MSK": "+03:00", "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00", "AEDT": "+11:00", "ACST": "+09:30",
    "ACDT": "+10:30", "AWST": "+08:00", "NZST": "+12:00", "NZDT": "+13:00",
}
"""Zone abbreviations that name one UTC offset (a standard or a daylight time: ``EDT`` is UTC-4 wherever it
is written). ``CST`` (US Central, China, Cuba), ``IST`` (India, Ireland, Israel), ``BST`` (British Summer,
Bangladesh) and ``AST`` name several and are not read."""

ZONE_SUFFIX = (r"\s+((?i:" + "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True))
               + r")|(?:UTC|GMT)?[+-]\d{2}:?\d{2})$")
"""A zone after a start, past a space: an abbreviation of :data:`ZONE_ABBREVIATIONS` or an offset
(``+0200``, ``UTC-05:00``); group 1 is the zone as written (:func:`row_zone` reads it)."""


UNREAD_ZONE_WORD = r"\s+[A-Za-z]{3,5}$"
"""A word of 3 to 5 letters after a start written with its zone (``CST``, ``IST``: zones it names several
of); never ``AM``/``PM``."""


def parse_naive(raw: pl.Expr, spec: StartSpec) -> pl.Expr:
    """Expression: raw start text -> naive Datetime (null when no format fits).

    Epoch sources (``spec.epoch``: s, ms or us since 1970-01-01 UTC; ``coredata``, seconds since 2001-01-01
    UTC, :func:`core_data_naive`) and values with a UTC offset come out as naive UTC; Excel serials
    (``excel_days``, :func:`excel_serial_naive`) as naive local time. A spec with a ``year`` reads ``"<year> <text>"`` (its formats begin with ``%Y ``).
    """
    text = raw.str.strip_chars()
    if spec.zone_suffix:  # each row's own zone after its start: cut off, read by the caller (localize_rows);
        # a zone word it cannot read (CST) is cut too: the row is read in the file's zone, flagged zone_row_read
        text = text.str.replace(ZONE_SUFFIX, "").str.replace(UNREAD_ZONE_WORD, "")
    if spec.epoch == "coredata":
        return core_data_naive(text)
    if spec.epoch == "excel_days":
        return excel_serial_naive(text)
    if spec.epoch is not None:
        return (text.cast(pl.Int64, strict=False) * EPOCH_SCALE_US[spec.epoch]).cast(_NAIVE)
    if spec.year is not None:  # dates written without their year: the year the source gives elsewhere
        text = pl.concat_str([pl.lit(f"{spec.year} "), text])
    tries = [strptime_naive(text, fmt) for fmt in spec.formats]
    return pl.coalesce(tries) if len(tries) > 1 else tries[0]


_FIXED_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def localize(naive: pl.Expr, tz: str) -> tuple[pl.Expr, pl.Expr]:
    """Read naive wall-clock times in ``tz`` (an IANA zone, ``UTC``, or a fixed offset ``+hh:mm``).

    Returns:
        ``(start_utc, tz_flag)``: a ``Datetime(us, UTC)`` expression and a String expression
        (null, ``dst_ambiguous`` or ``dst_nonexistent``).
    """
    if tz == "UTC":
        return naive.dt.replace_time_zone("UTC"), pl.lit(None, dtype=pl.String)
    fixed = _FIXED_OFFSET.match(tz)
    if fixed:  # a fixed UTC offset (row_zone's '+hh:mm'): no DST, nothing ambiguous
        minutes = (int(fixed.group(2)) * 60 + int(fixed.group(3))) * (1 if fixed.group(1) == "+" else -1)
        return ((naive - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC"),
                pl.lit(None, dtype=pl.String))
    early = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    late = naive.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
    gap = (naive + pl.duration(hours=1)).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    nonexistent = naive.is_not_null() & early.is_null()
    start = pl.when(nonexistent).then(gap).otherwise(early).dt.convert_time_zone("UTC")
    flag = (pl.when(nonexistent).then(pl.lit("dst_nonexistent"))
            .when(early != late).then(pl.lit("dst_ambiguous"))
            .otherwise(pl.lit(None, dtype=pl.String)))
    return start, flag


_OFFSET = re.compile(r"^(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_UTC_WORDS = frozenset({"utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt", "universal"})


def row_zone(text: str | None) -> str | None:
    """The zone one row's zone cell names, as polars can read it, or None when it names none.

    Read: an IANA zone name (``America/Chicago``, checked against the system's tz database by
    :mod:`zoneinfo`), ``UTC``/``GMT``/``Z`` (-> ``UTC``), a UTC offset (``+02:00``, ``-0500``, ``+2``,
    ``UTC+05:30``, ``GMT-3``; at most 14 h, minutes 00/15/30/45) -> ``+hh:mm``; an abbreviation of
    :data:`ZONE_ABBREVIATIONS` (``EDT``) -> its offset. An abbreviation that names several zones (``IST``
    is India, Ireland or Israel; ``CST``) is not read.
    """
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    if value.lower() in _UTC_WORDS:
        return "UTC"
    if value.upper() in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[value.upper()]
    m = _OFFSET.match(value)
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes not in (0, 15, 30, 45):
            return None
        return "UTC" if hours == minutes == 0 else f"{sign}{hours:02d}:{minutes:02d}"
    if "/" not in value or not re.fullmatch(r"[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+){1,2}", value):
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return value


def localize_rows(naive: pl.Expr, zones: pl.Expr, distinct: list[str], fallback: str) -> tuple[pl.Expr, pl.Expr]:
    """Read naive wall-clock times each in its own row's zone (a per-row zone column).

    Args:
        naive: the naive start times.
        zones: each row's zone as :func:`row_zone` reads it (null where the row names none).
        distinct: the distinct non-null values of ``zones`` in this frame.
        fallback: the zone for rows that name none (the layout's; such rows are flagged by the rules).

    Returns:
        ``(start_utc, tz_flag)`` as :func:`localize`.
    """
    start, flag = localize(naive, fallback)
    for zone in distinct:
        s, f = localize(naive, zone)
        start = pl.when(zones == zone).then(s).otherwise(start)
        flag = pl.when(zones == zone).then(f).otherwise(flag)
    return start, flag
