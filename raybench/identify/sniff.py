"""Which layout a file has, decided from its first records by header rules.

A header layout matches when the file's first non-blank record, split with the layout's delimiter and
normalised (case, punctuation and spacing ignored), equals the layout's column names or one of its aliases.
A headerless layout matches when the first records all have an accepted field count and their values
match the layout's probe patterns. Exactly one match gives confidence 1.0 (header) or 0.9 (probe);
no match raises :class:`UnknownLayoutError`. The ONNX classifiers (issue 3) replace the guesswork for
respelled or missing headers; these rules stay as the exact path.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from raybench.errors import UnknownLayoutError
from raybench.layout import Layout

PROBE_RECORDS = 20
"""How many records a headerless probe checks."""


def normalize_header(name: str) -> str:
    """``'Conn. Time (UTC)'`` -> ``'conn time utc'``: lower case, punctuation to spaces, spaces collapsed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


@dataclass(frozen=True)
class Identification:
    """The layout chosen for a file.

    Attributes:
        layout: the matched layout.
        confidence: 1.0 for an exact header match, 0.9 for a headerless probe match.
        method: ``header`` or ``probe``.
    """

    layout: Layout
    confidence: float
    method: str


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
    got = tuple(normalize_header(c) for c in first)
    want = tuple(normalize_header(c) for c in layout.columns)
    return got == want or got in {tuple(normalize_header(c) for c in a) for a in layout.header_aliases}


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

    Raises:
        UnknownLayoutError: no layout matched, or several did; the message shows the first line.
    """
    matches: list[Identification] = []
    for layout in layouts:
        records = _records(text, layout, PROBE_RECORDS + 1)
        if not records:
            continue
        if layout.has_header:
            if _header_matches(layout, records[0]):
                matches.append(Identification(layout, 1.0, "header"))
        elif layout.probe and _probe_matches(layout, records):
            matches.append(Identification(layout, 0.9, "probe"))
    if len(matches) == 1:
        return matches[0]
    first_line = next((line for line in text.splitlines() if line.strip()), "")[:80]
    if not matches:
        raise UnknownLayoutError(path, f"no known layout matches the first line {first_line!r}", row=1)
    names = ", ".join(m.layout.id for m in matches)
    raise UnknownLayoutError(path, f"several layouts match ({names}); first line {first_line!r}", row=1)
