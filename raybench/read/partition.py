"""Split a delimited file into byte ranges that start and end on record boundaries.

One sequential pass at C speed (numpy over 4 MiB blocks) finds every record end: a ``\\n`` outside
double quotes (quote parity is even; RFC 4180's doubled quotes keep parity). Blank lines are not records
and are counted as skipped; so are the file's lead (banners, header, a types line) and, with
:class:`~raybench.read.junk.JunkRules`, junk records (repeated headers, footers, whitespace-only lines:
see :mod:`raybench.read.junk` for the scheme), so record counts and ``source_row`` cover records only.
The pass also hashes the file (SHA-256) and counts the records of each range,
so every record gets its 1-based ``source_row`` before any worker sees it. Memory is bounded by the block
size (plus, where a quote opened near a block's end, the lines that decide it: at most
:data:`~raybench.read.records.MAX_QUOTED_LINES`, read again with the next block), whatever the file's size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from raybench.read.junk import BLANK_BYTES, MAX_JUNK_BYTES, JunkRules
from raybench.read.records import MAX_QUOTED_LINES

BLOCK_BYTES_DEFAULT = 4 << 20
"""Default size of one chunk (and read block), 4 MiB."""

MAX_UNDECIDED_BYTES = 64 << 20
"""Most bytes of one record read again while its open quote is undecided (memory and re-reading stay
bounded on a file of one endless line): past this, the record is decided with what was read."""

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
        lines_skipped: reason -> count (``blank``, ``header``, ``banner``, ``header_types``,
            ``repeated_header``, ``footer``).
    """

    chunks: list[Chunk] = field(default_factory=list)
    sha256: str = ""
    size_bytes: int = 0
    n_records: int = 0
    lines_skipped: dict[str, int] = field(default_factory=dict)


def plan_file(path: str, *, offset: int = 0, skip_header: bool = False, lead: tuple[str, ...] | None = None,
              junk: JunkRules | None = None, encoding: str = "utf-8",
              block_bytes: int = BLOCK_BYTES_DEFAULT) -> FilePlan:
    """Scan ``path`` once and cut it into record-aligned chunks of about ``block_bytes``.

    Args:
        path: an ASCII-compatible file (UTF-8, cp1252...; UTF-16 must be transcoded first).
        offset: where records start (after a BOM), in bytes.
        skip_header: treat the first non-blank record as the header (same as ``lead=("header",)``).
        lead: reasons of the first non-blank records, which are skipped and counted under them
            (``banner``..., ``header``, ``header_types``), as identification found them.
        junk: rules for junk records after the lead (:class:`raybench.read.junk.JunkRules`); None reads
            every non-empty record as a record.
        encoding: the file's codec, to decode candidate junk records.
        block_bytes: read size and target chunk size, in bytes.

    Returns:
        The plan; ``sum(c.n_records for c in plan.chunks) == plan.n_records``.
    """
    plan = FilePlan()
    skipped = plan.lines_skipped
    pending_lead = list(lead if lead is not None else (("header",) if skip_header else ()))
    pending_lead.reverse()
    sha = hashlib.sha256()
    rec_start = offset        # start of the record being scanned
    chunk_start = offset      # start of the chunk being filled
    chunk_records = 0
    next_row = 1
    prev_last_byte = -1
    base = 0                  # file offset of the block being processed
    pos = 0                   # bytes read so far
    blank = 0
    carry: bytes | None = b""  # bytes of the record being scanned (junk rules only); None when too long
    again = False             # the record at rec_start holds a quote the next bytes decide: read it again
    with open(path, "rb") as f:
        while True:
            if again:  # read from the undecided record's start, through one more block
                f.seek(rec_start)
                block = f.read(pos - rec_start + block_bytes)
                new = block[pos - rec_start:]
                base = rec_start
            else:
                block = new = f.read(block_bytes)
            final = not new
            if final and not again:
                break
            if new:
                sha.update(new)
                arr = np.frombuffer(new, dtype=np.uint8)
                lo = max(offset - pos, 0)
                if prev_last_byte in (-1, _NL) and lo < len(new) and arr[lo] == 0 or b"\n\x00" in new:
                    nul_starts = np.flatnonzero((arr[lo + 1:] == 0) & (arr[lo:-1] == _NL)).size
                    nul_starts += int(arr[lo] == 0 and prev_last_byte in (-1, _NL)) if lo < len(new) else 0
                    if nul_starts:
                        skipped["nul_padding"] = skipped.get("nul_padding", 0) + nul_starts
                pos += len(new)
            arr = np.frombuffer(block, dtype=np.uint8)
            lo = max(offset - base, 0)
            nl = np.flatnonzero(arr[lo:] == _NL) + lo
            q = np.flatnonzero(arr[lo:] == _QUOTE) + lo if b'"' in block else nl[:0]
            # a record undecided past MAX_UNDECIDED_BYTES is decided now, as if the file ended there
            ends, undecided = _record_ends(nl, q, final or pos - rec_start > MAX_UNDECIDED_BYTES)
            ends = ends + base + 1  # exclusive end of each record, global offset
            if ends.size:
                starts = np.concatenate(([rec_start], ends[:-1]))
                lengths = ends - starts
                is_blank = lengths == 1
                two = np.flatnonzero(lengths == 2)
                if two.size:
                    local = ends[two] - 2 - base
                    cr = np.where(local >= 0, arr[np.clip(local, 0, None)], prev_last_byte) == _CR
                    is_blank[two[cr]] = True
                reasons = _junk_reasons(junk, block, arr, base, starts, ends, is_blank, carry, encoding)
                for i, why in reasons.items():
                    if why == "blank":
                        is_blank[i] = True
                blank += int(is_blank.sum())
                data = ~is_blank
                if pending_lead:
                    for i in np.flatnonzero(~is_blank)[:len(pending_lead)].tolist():
                        why = pending_lead.pop()
                        skipped[why] = skipped.get(why, 0) + 1
                        reasons.pop(i, None)
                        data[i] = False
                        chunk_start = int(ends[i])
                    if pending_lead:
                        chunk_start = int(ends[-1])
                for i, why in reasons.items():
                    if why != "blank":
                        skipped[why] = skipped.get(why, 0) + 1
                        data[i] = False
                rec_start = int(ends[-1])
                chunk_records += int(data.sum())
                if chunk_records and rec_start > chunk_start:
                    plan.chunks.append(Chunk(chunk_start, rec_start, next_row, chunk_records))
                    next_row += chunk_records
                    chunk_records = 0
                    chunk_start = rec_start
            if junk is not None:
                if rec_start >= base:
                    carry = block[rec_start - base:]
                elif carry is not None:
                    carry = carry + block
                if carry is not None and len(carry) > MAX_JUNK_BYTES:
                    carry = None
            again = undecided  # an open quote that the next block decides: read that record again with it
            if again:
                carry = b""
            prev_last_byte = int(arr[-1])
            base += len(block)
            if final:
                break
    plan.size_bytes = base
    plan.sha256 = sha.hexdigest()
    # a last record without a trailing newline
    tail = base - rec_start
    if tail > 0 and not (tail == 1 and prev_last_byte == _CR):
        why = None
        if junk is not None and carry is not None:
            text = carry.decode(encoding, errors="replace")
            why = junk.reason(text[:-1] if text.endswith("\r") else text)
        if why == "blank":
            blank += 1
        elif pending_lead:
            why = pending_lead.pop()
            skipped[why] = skipped.get(why, 0) + 1
        elif why:
            skipped[why] = skipped.get(why, 0) + 1
        if why:
            if chunk_records:
                plan.chunks.append(Chunk(chunk_start, rec_start, next_row, chunk_records))
                next_row += chunk_records
        else:
            plan.chunks.append(Chunk(chunk_start, base, next_row, chunk_records + 1))
            next_row += chunk_records + 1
            chunk_records = 0
    elif chunk_records:
        plan.chunks.append(Chunk(chunk_start, rec_start, next_row, chunk_records))
        next_row += chunk_records
    if blank:
        skipped["blank"] = skipped.get("blank", 0) + blank
    plan.n_records = next_row - 1
    return plan


def _record_ends(nl: np.ndarray, q: np.ndarray, final: bool) -> tuple[np.ndarray, bool]:
    """Record ends among a block's newlines, by the cut of :func:`raybench.read.records.split_records`.

    A newline outside double quotes ends a record. A line that leaves a quote open takes the lines after
    it up to the first one that closes it, at most :data:`~raybench.read.records.MAX_QUOTED_LINES` lines
    in all; when none of them closes it, the quote is broken: that line alone is a record (quarantined
    as ``quoting``) and the next line starts anew.

    Args:
        nl, q: positions of the block's newlines and quotes (sorted). The block starts where the
            previous one ended with an even quote count, or at the start of a record read again.
        final: no bytes follow the block (the end of the file decides an open quote).

    Returns:
        ``(ends, undecided)``: positions of the ending newlines; ``undecided`` when a quote left open
        near the block's end needs the next block's lines (the caller reads that record again with them).
    """
    before = np.searchsorted(q, nl) if q.size else np.zeros(nl.size, np.int64)
    inside = before % 2 == 1
    odd_end = q.size % 2 == 1
    if _longest_run(inside, 0) < MAX_QUOTED_LINES and not (final and odd_end):  # parity decides
        # undecided when the record after the last end has an open quote (odd now, or open at one of its
        # newlines): which line closes it, if any, needs that record's whole lines
        return nl[~inside], not final and (odd_end or bool(nl.size and inside[-1]))
    # a broken quote (or the file's end inside one): cut line by line, as split_records does
    n = nl.size
    odd = np.diff(np.concatenate(([0], before))) % 2 == 1
    tail_odd = (q.size - (int(before[-1]) if n else 0)) % 2 == 1  # quotes after the last newline
    closers = np.flatnonzero(odd).tolist()
    out: list[int] = []
    k = 0  # index into closers
    i = 0
    while i < n:
        if not odd[i]:
            out.append(i)
            i += 1
            continue
        while k < len(closers) and closers[k] <= i:
            k += 1
        j = closers[k] if k < len(closers) else n
        if j < n and j - i < MAX_QUOTED_LINES:
            out.append(j)
            i = j + 1
            continue
        if i + MAX_QUOTED_LINES <= n:  # no line within the bound closes it
            out.append(i)
            i += 1
            continue
        # the bound reaches past the block's newlines
        if not final:
            return nl[np.asarray(out, dtype=np.int64)], True
        if tail_odd and n - i < MAX_QUOTED_LINES:  # the last line, without a newline, closes it
            break
        out.append(i)
        i += 1
    else:  # every line decided: the partial line after the last newline may open a quote
        return nl[np.asarray(out, dtype=np.int64)], tail_odd and not final
    return nl[np.asarray(out, dtype=np.int64)], False


def _longest_run(inside: np.ndarray, carried: int) -> int:
    """Longest run of True in ``inside``, the first run counted with ``carried`` more."""
    if not inside.size:
        return carried
    padded = np.concatenate(([False], inside, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, stops = edges[::2], edges[1::2]
    if not starts.size:
        return carried
    lengths = stops - starts
    if starts[0] == 0:
        lengths[0] += carried
    return int(lengths.max())


def _junk_reasons(junk: JunkRules | None, block: bytes, arr, base: int, starts, ends, empty, carry,
                  encoding: str) -> dict[int, str]:
    """Junk reason by index of the records ending in this block (empty lines aside)."""
    if junk is None:
        return {}
    n = ends.size
    ls = starts - base
    le = ends - base
    cand: set[int] = set()
    if ls[0] < 0:
        cand.add(0)
    inside = np.flatnonzero(ls >= 0)
    if inside.size:
        first = arr[np.minimum(ls[inside], len(block) - 1)]
        cand.update(inside[np.isin(first, BLANK_BYTES)].tolist())
    offsets = junk.candidate_offsets(block, encoding)
    if offsets:
        idx = np.searchsorted(le, np.asarray(offsets, dtype=np.int64), side="right")
        cand.update(int(i) for i in np.unique(idx[idx < n]))
    out: dict[int, str] = {}
    for i in sorted(cand):
        if empty[i]:
            continue
        if ls[i] < 0:
            if carry is None:
                continue
            raw = carry + block[:int(le[i])]
        else:
            raw = block[int(ls[i]):int(le[i])]
        if len(raw) > MAX_JUNK_BYTES:
            continue
        text = raw.decode(encoding, errors="replace")
        if text.endswith("\n"):
            text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
        why = junk.reason(text)
        if why:
            out[i] = why
    return out
