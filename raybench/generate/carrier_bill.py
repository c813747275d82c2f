"""N-page carrier bills as the carriers print them (AT&T wireless ``Call Detail``, T-Mobile
``TALK``/``TEXT``/``DATA``), with their ground truth, for scenarios at 50 and 200 pages.

The look follows carrier-formats.md 1.4a: a statement page with the bill period (the only place the year
is printed), summary pages of charges (most of a bill: call detail is a minority of its pages, 35% here),
then per subscriber line its sections. AT&T: ``Wireless - 312.555.0100 NAME``, ``Call Detail`` with
header words wrapped over two lines (repeated on each page the table runs onto), a day heading
(``Sunday, May 25``) before each day's calls, ``10:32pm``, dotted numbers, ``INCOMI CL`` for incoming,
``Total for Call Detail``; ``Text Detail`` and ``Data Detail``; ``Page:``/``Issue Date:``/``Account
Number:``/``Invoice:`` on every page; times in New York time (the reader's assumption; the bill does not
say). T-Mobile: ``NAME (206) 555-0100 | Voice``, the date only on a day's first row, ``9:05 AM IN``,
``(505) 555-0110``, the note "The date and time corresponds to Pacific Time (PST/PDT).",
``CONTINUES...``/``...CONTINUED`` where a table breaks. Odd seeds bill December 15 to January 14, so
the year changes inside the period.

This is the generator's own writer; the tests' bills come from tests/bills/bill_writer.py instead.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from raybench.errors import ConfigError
from raybench.generate.carriers import TRUTH_SCHEMA
from raybench.generate.production import GeneratedFile

BILL_LAYOUTS = ("att_wireless_bill", "tmobile_bill")
"""The bill layouts this module writes."""

LINES_PER_PAGE = 72
SUMMARY_SHARE = 0.65
"""Share of a bill's pages that are summaries of charges (no usage)."""

FONT_PT, LEADING_PT, TOP_PT = 7.0, 9.5, 40.0
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_WEEKDAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_AREAS = ("312", "773", "206", "505", "816", "214", "425", "630")
_KINDS = ("voice", "sms", "mms", "data")
_KIND_P = (0.72, 0.18, 0.03, 0.07)


def bill_file_name(layout: str, pages: int, seed: int) -> str:
    """``tmobile_bill-200p-s0.pdf``."""
    return f"{layout}-{pages}p-s{seed}.pdf"


class _Writer:
    """Pages of text lines; the page header and footer are drawn when a page is opened and closed."""

    def __init__(self, layout: str, pages: int, period: tuple[date, date]):
        import pymupdf  # local: heavy: only PDF inputs

        self._pymupdf = pymupdf
        self.doc = pymupdf.open()
        self.font = pymupdf.Font("helv")
        self.layout, self.pages, self.period = layout, pages, period
        self.page = None
        self.text = None
        self.number = 0
        self.y = TOP_PT
        self.count = 0

    @property
    def room(self) -> int:
        return LINES_PER_PAGE - self.count if self.page is not None else 0

    @property
    def full(self) -> bool:
        return self.number >= self.pages and self.room < 3

    def new_page(self) -> None:
        self.close_page()
        self.page = self.doc.new_page(width=612, height=792)
        self.text = self._pymupdf.TextWriter(self.page.rect)  # one text object a page: fast to write
        self.number += 1
        self.y, self.count = TOP_PT, 0
        p1, p2 = self.period
        if self.layout == "att_wireless_bill":
            self._draw([(40, f"Page: {self.number} of {self.pages}"),
                        (140, f"Issue Date: {_MON[p2.month - 1]} {min(p2.day + 3, 28)}, {p2.year}"),
                        (260, "Account Number: 287654321098"), (420, "Invoice: 7730091")])
        else:
            self._draw([(40, "Account: 961234567")])
            self._draw([(40, f"Bill period: {_MON[p1.month - 1]} {p1.day} - {_MON[p2.month - 1]} {p2.day}, "
                             f"{p2.year}")])

    def close_page(self) -> None:
        if self.page is None:
            return
        if self.layout == "tmobile_bill":
            self.text.append((480, 770), f"Page {self.number} of {self.pages}", font=self.font, fontsize=FONT_PT)
        self.text.write_text(self.page)
        self.page = None

    def _draw(self, cells) -> None:
        for x, text in cells:
            if text:
                self.text.append((x, self.y), text, font=self.font, fontsize=FONT_PT)
        self.y += LEADING_PT

    def line(self, cells) -> None:
        if self.page is None:
            self.new_page()
        self._draw(cells)
        self.count += 1


def _period(seed: int) -> tuple[date, date]:
    return (date(2024, 12, 15), date(2025, 1, 14)) if seed % 2 else (date(2025, 5, 4), date(2025, 6, 3))


def _usages(rng: np.random.Generator, n: int, period: tuple[date, date]) -> list[tuple]:
    """``(local datetime, kind, outgoing, other digits, minutes)`` in time order, inside the period."""
    start = datetime(period[0].year, period[0].month, period[0].day, 6, 0)
    span_min = (period[1] - period[0]).days * 24 * 60
    offsets = np.sort(rng.integers(0, span_min, n))
    kinds = rng.choice(len(_KINDS), n, p=_KIND_P)
    out = []
    for off, k in zip(offsets.tolist(), kinds.tolist()):
        when = start + timedelta(minutes=off)
        kind = _KINDS[k]
        area = _AREAS[int(rng.integers(len(_AREAS)))]
        other = None if kind == "data" else f"{area}555{int(rng.integers(100, 200)):04d}"
        out.append((when, kind, kind == "data" or bool(rng.random() < 0.55), other, int(rng.integers(1, 45))))
    return out


def _truth(line: str, u: tuple, tz: str, row: int) -> dict:
    when, kind, outgoing, other, minutes = u
    start = when.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)
    a, b = (line, other) if outgoing else (other, line)
    return {"source_row": row, "record_type": kind, "direction": "outgoing" if outgoing else "incoming",
            "start_utc": start, "tz_flag": None, "duration_s": minutes * 60 if kind == "voice" else None,
            "caller": f"+1{a}" if a else None, "callee": f"+1{b}" if b else None, "dialed": None, "imsi": None,
            "imei": None, "cell_id": None, "lac": None, "sector": None, "quarantine_reason": None}


def _dotted(d: str) -> str:
    return f"{d[:3]}.{d[3:6]}.{d[6:]}"


def _paren(d: str) -> str:
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def _t12(t: datetime, space: bool) -> str:
    return f"{t.hour % 12 or 12}:{t.minute:02d}{' ' if space else ''}" + \
        (("AM" if t.hour < 12 else "PM") if space else ("am" if t.hour < 12 else "pm"))


_ATT_SECTIONS = {
    "voice": ("Call Detail", [[(40, "Time"), (80, "Place"), (160, "Number"), (225, "Rate"), (255, "Feature"),
                               (295, "Min"), (320, "Airtime"), (370, "LD/Addl")],
                              [(80, "Called"), (160, "Called"), (225, "Code"), (255, "Code"), (320, "Charges"),
                               (370, "Charges")]]),
    "text": ("Text Detail", [[(40, "Time"), (80, "To/From"), (160, "Number"), (225, "Type"), (290, "Sent/Rcvd"),
                              (330, "Charges")]]),
    "data": ("Data Detail", [[(40, "Time"), (80, "Description"), (160, "Type"), (200, "Kilobytes"),
                              (250, "Charges")]]),
}
_TM_SECTIONS = {
    "voice": ("TALK", [[(40, "When"), (125, "Who"), (185, "Description"), (270, "Type"), (320, "Min"),
                        (350, "Cost")]]),
    "text": ("TEXT", [[(40, "When"), (125, "Who"), (185, "Destination"), (270, "Type"), (350, "Cost")]]),
    "data": ("DATA", [[(40, "When"), (125, "Description"), (270, "Type"), (320, "MB"), (350, "Cost")]]),
}


def _att_row(u: tuple) -> list:
    when, kind, outgoing, other, minutes = u
    t = _t12(when, False)
    if kind == "voice":
        return [(40, t), (80, "CHICAGO IL" if outgoing else "INCOMI CL"), (160, _dotted(other)), (225, "NW"),
                (255, "SDDV"), (295, str(minutes)), (320, "$0.00"), (370, "$0.00")]
    if kind == "data":
        return [(40, t), (80, "Web Access"), (160, "Data"), (200, f"{minutes * 211:,}"), (250, "$0.00")]
    return [(40, t), (80, "CHICAGO IL"), (160, _dotted(other)), (225, "Text Message" if kind == "sms" else
            "Pict Video MSG"), (290, "Sent" if outgoing else "Rcvd"), (330, "$0.00")]


def _tm_row(u: tuple, first: bool) -> list:
    when, kind, outgoing, other, minutes = u
    day = f"{_MON[when.month - 1]} {when.day} " if first else ""
    t = day + _t12(when, True)
    if kind == "data":
        return [(40, t), (125, "Mobile Internet"), (270, "Data"), (320, f"{minutes * 1.5:.1f}"), (350, "-")]
    cells = [(40, f"{t} {'OUT' if outgoing else 'IN'}"), (125, _paren(other)),
             (185, "to Gallup/NM" if outgoing else "Incoming")]
    if kind == "voice":
        return cells + [(270, "Included"), (320, str(minutes)), (350, "-")]
    return cells + [(270, "Text" if kind == "sms" else "Picture"), (350, "-")]


def _section(w: _Writer, line: str, group: str, usages: list, tz: str, row: int, truth: list) -> int:
    """Write one section; returns the next source row. Stops at the last page (the section still closes)."""
    att = w.layout == "att_wireless_bill"
    title, header = (_ATT_SECTIONS if att else _TM_SECTIONS)[group]
    if w.room < 6:
        if w.number >= w.pages:
            return row
        w.new_page()
    w.line([(40, title)])
    for cells in header:
        w.line(cells)
    day = None
    for u in usages:
        new_day = u[0].date() != day
        if w.room < (3 if att and new_day else 2):
            if w.number >= w.pages:
                break
            if not att:
                w.line([(40, "CONTINUES...")])
            w.new_page()
            if att:
                for cells in header:
                    w.line(cells)
            else:
                w.line([(40, "...CONTINUED")])
        if att and new_day:
            w.line([(40, f"{_WEEKDAY[u[0].weekday()]}, {_MONTH[u[0].month - 1]} {u[0].day}")])
        w.line(_att_row(u) if att else _tm_row(u, new_day))
        day = u[0].date()
        truth.append(_truth(line, u, tz, row))
        row += 1
    w.line([(40, f"Total for {title}" if att else f"Totals: {title}"), (350, "$0.00")])
    return row


def generate_carrier_bill(out_dir: str, *, layout: str, pages: int, seed: int = 0) -> GeneratedFile:
    """Write an N-page bill of ``layout`` (:data:`BILL_LAYOUTS`) and its truth (``<pdf>.truth.parquet``).

    Raises:
        ConfigError: an unknown layout, or pages < 3.
    """
    if layout not in BILL_LAYOUTS or pages < 3:
        raise ConfigError(f"a carrier bill needs a layout in {', '.join(BILL_LAYOUTS)} and pages >= 3; got "
                          f"{layout!r}, {pages}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, bill_file_name(layout, pages, seed))
    period = _period(seed)
    tz = "America/New_York" if layout == "att_wireless_bill" else "America/Los_Angeles"
    rng = np.random.default_rng([seed, 1604])
    w = _Writer(layout, pages, period)
    w.line([(40, "Your statement")])
    if layout == "att_wireless_bill":
        p1, p2 = period
        w.line([(40, f"Billing period: {_MON[p1.month - 1]} {p1.day}, {p1.year} - {_MON[p2.month - 1]} {p2.day}, "
                     f"{p2.year}")])
    for k in range(max(1, int(pages * SUMMARY_SHARE)) - 1):
        w.new_page()
        for i in range(40):
            w.line([(40, f"Charges and credits item {k + 1}.{i + 1}"), (400, f"${(i * 7) % 50 + 5}.{i % 10}0")])
    w.new_page()
    if layout == "tmobile_bill":
        w.line([(40, "The date and time corresponds to Pacific Time (PST/PDT).")])
    truth: list[dict] = []
    row, number = 1, 0
    while not w.full:
        line = f"{_AREAS[number % len(_AREAS)]}555{100 + number:04d}"
        number += 1
        if w.room < 10:
            if w.number >= w.pages:
                break
            w.new_page()
        w.line([(40, f"Wireless - {_dotted(line)} LINE {number}" if layout == "att_wireless_bill"
                 else f"LINE {number} {_paren(line)} | Voice")])
        usages = _usages(rng, int(rng.integers(150, 400)), period)
        for group, kinds in (("voice", ("voice",)), ("text", ("sms", "mms")), ("data", ("data",))):
            chosen = [u for u in usages if u[1] in kinds]
            if chosen and not w.full:
                row = _section(w, line, group, chosen, tz, row, truth)
    w.close_page()
    try:
        w.doc.save(path + ".part", garbage=3, deflate=True)
    finally:
        w.doc.close()
    os.replace(path + ".part", path)
    frame = pl.DataFrame(truth, schema=TRUTH_SCHEMA) if truth else pl.DataFrame(schema=TRUTH_SCHEMA)
    frame.write_parquet(path + ".truth.parquet")
    return GeneratedFile(path, path + ".truth.parquet", len(truth), layout)
