"""Split a delimited file into byte ranges that start and end on record boundaries.

One sequential pass at C speed (numpy over 4 MiB blocks) finds every record end: a ``\\n`` outside
double quotes (quote parity is even; RFC 4180's doubled quotes keep parity). Blank lines are not records
and are counted as skipped. The pass also hashes the file (SHA-256) and counts the records of each range,
so every record gets its 1-based ``source_row`` before any worker sees it. Memory is bounded by the block
size, whatever the file's size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

BLOCK_BYTES_DEFAULT = 4 << 20
"""Default size of one chunk (and read block), 4 MiB."""

_NL, _CR, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class Chunk:
    """A byte range of a file holding whole records.

    Attributes:
        byte_start, byte_end: the range, ``[byte_start, byte_end)``.
        first_row: ``source_row`` of the first record in the range (1-based, header excluded).
        n_records: records in the range (blank lines excluded).
    """

    byte_start: int
    byte_end: int
    first_row: int
    n_records: int


@dataclass
class FilePlan:
    """The chunks of one file and what the scan saw.

    Attributes:
        chunks: the ranges, in file order.
        sha256: hex SHA-256 of the whole file's bytes.
        size_bytes: file size.
        n_records: data records (header and blank lines excluded).
        lines_skipped: reason -> count (``blank``, ``header``).
    """

    chunks: list[Chunk] = field(default_factory=list)
    sha256: str = ""
    size_bytes: int = 0
    n_records: int = 0
    lines_skipped: dict[str, int] = field(default_factory=dict)


def plan_file(path: str, *, offset: int = 0, skip_header: bool = False,
              block_bytes: int = BLOCK_BYTES_DEFAULT) -> FilePlan:
    """Scan ``path`` once and cut it into record-aligned chunks of about ``block_bytes``.

    Args:
        path: an ASCII-compatible file (UTF-8, cp1252...; UTF-16 must be transcoded first).
        offset: where records start (after a BOM), in bytes.
        skip_header: treat the first non-blank record as the header (not counted as a record).
        block_bytes: read size and target chunk size, in bytes.

    Returns:
        The plan; ``sum(c.n_records for c in plan.chunks) == plan.n_records``.
    """
    plan = FilePlan()
    sha = hashlib.sha256()
    parity = 0               # quote parity at the current position
    rec_start = offset        # start of the record being scanned
    chunk_start = offset      # start of the chunk being filled
    chunk_records = 0
    next_row = 1
    header_pending = skip_header
    prev_last_byte = -1
    base = 0
    blank = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(block_bytes)
            if not block:
                break
            sha.update(block)
            arr = np.frombuffer(block, dtype=np.uint8)
            lo = max(offset - base, 0)
            nl = np.flatnonzero(arr[lo:] == _NL) + lo
            q = np.flatnonzero(arr[lo:] == _QUOTE) + lo if b'"' in block else nl[:0]
            if nl.size:
                if q.size:
                    ends = nl[(parity + np.searchsorted(q, nl)) % 2 == 0]
                else:
                    ends = nl if parity == 0 else nl[:0]
                ends = ends + base + 1  # exclusive end of each record, global offset
                starts = np.concatenate(([rec_start], ends[:-1]))
                lengths = ends - starts
                is_blank = lengths == 1
                two = np.flatnonzero(lengths == 2)
                if two.size:
                    local = ends[two] - 2 - base
                    cr = np.where(local >= 0, arr[np.clip(local, 0, None)], prev_last_byte) == _CR
                    is_blank[two[cr]] = True
                n_blank = int(is_blank.sum())
                blank += n_blank
                n_rec = int(ends.size - n_blank)
                if header_pending and n_rec:
                    header_pending = False
                    first = int(np.flatnonzero(~is_blank)[0])
                    plan.lines_skipped["header"] = 1
                    chunk_start = int(ends[first])
                    n_rec -= 1
                if ends.size:
                    rec_start = int(ends[-1])
                chunk_records += n_rec
                if chunk_records and rec_start > chunk_start:
                    plan.chunks.append(Chunk(chunk_start, rec_start, next_row, chunk_records))
                    next_row += chunk_records
                    chunk_records = 0
                    chunk_start = rec_start
            parity = (parity + q.size) % 2
            prev_last_byte = int(arr[-1])
            base += len(block)
    plan.size_bytes = base
    plan.sha256 = sha.hexdigest()
    # a last record without a trailing newline
    tail = base - rec_start
    if tail > 0 and not (tail == 1 and prev_last_byte == _CR):
        if header_pending:
            plan.lines_skipped["header"] = 1
        else:
            plan.chunks.append(Chunk(chunk_start, base, next_row, chunk_records + 1))
            next_row += chunk_records + 1
            chunk_records = 0
    elif chunk_records:
        plan.chunks.append(Chunk(chunk_start, rec_start, next_row, chunk_records))
        next_row += chunk_records
    if blank:
        plan.lines_skipped["blank"] = plan.lines_skipped.get("blank", 0) + blank
    plan.n_records = next_row - 1
    return plan
