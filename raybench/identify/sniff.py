"""Which layout a file has, decided from its first records by header rules.

A header layout matches when one of the file's first :data:`MAX_BANNER_RECORDS` + 1 non-blank records,
split with one of :data:`DELIMITERS` and normalised (case, punctuation and spacing ignored), equals the
layout's column names or one of its aliases. The delimiter that splits it is the file's (recorded in
``files.dialect``; ``", "`` when every separator of the header is followed by a space). The records before
the header are banner lines; a record of SQL types right after it (Cisco CUCM) is a second header line.
Both are the file's *lead*, skipped and counted by the chunk planner (:mod:`raybench.read.junk`).
A headerless layout matches when the first records all have an accepted field count and their values
match the layout's probe patterns. Exactly one match gives confidence 1.0 (header) or 0.9 (probe);
no match raises :class:`UnknownLayoutError`. The ONNX classifiers (issue 3) replace the guesswork for
respelled or missing headers; these rules stay as the exact path.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from raybench.errors import UnknownLayoutError
from raybench.layout import Layout
from raybench.read.junk import JunkRules, is_blank, is_types_line
from raybench.read.records import split_records

PROBE_RECORDS = 20
"""How many records a headerless probe checks."""

MAX_BANNER_RECORDS = 50

MIN_PREFIX_NAMES = 8
"""Fewest of a headerless layout's own column names (the first ones, in order) that a header line added
by a logger must give for the layout to match it."""
"""Non-blank records that may come before the header line (banners)."""

DELIMITERS = (",", ";", "|", "\t")
"""Separators tried on header lines, in order."""


NORMALIZE_HEADER_CACHE = 4096
"""Header names :func:`normalize_header` keeps normalized (least recently used go first). A bound: the
service's runner lives across thousands of jobs, and every distinct name of every file it read stayed in
an unbounded (or 65,536-entry) cache (docs/service.md "Soak"); the layouts' own names are a few hundred."""


@lru_cache(maxsize=NORMALIZE_HEADER_CACHE)
def normalize_header(name: str) -> str:
    """``'Conn. Time (UTC)'`` -> ``'conn time utc'``: lower case, punctuation to spaces, spaces collapsed.

    Cached for the last :data:`NORMALIZE_HEADER_CACHE` distinct names."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


@dataclass(frozen=True)
class Identification:
    """The layout chosen for a file.

    Attributes:
        layout: the matched layout.
        confidence: 1.0 for an exact header match, 0.9 for a headerless probe match.
        method: ``header`` or ``probe``.
        lead: reasons of the file's first non-blank records, skipped before the data (``banner``...,
            ``header``, ``header_types``); empty for a headerless file.
        header: the header line's text as written; None when headerless.
        header_types: the SQL types line after the header, if any.
        banners: the banner lines before the header.
    """

    layout: Layout
    confidence: float
    method: str
    lead: tuple[str, ...] = ()
    header: str | None = None
    header_types: str | None = None
    banners: tuple[str, ...] = ()

    @property
    def header_index(self) -> int | None:
        """0-based index of the header among the file's non-blank records; None when headerless."""
        return len(self.banners) if self.header is not None else None

    def junk_rules(self) -> JunkRules:
        """The junk rules of the file (repeats of its header, types and banner lines; footers; blanks)."""
        return JunkRules(self.header, self.header_types, self.banners)


def _records(text: str, layout: Layout, limit: int) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.strip()]
    reader = csv.reader(lines, delimiter=layout.delimiter, skipinitialspace=layout.skip_initial_space)
    out: list[list[str]] = []
    try:
        for row in reader:
            out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _header_matches(layout: Layout, first: list[str]) -> bool:
    if layout.header_required:
        names = {normalize_header(c) for c in first}
        return all(normalize_header(c) in names for c in layout.header_required)
    got = tuple(normalize_header(c) for c in first)
    want = tuple(normalize_header(c) for c in layout.columns)
    if got == want or got in {tuple(normalize_header(c) for c in a) for a in layout.header_aliases}:
        return True
    # a headerless format under a header a logger wrote with the names it knows: the first of the
    # layout's own names, in order (Avaya's Delta Server: the 18 documented SMDR names over 30 fields)
    while got and not got[-1]:
        got = got[:-1]
    return (not layout.has_header and len(got) >= max(MIN_PREFIX_NAMES, len(want) // 2)
            and got == want[:len(got)])


def header_layouts(cells: list[str | None], layouts: tuple[Layout, ...]) -> list[Layout]:
    """The delimited-header layouts whose column names are ``cells`` (a spreadsheet row; trailing empty
    cells ignored), compared as :func:`normalize_header` writes them."""
    row = [c if c is not None else "" for c in cells]
    while row and not row[-1].strip():
        row.pop()
    return [layout for layout in layouts
            if layout.has_header and not layout.positions and _header_matches(layout, row)]


def header_text_layouts(words: list[str], layouts: tuple[Layout, ...]) -> list[Layout]:
    """The header layouts whose column names, written one after another, are the words of a text line
    (a PDF table header: names split into words on spaces), compared as :func:`normalize_header` writes
    them."""
    got = normalize_header(" ".join(words))
    out = []
    for layout in layouts:
        if not layout.has_header or layout.positions:
            continue
        names = (layout.columns,) + layout.header_aliases
        if any(" ".join(normalize_header(c) for c in n) == got for n in names):
            out.append(layout)
    return out


def fixed_header_matches(layout: Layout, line: str) -> bool:
    """True when ``line`` cut at the fixed-width ``layout``'s positions gives its column names (and only
    spaces between and after them)."""
    if not layout.positions or len(line.rstrip()) < layout.record_chars:
        return False
    cut = [line[a:b].strip() for a, b in layout.positions]
    if tuple(normalize_header(c) for c in cut) != tuple(normalize_header(c) for c in layout.columns):
        return False
    rest = list(line)
    for a, b in layout.positions:
        rest[a:b] = [" "] * (min(b, len(rest)) - a) if a < len(rest) else []
    return not "".join(rest).strip()


def _fixed_probe_matches(layout: Layout, lines: list[str]) -> bool:
    sample = lines[:PROBE_RECORDS]
    if not sample:
        return False
    for line in sample:
        if len(line.rstrip("\r")) < layout.record_chars:
            return False
        for index, pattern in layout.probe.items():
            a, b = layout.positions[index]
            if not re.fullmatch(pattern, line[a:b].strip()):
                return False
    return True


def _split(record: str, delimiter: str) -> list[str] | None:
    try:
        rows = list(csv.reader([record], delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _find_header(layout: Layout, records: list[str]) -> tuple[int, str, bool, list[str]] | None:
    """``(index, delimiter, skip_initial_space, fields)`` of the first record that is ``layout``'s header."""
    for index, record in enumerate(records[:MAX_BANNER_RECORDS + 1]):
        for delimiter in DELIMITERS:
            if delimiter not in record and len(layout.columns) > 1:
                continue
            fields = _split(record, delimiter)
            if fields is not None and _header_matches(layout, fields):
                n = record.count(delimiter)
                return index, delimiter, n > 0 and record.count(delimiter + " ") == n, fields
    return None


def file_columns(fields: list[str]) -> tuple[str, ...]:
    """A header's names as column names: stripped, blanks named ``column_<n>`` (1-based), repeats
    suffixed ``_<k>``, so every column has one name."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(fields, 1):
        name = name.strip() or f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return tuple(out)


def _header_identification(layout: Layout, lines: list[str]) -> tuple[int, Identification] | None:
    """The header match of a layout (its own header, an alias, or its required columns)."""
    hit = _find_header(layout, lines)
    if hit is None:
        return None
    index, delimiter, skip, fields = hit
    changes: dict = {}
    if (delimiter, skip) != (layout.delimiter, layout.skip_initial_space):
        changes.update(delimiter=delimiter, skip_initial_space=skip)
    if layout.header_required:  # the file's own header names the columns (their set varies by release)
        columns = file_columns(fields)
        changes.update(columns=columns, field_counts=(len(columns),))
    if not layout.has_header:  # a headerless format with a header a logger or a tool added
        changes.update(has_header=True)
    if changes:
        layout = replace(layout, **changes)
    after = lines[index + 1] if index + 1 < len(lines) else None
    types = after if after is not None and is_types_line(after, delimiter) else None
    lead = ("banner",) * index + ("header",) + (("header_types",) if types else ())
    return index, Identification(layout, 1.0, "header", lead, lines[index], types, tuple(lines[:index]))


def _probe_matches(layout: Layout, records: list[list[str]]) -> bool:
    if not records:
        return False
    sample = records[:-1] if len(records) > 1 else records  # the last sample line may be cut short
    for row in sample:
        if len(row) not in layout.accepted_field_counts:
            return False
        for index, pattern in layout.probe.items():
            if index >= len(row) or not re.fullmatch(pattern, row[index].strip()):
                return False
    return True


def identify_text(text: str, layouts: tuple[Layout, ...], path: str = "<text>") -> Identification:
    """Identify the layout of a file from the decoded text of its first bytes.

    Args:
        text: decoded start of the file (BOM removed), e.g. the first 64 KiB.
        layouts: candidate layouts.
        path: the file, for the error message.

    Returns:
        The layout (with the sniffed delimiter), how it was found, and the file's lead (banners,
        header, types line). When layouts match at different lines, the earliest header wins.

    Raises:
        UnknownLayoutError: no layout matched, or several did; the message shows the first line.
    """
    lines = [r for r in split_records(text) if not is_blank(r)][:MAX_BANNER_RECORDS + 2]
    found: list[tuple[int, Identification]] = []
    for layout in layouts:
        if layout.positions:  # fixed-width text: a header cut at the positions, or a probe on the cuts
            if layout.has_header:
                index = next((i for i, line in enumerate(lines[:MAX_BANNER_RECORDS + 1])
                              if fixed_header_matches(layout, line)), None)
                if index is not None:
                    found.append((index, Identification(layout, 1.0, "header", ("banner",) * index + ("header",),
                                                        lines[index], None, tuple(lines[:index]))))
            elif layout.probe and _fixed_probe_matches(layout, lines):
                found.append((0, Identification(layout, 0.9, "probe")))
            continue
        if layout.has_header or layout.header_aliases:
            hit = _header_identification(layout, lines)
            if hit is not None:
                found.append(hit)
                continue
        if not layout.has_header:
            records = _records(text, layout, PROBE_RECORDS + 1)
            if records and layout.probe and _probe_matches(layout, records):
                found.append((0, Identification(layout, 0.9, "probe")))
    first = min((index for index, _ in found), default=0)
    matches = [ident for index, ident in found if index == first]
    if len(matches) == 1:
        return matches[0]
    first_line = next((line for line in text.splitlines() if line.strip()), "")[:80]
    if not matches:
        raise UnknownLayoutError(path, f"no known layout matches the first line {first_line!r}", row=1)
    names = ", ".join(m.layout.id for m in matches)
    raise UnknownLayoutError(path, f"several layouts match ({names}); first line {first_line!r}", row=1)
