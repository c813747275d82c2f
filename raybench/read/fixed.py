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
from raybench.read.rows import ReadRows


def key_columns(layout: Layout) -> tuple[frozenset[int], frozenset[int]]:
    """Indices of the columns a call is read from: ``(all of them, the party columns among them)`` (start,
    its time, duration, end; caller, callee, dialed, other party, subscriber)."""
    parties = {layout.caller, layout.callee, layout.callee_else, layout.dialed, layout.partner, layout.subscriber}
    names = parties | {layout.start.column if layout.start else None,
                       layout.start.time_column if layout.start else None, layout.duration_column,
                       layout.end_column} | set(layout.start.else_columns if layout.start else ())
    index = {c: i for i, c in enumerate(layout.columns)}
    return (frozenset(index[c] for c in names if c in index), frozenset(index[c] for c in parties if c in index))


def trimmed(length: int, layout: Layout, keys: tuple[frozenset[int], frozenset[int]] | None = None) -> bool:
    """True when a record of ``length`` characters, shorter than :attr:`Layout.record_chars`, is a whole
    record whose trailing blanks an editor or a transfer removed: it reaches into the last column a call is
    read from (:func:`key_columns`) and does not end inside a party column (there, the end is a number cut
    short: ``212 555`` of ``212 555 0199``; a stamp or duration cut short does not read, and is flagged),
    unless that party column is the last one read and the file's lines mostly end inside it
    (:attr:`Layout.party_ends_lines`). The columns after its end are empty."""
    every, parties = key_columns(layout) if keys is None else keys
    spans = layout.positions
    if not every or not spans:
        return False
    last = max(i for i in every if i < len(spans)) if any(i < len(spans) for i in every) else -1
    if last < 0 or length <= spans[last][0]:
        return False
    return not any(spans[i][0] < length < spans[i][1] for i in parties if i < len(spans)
                   and not (layout.party_ends_lines and i == last))


def cut_record(record: str, layout: Layout, keys: tuple[frozenset[int], frozenset[int]] | None = None
               ) -> list[str] | None:
    """The fields of one fixed-width record (spaces around each removed), or None when the record is
    shorter than :attr:`Layout.record_chars` (its last column may be cut short or empty) and not a record
    trimmed of its trailing blanks (:func:`trimmed`, whose missing columns are empty)."""
    if len(record) < layout.record_chars and not trimmed(len(record.rstrip("\r")), layout, keys):
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
    text = data.decode(encoding, errors="replace")
    records, junk_counts = drop_junk(split_records(text), junk)
    if skipped is not None:
        for why, k in junk_counts.items():
            skipped[why] = skipped.get(why, 0) + k
    rows = ReadRows()
    keys = key_columns(layout)
    for i, record in enumerate(records):
        row = first_row + i
        cells = cut_record(record, layout, keys) if "\ufffd" not in record else None
        if cells is None:
            rows.bad.append((row, record, "encoding" if "\ufffd" in record else "record_length"))
            continue
        rows.cells.append(cells)
        rows.source_rows.append(row)
        rows.raws.append(record)
    return rows.frame(layout.columns), rows.bad
