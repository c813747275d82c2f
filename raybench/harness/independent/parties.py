"""Made-up parties, times and text helpers for the independent evaluation set.

Every number is of the 555-01xx kind (``../shared/reference/carrier-formats.md``: no real numbers). A party
is what a file writes and what the canonical schema should hold for it (``docs/design.md``: E.164 when
the number can be resolved, else as written). Where the canonical value is a convention the schema leaves
open, the truth is a tuple of the values accepted.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

AREAS = ("312", "773", "415", "646", "713", "206", "617", "404", "303", "602")
"""NANP area codes the set draws from (made-up lines 555-0100..0199 under each)."""

LOCAL_ZONE = "America/Chicago"
"""The zone every local-time file of the set is written in (the evaluation passes it as ``--tz``)."""

Accept = str | int | None | tuple
"""A truth value: the one canonical value, or a tuple of the values accepted."""


@dataclass(frozen=True)
class Party:
    """One call party.

    Attributes:
        written: the text the file holds.
        canonical: what ``cdr.caller``/``callee`` should hold (a tuple: any of these).
    """

    written: str
    canonical: Accept


def nanp_digits(rng: random.Random) -> str:
    """Ten NANP digits: area, 555, 01xx."""
    return f"{rng.choice(AREAS)}5550{rng.randint(100, 199):03d}"[:10]


def us_party(digits10: str, style: str) -> Party:
    """A NANP number written in one style.

    Styles: ``10`` (``3125550123``), ``11`` (``13125550123``), ``plus`` (``+13125550123``), ``paren``
    (``(312) 555-0123``), ``dash`` (``312-555-0123``), ``dot`` (``312.555.0123``), ``float11``
    (``13125550123.0``: typed as a float upstream), ``float10`` (``3125550123.0``).
    """
    d = digits10
    written = {
        "10": d, "11": "1" + d, "plus": "+1" + d, "paren": f"({d[:3]}) {d[3:6]}-{d[6:]}",
        "dash": f"{d[:3]}-{d[3:6]}-{d[6:]}", "dot": f"{d[:3]}.{d[3:6]}.{d[6:]}",
        "float11": f"1{d}.0", "float10": f"{d}.0",
    }[style]
    return Party(written, "+1" + d)


def trunk_zero_party(rng: random.Random) -> Party:
    """A national number with a trunk ``0`` from an unstated country (``0405550123``): kept as written."""
    written = f"0{rng.choice(('40', '30', '20', '61'))}5550{rng.randint(100, 199):03d}"
    return Party(written, written)


def uk_party(rng: random.Random, style: str) -> Party:
    """A UK drama-range number (020 7946 0xxx) dialled from the US (``011``) or in ``+`` form."""
    national = f"2079460{rng.randint(100, 999):03d}"
    written = {"011": "011 44 " + national, "011tight": "01144" + national, "plus": "+44" + national}[style]
    canonical = "+44" + national
    if style == "plus":
        return Party(written, canonical)
    return Party(written, (canonical, written.replace(" ", "")))  # the exit-prefixed digits are not wrong


def es_party(rng: random.Random, style: str) -> Party:
    """A Spanish number in one of the spellings a FreeSWITCH log mixes (``+34``, ``34``, ``0034``, ``00034``)."""
    national = f"91555{rng.randint(1000, 9999):04d}"
    prefix = {"plus": "+34", "cc": "34", "00": "0034", "000": "00034"}[style]
    written = prefix + national
    if style == "plus":
        return Party(written, "+34" + national)
    return Party(written, ("+34" + national, written))


def as_written(text: str) -> Party:
    """A party that is not a phone number (extension, SIP user, dialplan target): stored as written."""
    return Party(text, text)


def imsi(rng: random.Random, mcc_mnc: str) -> str:
    """An IMSI: MCC+MNC then digits to 15."""
    return mcc_mnc + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(mcc_mnc)))


def imei(rng: random.Random) -> str:
    """Fifteen digits, a made-up TAC first (not Luhn-checked)."""
    return "35" + "".join(str(rng.randint(0, 9)) for _ in range(13))


def instants(rng: random.Random, n: int, year: int, month: int, min_gap_s: int = 150) -> list[datetime]:
    """``n`` increasing UTC instants from the 2nd of ``month``, spaced at least ``min_gap_s`` apart.

    Months with a US DST change (March, November) are avoided by the callers: every local reading in the
    set is unambiguous. The first instant falls on a day above 12, so a file's day/month order is provable.
    """
    t = datetime(year, month, rng.randint(13, 16), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                 tzinfo=timezone.utc)
    out = []
    for _ in range(n):
        out.append(t)
        t += timedelta(seconds=min_gap_s + rng.randint(0, 3 * 3600))
    return out


def to_local(t: datetime, zone: str = LOCAL_ZONE) -> datetime:
    """The wall-clock reading of a UTC instant in ``zone`` (naive)."""
    return t.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def from_local(naive: datetime, zone: str = LOCAL_ZONE) -> datetime:
    """The UTC instant of a wall-clock reading in ``zone``."""
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def fmt_date(d: date, order: str = "mdy", sep: str = "/", year_digits: int = 4, pad: bool = True) -> str:
    """A date as ``mdy``/``dmy``/``ymd`` with a separator, 2- or 4-digit year, zero padding or not."""
    y = f"{d.year % 100:02d}" if year_digits == 2 else f"{d.year:04d}"
    m, dd = (f"{d.month:02d}", f"{d.day:02d}") if pad else (str(d.month), str(d.day))
    parts = {"mdy": (m, dd, y), "dmy": (dd, m, y), "ymd": (y, m, dd)}[order]
    return sep.join(parts)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_month_name(d: date) -> str:
    """``Jan 18, 2024``."""
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def fmt_time(t: datetime, h12: bool = False, seconds: bool = True, pad: bool = True, ampm_space: bool = True) -> str:
    """A clock time: 24 h or 12 h (``1:05 PM`` / ``01:05PM``), with or without seconds, padded or not."""
    h = t.hour
    suffix = ""
    if h12:
        suffix = ("AM", "PM")[h >= 12]
        h = h % 12 or 12
        suffix = (" " if ampm_space else "") + suffix
    hh = f"{h:02d}" if pad else str(h)
    text = f"{hh}:{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return text + suffix


def fmt_duration(s: int, style: str) -> str:
    """A duration in seconds as written: ``s`` (``137``), ``dec`` (``137.0``), ``mmss`` (``02:17``; minutes
    keep counting past 59), ``mss`` (``2:17``), ``hmmss`` (``0:02:17``), ``min`` (whole minutes, up)."""
    if style == "s":
        return str(s)
    if style == "dec":
        return f"{s}.0"
    if style == "mmss":
        return f"{s // 60:02d}:{s % 60:02d}"
    if style == "mss":
        return f"{s // 60}:{s % 60:02d}"
    if style == "hmmss":
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    if style == "min":
        return str(max(1, math.ceil(s / 60)))
    raise ValueError(f"unknown duration style {style!r}")


def iso_utc(t: datetime) -> str:
    """``2024-01-18T13:05:07Z``."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_line(fields: list[str], delim: str = ",", quote_all: bool = False) -> str:
    """One delimited line; a field is quoted when it must be (or always), its quotes doubled."""
    out = []
    for f in fields:
        if quote_all or any(c in f for c in (delim, '"', "\n", "\r")):
            out.append('"' + f.replace('"', '""') + '"')
        else:
            out.append(f)
    return delim.join(out)


def truth_row(source_row: int, start_key: str | None, *, start_utc: datetime | None, duration_s: Accept,
              caller: Accept, callee: Accept, record_type: Accept, direction: Accept, imsi_: Accept = None,
              imei_: Accept = None, cell_id: Accept = None, lac: Accept = None, expect: str = "store",
              why: str | None = None) -> dict:
    """One record's truth: the canonical fields (a tuple = any of these) and what should happen to it.

    Args:
        source_row: the 1-based record number (junk lines excluded).
        start_key: the start as written (date and time joined by a space), unique in the file; the scorer
            matches stored rows by it when their ``source_row`` is off. A caller may replace it in the returned
            row with a list of the texts (a start written in two columns, a stamp and an epoch).
        expect: ``store``, ``quarantine`` (deliberately unreadable) or ``either``.
        why: for an unreadable record, what makes it so.
    """
    def enc(v: Accept):
        return list(v) if isinstance(v, tuple) else v

    return {
        "source_row": source_row, "start_key": start_key, "expect": expect, "why": why,
        "fields": {
            "start_utc": iso_utc(start_utc) if start_utc is not None else None,
            "duration_s": enc(duration_s), "caller": enc(caller), "callee": enc(callee),
            "record_type": enc(record_type), "direction": enc(direction), "imsi": enc(imsi_),
            "imei": enc(imei_), "cell_id": enc(cell_id), "lac": enc(lac),
        },
    }
