"""XLSX workbooks (T-Mobile delivers its CDRs as Excel: carrier-formats.md 1.2), read with fastexcel
(calamine) through polars' reader library, every cell as text (numbers are never typed, so leading zeros
and ``+`` stay and an Excel-damaged ``9.12678E+11`` stays visible to the ``number_lossy`` rule).

Every sheet is considered, and every sheet that holds a table of calls is read, each with its own layout
(a production's ``Voice`` and ``Messages`` sheets have different columns). A sheet whose first
:data:`MAX_BANNER_ROWS` + 1 non-blank rows hold a known layout's header is read with that layout; any other
sheet is offered to ``read_table`` (the ingest driver passes the generic column reader,
:mod:`raybench.classify.generic`: the columns' names and values), which finds its header and its layout or
says it holds no call table (a cover sheet of notes, a summary). Rows before the header are ``banner``,
the header is ``header``, later rows equal to it are ``repeated_header``, rows with one filled cell
matching :data:`raybench.read.junk.FOOTER_PATTERNS` are ``footer``, empty rows are ``blank``; every other
row is a record, numbered across the workbook's sheets in order. A sheet with no call table is skipped and
counted once as ``sheet_no_known_header``.

The driver plans (:func:`plan_xlsx`) sheet by sheet; actors read row ranges of a sheet
(:func:`read_xlsx_chunk`).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from raybench.errors import InputFileError, UnknownLayoutError
from raybench.identify.sniff import header_layouts
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import JunkRules
from raybench.read.rows import ReadRows

MAX_BANNER_ROWS = 50
"""Non-blank rows that may come before a sheet's header."""

ROW_BYTES = 128
"""Nominal size of one row when cutting a sheet into chunks: a chunk holds ``chunk_bytes // ROW_BYTES``
records (at least one)."""

_FOOTER = JunkRules()

MAX_UNZIPPED_BYTES = 4 << 30
"""Largest uncompressed size of a workbook's parts together (4 GiB): a ZIP that claims more (a zip bomb,
or a workbook too large to read in bounded memory) is refused before calamine inflates it."""


def check_unzipped_size(path: str, max_bytes: int = MAX_UNZIPPED_BYTES) -> int | None:
    """The uncompressed size of a workbook's parts (bytes, from the ZIP directory), when at most
    ``max_bytes``.

    A ZIP directory that cannot be read is left to the workbook reader, which says why (None).

    Raises:
        InputFileError: the parts add up to more (naming both sizes).
    """
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        return None
    if total > max_bytes:
        raise InputFileError(path, f"workbook unzips to {total} bytes, over the bound of {max_bytes} bytes")
    return total


@dataclass
class SheetChunk:
    """Rows ``[row_start, row_end)`` (0-based sheet rows) of one sheet, holding whole records."""

    sheet: str
    row_start: int
    row_end: int
    first_row: int
    n_records: int
    context: str
    layout: object = None
    """The layout the sheet is read with."""


@dataclass
class XlsxPlan:
    """What planning a workbook found.

    Attributes:
        layout: the layout of the first sheet read.
        chunks: row ranges in workbook order (each with its sheet's layout).
        n_records: records in the workbook.
        lines_skipped: junk rows per reason, and skipped sheets (``sheet_no_known_header``).
        sheets: names of the sheets read.
        layouts: sheet name -> the layout it is read with.
        confidence: the lowest confidence of the sheets' layouts (1.0 for a known header).
    """

    layout: object
    chunks: list[SheetChunk]
    n_records: int
    lines_skipped: dict[str, int]
    sheets: list[str]
    layouts: dict = field(default_factory=dict)
    confidence: float = 1.0


_EXCEL_TIME = re.compile(r"^1899-12-3[01][ T](\d\d:\d\d:\d\d(?:\.\d+)?)$")
"""A time cell (a fraction of a day: a duration or a time of day) as the workbook reader writes it, on the
day of Excel's epoch (1899-12-30/31, ECMA-376 Part 1, 18.17.4.1): the time is what the cell holds."""


def _cell_text(c) -> str:
    text = "" if c is None else str(c)
    found = _EXCEL_TIME.match(text)
    return found.group(1) if found else text


def _texts(row: tuple) -> list[str]:
    cells = [_cell_text(c) for c in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def row_reason(row: tuple, header: list[str]) -> str | None:
    """Why a sheet row after the header is junk (``blank``, ``repeated_header``, ``footer``), or None for
    a record."""
    cells = _texts(row)
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "blank"
    if [c.strip() for c in cells] == [h.strip() for h in header]:
        return "repeated_header"
    if len(filled) == 1 and _FOOTER.reason(filled[0].strip()) == "footer":
        return "footer"
    if _FOOTER.reason(",".join(c.strip() for c in cells)) == "footer":  # ``Total,55 calls,,,16:48:14``
        return "footer"
    return None


def _reader(path: str):
    import fastexcel  # local: only XLSX inputs

    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own CalamineError family
        raise InputFileError(path, f"not a readable XLSX workbook: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _rows(reader, sheet: str, skip: int = 0, n: int | None = None) -> list[tuple]:
    sheet_data = reader.load_sheet(sheet, header_row=None, skip_rows=skip, n_rows=n, dtypes="string")
    return sheet_data.to_polars().rows()


TABLE_ROWS = 48
"""Non-blank rows of a sheet without a known header that ``read_table`` is shown."""

TableReader = Callable[[list[list[str]]], "tuple[object, int | None, int, float] | None"]
"""``read_table(rows)``: a sheet's first non-blank rows (cells as text) -> ``(layout, header index or None,
index of the first data row, confidence)`` within those rows, or None when they hold no call table."""


def _known_header(rows: list[tuple], layouts: tuple):
    """``(row index, layout)`` of the known CDR header among a sheet's first rows, or None."""
    seen = 0
    for i, row in enumerate(rows):
        if not any(c is not None and str(c).strip() for c in row):
            continue
        hits = [lay for lay in header_layouts(list(row), layouts) if lay.kind == "cdr"]
        if len(hits) == 1:
            return i, hits[0]
        seen += 1
        if seen > MAX_BANNER_ROWS:
            return None
    return None


def _table(rows: list[tuple], read_table: TableReader | None):
    """``(header index or None, first data row, layout, confidence)`` in sheet rows, by ``read_table``."""
    if read_table is None:
        return None
    kept = [i for i, row in enumerate(rows) if any(c is not None and str(c).strip() for c in row)][:TABLE_ROWS]
    found = read_table([_texts(rows[i]) for i in kept])
    if found is None:
        return None
    layout, header, data, confidence = found
    if data >= len(kept):
        return None
    return (None if header is None else kept[header]), kept[data], layout, confidence


def plan_xlsx(path: str, layouts: tuple, rows_per_chunk: int, read_table: TableReader | None = None) -> XlsxPlan:
    """Read every sheet once and cut the sheets that hold a call table into row ranges.

    Args:
        path: the workbook.
        layouts: candidate layouts (their exact headers).
        rows_per_chunk: records in one chunk (the last of a sheet may hold fewer).
        read_table: finds the table and its layout on a sheet without a known header (:data:`TableReader`);
            None reads known headers only.

    Returns:
        The plan; each sheet read has its own layout (``layouts``), the plan's ``layout`` is the first's.

    Raises:
        InputFileError: not a readable workbook, or one that unzips past :data:`MAX_UNZIPPED_BYTES`.
        UnknownLayoutError: no sheet holds a call table (the message lists the sheets).
    """
    check_unzipped_size(path)
    reader = _reader(path)

    def sheets():
        for sheet in reader.sheet_names:
            try:
                rows = _rows(reader, sheet)
            except Exception as exc:
                raise InputFileError(path, f"sheet {sheet!r}: cannot read: {str(exc).splitlines()[0]}") from None
            yield sheet, rows

    plan = plan_tables(sheets(), layouts, rows_per_chunk, read_table)
    if plan.layout is None:
        names = ", ".join(repr(s) for s in reader.sheet_names)
        raise UnknownLayoutError(path, f"no sheet has a known header or a table of calls (sheets: {names})")
    return plan


def plan_tables(tables, layouts: tuple, rows_per_chunk: int, read_table: TableReader | None) -> XlsxPlan:
    """Cut tables given as ``(name, rows)`` (a workbook's sheets, the blocks of a text file of several
    tables: :mod:`raybench.read.text_tables`) into row ranges, each table with its own layout, found as
    :func:`plan_xlsx` says. ``rows``: tuples of cells (text or None). The plan's ``layout`` is None when
    no table holds calls (the caller raises)."""
    layout = None
    chunks: list[SheetChunk] = []
    skipped: dict[str, int] = {}
    sheets: list[str] = []
    by_sheet: dict[str, object] = {}
    confidence = 1.0
    row_no = 1

    def count(why: str) -> None:
        skipped[why] = skipped.get(why, 0) + 1

    for sheet, rows in tables:
        known = _known_header(rows, layouts)
        if known is not None:
            header_at, found = known
            data_at, sure = header_at + 1, 1.0
        else:
            table = _table(rows, read_table)
            if table is None:
                count("sheet_no_known_header")
                continue
            header_at, data_at, found, sure = table
        layout = layout or found
        by_sheet[sheet] = found
        confidence = min(confidence, sure)
        sheets.append(sheet)
        lead = header_at if header_at is not None else data_at
        for row in rows[:lead]:
            count("blank" if row_reason(row, []) == "blank" else "banner")
        if header_at is not None:
            count("header")
        header = _texts(rows[header_at]) if header_at is not None else []
        context = json.dumps({"header": header, "width": len(found.columns)})
        chunk = None
        for i in range(data_at, len(rows)):
            why = row_reason(rows[i], header)
            if why:
                count(why)
                continue
            if chunk is None or chunk.n_records >= rows_per_chunk:
                chunk = SheetChunk(sheet, i, i + 1, row_no, 0, context, found)
                chunks.append(chunk)
            chunk.row_end = i + 1
            chunk.n_records += 1
            row_no += 1
        del rows
    return XlsxPlan(layout, chunks, row_no - 1, skipped, sheets, by_sheet, confidence)


def read_xlsx_chunk(item: ChunkDescriptor) -> ReadRows:
    """The records of a chunk descriptor's sheet rows (``sheet``, ``row_start``/``row_end`` in
    ``page_start``/``page_end``, ``context``: the header and the layout's width).

    A record with filled cells beyond the layout's columns is ``bad`` with reason ``field_count``.
    """
    return rows_chunk(item, _rows(_reader(item.path), item.sheet, item.page_start, item.page_end - item.page_start))


def rows_chunk(item: ChunkDescriptor, table_rows) -> ReadRows:
    """The records among ``table_rows`` (the descriptor's rows of its sheet or block, cells as text or
    None), numbered from ``item.first_row``; junk rows counted (:func:`row_reason`); a record with filled
    cells beyond the layout's width (``item.context``) is ``bad`` with reason ``field_count``."""
    context = json.loads(item.context)
    header, width = context["header"], context["width"]
    rows = ReadRows()
    row_no = item.first_row
    for row in table_rows:
        why = row_reason(row, header)
        if why:
            rows.skipped[why] = rows.skipped.get(why, 0) + 1
            continue
        cells = _texts(row)
        raw = ",".join(cells)
        if len(cells) > width:
            rows.bad.append((row_no, raw, "field_count"))
        else:
            rows.cells.append([c if c.strip() else None for c in cells] + [None] * (width - len(cells)))
            rows.source_rows.append(row_no)
            rows.raws.append(raw)
        row_no += 1
    return rows
