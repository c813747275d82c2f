"""Turn one chunk of a delimited file into records: fields, raw text and ``source_row``.

Records are cut exactly as :mod:`raybench.read.partition` counted them (a newline outside double quotes
ends a record; blank lines are not records), so the ``source_row`` numbers of both agree. Fields are split
with Python's ``csv`` module when the record holds a quote, by ``str.split`` otherwise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from raybench.layout import Layout


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
    """

    rows: list[list[str | None]]
    source_rows: list[int]
    raws: list[str]
    bad: list[tuple[int, str, str]]


def split_records(text: str) -> list[str]:
    """Split decoded chunk text into records (newline outside quotes), dropping blank lines.

    Returns:
        Record texts without their line endings (a trailing ``\\r`` is removed).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[str] = []
    if '"' not in text:
        for line in lines:
            if line.endswith("\r"):
                line = line[:-1]
            if line:
                out.append(line)
        return out
    pending: list[str] | None = None
    for line in lines:
        if pending is None:
            if line.count('"') % 2:
                pending = [line]
                continue
            record = line
        else:
            pending.append(line)
            if not line.count('"') % 2:
                continue
            record = "\n".join(pending)
            pending = None
        if record.endswith("\r"):
            record = record[:-1]
        if record:
            out.append(record)
    if pending is not None:  # unbalanced quote at the end of the chunk: keep it as one record
        record = "\n".join(pending).rstrip("\r")
        if record:
            out.append(record)
    return out


def parse_chunk(data: bytes, encoding: str, layout: Layout, first_row: int) -> ChunkRecords:
    """Decode a chunk and split its records into fields.

    Args:
        data: the chunk's bytes (whole records, as planned).
        encoding: Python codec name of the file.
        layout: gives the delimiter and the accepted field counts.
        first_row: ``source_row`` of the chunk's first record.

    Returns:
        The records; a record with undecodable bytes or a wrong field count is in ``bad``.
    """
    text = data.decode(encoding, errors="replace")
    records = split_records(text)
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
    return ChunkRecords(rows, source_rows, raws, bad)
