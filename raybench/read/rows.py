"""Records already cut into cells by a reader that is not byte-range text (PDF pages, XLSX sheet rows).

Such a reader returns :class:`ReadRows`; :func:`raybench.pipeline.transform.process_chunk` takes it in
place of a chunk's bytes, so the mapping, normalising and validation of every format are the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass
class ReadRows:
    """The records of one chunk of a PDF or XLSX file.

    Attributes:
        cells: one list per accepted record, one text (or None) per layout column, in layout order.
        source_rows: 1-based record number of each accepted record in its file.
        raws: original text of each accepted record (PDF: its lines' words, lines joined by ``\\n``;
            XLSX: its cells joined by ``,``).
        pages: 1-based PDF page of each accepted record (where its first line is); empty for XLSX.
        bad: ``(source_row, raw, reason)`` of records that cannot be cut into the layout's columns.
        bad_pages: page of each ``bad`` record (PDF), parallel to ``bad``.
        skipped: junk lines or rows of the chunk per reason (already counted by the planner).
    """

    cells: list[list[str | None]] = field(default_factory=list)
    source_rows: list[int] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    bad: list[tuple[int, str, str]] = field(default_factory=list)
    bad_pages: list[int] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def n_records(self) -> int:
        """Accepted and bad records together (what the planner counted for the chunk)."""
        return len(self.cells) + len(self.bad)

    def page_of(self) -> dict[int, int]:
        """``source_row`` -> page for every record (empty when the format has no pages)."""
        out = dict(zip(self.source_rows, self.pages))
        out.update(zip((b[0] for b in self.bad), self.bad_pages))
        return out

    def frame(self, columns: tuple[str, ...]):
        """The accepted records as a polars frame: String columns named ``columns``, plus ``source_row``
        (Int64) and ``raw`` (String), as :func:`raybench.read.records.read_chunk_frame` returns."""
        width = len(columns)
        cols = list(zip(*self.cells)) if self.cells else [()] * width
        data = {name: pl.Series(name, list(values), dtype=pl.String) for name, values in zip(columns, cols)}
        data["source_row"] = pl.Series("source_row", self.source_rows, dtype=pl.Int64)
        data["raw"] = pl.Series("raw", self.raws, dtype=pl.String)
        return pl.DataFrame(data)
