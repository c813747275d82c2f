"""A PDF whose table is of no known layout, read through pymupdf's table finder.

When neither an export's table header (:mod:`raybench.read.pdf`) nor a bill layout
(:mod:`raybench.read.pdf_bills`) is found, pymupdf's table finder (``Page.find_tables``) is asked for
the tables of every page. The tables whose header names agree (normalised) are one table run over
pages; the longest run is written as a CSV (its header once, its rows in page order, a ``Page`` column
last) to the job's staging folder, and that CSV goes through the delimited path (header rules, then the
column models and the value profile), like an export whose layout is guessed. The finder is a
heuristic (cells can be merged or split), so every row read this way is flagged ``pdf_table_finder``
and the file's confidence is lowered by :data:`TABLE_FINDER_CONFIDENCE`; a table that still cannot be
read fails with the finder's candidates named.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from raybench.identify.sniff import normalize_header

TABLE_FINDER_CONFIDENCE = 0.8
"""Factor on the classification confidence of a file read through the table finder."""

MAX_PAGES = 400
"""Pages the finder looks at (a bill runs 40 to 90; call detail may start late)."""

MIN_ROWS = 2
"""Fewest data rows a found table must have to be read."""

PAGE_COLUMN = "Page"
"""Name of the column that carries each row's 1-based page (the flag's column)."""

ROW_FLAG = ("pdf_table_finder", PAGE_COLUMN, r"^[0-9]+$")
"""The row flag of rows read from a found table (:attr:`raybench.layout.Layout.row_flags`)."""


@dataclass(frozen=True)
class FoundTable:
    """The longest table the finder saw, as written to the CSV.

    Attributes:
        header: the column names (the ``Page`` column not included).
        rows: data rows in page order.
        pages: 1-based page of each row.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int, ...]


def _words_in(words, bbox) -> str:
    """The words of a page whose centre lies in a cell's box, in reading order, joined by spaces (the
    finder's own cell text drops the spaces between words)."""
    if bbox is None:
        return ""
    x0, y0, x1, y1 = bbox
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    inside.sort(key=lambda w: (round(w[3]), w[0]))
    return " ".join(w[4] for w in inside)


def find_table(path: str) -> FoundTable | None:
    """The longest run of tables with one header across the pages of ``path``; None when the finder
    sees none with at least :data:`MIN_ROWS` rows under a header of two or more names."""
    import pymupdf  # local: heavy: only PDF inputs

    runs: dict[tuple[str, ...], tuple[tuple[str, ...], list[tuple[str, ...]], list[int]]] = {}
    try:
        doc = pymupdf.open(path)
    except Exception:  # not a readable PDF: the reader's own error says so
        return None
    with doc:
        for p in range(min(MAX_PAGES, doc.page_count)):
            try:
                tables = doc[p].find_tables().tables
            except Exception:  # the finder is a heuristic: a page it cannot read adds nothing
                continue
            words = doc[p].get_text("words")
            for t in tables:
                names = tuple(_words_in(words, c) for c in (t.header.cells or []))
                if sum(1 for n in names if n) < 2:
                    continue
                key = tuple(normalize_header(n) for n in names)
                header, rows, pages = runs.setdefault(key, (names, [], []))
                for row in t.rows:
                    cells = tuple(_words_in(words, c) for c in row.cells)
                    if tuple(normalize_header(c) for c in cells) == key or not any(cells):
                        continue  # the header itself, repeated on each page, or an empty row
                    rows.append(cells)
                    pages.append(p + 1)
    if not runs:
        return None
    header, rows, pages = max(runs.values(), key=lambda run: len(run[1]))
    if len(rows) < MIN_ROWS:
        return None
    return FoundTable(header, tuple(rows), tuple(pages))


def write_csv(table: FoundTable, out: str) -> None:
    """Write ``table`` as a comma-separated file with a header line and the ``Page`` column last."""
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(list(table.header) + [PAGE_COLUMN])
        for cells, page in zip(table.rows, table.pages):
            writer.writerow(list(cells) + [str(page)])
