"""PDF bills as carriers print them: usage tables whose records take part of their values from lines
around them (the layouts are data in :mod:`raybench.read.bill_layouts`).

A page's words (pymupdf, grouped into lines by :func:`raybench.read.pdf.page_lines`) are read line by
line with a :class:`BillState` carried across rows, pages and chunks:

- the subscriber ``line`` from the heading of the line's section; the ``section`` (its header seen, and
  no totals line since) from the section heading and header; the ``day`` from a day heading
  (``Sunday, May 25``) or a day's first row (``Sep 12 9:05 AM``); the bill ``period``, which gives the
  year (a period from December to January gives December's days the first year, January's the second);
- a row of the current section (its row pattern) is a record in
  :data:`~raybench.read.bill_layouts.BILL_COLUMNS`; a line inside a table that is no row, heading,
  marker or page header is a record that cannot be read, quarantined as ``bill_row`` (never dropped);
  a row before any line heading, day or bill period is quarantined as ``bill_no_line``,
  ``bill_no_date`` or ``bill_no_year``, and one under a day heading whose weekday is not that of the
  date the period gives (``Sunday, May 25`` in a 2024 period) as ``bill_weekday``;
- every other line is counted in ``files.lines_skipped`` by reason: ``header``, ``repeated_header``,
  ``footer`` (totals), ``section``, ``line_heading``, ``day_heading``, ``bill_period``, ``note``,
  ``continued`` (``CONTINUES...``), ``page_header``, ``page_footer``, ``page_text`` (summary pages),
  ``unknown_table`` (a line outside a known table that reads like a call) and ``scanned_page`` (a page
  with images and no text layer, not read; one per page). A scanned page is read through OCR where
  Tesseract is installed (:mod:`raybench.read.ocr`): counted ``ocr_page`` (one per page), its rows
  flagged ``ocr_text``.

The file's zone is the one its note states ("Pacific Time"), else the layout's assumption. Lines
counted as ``unknown_table`` and scanned pages make the file ``suspect`` (:attr:`BillPlan.suspect`).
A PDF with no known table at all fails with the closest candidates named (:func:`identify_bill`).
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import lru_cache

from raybench.errors import UnknownLayoutError
from raybench.read.bill_layouts import (BILL_LAYOUTS, BILL_PERIODS, MONTHS, USAGE_LIKE, ZONES, BillLayout,
                                        BillSection, bill_layout)
from raybench.read.chunk import ChunkDescriptor
from raybench.read.ocr import ocr_available, ocr_textpage
from raybench.read.pdf import PageChunk, _open, page_lines
from raybench.read.rows import ReadRows

LATE_USAGE_DAYS = 62
"""Usage may be billed up to this many days after the period it happened in (a late roaming call); a
day is given the year that puts it inside the period or nearest before it within this margin."""

FIND_TABLES_PAGES = 12
"""Pages of a PDF with no known table that pymupdf's table finder looks at to name candidates."""

_PERIODS = tuple(re.compile(p) for p in BILL_PERIODS)
_USAGE = re.compile(USAGE_LIKE)


@dataclass(frozen=True)
class BillState:
    """What reading has established when a page starts (carried to the worker that starts there, as JSON).

    Attributes:
        bill: the bill layout id.
        section: index of the current section in the layout's ``sections``, or None.
        in_table: the section's header was seen and its totals line was not.
        line: the subscriber line number as printed, or None before the first line heading.
        day: ``(month, day, weekday)`` of the rows that follow (weekday 0 = Monday, -1 when not
            printed), or None.
        period: ``(y1, m1, d1, y2, m2, d2)`` of the bill period, or None before it.
    """

    bill: str
    section: int | None = None
    in_table: bool = False
    line: str | None = None
    day: tuple[int, int, int] | None = None
    period: tuple[int, int, int, int, int, int] | None = None

    def to_json(self) -> str:
        """The state as JSON (the chunk descriptor's ``context``; ``bill`` first marks a bill)."""
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str) -> "BillState":
        """The state from :meth:`to_json`."""
        d = json.loads(text)
        return BillState(d["bill"], d["section"], d["in_table"], d["line"],
                         tuple(d["day"]) if d["day"] else None, tuple(d["period"]) if d["period"] else None)


@dataclass
class BillPage:
    """What one page holds: its records in reading order (``(cells, raw)`` or ``(None, raw, reason)`` for
    one that cannot be read), junk lines per reason, the zones its notes state."""

    records: list[tuple] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    zones: list[str] = field(default_factory=list)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


@dataclass
class BillPlan:
    """The page chunks of one bill and what the planning pass saw.

    Attributes:
        layout: the records' layout, with the zone the bill states (``tz_source`` names the page).
        chunks, pages, n_records, lines_skipped: as :class:`raybench.read.pdf.PdfPlan`.
        suspect: one line saying why the file must not be taken as complete (scanned pages, lines
            that read like calls outside a known table), or None.
    """

    layout: object
    chunks: list[PageChunk]
    pages: int
    n_records: int
    lines_skipped: dict[str, int]
    suspect: str | None = None


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case words of a header text (punctuation splits): ``'LD/Addl Charges'`` -> ld, addl, charges."""
    return tuple(t for t in re.split(r"[^0-9a-z]+", text.lower()) if t)


@lru_cache(maxsize=32)
def _header_tokens(header: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(t for name in header for t in tokens(name)))


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def header_lines(texts: list[str], at: int, section: BillSection, ocr: bool = False) -> int:
    """How many lines (1, or 2 when the names wrap) starting at ``texts[at]`` are the section's header,
    or 0. A header holds exactly the words of the column names (carrier-formats.md 1.4a: AT&T's wrap);
    on a page read through OCR, a word of four letters or more may differ from its name by one letter
    (``Sent/Revd`` for ``Sent/Rcvd``)."""
    want = _header_tokens(section.header)
    same = _same_words_ocr if ocr else (lambda got, w: tuple(sorted(got)) == w)
    first = tokens(texts[at])
    if same(first, want):
        return 1
    if at + 1 < len(texts) and len(first) < len(want):
        if same(first + tokens(texts[at + 1]), want):
            return 2
    return 0


def _one_letter_apart(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 4 or len(b) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _same_words_ocr(got: tuple[str, ...], want: tuple[str, ...]) -> bool:
    """``got`` is ``want`` (sorted words) with at most one letter off in words of four letters or more."""
    if len(got) != len(want):
        return False
    left = list(want)
    for word in sorted(got, key=lambda w: w not in want):  # exact words first
        match = next((i for i, w in enumerate(left) if _one_letter_apart(word, w)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def parse_period(text: str) -> tuple[int, int, int, int, int, int] | None:
    """The bill period in a line, as ``(y1, m1, d1, y2, m2, d2)``, or None. A start without a year takes
    the end's year, or the year before when its month is later than the end's (Dec 15 - Jan 14, 2025)."""
    for rx in _PERIODS:
        m = rx.search(text)
        if m is None:
            continue
        g = m.groupdict()
        if g.get("m1"):
            m1, m2 = MONTHS[g["m1"][:3].lower()], MONTHS[g["m2"][:3].lower()]
        else:
            m1, m2 = int(g["n1"]), int(g["n2"])
        y2 = _year(g["y2"])
        y1 = _year(g["y1"]) if g.get("y1") else (y2 - 1 if m1 > m2 else y2)
        return y1, m1, int(g["d1"]), y2, m2, int(g["d2"])
    return None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def resolve_date(month: int, day: int, period: tuple[int, ...]) -> date | None:
    """The date of a day printed without its year, by the bill period: the candidate year (the period's
    first or last) that puts it inside the period, else nearest before its start within
    :data:`LATE_USAGE_DAYS`. None when no year gives a real date (Feb 29) near the period."""
    y1, m1, d1, y2, m2, d2 = period
    start, end = date(y1, m1, d1), date(y2, m2, d2)
    best = None
    for year in sorted({y1, y2}):
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        gap = (start - when).days if when < start else (when - end).days if when > end else 0
        if (when <= end and gap <= LATE_USAGE_DAYS) and (best is None or gap < best[0]):
            best = (gap, when)
    return best[1] if best else None


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _month_day(text: str, weekday: str | None = None) -> tuple[int, int, int] | None:
    m = re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2})", text.strip())
    if m is None or m.group(1).lower() not in MONTHS:
        return None
    return MONTHS[m.group(1).lower()], int(m.group(2)), _WEEKDAYS.index(weekday[:3].lower()) if weekday else -1


def _record(section: BillSection, m: re.Match, state: BillState, text: str) -> tuple:
    """The cells of one row (or why it cannot be stored) and the state after it (its date carried)."""
    g = m.groupdict()
    if g.get("date"):
        state = replace(state, day=_month_day(g["date"]))
    if state.line is None:
        return (None, text, "bill_no_line"), state
    if state.day is None:
        return (None, text, "bill_no_date"), state
    if state.period is None:
        return (None, text, "bill_no_year"), state
    when = resolve_date(state.day[0], state.day[1], state.period)
    if when is None:
        return (None, text, "bill_no_year"), state
    if state.day[2] >= 0 and when.weekday() != state.day[2]:
        return (None, text, "bill_weekday"), state
    direction = g.get("dir") or (g.get("place") if section.direction == "place" else section.direction)
    cells = [state.line, when.isoformat(), g["time"], direction, g.get("number"), g.get("place"),
             g.get("type") or section.name, g.get("min"), None]
    return (cells, text), state


def _matches_any(patterns: tuple[str, ...], text: str, full: bool = False) -> bool:
    return any((_rx(p).fullmatch(text) if full else _rx(p).search(text)) for p in patterns)


def _section_heading(bill: BillLayout, text: str) -> int | None:
    return next((i for i, s in enumerate(bill.sections) if _rx(s.heading).fullmatch(text)), None)


def _section_header(bill: BillLayout, texts: list[str], at: int, state: BillState,
                    ocr: bool = False) -> tuple[int, int]:
    """``(section index, header lines)`` of a section header at ``texts[at]``, the current section's
    first; ``(-1, 0)`` when none."""
    order = list(range(len(bill.sections)))
    if state.section is not None:
        order.remove(state.section)
        order.insert(0, state.section)
    for i in order:
        n = header_lines(texts, at, bill.sections[i], ocr)
        if n:
            return i, n
    return -1, 0


def read_bill_page(page, bill: BillLayout, state: BillState) -> tuple[BillPage, BillState]:
    """Read one pymupdf page of a bill.

    Args:
        page: the pymupdf page.
        bill: the bill layout.
        state: the state when the page starts.

    Returns:
        The page's records and junk counts, and the state at its end.
    """
    out = BillPage()
    texts = page_texts(page)
    ocr = False
    if not texts:
        if not page.get_images():
            return out, state
        if not ocr_available():
            out.skip("scanned_page")
            return out, state
        texts = ocr_page_texts(page)
        if not texts:  # an image with no text on it
            out.skip("scanned_page")
            return out, state
        ocr = True
        out.skip("ocr_page")
    at = 0
    while at < len(texts):
        text = texts[at]
        index, n = _section_header(bill, texts, at, state, ocr)
        if n:
            again = state.in_table and state.section == index
            out.skip("repeated_header" if again else "header", n)
            state = replace(state, section=index, in_table=True)
            at += n
            continue
        state = _read_line(bill, text, state, out)
        at += 1
    if ocr:  # every row read from OCR text says so (the Read column -> flag ocr_text)
        out.records = [(r[0][:-1] + ["ocr"], r[1]) if r[0] is not None else r for r in out.records]
    return out, state


def _read_line(bill: BillLayout, text: str, state: BillState, out: BillPage) -> BillState:
    """One line that is not a section header: a record, or junk counted by reason."""
    section = bill.sections[state.section] if state.in_table and state.section is not None else None
    if section is not None:
        m = _rx(section.row).fullmatch(text)
        if m is not None:
            record, state = _record(section, m, state, text)
            out.records.append(record)
            return state
        if _rx(section.end).fullmatch(text):
            out.skip("footer")
            return replace(state, in_table=False)
    if _matches_any(bill.continued, text, full=True):
        out.skip("continued")
        return state
    period = parse_period(text)
    if period is not None:
        out.skip("bill_period")
        return replace(state, period=period)
    if _matches_any(bill.page_header, text):
        out.skip("page_header")
        return state
    if _matches_any(bill.page_footer, text):
        out.skip("page_footer")
        return state
    if bill.zone_note:
        zone = _rx(bill.zone_note).search(text)
        if zone is not None:
            out.zones.append(zone.group("zone"))
            out.skip("note")
            return state
    heading = _rx(bill.line_heading).fullmatch(text)
    if heading is not None:
        out.skip("line_heading")
        return replace(state, line=heading.group("line"), section=None, in_table=False, day=None)
    index = _section_heading(bill, text)
    if index is not None:
        out.skip("section")
        return replace(state, section=index, in_table=False, day=None)
    if bill.day_heading:
        day = _rx(bill.day_heading).fullmatch(text)
        if day is not None:
            out.skip("day_heading")
            return replace(state, day=_month_day(f"{day.group('month')} {day.group('day')}",
                                                 day.groupdict().get("weekday")))
    if section is not None:  # inside a table, a line that is none of the above: a record not read
        out.records.append((None, text, "bill_row"))
        return state
    out.skip("unknown_table" if _USAGE.search(text) else "page_text")
    return state


def page_texts(page, textpage=None) -> list[str]:
    """The lines of a pymupdf page as texts, top to bottom (:func:`raybench.read.pdf.page_lines`)."""
    return [" ".join(w[2] for w in words) for words in page_lines(page, textpage)]


MAX_OCR_CACHED_PAGES = 64
"""Scanned pages whose OCR text a process keeps (the driver reads a scanned page to identify the bill,
then again to plan it)."""

_OCR_TEXTS: OrderedDict[tuple, list[str]] = OrderedDict()


def ocr_page_texts(page) -> list[str]:
    """The lines of a scanned page read through Tesseract (:func:`raybench.read.ocr.ocr_textpage`), kept
    per file (path, size, modification time) and page for the process's next read of the same page."""
    name = page.parent.name
    try:
        st = os.stat(name)
        key = (name, st.st_size, st.st_mtime_ns, page.number)
    except OSError:  # a document not read from a file: nothing to key it by
        key = None
    if key is not None and key in _OCR_TEXTS:
        _OCR_TEXTS.move_to_end(key)
        return _OCR_TEXTS[key]
    texts = page_texts(page, ocr_textpage(page))
    if key is not None:
        _OCR_TEXTS[key] = texts
        while len(_OCR_TEXTS) > MAX_OCR_CACHED_PAGES:
            _OCR_TEXTS.popitem(last=False)
    return texts


def identify_bill(path: str, first_error: str = "") -> tuple[BillLayout, int]:
    """The bill layout of a PDF: the first page holding a section header of one of
    :data:`~raybench.read.bill_layouts.BILL_LAYOUTS` (every page is searched: call detail may start
    late in a 90-page bill).

    Returns:
        ``(bill layout, 1-based page of the header)``.

    Raises:
        InputFileError: not a readable PDF, or encrypted.
        UnknownLayoutError: no known table; the one-line message says whether the PDF has a text layer
            and names the closest bill section and the tables pymupdf's table finder sees.
    """
    doc = _open(path)
    try:
        best = (0, "", 0)  # (header words matched, section, page)
        scanned: list[int] = []
        pages_texts = ((p, page_texts(doc[p])) for p in range(doc.page_count))
        for p, texts in _then_ocr(doc, pages_texts, scanned):
            for at in range(len(texts)):
                for bill in BILL_LAYOUTS:
                    for section in bill.sections:
                        if header_lines(texts, at, section):
                            return bill, p + 1
                        got = len(set(tokens(texts[at])) & set(_header_tokens(section.header)))
                        if got > best[0]:
                            best = (got, f"{bill.id} {section.name!r} ({got} of "
                                         f"{len(set(_header_tokens(section.header)))} header words", p + 1)
        pages = doc.page_count
        tables = _table_candidates(doc) if len(scanned) < pages else ""
    finally:
        doc.close()
    if len(scanned) == pages:
        how = ("OCR found no known bill table on them" if ocr_available() else
               "OCR through Tesseract is not installed here: Debian tesseract-ocr tesseract-ocr-eng")
        raise UnknownLayoutError(path, f"scanned pages: none of the {pages} pages has a text layer ({how})",
                                 row=None)
    closest = f"; closest bill table: {best[1]}, page {best[2]})" if best[0] else ""
    if scanned:
        closest += (f"; scanned page{'s' if len(scanned) > 1 else ''} {_pages([p + 1 for p in scanned])} "
                    + ("read through OCR" if ocr_available() else
                       "not read (OCR through Tesseract is not installed here: Debian tesseract-ocr "
                       "tesseract-ocr-eng)"))
    lead = f"{first_error}; " if first_error else ""
    raise UnknownLayoutError(path, f"{lead}no known bill table in {pages} pages{closest}{tables}", row=None)


MAX_OCR_IDENTIFY_PAGES = 8
"""Scanned pages OCR reads, when no text page holds a known table, to find one."""


def _then_ocr(doc, pages_texts, scanned: list[int]):
    """The pages with a text layer, then (where Tesseract is installed) the first
    :data:`MAX_OCR_IDENTIFY_PAGES` scanned ones read through OCR; ``scanned`` collects the 0-based
    scanned pages."""
    for p, texts in pages_texts:
        if texts:
            yield p, texts
        elif doc[p].get_images():
            scanned.append(p)
    if not ocr_available():
        return
    for p in scanned[:MAX_OCR_IDENTIFY_PAGES]:
        texts = ocr_page_texts(doc[p])
        if texts:
            yield p, texts


def _table_candidates(doc) -> str:
    """What pymupdf's table finder sees on the first :data:`FIND_TABLES_PAGES` pages with text, as
    ``; tables found: page 3 ['Date', 'Number', ...]`` (three at most), or ``''``."""
    found: list[str] = []
    for p in range(min(FIND_TABLES_PAGES, doc.page_count)):
        try:
            tables = doc[p].find_tables().tables
        except Exception:  # the finder is a heuristic; its failure must not hide the real error
            continue
        for t in tables:
            names = [str(n) for n in (t.header.names or []) if n]
            if names:
                found.append(f"page {p + 1} {names[:8]}")
        if len(found) >= 3:
            break
    return f"; tables found: {', '.join(found[:3])}" if found else ""


def plan_bill(path: str, pages_per_chunk: int, first_error: str = "") -> BillPlan:
    """Identify a bill, read every page once (a page in memory at a time) and cut it into page ranges.

    Args:
        path: the PDF.
        pages_per_chunk: pages in one chunk (the last may hold fewer).
        first_error: the reason the plain-table reader gave, kept in the error when no bill fits.

    Returns:
        The plan; its layout carries the zone the bill's note states.

    Raises:
        InputFileError, UnknownLayoutError: as :func:`identify_bill`.
    """
    bill, _ = identify_bill(path, first_error)
    state = BillState(bill.id)
    chunks: list[PageChunk] = []
    skipped: dict[str, int] = {}
    zones: list[tuple[str, int]] = []
    unknown_pages: list[int] = []
    scanned_pages: list[int] = []
    row = 1
    doc = _open(path)
    try:
        for p in range(doc.page_count):
            if p % pages_per_chunk == 0:
                chunks.append(PageChunk(p, p, row, 0, state.to_json()))
            result, state = read_bill_page(doc[p], bill, state)
            chunks[-1].page_end = p + 1
            chunks[-1].n_records += len(result.records)
            row += len(result.records)
            zones += [(z, p + 1) for z in result.zones]
            for why, k in result.skipped.items():
                skipped[why] = skipped.get(why, 0) + k
            if "unknown_table" in result.skipped:
                unknown_pages.append(p + 1)
            if "scanned_page" in result.skipped:
                scanned_pages.append(p + 1)
        pages = doc.page_count
    finally:
        doc.close()
    layout = _stated_zone(bill, zones)
    return BillPlan(layout, [c for c in chunks if c.n_records], pages, row - 1, skipped,
                    _suspect(scanned_pages, unknown_pages, skipped))


def _stated_zone(bill: BillLayout, zones: list[tuple[str, int]]):
    if not zones:
        return bill.layout
    name, page = zones[0]
    return replace(bill.layout, tz=ZONES[name.lower()],
                   tz_source=f"stated: the bill's note on page {page} ('{name} Time')")


def _pages(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:10])
    return shown + (f" and {len(pages) - 10} more" if len(pages) > 10 else "")


def _suspect(scanned: list[int], unknown: list[int], skipped: dict[str, int]) -> str | None:
    why = []
    if scanned:
        how = ("OCR found no text on it" if ocr_available() else
               "OCR through Tesseract is not installed here: Debian tesseract-ocr tesseract-ocr-eng")
        why.append(f"scanned page{'s' if len(scanned) > 1 else ''} without a text layer, not read ({how}): "
                   f"page{'s' if len(scanned) > 1 else ''} {_pages(scanned)}")
    if unknown:
        why.append(f"{skipped['unknown_table']} line(s) that read like calls outside a known bill table "
                   f"(an unknown table): page{'s' if len(unknown) > 1 else ''} {_pages(unknown)}")
    return "; ".join(why) or None


def read_bill_chunk(item: ChunkDescriptor) -> ReadRows:
    """The records of a bill chunk descriptor's page range (``page_start``, ``page_end``, ``context``:
    the :class:`BillState` at its first page).

    Returns:
        One record per planned record, with ``source_page``; those that cannot be read in ``bad``.
    """
    state = BillState.from_json(item.context)
    bill = bill_layout(state.bill)
    rows = ReadRows()
    source_row = item.first_row
    doc = _open(item.path)
    try:
        for p in range(item.page_start, item.page_end):
            result, state = read_bill_page(doc[p], bill, state)
            for record in result.records:
                if record[0] is None:
                    rows.bad.append((source_row, record[1], record[2]))
                    rows.bad_pages.append(p + 1)
                else:
                    rows.cells.append(record[0])
                    rows.source_rows.append(source_row)
                    rows.raws.append(record[1])
                    rows.pages.append(p + 1)
                source_row += 1
            for why, k in result.skipped.items():
                rows.skipped[why] = rows.skipped.get(why, 0) + k
    finally:
        doc.close()
    return rows
