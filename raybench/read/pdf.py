"""PDF bills and CDR reports: words with positions (pymupdf) to table rows and columns, page by page.

How a page is read (../shared/reference/carrier-formats.md 1.1 and 1.4a; parsing-notes.md 3: pymupdf's
own table finder does not join tables across pages and mishandles wrapped cells, so rows are built here
from word positions):

- Words (``Page.get_text("words")``) whose bottoms lie within :data:`LINE_TOLERANCE_PT` form a line.
- A line whose words are the layout's column names is a table header; the left edge of each name's
  first word is where that column starts. Names may wrap over two lines (AT&T bills, 1.4a): cells of
  the two lines that overlap horizontally are one column (:func:`two_line_header`). A table continues on the next pages (with or without a
  repeated header) until a totals or end-of-report line closes it.
- Inside a table, a line whose words each fit inside one column and whose first column is filled is a
  record; a line with an empty first column right after a record is that record's cell wrapped onto a
  second line (AT&T's ``(D)`` dialed number under the originating number), joined to the cell with
  ``\\n``; it must follow the record's line directly (so a stamp under the table is not taken for
  one). Such a line at the top of a page, after the page header, continues the last record of the
  page before.
- Every other line is junk, counted per reason in ``files.lines_skipped``: ``header`` /
  ``repeated_header``, ``footer`` (``Page N of M``, totals, end of report:
  :data:`raybench.read.junk.FOOTER_PATTERNS`), ``page_header`` (before the page's first table line:
  account header), ``page_footer`` (after its last table line: proprietary notes, Bates stamps),
  ``section`` (between, e.g. a per-line section heading) and ``page_text`` (pages without a table).

The driver plans a file once (:func:`plan_pdf`: records per page, the table state at each page), then
actors read page ranges (:func:`read_pdf_chunk`), so memory is bounded by a page, not by the file.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from raybench.errors import InputFileError, UnknownLayoutError
from raybench.identify.sniff import header_text_layouts, normalize_header
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import FOOTER_PATTERNS, NOTICE_RE, JunkRules
from raybench.read.rows import ReadRows

LINE_TOLERANCE_PT = 2.0
"""Words whose bottom edges differ by at most this many points are on one line."""

COLUMN_TOLERANCE_PT = 2.0
"""A word may start this many points left of its column's edge, or end this far into the next column."""

IDENTIFY_PAGES = 10
"""Pages searched for a table header when identifying a PDF."""

PAGE_BYTES = 256 << 10
"""Nominal size of one page when cutting a PDF into chunks: a chunk holds ``chunk_bytes // PAGE_BYTES``
pages (at least one), so the default 4 MiB chunks hold 16 pages."""

_PAGE_RE = re.compile(FOOTER_PATTERNS[0], re.IGNORECASE | re.ASCII)
_FOOTER = JunkRules()

Word = tuple[float, float, str]
"""``(x0, x1, text)`` of one word, in points."""


@dataclass(frozen=True)
class TableState:
    """What reading has established when a page starts (carried from page to page and, as JSON, to the
    worker that starts at that page).

    Attributes:
        names: the layout's column names (the table header to look for).
        columns: left edge of each column, in points, from the last table header; empty before one.
        in_table: a header was seen and no totals or end-of-report line has closed its table.
        open_record: the last table line was a record or a wrapped line of it.
        header_seen: the file's first header is behind (later ones are ``repeated_header``).
    """

    names: tuple[str, ...]
    columns: tuple[float, ...] = ()
    in_table: bool = False
    open_record: bool = False
    header_seen: bool = False

    def to_json(self) -> str:
        """The state as JSON (the chunk descriptor's ``context``)."""
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str) -> "TableState":
        """The state from :meth:`to_json`."""
        d = json.loads(text)
        return TableState(tuple(d["names"]), tuple(d["columns"]), d["in_table"], d["open_record"],
                          d["header_seen"])


@dataclass
class PdfRecord:
    """One record of a page: per column, its lines of text; the words of each of its lines; its page."""

    page: int
    cells: list[list[str]]
    lines: list[str]

    def add_line(self, cells: list[str], text: str) -> None:
        for i, c in enumerate(cells):
            if c:
                self.cells[i].append(c)
        self.lines.append(text)

    def values(self) -> list[str | None]:
        return ["\n".join(c) if c else None for c in self.cells]


@dataclass
class PageResult:
    """What one page holds.

    Attributes:
        records: the records that start on the page, in reading order.
        lead: wrapped lines at the top of the page that continue the previous page's last record.
        skipped: junk lines per reason.
    """

    records: list[PdfRecord] = field(default_factory=list)
    lead: list[tuple[list[str], str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class PageChunk:
    """A page range of a PDF holding whole records: pages ``[page_start, page_end)`` (0-based)."""

    page_start: int
    page_end: int
    first_row: int
    n_records: int
    context: str


@dataclass
class PdfPlan:
    """The page chunks of one PDF and what the planning pass saw.

    Attributes:
        chunks: page ranges in order.
        pages: pages in the file.
        n_records: records in the file.
        lines_skipped: junk lines per reason.
    """

    chunks: list[PageChunk]
    pages: int
    n_records: int
    lines_skipped: dict[str, int]


def page_lines(page, textpage=None) -> list[list[Word]]:
    """The words of a pymupdf page grouped into lines, top to bottom, each line left to right (from
    ``textpage`` when given: an OCR text page, :func:`raybench.read.ocr.ocr_textpage`)."""
    words = sorted(page.get_text("words", sort=False, textpage=textpage), key=lambda w: (w[3], w[0]))
    lines: list[list[Word]] = []
    bottom = None
    for x0, _y0, x1, y1, text, *_ in words:
        if bottom is None or y1 - bottom > LINE_TOLERANCE_PT:
            lines.append([])
            bottom = y1
        lines[-1].append((x0, x1, text))
    for line in lines:
        line.sort()
    return lines


@lru_cache(maxsize=64)
def _header_key(names: tuple[str, ...]) -> tuple[str, str]:
    key = " ".join(normalize_header(n) for n in names)
    return key, key.split(" ", 1)[0]


def _is_header(words: list[Word], names: tuple[str, ...]) -> bool:
    key, first = _header_key(names)
    if not words or not normalize_header(words[0][2]).startswith(first):
        return False
    return normalize_header(" ".join(w[2] for w in words)) == key


SEGMENT_GAP_PT = 2.5
"""Words further apart than this on one line belong to different header cells (a space is about 2 pt at
the 6 to 7 pt of a bill's table)."""


def _segments(words: list[Word]) -> list[list]:
    out: list[list] = []
    for x0, x1, text in words:
        if out and x0 - out[-1][1] <= SEGMENT_GAP_PT:
            out[-1][1], out[-1][2] = x1, f"{out[-1][2]} {text}"
        else:
            out.append([x0, x1, text])
    return out


@lru_cache(maxsize=64)
def _header_tokens(names: tuple[str, ...]) -> list[str]:
    return sorted(_header_key(names)[0].split())


def two_line_header(top: list[Word], bottom: list[Word], names: tuple[str, ...]) -> tuple[float, ...] | None:
    """Column edges of a table header whose names wrap over two lines (AT&T bills: carrier-formats.md
    1.4a), or None. Cells are runs of words on each line; a top and a bottom cell that overlap
    horizontally are one column, its name the top text then the bottom text."""
    if not top or not bottom or (sorted(normalize_header(" ".join(w[2] for w in top + bottom)).split())
                                 != _header_tokens(names)):
        return None
    cols: list[list] = []  # [x0, x1, top text, bottom text]
    for row, segs in ((2, _segments(top)), (3, _segments(bottom))):
        for x0, x1, text in segs:
            hit = next((c for c in cols if x0 < c[1] and x1 > c[0]), None)
            if hit is None:
                hit = [x0, x1, "", ""]
                cols.append(hit)
            hit[0], hit[1] = min(hit[0], x0), max(hit[1], x1)
            hit[row] = f"{hit[row]} {text}".strip()
    cols.sort()
    got = tuple(normalize_header(f"{c[2]} {c[3]}") for c in cols)
    return tuple(c[0] for c in cols) if got == tuple(normalize_header(n) for n in names) else None


def column_starts(words: list[Word], names: tuple[str, ...]) -> tuple[float, ...]:
    """Left edge of each column of a header line (the first word of each name), in points."""
    starts: list[float] = []
    i = 0
    for name in names:
        want = len(normalize_header(name).split())
        starts.append(words[i][0])
        got = 0
        while i < len(words) and (got < want or not normalize_header(words[i][2])):
            got += len(normalize_header(words[i][2]).split())
            i += 1
    return tuple(starts)


def cut_line(words: list[Word], starts: tuple[float, ...]) -> list[str] | None:
    """The cell texts of a line under a table's columns, or None when a word does not fit inside one
    column (starts left of the table or runs into the next column): then the line is not a table row."""
    cells = [""] * len(starts)
    for x0, x1, text in words:
        i = bisect.bisect_right(starts, x0 + COLUMN_TOLERANCE_PT) - 1
        if i < 0 or (i + 1 < len(starts) and x1 > starts[i + 1] + COLUMN_TOLERANCE_PT):
            return None
        cells[i] = f"{cells[i]} {text}" if cells[i] else text
    return cells


def read_page(lines: list[list[Word]], page: int, state: TableState) -> tuple[PageResult, TableState]:
    """Read one page's lines into records and junk, given the state at the top of the page.

    Args:
        lines: :func:`page_lines` of the page.
        page: its 1-based number (stored as ``source_page``).
        state: the state when the page starts.

    Returns:
        The page's records, its leading wrapped lines and junk counts, and the state at its end.
    """
    out = PageResult()
    names = state.names
    need = max(2, -(-len(names) // 3))
    kinds: list[str | None] = []
    current: PdfRecord | None = None
    st = state
    second_header_line = False
    for at, words in enumerate(lines):
        if second_header_line:  # the bottom line of a two-line header, counted with its top line
            second_header_line = False
            kinds.append(kinds[-1])
            continue
        # a wrapped line follows its record directly; only at the top of a page may junk (the page
        # header) come between, when the page before ended inside a record
        adjacent = (kinds[-1] in ("record", "wrapped")) if kinds else True
        if kinds and current is None and not any(k in ("header", "repeated_header", "record", "wrapped")
                                                 for k in kinds):
            adjacent = True
        text = " ".join(w[2] for w in words)
        if _is_header(words, names):
            kinds.append("header" if not st.header_seen else "repeated_header")
            st = replace(st, columns=column_starts(words, names), in_table=True, open_record=False,
                         header_seen=True)
            current = None
            continue
        starts = (two_line_header(words, lines[at + 1], names)
                  if at + 1 < len(lines) and len(words) < len(names) else None)
        if starts is not None:
            kinds.append("header" if not st.header_seen else "repeated_header")
            st = replace(st, columns=starts, in_table=True, open_record=False, header_seen=True)
            current = None
            second_header_line = True
            continue
        if _FOOTER.reason(text) == "footer" and not NOTICE_RE.fullmatch(text):  # a notice is page_footer
            kinds.append("footer")
            if not _PAGE_RE.fullmatch(text):  # totals or end of report close the table
                st = replace(st, in_table=False, open_record=False)
                current = None
            continue
        cells = cut_line(words, st.columns) if st.in_table and st.columns else None
        if cells is not None and cells[0] and sum(1 for c in cells if c) >= need:
            current = PdfRecord(page, [[] for _ in names], [])
            current.add_line(cells, text)
            out.records.append(current)
            st = replace(st, open_record=True)
            kinds.append("record")
            continue
        if cells is not None and not cells[0] and any(cells) and st.open_record and adjacent:
            if current is None:
                out.lead.append((cells, text))
            else:
                current.add_line(cells, text)
            kinds.append("wrapped")
            continue
        kinds.append(None)
    table = [i for i, k in enumerate(kinds) if k in ("header", "repeated_header", "record", "wrapped")]
    for i, kind in enumerate(kinds):
        if kind in ("record", "wrapped"):
            continue
        if kind is None:
            kind = ("page_text" if not table else "page_header" if i < table[0] else
                    "page_footer" if i > table[-1] else "section")
        out.skipped[kind] = out.skipped.get(kind, 0) + 1
    return out, st


def _open(path: str):
    import pymupdf  # local: heavy: only PDF inputs

    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # pymupdf raises its own FileDataError, RuntimeError...
        raise InputFileError(path, f"not a readable PDF: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if doc.needs_pass:
        doc.close()
        raise InputFileError(path, "the PDF is encrypted (a password is needed)")
    return doc


def identify_pdf(path: str, layouts: tuple) -> tuple:
    """The layout of a PDF: the first of its first :data:`IDENTIFY_PAGES` pages that holds a line whose
    words are a layout's column names.

    Returns:
        ``(layout, page)``: the layout and the 1-based page of its header.

    Raises:
        InputFileError: not a readable PDF, or encrypted.
        UnknownLayoutError: no known table header (a scanned PDF without a text layer has none).
    """
    doc = _open(path)
    try:
        for p in range(min(IDENTIFY_PAGES, doc.page_count)):
            lines = page_lines(doc[p])
            for at, words in enumerate(lines):
                found = [l for l in header_text_layouts([w[2] for w in words], layouts) if l.kind == "cdr"]
                if not found and at + 1 < len(lines):
                    found = [l for l in layouts if l.kind == "cdr" and l.has_header and not l.positions
                             and two_line_header(words, lines[at + 1], l.columns) is not None]
                if len(found) == 1:
                    return found[0], p + 1
        pages = doc.page_count
    finally:
        doc.close()
    raise UnknownLayoutError(path, f"no known table header on the first {min(IDENTIFY_PAGES, pages)} "
                                   "pages (no text layer, or an unknown layout)", row=None)


def plan_pdf(path: str, names: tuple[str, ...], pages_per_chunk: int) -> PdfPlan:
    """Read every page once (one page in memory at a time) and cut the file into page ranges.

    Args:
        path: the PDF.
        names: the layout's column names.
        pages_per_chunk: pages in one chunk (the last may hold fewer).

    Returns:
        The chunks (each with its first ``source_row``, record count and starting table state), the
        record count and the junk lines per reason.

    Raises:
        InputFileError: not a readable PDF (the message names the page when a page fails).
    """
    doc = _open(path)
    state = TableState(tuple(names))
    chunks: list[PageChunk] = []
    skipped: dict[str, int] = {}
    row = 1
    try:
        for p in range(doc.page_count):
            if p % pages_per_chunk == 0:
                chunks.append(PageChunk(p, p, row, 0, state.to_json()))
            try:
                result, state = read_page(page_lines(doc[p]), p + 1, state)
            except Exception as exc:
                raise InputFileError(path, f"page {p + 1}: cannot read its text: {exc}") from None
            chunks[-1].page_end = p + 1
            chunks[-1].n_records += len(result.records)
            row += len(result.records)
            for why, k in result.skipped.items():
                skipped[why] = skipped.get(why, 0) + k
        pages = doc.page_count
    finally:
        doc.close()
    return PdfPlan([c for c in chunks if c.n_records], pages, row - 1, skipped)


def read_pdf_chunk(item: ChunkDescriptor) -> ReadRows:
    """The records of a chunk descriptor's page range (``page_start``, ``page_end``, ``context``).

    The wrapped lines at the top of the first page belong to the chunk before and are left out; those at
    the top of the page after the range are joined to the chunk's last record.

    Returns:
        One record per planned record, with ``source_page``; junk lines per reason in ``skipped``.
    """
    state = TableState.from_json(item.context)
    start, end = item.page_start, item.page_end
    rows = ReadRows()
    records: list[PdfRecord] = []
    doc = _open(item.path)
    try:
        for p in range(start, end):
            result, state = read_page(page_lines(doc[p]), p + 1, state)
            if records:
                for cells, text in result.lead:
                    records[-1].add_line(cells, text)
            records.extend(result.records)
            for why, k in result.skipped.items():
                rows.skipped[why] = rows.skipped.get(why, 0) + k
        if state.open_record and records and end < doc.page_count:
            result, _ = read_page(page_lines(doc[end]), end + 1, state)
            for cells, text in result.lead:
                records[-1].add_line(cells, text)
    finally:
        doc.close()
    for i, record in enumerate(records):
        rows.cells.append(record.values())
        rows.source_rows.append(item.first_row + i)
        rows.raws.append("\n".join(record.lines))
        rows.pages.append(record.page)
    return rows
