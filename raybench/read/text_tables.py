"""A delimited text file made of several tables one after another, each with its own banner and header
(an AT&T subpoena return delivering its voice, SMS and data reports in one file: carrier-formats.md 1.1,
"may deliver multiple reports"; the columns differ from one report to the next). Read like the sheets of a
workbook (:func:`raybench.read.xlsx.plan_tables`): each block is found its header and its layout, its
banner, header and total lines are junk, its rows records numbered across the file.

A block begins at the file's first non-blank line when that line is a banner (not the header, not data)
and again wherever the same line comes back after a blank line or a footer. The file is read this way only
when two blocks or more have different headers (the first row of each with three cells or more filled); a
paged report whose banner repeats above the same header stays a delimited file. Files over
:data:`MAX_BYTES` are not considered (such reports are small; a CDR dump is read by byte ranges).
"""

from __future__ import annotations

import codecs
import csv
import io
import os

from raybench.classify.sample import sample_text
from raybench.identify.encoding import detect_encoding
from raybench.read.chunk import ChunkDescriptor
from raybench.read.rows import ReadRows
from raybench.read.xlsx import rows_chunk

MAX_BYTES = 16 * 1024 * 1024
"""Largest file read as several tables (it is read whole, in the driver)."""

DELIMITERS = (",", ";", "\t", "|")

HEAD_CHARS = 65536
"""Characters of the file's start that :func:`split_tables` samples for its delimiter and banners."""


def _text(path: str) -> str | None:
    """The file's text (BOM removed), or None when it is too large, does not decode, or its first
    :data:`HEAD_CHARS` characters show no delimiter of :data:`DELIMITERS` or no banner (then it cannot be
    several tables, and the rest of the file is not read: every text file is sniffed so)."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, "rb") as f:
            head = f.read(4 * HEAD_CHARS + 4)
            encoding = detect_encoding(head[:65536])
            try:  # the head's first characters exactly as the whole file's decoding gives them
                decoder = codecs.getincrementaldecoder(encoding.name)()
                first = decoder.decode(head[encoding.bom_bytes:], final=False)[:HEAD_CHARS]
            except (UnicodeDecodeError, LookupError):
                return None
            if _tables_sample(first) is None:
                return None
            data = head + f.read()
    except OSError:
        return None
    try:
        return data[encoding.bom_bytes:].decode(encoding.name)
    except (UnicodeDecodeError, LookupError):
        return None


def _tables_sample(head: str):
    """The sample (:func:`raybench.classify.sample.sample_text`) of ``head``, the text's first
    :data:`HEAD_CHARS` characters, when it has a delimiter of :data:`DELIMITERS` and a banner (what
    :func:`split_tables` needs before it splits), else None."""
    sample = sample_text(head)
    return sample if sample.delimiter in DELIMITERS and sample.banners else None


def split_tables(text: str) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The tables of ``text`` as ``(name, rows)``: ``name`` ``block N (line L)`` (1-based), ``rows`` its
    lines cut at the file's delimiter (blank lines kept, as empty rows). One table when the file is not
    several (see the module docstring)."""
    sample = _tables_sample(text[:HEAD_CHARS])
    if sample is None:
        return []
    rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=sample.delimiter)]
    first = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if first is None:
        return []
    banner = rows[first]
    starts = [first]
    for i in range(first + 1, len(rows)):
        if rows[i] == banner and _ends_table(rows[i - 1]):
            starts.append(i)
    bounds = list(zip(starts, starts[1:] + [len(rows)]))
    return [(f"block {n + 1} (line {a + 1})", rows[a:b]) for n, (a, b) in enumerate(bounds)]


def _ends_table(row: tuple[str, ...]) -> bool:
    """A blank row, or one with a single filled cell (a ``Total Records: 24`` footer)."""
    return sum(1 for c in row if c.strip()) <= 1


def _header(rows: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    return next((tuple(c.strip() for c in r) for r in rows if sum(1 for c in r if c.strip()) >= 3), None)


def tables_of(path: str) -> list[tuple[str, list[tuple[str, ...]]]] | None:
    """The tables of ``path`` when it holds several with different headers (:func:`split_tables`), else
    None (read it as one delimited file)."""
    text = _text(path)
    if text is None:
        return None
    tables = split_tables(text)
    if len(tables) < 2 or len({_header(rows) for _, rows in tables}) < 2:
        return None
    return tables


def is_text_tables(path: str) -> bool:
    """True when ``path`` is a delimited text file of several tables with different headers."""
    return tables_of(path) is not None


def read_text_tables_chunk(item: ChunkDescriptor) -> ReadRows:
    """The records of a descriptor's rows (``page_start``/``page_end``) of its block (``sheet``).

    Raises:
        ValueError: the file no longer holds that block (changed since it was planned).
    """
    tables = dict(tables_of(item.path) or [])
    if item.sheet not in tables:
        raise ValueError(f"{item.path}: {item.sheet} not found (the file changed since it was planned)")
    return rows_chunk(item, tables[item.sheet][item.page_start:item.page_end])
