"""The start of a file as the classifiers see it: decoded text, delimiter, banners, header, records.

No layout is assumed. The delimiter is the candidate that splits the first records into the most
consistent number of fields (more than one); leading records with another field count are banners;
the first record with the usual count is a header when it has clearly fewer digits than the record
after it. A line of SQL types right after the header (Cisco CUCM) is skipped like the rules do.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from dataclasses import dataclass

from raybench.identify.encoding import detect_encoding
from raybench.read.junk import is_blank, is_types_line
from raybench.read.records import split_records

SAMPLE_CHARS = 4096
"""Characters of decoded text the classifiers look at (the "first kilobytes")."""

MAX_RECORDS = 40
"""Records parsed from the sample."""

CANDIDATE_DELIMITERS = (",", ";", "|", "\t")

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class FileSample:
    """What the start of a file looks like.

    Attributes:
        text: decoded text (at most :data:`SAMPLE_CHARS` characters, BOM removed).
        delimiter: the sniffed field separator.
        skip_initial_space: every separator is followed by a space (``", "``).
        banners: records before the header (or before the data when headerless).
        header: the header's fields, or None when the file has no header line.
        header_types: the SQL types line after the header, if any.
        rows: the data records' fields (up to :data:`MAX_RECORDS`; the last may be cut short).
        width: the usual number of fields per record.
        group_row: the record text of a group row above the header (a two-row header: ``Call,,From,,To``
            over ``Date/Time,Direction,Name,Number,Name,Number``), or None; the header's names then carry
            their group (:func:`two_row_header`).
    """

    text: str
    delimiter: str
    skip_initial_space: bool
    banners: tuple[str, ...]
    header: tuple[str, ...] | None
    header_types: str | None
    rows: tuple[tuple[str, ...], ...]
    width: int
    group_row: str | None = None

    @property
    def header_line(self) -> str | None:
        """The header record's text as written (for the junk rules), or None."""
        if self.header is None:
            return None
        return nonblank_records(self.text)[len(self.banners) + (1 if self.group_row is not None else 0)]

    def column(self, index: int) -> list[str]:
        """Values of column ``index`` in the sample's data records (missing fields are empty)."""
        return [r[index] if index < len(r) else "" for r in self.rows]


def decode_sample(data: bytes) -> str:
    """Decode a file's first bytes like identification does (BOM, UTF-8, charset-normalizer, cp1252).

    Args:
        data: the file's first bytes (e.g. 64 KiB).

    Returns:
        At most :data:`SAMPLE_CHARS` characters, BOM removed, bare CR line ends turned into LF.
    """
    encoding = detect_encoding(data)
    decoder = codecs.getincrementaldecoder(encoding.name)(errors="replace")
    text = decoder.decode(data[encoding.bom_bytes:encoding.bom_bytes + 4 * SAMPLE_CHARS + 4], final=False)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    return text[:SAMPLE_CHARS]


def nonblank_records(text: str) -> list[str]:
    """The first records of ``text`` (newline outside quotes ends one), blank ones left out."""
    return [r for r in split_records(text) if not is_blank(r)][:MAX_RECORDS + 8]


def _split(record: str, delimiter: str, skip: bool) -> tuple[str, ...]:
    try:
        rows = list(csv.reader([record], delimiter=delimiter, skipinitialspace=skip))
    except csv.Error:
        return (record,)
    return tuple(rows[0]) if len(rows) == 1 else (record,)


def two_row_header(group: list[str], names: list[str], data: list[str]) -> tuple[str, ...] | None:
    """The header of a table whose column names sit under a row of groups (a hosted PBX's Excel report:
    ``Call,,From,,To,,Duration,,Result`` over ``Date/Time,Direction,Name,Number,Name,Number,Ring,Talk,
    Result``), or None when ``group`` is not such a row.

    A group row has no digits, at least two groups, and empty cells after some of them (a group spans
    the cells to the next one); the names row fills at least 90 % of the width with few digits, under
    every group; the row after it is data (clearly more digits). Each name is written with its group
    after it, ``Number (From)``, unless the two are the same: the name says the field, the group whose.
    """
    width = len(names)
    filled = [bool(g.strip()) for g in group]
    if (width < 3 or len(group) > width or sum(filled) < 2 or sum(filled) >= width or _digit_share(tuple(group))
            or sum(1 for n in names if n.strip()) < 0.9 * width or _digit_share(tuple(names)) > 0.1
            or _digit_share(tuple(data)) < _digit_share(tuple(names)) + 0.2 or not filled[0]):
        return None
    if any(f and not names[j].strip() for j, f in enumerate(filled)):
        return None
    out, current = [], ""
    for j, name in enumerate(names):
        if j < len(group) and group[j].strip():
            current = group[j].strip()
        name = name.strip()
        out.append(name if not current or current.lower() == name.lower() else f"{name} ({current})")
    return tuple(out)


def _digit_share(fields: tuple[str, ...]) -> float:
    return sum(1 for f in fields if _DIGIT.search(f)) / max(1, len(fields))


PREAMBLE_LOOKAHEAD = 5
"""Leading records searched for a header below a sparse preamble (:func:`_past_sparse_preamble`)."""


def _past_sparse_preamble(split: list[list[str]], start: int, width: int) -> int:
    """The first record of the table when sparse preamble lines (a bill's title and period written over a
    few fields, ``Rechnungsmonat 07/2024; Gespraeche und SMS;;;;;``) stand above a full header.

    A record at ``start`` that fills at most a third of the usual width is preamble when one of the next
    :data:`PREAMBLE_LOOKAHEAD` records fills every field with few digits (a header) and the record after
    that has clearly more digits (data): the table begins at that header. Otherwise ``start`` is kept
    (a sparse record with no header below it is a data row with fields missing)."""
    if width < 4 or start >= len(split):
        return start

    def filled(f: list[str]) -> int:
        return sum(1 for x in f if x.strip())

    if filled(split[start]) > width // 3:
        return start
    for j in range(start + 1, min(len(split) - 1, start + 1 + PREAMBLE_LOOKAHEAD)):
        head, data = split[j], split[j + 1]
        if len(head) == width and filled(head) == width and _digit_share(tuple(head)) <= 0.34 \
                and _digit_share(tuple(data)) >= _digit_share(tuple(head)) + 0.2:
            if all(filled(f) <= width // 3 for f in split[start:j]):
                return j
            return start
    return start


def sample_text(text: str) -> FileSample:
    """Split decoded text into banners, header and records.

    Args:
        text: decoded start of a file (see :func:`decode_sample`).

    Returns:
        The sample; a single-column file has ``width`` 1 and delimiter ``,``.
    """
    text = text[:SAMPLE_CHARS]
    records = nonblank_records(text)
    complete = records[:-1] if len(records) > 2 else records  # the last one may be cut by the sample
    best = (-1.0, ",", False, 1)
    for delimiter in CANDIDATE_DELIMITERS:
        counts = [len(_split(r, delimiter, True)) for r in complete]
        if not counts:
            break
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = hits / len(counts) + min(width, 40) / 1000
        if score > best[0]:
            n = sum(r.count(delimiter) for r in complete)
            skip = delimiter == "," and n > 0 and sum(r.count(", ") for r in complete) == n
            best = (score, delimiter, skip, width)
    _, delimiter, skip, width = best
    split = [_split(r, delimiter, skip) for r in records]
    # banners are the leading records that do not look like a row of the table: at most half its width in
    # fields, or one value padded with delimiters (``AT&T Mobility - Usage Detail,,,,,,``). A leading
    # record of nearly the usual width is a row (a data row with a field missing, a header of fewer names),
    # never a banner: taking it for one would drop it from the count.
    def banner_like(f: list[str]) -> bool:
        return len(f) <= max(1, width // 2) or sum(1 for x in f if x.strip()) <= 1

    start = next((i for i, f in enumerate(split) if not banner_like(f)), 0)
    start = _past_sparse_preamble(split, start, width)
    banners = tuple(records[:start])
    header: tuple[str, ...] | None = None
    header_types = None
    body = split[start:]
    if len(body) >= 3 and not is_types_line(records[start + 1], delimiter):
        merged = two_row_header(body[0], body[1], body[2])
        if merged is not None:
            rows = tuple(tuple(f.strip() for f in r) for r in body[2:2 + MAX_RECORDS])
            return FileSample(text, delimiter, skip, banners, merged, None, rows, width, records[start])
    if len(body) >= 2:
        first, second = body[0], body[1]
        types_next = is_types_line(records[start + 1], delimiter)
        if types_next or (_digit_share(first) <= 0.34 and _digit_share(second) >= _digit_share(first) + 0.2):
            header = tuple(f.strip() for f in first)
            body = body[1:]
            if types_next:
                header_types = records[start + 1]
                body = body[1:]
    rows = tuple(tuple(f.strip() for f in r) for r in body[:MAX_RECORDS])
    return FileSample(text, delimiter, skip, banners, header, header_types, rows, width)
