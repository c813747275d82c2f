"""A test-only writer of PDF bills laid out as carriers print them (../shared/reference/carrier-formats.md
1.4a), written from that section alone and independent of ``raybench/generate`` and of the reader.

It draws lines of text with pymupdf, each line tagged with what it is (a record, or the reason a reader
should count it under in ``files.lines_skipped``), and keeps, for every record it draws, the canonical
row it stands for, computed from its own values (the wall-clock time and the zone it means, the 10-digit
numbers): that is the expectation, not what raybench reads.

    bill = att_bill(lines={"3125550100": [Usage(...), ...]}, period=(date(2025, 5, 4), date(2025, 6, 3)))
    bill.save("bill.pdf"); bill.expected()  # the JSON of tests/cases/pdf/*.json
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

FONT_PT = 7.0
LEADING_PT = 9.5
TOP_PT = 40.0
SCAN_DPI = 200
"""Resolution of a page that is printed, then scanned (an image of its text, no text layer)."""
BOTTOM_PT = 750.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")

Cells = list[tuple[float, str]]
"""``(x, text)`` of each cell of a line, in points."""


@dataclass
class Usage:
    """One call, text or data session as the writer means it.

    Attributes:
        when: wall-clock start in the bill's zone.
        kind: ``voice``, ``sms``, ``mms`` or ``data``.
        direction: ``outgoing`` or ``incoming`` (data: outgoing).
        other: the other party's 10 digits (None for data).
        minutes: whole minutes (voice).
        place: AT&T Place Called / T-Mobile Description as printed (empty: written by the writer).
    """

    when: datetime
    kind: str = "voice"
    direction: str = "outgoing"
    other: str | None = None
    minutes: int = 1
    place: str = ""


@dataclass
class Line:
    """One drawn line: its cells, what it is, and for a record the canonical row it stands for."""

    cells: Cells
    tag: str
    row: list | None = None
    bad: str | None = None

    @property
    def text(self) -> str:
        return " ".join(t for _, t in sorted(self.cells))


@dataclass
class Bill:
    """Pages of tagged lines, rendered by :meth:`save`."""

    zone: str
    name: str = ""
    pages: list[list[Line]] = field(default_factory=lambda: [[]])
    scanned: set[int] = field(default_factory=set)
    scan_text: set[int] = field(default_factory=set)  # pages printed, then scanned: an image of their text
    page_header: object = None  # callable (page, pages) -> list[Line]
    page_footer: object = None
    lines_per_page: int = int((BOTTOM_PT - TOP_PT) / LEADING_PT) - 4

    def put(self, cells: Cells, tag: str, row: list | None = None, bad: str | None = None) -> None:
        self.pages[-1].append(Line(cells, tag, row, bad))

    def room(self) -> int:
        return self.lines_per_page - len(self.pages[-1])

    def new_page(self) -> None:
        self.pages.append([])

    def scanned_page(self) -> None:
        """A page that is an image only (no text layer)."""
        if self.pages[-1]:
            self.new_page()
        self.scanned.add(len(self.pages) - 1)
        self.new_page()

    def all_lines(self, n_pages: int | None = None):
        n = n_pages or len(self.pages)
        for i, lines in enumerate(self.pages):
            if i in self.scanned:
                yield i, []
                continue
            head = self.page_header(i + 1, n) if self.page_header else []
            foot = self.page_footer(i + 1, n) if self.page_footer else []
            yield i, head + lines + foot

    def save(self, path: str) -> None:
        import pymupdf

        doc = pymupdf.open()
        for i, lines in self.all_lines():
            page = doc.new_page(width=612, height=792)
            if i in self.scanned:
                pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 120, 160), 0)
                pix.clear_with(215)
                page.insert_image(pymupdf.Rect(36, 36, 576, 756), pixmap=pix)
                continue
            target = page
            if i in self.scan_text:  # draw on a scratch page, then put its picture on this one
                scratch = pymupdf.open()
                target = scratch.new_page(width=612, height=792)
            y = TOP_PT
            for line in lines:
                for x, text in line.cells:
                    target.insert_text((x, y), text, fontsize=FONT_PT, fontname="helv")
                y += LEADING_PT
            if i in self.scan_text:
                pix = target.get_pixmap(dpi=SCAN_DPI, colorspace=pymupdf.csGRAY)
                page.insert_image(page.rect, pixmap=pix)
                scratch.close()
        doc.save(path)
        doc.close()

    def expected(self, layout: str, defect: str) -> dict:
        """The canonical outcome (the ``tests/cases/pdf/*.json`` shape)."""
        skipped: Counter = Counter()
        cdr, quarantine = [], []
        row = 0
        for i, lines in self.all_lines():
            if i in self.scanned:
                skipped["scanned_page"] += 1
            for line in lines:
                if line.tag == "record":
                    row += 1
                    if line.bad:
                        quarantine.append([row, i + 1, [line.bad], line.text])
                    else:
                        cdr.append([row, i + 1] + line.row)
                else:
                    skipped[line.tag] += 1
        pages = len(self.pages)
        return {"defect": defect, "layout": layout, "dialect": f"pdf bill, {pages} page{'s' if pages > 1 else ''}",
                "encoding": "pdf", "rows_read": row, "rows_stored": len(cdr), "rows_quarantined": len(quarantine),
                "lines_skipped": dict(sorted(skipped.items())),
                "cdr_columns": ["source_row", "source_page", "caller", "callee", "dialed", "start_utc",
                                "duration_s", "record_type", "direction", "tz_flag"],
                "cdr": cdr, "quarantine_columns": ["source_row", "source_page", "reasons", "raw"],
                "quarantine": quarantine}


def e164(digits: str | None) -> str | None:
    return None if digits is None else f"+1{digits}"


def canonical(line: str, u: Usage, zone: str) -> list:
    """``[caller, callee, dialed, start_utc, duration_s, record_type, direction, tz_flag]`` of a usage."""
    start = u.when.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    caller, callee = (line, u.other) if u.direction == "outgoing" else (u.other, line)
    duration = u.minutes * 60 if u.kind == "voice" else None
    return [e164(caller), e164(callee), None, start, duration, u.kind, u.direction, None]


def dotted(d: str) -> str:
    return f"{d[:3]}.{d[3:6]}.{d[6:]}"


def paren(d: str) -> str:
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def summary_page(bill: Bill, title: str, n: int = 30) -> None:
    """A page of charges and fees (no usage): ``page_text`` lines."""
    if bill.pages[-1]:
        bill.new_page()
    bill.put([(40, title)], "page_text")
    for k in range(n - 1):
        bill.put([(40, f"Monthly service charge item {k + 1}"), (400, f"${(k * 7) % 50 + 5}.{k % 10}0")], "page_text")
    bill.new_page()


# --- AT&T wireless bill (carrier-formats.md 1.4a) -------------------------------------------------------

ATT_X = (40, 80, 160, 225, 255, 295, 320, 370)
ATT_HEADER_TOP = ("Time", "Place", "Number", "Rate", "Feature", "Min", "Airtime", "LD/Addl")
ATT_HEADER_BOTTOM = (None, "Called", "Called", "Code", "Code", None, "Charges", "Charges")
ATT_TEXT_X = (40, 80, 160, 225, 290, 330)
ATT_TEXT_HEADER = ("Time", "To/From", "Number", "Type", "Sent/Rcvd", "Charges")
ATT_DATA_X = (40, 80, 160, 200, 250)
ATT_DATA_HEADER = ("Time", "Description", "Type", "Kilobytes", "Charges")


def _att_time(t: datetime) -> str:
    return f"{t.hour % 12 or 12}:{t.minute:02d}{'am' if t.hour < 12 else 'pm'}"


def _att_day(t: datetime) -> str:
    return f"{WEEKDAYS[t.weekday()]}, {MONTH_NAMES[t.month - 1]} {t.day}"


def att_bill(lines: dict[str, list[Usage]], period: tuple[date, date], *, summary_before: int = 1,
             summary_after: int = 1, zone: str = "America/New_York", bad_rows: dict | None = None,
             scanned_before_detail: bool = False, unknown_table: bool = False,
             lines_per_page: int | None = None) -> Bill:
    """An AT&T wireless bill: summary pages, then per line its Call Detail (day headings, two-line
    header, ``Total for Call Detail``), Text Detail and Data Detail sections; page headers with
    ``Page:``, ``Issue Date:``, ``Account Number:``, ``Invoice:``. The zone is not printed (AT&T).

    Args:
        bad_rows: ``{(line, when): text}``: draw this text in place of that usage (an unreadable row).
        scanned_before_detail: a scanned page (image only) before the call detail.
        unknown_table: a "Roaming Detail" table with its own header after the last line (unknown).
        lines_per_page: content lines per page (fewer forces page breaks inside tables).
    """
    bill = Bill(zone=zone)
    if lines_per_page:
        bill.lines_per_page = lines_per_page
    p1, p2 = period
    issue = f"{MONTHS[p2.month - 1]} {p2.day + 3 if p2.day < 25 else p2.day}, {p2.year}"

    def header(page: int, pages: int) -> list[Line]:
        return [Line([(40, f"Page: {page} of {pages}"), (140, f"Issue Date: {issue}"),
                      (260, "Account Number: 287654321098"), (420, "Invoice: 7730091")], "page_header")]

    bill.page_header = header
    bill.put([(40, "AT&T Wireless Statement")], "page_text")
    bill.put([(40, f"Billing period: {MONTHS[p1.month - 1]} {p1.day}, {p1.year} - "
                   f"{MONTHS[p2.month - 1]} {p2.day}, {p2.year}")], "bill_period")
    for _ in range(summary_before):
        summary_page(bill, "Account summary")
    if scanned_before_detail:
        bill.scanned_page()
    bad_rows = bad_rows or {}
    for line, usages in lines.items():
        _att_line(bill, line, usages, bad_rows)
    if unknown_table:
        _table_break(bill, 6)
        bill.put([(40, "Roaming Detail")], "page_text")
        bill.put([(40, "Date"), (80, "Time"), (130, "Country"), (200, "Number"), (270, "Minutes")], "page_text")
        for k in range(3):
            bill.put([(40, f"05/1{k}"), (80, f"{k + 1}:15pm"), (130, "MEXICO"), (200, dotted("5255510000")),
                      (270, "2")], "unknown_table")
    for _ in range(summary_after):
        summary_page(bill, "Taxes, surcharges and fees")
    if not bill.pages[-1]:
        bill.pages.pop()
    return bill


def _table_break(bill: Bill, need: int, repeat: list[tuple[Cells, str]] | None = None) -> None:
    """A new page when fewer than ``need`` lines are left; inside a table the header is repeated."""
    if bill.room() >= need:
        return
    bill.new_page()
    for cells, _ in repeat or []:
        bill.put(cells, "repeated_header")


def _att_line(bill: Bill, line: str, usages: list[Usage], bad_rows: dict) -> None:
    _table_break(bill, 8)
    bill.put([(40, f"Wireless - {dotted(line)} DANA ALVAREZ")], "line_heading")
    voice = [u for u in usages if u.kind == "voice"]
    texts = [u for u in usages if u.kind in ("sms", "mms")]
    data = [u for u in usages if u.kind == "data"]
    if voice:
        head = [([(x, t) for x, t in zip(ATT_X, ATT_HEADER_TOP)], "header"),
                ([(x, t) for x, t in zip(ATT_X, ATT_HEADER_BOTTOM) if t], "header")]
        _att_section(bill, line, "Call Detail", head, voice, bad_rows, _att_call_cells)
    if texts:
        head = [([(x, t) for x, t in zip(ATT_TEXT_X, ATT_TEXT_HEADER)], "header")]
        _att_section(bill, line, "Text Detail", head, texts, bad_rows, _att_text_cells)
    if data:
        head = [([(x, t) for x, t in zip(ATT_DATA_X, ATT_DATA_HEADER)], "header")]
        _att_section(bill, line, "Data Detail", head, data, bad_rows, _att_data_cells)


def _att_section(bill, line, title, head, usages, bad_rows, cells_of) -> None:
    _table_break(bill, 6)
    bill.put([(40, title)], "section")
    for cells, tag in head:
        bill.put(cells, tag)
    day = None
    for k, u in enumerate(usages):
        _table_break(bill, 2, head)
        if u.when.date() != day:
            day = u.when.date()
            bill.put([(40, _att_day(u.when))], "day_heading")
        bad = bad_rows.get((line, u.when))
        if bad is not None:
            bill.put([(40, bad)], "record", bad="bill_row")
        else:
            bill.put(cells_of(u), "record", canonical(line, u, bill.zone))
    total = sum(u.minutes for u in usages) if title == "Call Detail" else len(usages)
    bill.put([(40, f"Total for {title}"), (295, str(total)), (320, "$0.00"), (370, "$0.00")], "footer")


def _att_call_cells(u: Usage) -> Cells:
    place = u.place or ("INCOMI CL" if u.direction == "incoming" else "CHICAGO IL")
    codes = ("NW", "SDDV") if u.minutes % 2 else ("WIFI", "")
    texts = (_att_time(u.when), place, dotted(u.other), codes[0], codes[1], str(u.minutes), "$0.00", "$0.00")
    return [(x, t) for x, t in zip(ATT_X, texts) if t]


def _att_text_cells(u: Usage) -> Cells:
    texts = (_att_time(u.when), "CHICAGO IL", dotted(u.other), "Text Message" if u.kind == "sms" else
             "Pict Video MSG", "Sent" if u.direction == "outgoing" else "Rcvd", "$0.00")
    return list(zip(ATT_TEXT_X, texts))


def _att_data_cells(u: Usage) -> Cells:
    texts = (_att_time(u.when), "Web Access", "Data", f"{(u.minutes * 1337) % 9000 + 12:,}", "$0.00")
    return list(zip(ATT_DATA_X, texts))


# --- T-Mobile bill (carrier-formats.md 1.4a) -----------------------------------------------------------

TM_TALK = ("When", "Who", "Description", "Type", "Min", "Cost")
TM_TEXT = ("When", "Who", "Destination", "Type", "Cost")
TM_DATA = ("When", "Description", "Type", "MB", "Cost")
TM_X = (40, 125, 185, 270, 320, 350)
TM_DATA_X = (40, 125, 270, 320, 350)


def _tm_time(t: datetime) -> str:
    return f"{t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def tmobile_bill(lines: dict[str, list[Usage]], period: tuple[date, date], *, summary_before: int = 1,
                 summary_after: int = 1, zone_note: str | None = "Pacific", lines_per_page: int | None = None,
                 bad_rows: dict | None = None) -> Bill:
    """A T-Mobile bill: summary pages, then per line (headed ``<name> (206) 555-0100 | Voice``) its
    ``TALK``, ``TEXT`` and ``DATA`` tables; the date only on a day's first row, ``IN``/``OUT`` after the
    time, a zone note, ``CONTINUES...`` / ``...CONTINUED`` where a table breaks across pages."""
    zones = {"Pacific": "America/Los_Angeles", "Eastern": "America/New_York", None: "America/Los_Angeles"}
    bill = Bill(zone=zones[zone_note])
    if lines_per_page:
        bill.lines_per_page = lines_per_page
    p1, p2 = period

    def header(page: int, pages: int) -> list[Line]:
        return [Line([(40, "Account: 961234567")], "page_header"),
                Line([(40, f"Bill period: {MONTHS[p1.month - 1]} {p1.day} - {MONTHS[p2.month - 1]} {p2.day}, "
                           f"{p2.year}")], "bill_period")]

    def footer(page: int, pages: int) -> list[Line]:
        return [Line([(480, f"Page {page} of {pages}")], "page_footer")]

    bill.page_header, bill.page_footer = header, footer
    bill.put([(40, "Your T-Mobile bill")], "page_text")
    for _ in range(summary_before):
        summary_page(bill, "Summary of charges")
    if zone_note:
        bill.put([(40, f"The date and time corresponds to {zone_note} Time (PST/PDT).")], "note")
    bad_rows = bad_rows or {}
    for line, usages in lines.items():
        if bill.room() < 8:
            bill.new_page()
        bill.put([(40, f"JORDAN LEE {paren(line)} | Voice")], "line_heading")
        for title, head, x, kinds in (("TALK", TM_TALK, TM_X, ("voice",)), ("TEXT", TM_TEXT, TM_X, ("sms", "mms")),
                                      ("DATA", TM_DATA, TM_DATA_X, ("data",))):
            chosen = [u for u in usages if u.kind in kinds]
            if chosen:
                _tm_section(bill, line, title, list(zip(x, head)), chosen, bad_rows)
    for _ in range(summary_after):
        summary_page(bill, "Taxes and fees")
    if not bill.pages[-1]:
        bill.pages.pop()
    return bill


def _tm_section(bill: Bill, line: str, title: str, head: Cells, usages: list[Usage], bad_rows: dict) -> None:
    if bill.room() < 5:
        bill.new_page()
    bill.put([(40, title)], "section")
    bill.put(head, "header")
    day = None
    for u in usages:
        if bill.room() < 2:
            bill.put([(40, "CONTINUES...")], "continued")
            bill.new_page()
            bill.put([(40, "...CONTINUED")], "continued")
        first = u.when.date() != day
        day = u.when.date()
        bad = bad_rows.get((line, u.when))
        if bad is not None:
            bill.put([(40, bad)], "record", bad="bill_row")
            continue
        bill.put(_tm_cells(title, u, first), "record", canonical(line, u, bill.zone))
    bill.put([(40, f"Totals: {title}"), (350, "$0.00")], "footer")


def _tm_cells(title: str, u: Usage, first: bool) -> Cells:
    when = f"{MONTHS[u.when.month - 1]} {u.when.day} " if first else ""
    direction = "OUT" if u.direction == "outgoing" else "IN"
    x = TM_X
    if title == "DATA":
        return [(x[0], when + _tm_time(u.when)), (125, "Mobile Internet"), (270, "Data"),
                (320, f"{u.minutes * 3.5:.1f}"), (350, "-")]
    desc = u.place or ("Incoming" if u.direction == "incoming" else "to Gallup/NM")
    cells = [(x[0], f"{when}{_tm_time(u.when)} {direction}"), (x[1], paren(u.other)), (x[2], desc)]
    if title == "TALK":
        return cells + [(x[3], "Included"), (x[4], str(u.minutes)), (x[5], "-")]
    return cells + [(x[3], "Text" if u.kind == "sms" else "Picture"), (x[5], "-")]
