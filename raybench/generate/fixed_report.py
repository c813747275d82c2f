"""Fixed-width switch report text for the ``switch_fixed_detail`` layout: a banner line, the header, and
every :data:`PAGE_RECORDS` records a ``Page N`` footer, a blank line and the header again, as a line
printer report of an old switch looks (carrier-formats.md 1.9)."""

from __future__ import annotations

import polars as pl

from raybench.layout import Layout

PAGE_RECORDS = 60
"""Records between two page breaks."""

BANNER = "SWITCH 01   CALL DETAIL REPORT   OFFICE 5ESS-01"

RIGHT_ALIGNED = ("DURATION",)
"""Columns printed flush right in their field; the others flush left."""


def header_line(layout: Layout) -> str:
    """The column names, each at its position."""
    return _line([name for name in layout.columns], layout)


def _line(values: list[str], layout: Layout) -> str:
    out = ""
    for (start, end), value, name in zip(layout.positions, values, layout.columns):
        out = out.ljust(start)
        cell = value[: end - start]
        out += cell.rjust(end - start) if name in RIGHT_ALIGNED else cell.ljust(end - start)
    return out.rstrip()


def report_text(source: pl.DataFrame, layout: Layout, first_row: int, first_chunk: bool, ragged: str) -> str:
    """The report lines of one chunk of records (``source``: the layout's columns as text).

    Args:
        source: records in file order.
        layout: a fixed-width layout.
        first_row: the 1-based number of the chunk's first record (page breaks fall on multiples of
            :data:`PAGE_RECORDS`).
        first_chunk: write the banner and the first header before the records.
        ragged: a marker value; a record holding it in its last column is written cut short (30
            characters), the ``record_length`` defect.
    """
    header = header_line(layout)
    lines: list[str] = [BANNER, header] if first_chunk else []
    for i, values in enumerate(source.rows()):
        row = first_row + i
        if row > 1 and (row - 1) % PAGE_RECORDS == 0:
            lines += [f"Page {(row - 1) // PAGE_RECORDS}", "", header]
        text = _line(["" if v is None else v for v in values], layout)
        lines.append(text[:30] if values[-1] == ragged else text)
    return "\n".join(lines) + "\n"
