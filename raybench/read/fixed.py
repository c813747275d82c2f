"""Fixed-width text (switch and old telco reports): records cut at the layout's column positions.

The file is planned like delimited text (:func:`raybench.read.partition.plan_file`: one record a line,
banners, the header, repeats of it, footers and blank lines counted in ``lines_skipped``); only the
cutting of a record into fields differs. Positions come from :attr:`raybench.layout.Layout.positions`
(character offsets, so a multi-byte encoding cuts alike after decoding). Format facts:
../shared/reference/carrier-formats.md 1.9 (fixed columns, filler between them, minutes:seconds).
"""

from __future__ import annotations

from raybench.layout import Layout
from raybench.read.junk import JunkRules, drop_junk
from raybench.read.records import split_records


def cut_record(record: str, layout: Layout) -> list[str] | None:
    """The fields of one fixed-width record (spaces around each removed), or None when the record is
    shorter than :attr:`Layout.record_chars` (its last column may be cut short or empty)."""
    if len(record) < layout.record_chars:
        return None
    return [record[a:b].strip() for a, b in layout.positions]


def read_fixed_frame(data: bytes, encoding: str, layout: Layout, first_row: int,
                     junk: JunkRules | None = None, skipped: dict[str, int] | None = None):
    """Decode a chunk of a fixed-width file and cut its records into a polars frame.

    Args:
        data: whole records of the file, as planned.
        encoding: Python codec name of the file.
        layout: a layout with :attr:`~raybench.layout.Layout.positions`.
        first_row: ``source_row`` of the chunk's first record.
        junk: the file's junk rules; junk lines are dropped and, with ``skipped``, counted per reason.

    Returns:
        ``(frame, bad)`` as :func:`raybench.read.records.read_chunk_frame`: String columns named after
        ``layout.columns`` plus ``source_row`` and ``raw``; ``bad`` holds ``(source_row, raw, reason)``
        with reason ``record_length`` (too short) or ``encoding`` (undecodable bytes).
    """
    from raybench.read.rows import ReadRows

    text = data.decode(encoding, errors="replace")
    records, junk_counts = drop_junk(split_records(text), junk)
    if skipped is not None:
        for why, k in junk_counts.items():
            skipped[why] = skipped.get(why, 0) + k
    rows = ReadRows()
    for i, record in enumerate(records):
        row = first_row + i
        cells = cut_record(record, layout) if "\ufffd" not in record else None
        if cells is None:
            rows.bad.append((row, record, "encoding" if "\ufffd" in record else "record_length"))
            continue
        rows.cells.append(cells)
        rows.source_rows.append(row)
        rows.raws.append(record)
    return rows.frame(layout.columns), rows.bad
