"""Turn one chunk of a delimited file into records: fields, raw text and ``source_row``.

Records are cut exactly as :mod:`raybench.read.partition` counted them (a newline outside double quotes
ends a record; blank lines are not records; junk records, by :func:`raybench.read.junk.drop_junk`, are not
either), so the ``source_row`` numbers of both agree. Fields are split with Python's ``csv`` module when
the record holds a quote, by ``str.split`` otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from raybench.layout import Layout
from raybench.read.junk import JunkRules, drop_junk

MAX_QUOTED_LINES = 4
"""Most lines one record may span: a double quote that no line within this many closes is a broken quote,
not a field with line breaks (call records put at most a second line in a cell, AT&T's ``(D)``); the
line that opened it is one record, quarantined as ``quoting``, and the next line starts anew."""

_NUL_TEXT = re.compile("(?:(?<=\n)|^)\x00+")


@dataclass
class ChunkRecords:
    """The records of one chunk.

    Attributes:
        rows: field lists of the records with an accepted field count, padded with None to the layout's
            column count.
        source_rows: 1-based record numbers of ``rows``.
        raws: original text of ``rows`` (line ending removed).
        bad: ``(source_row, raw, reason)`` for records that cannot be split into the layout's fields
            (``field_count``, ``encoding``).
        skipped: junk lines of the chunk per reason (see :mod:`raybench.read.junk`).
    """

    rows: list[list[str | None]]
    source_rows: list[int]
    raws: list[str]
    bad: list[tuple[int, str, str]]
    skipped: dict[str, int] = field(default_factory=dict)


def split_records(text: str) -> list[str]:
    """Split decoded chunk text into records (newline outside quotes), dropping blank lines.

    NUL padding at the start of a line is removed (the planner counts it, ``lines_skipped['nul_padding']``).
    A line that leaves a double quote open takes the lines after it up to the first that closes it, at
    most :data:`MAX_QUOTED_LINES` lines in all. When none within the bound closes it (or the text ends
    first), the quote is broken: that line alone is a record (then quarantined as ``quoting``) and
    reading goes on at the next line, so one broken quote costs one record. The planner
    (:func:`raybench.read.partition.plan_file`) cuts the same way.

    Returns:
        Record texts without their line endings (a trailing ``\\r`` is removed).
    """
    if "\x00" in text:
        text = _NUL_TEXT.sub("", text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # issue 20: only the lines with an odd number of quotes are walked in Python (the same pairing as
    # split_records_reference, which walks every line)
    n = len(lines)
    odd = [] if '"' not in text else [i for i, line in enumerate(lines) if '"' in line and line.count('"') % 2 == 1]
    merged: list[str] = []
    at = k = 0
    while k < len(odd):
        i = odd[k]
        if k + 1 < len(odd) and odd[k + 1] < min(i + MAX_QUOTED_LINES, n):
            j = odd[k + 1]  # the first line within the bound that closes the quote ends the record
            merged.extend(lines[at:i])
            merged.append("\n".join(lines[i:j + 1]))
            at = j + 1
            k += 2
        else:  # a broken quote: that line alone is a record
            k += 1
    if at:
        merged.extend(lines[at:])
        lines = merged
    if "\r" in text:
        return [r for r in (line[:-1] if line.endswith("\r") else line for line in lines) if r]
    return [r for r in lines if r]


def split_records_reference(text: str) -> list[str]:
    """:func:`split_records` as it was written first (every line walked in Python): the reference the
    tests compare the faster one with."""
    if "\x00" in text:
        text = _NUL_TEXT.sub("", text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[str] = []
    odd = [line.count('"') % 2 == 1 for line in lines]
    n = len(lines)
    i = 0
    while i < n:
        j = i
        if odd[i]:
            j = next((k for k in range(i + 1, min(i + MAX_QUOTED_LINES, n)) if odd[k]), i)
        record = lines[i] if j == i else "\n".join(lines[i:j + 1])
        i = j + 1
        if record.endswith("\r"):
            record = record[:-1]
        if record:
            out.append(record)
    return out


def parse_chunk(data: bytes, encoding: str, layout: Layout, first_row: int,
                junk: JunkRules | None = None) -> ChunkRecords:
    """Decode a chunk and split its records into fields.

    Args:
        data: the chunk's bytes (whole records, as planned).
        encoding: Python codec name of the file.
        layout: gives the delimiter and the accepted field counts.
        first_row: ``source_row`` of the chunk's first record.
        junk: the file's junk rules; junk records are counted in ``skipped``, not numbered.

    Returns:
        The records; a record with undecodable bytes or a wrong field count is in ``bad``.
    """
    text = data.decode(encoding, errors="replace")
    records, skipped = drop_junk(split_records(text), junk)
    width = len(layout.columns)
    counts = layout.accepted_field_counts
    delim = layout.delimiter
    rows: list[list[str | None]] = []
    source_rows: list[int] = []
    raws: list[str] = []
    bad: list[tuple[int, str, str]] = []
    for i, record in enumerate(records):
        row_no = first_row + i
        if "\ufffd" in record:
            bad.append((row_no, record, "encoding"))
            continue
        if '"' in record:
            try:
                parsed = list(csv.reader([record], delimiter=delim,
                                         skipinitialspace=layout.skip_initial_space, strict=True))
            except csv.Error:
                bad.append((row_no, record, "quoting"))
                continue
            if len(parsed) != 1:
                bad.append((row_no, record, "quoting"))
                continue
            fields: list[str | None] = list(parsed[0])
        else:
            fields = list(record.split(delim))
            if layout.skip_initial_space:
                fields = [f.lstrip(" ") for f in fields]
        n = len(fields)
        if n not in counts:
            bad.append((row_no, record, "field_count"))
            continue
        if n < width:
            fields.extend([None] * (width - n))
        rows.append(fields)
        source_rows.append(row_no)
        raws.append(record)
    return ChunkRecords(rows, source_rows, raws, bad, skipped)


def records_frame(records: ChunkRecords, layout: Layout):
    """The accepted records of :func:`parse_chunk` as a polars frame: String columns named after the
    layout's columns, plus ``source_row`` (Int64) and ``raw`` (String)."""
    columns = list(zip(*records.rows)) if records.rows else [()] * len(layout.columns)
    data = {name: pl.Series(name, values, dtype=pl.String) for name, values in zip(layout.columns, columns)}
    data["source_row"] = pl.Series("source_row", records.source_rows, dtype=pl.Int64)
    data["raw"] = pl.Series("raw", records.raws, dtype=pl.String)
    return pl.DataFrame(data)


def read_chunk_frame(data: bytes, encoding: str, layout: Layout, first_row: int,
                     junk: JunkRules | None = None, skipped: dict[str, int] | None = None):
    """Decode a chunk and read its records into a polars frame, with polars' CSV reader.

    Same result as :func:`parse_chunk` followed by building a frame, but the field splitting runs in
    polars: Python only splits records, counts fields (``str.count_matches``) and parses the few records
    that hold quotes to count their fields. Records with a bad field count, undecodable bytes or a broken
    quote are set aside as ``bad``; the others are joined and read in one call. When polars does not
    return exactly one row per record (a quoting corner it reads differently), the chunk is read again
    with :func:`parse_chunk`, so the result never depends on the fast path. With ``junk``, junk records
    are dropped first and, when ``skipped`` is given, counted into it per reason.

    Returns:
        ``(frame, bad)``: String columns named after ``layout.columns`` plus ``source_row`` (Int64) and
        ``raw`` (String); ``bad`` as in :class:`ChunkRecords`.
    """
    text = data.decode(encoding, errors="replace")
    records, junk_counts = drop_junk(split_records(text), junk)
    if skipped is not None:
        for why, k in junk_counts.items():
            skipped[why] = skipped.get(why, 0) + k
    n = len(records)
    width = len(layout.columns)
    delim = layout.delimiter
    accepted = layout.accepted_field_counts
    raw = pl.Series("raw", records, dtype=pl.String)
    quoted = raw.str.contains('"', literal=True).to_numpy()
    if layout.skip_initial_space and quoted.any():
        return _slow(data, encoding, layout, first_row, junk)
    counts = (raw.str.count_matches(delim, literal=True) + 1).to_numpy().astype(np.int64)
    reason = np.full(n, None, dtype=object)
    for i in np.flatnonzero(quoted):
        try:
            parsed = list(csv.reader([records[i]], delimiter=delim, strict=True))
            counts[i] = len(parsed[0]) if len(parsed) == 1 else -1
        except csv.Error:
            counts[i] = -1
        if counts[i] == -1:
            reason[i] = "quoting"
    bad_count = ~np.isin(counts, accepted) & (reason == None)  # noqa: E711
    reason[bad_count] = "field_count"
    enc = raw.str.contains("\ufffd", literal=True).to_numpy()
    reason[enc] = "encoding"
    good = reason == None  # noqa: E711
    rows = np.arange(first_row, first_row + n, dtype=np.int64)
    bad = [(int(rows[i]), records[i], str(reason[i])) for i in np.flatnonzero(~good)]
    good_idx = np.flatnonzero(good)
    lines = records if len(good_idx) == n else [records[i] for i in good_idx]
    short = counts[good_idx] < width
    if short.any():
        lines = list(lines)
        for j in np.flatnonzero(short):
            lines[j] = lines[j] + delim * int(width - counts[good_idx[j]])
    if lines:
        frame = pl.read_csv(io.BytesIO("\n".join(lines).encode("utf-8")), has_header=False,
                            new_columns=list(layout.columns), infer_schema=False, separator=delim,
                            quote_char='"')
        if frame.height != len(lines) or frame.width != width:
            return _slow(data, encoding, layout, first_row, junk)
        if layout.skip_initial_space:
            frame = frame.with_columns(pl.all().str.strip_chars_start(" "))
    else:
        frame = pl.DataFrame({c: pl.Series(c, [], dtype=pl.String) for c in layout.columns})
    frame = frame.with_columns(pl.Series("source_row", rows[good_idx]), raw.filter(pl.Series(good)))
    return frame, bad


def _slow(data: bytes, encoding: str, layout: Layout, first_row: int, junk: JunkRules | None = None):
    records = parse_chunk(data, encoding, layout, first_row, junk)
    return records_frame(records, layout), records.bad
