"""XLSX productions as T-Mobile delivers them (an Excel workbook: carrier-formats.md 1.2): a cover sheet
of notes (no table; a reader must skip it) and a ``Call Detail`` sheet with the header and the records,
every cell written as text. Written with xlsxwriter in constant-memory mode, row by row."""

from __future__ import annotations

import polars as pl

MAX_ROWS = 1_048_575
"""Records one sheet can hold (Excel's 1,048,576 rows, less the header)."""

COVER = ("Interpreting Call Detail Records",
         "All times are UTC. A requested day runs 00:00:01 to 23:59:59 UTC.",
         "Calls while roaming do not appear. Text message content is not retained.")


class XlsxProduction:
    """One workbook being written: :meth:`write` each chunk of records in order, then :meth:`close`.

    Args:
        path: the ``.xlsx`` to write.
        columns: the header.
        ragged: a marker value; a record holding it in its last column gets an extra filled cell past
            the last column (the ``field_count`` defect).
    """

    def __init__(self, path: str, columns: tuple[str, ...], ragged: str):
        import xlsxwriter  # local: only when an XLSX is written

        self._book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
        cover = self._book.add_worksheet("Read Me")
        for i, text in enumerate(COVER):
            cover.write_string(i, 0, text)
        self._sheet = self._book.add_worksheet("Call Detail")
        self._sheet.write_row(0, 0, list(columns))
        self._row = 1
        self._ragged = ragged

    def write(self, source: pl.DataFrame) -> None:
        """Append records (the layout's columns as text; None leaves a cell empty)."""
        for values in source.rows():
            for c, value in enumerate(values):
                if value == self._ragged:
                    self._sheet.write_string(self._row, c, "x")
                    self._sheet.write_string(self._row, c + 1, "EXTRA")
                elif value is not None and value != "":
                    self._sheet.write_string(self._row, c, value)
            self._row += 1

    def close(self) -> None:
        """Finish the workbook file."""
        self._book.close()
