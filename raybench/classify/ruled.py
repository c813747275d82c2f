"""Fixed-width reports whose header is underlined by a rule of dashes, read without a layout of their own.

Switch and old telco "call detail reports" (../shared/reference/carrier-formats.md 1.9: the
``detail.rpt`` layout, fixed columns, the date in 6 characters, ``HH:MM``, minutes:seconds, NPA / NXX /
line as separate fields) print their column names over a line of dash groups, one group per column::

    DATE   TIME   DURATION  ORIG NUMBER  NPA NXX LINE  TY
    ------ ----- --------  -----------  --- --- ----  --
    121523 17:49    14:01  2065550152   415 555 0110  DD

The groups give the column positions exactly, whatever the report: a column runs from its group's first
dash to the next group (the last to the end of the line), so right-aligned values that start before the
dashes are still cut whole. The names cut from the header line at those positions go to the column
models like a delimited file's header (:func:`ruled_sample` builds that sample), and the three parts of
a North American number printed as ``NPA``, ``NXX`` and ``LINE`` columns are one column (the number is
never stored as its area code alone). The dash rule is the header's second line (``header_types`` in
``lines_skipped``); its repeats at page breaks are junk like the header's.
"""

from __future__ import annotations

import re

from raybench.classify.sample import FileSample, nonblank_records

RULE = re.compile(r"^[ \t]*-{2,}(?:[ \t]+-{1,})+[ \t]*$")
"""A rule line: two or more dash groups separated by spaces (the first at least two dashes)."""

MIN_COLUMNS = 3
"""Fewest dash groups a rule must have."""

MAX_LEAD = 12
"""Non-blank lines before the header that may be the report's banner."""

NANP_PARTS = ("npa", "nxx", "line")
"""Column names of the three parts of a North American number (NANP: area code, exchange, line)."""


def rule_columns(rule: str) -> tuple[tuple[int, int], ...]:
    """Column positions from a rule line: ``(start, end)`` character offsets, each from a group's first
    dash to the next group's first dash (the last to a large bound)."""
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    ends = starts[1:] + [max(len(rule), starts[-1] + 1) + 4096]
    return tuple(zip(starts, ends))


def _merge_nanp(names: list[str], spans: list[tuple[int, int]]) -> tuple[list[str], list[tuple[int, int]]]:
    low = [n.lower() for n in names]
    for i in range(len(low) - 2):
        if tuple(low[i:i + 3]) == NANP_PARTS:
            merged = " ".join(names[i:i + 3])
            return (names[:i] + [merged] + names[i + 3:],
                    spans[:i] + [(spans[i][0], spans[i + 2][1])] + spans[i + 3:])
    return names, spans


def find_rule(records: list[str]) -> tuple[int, tuple[str, ...], tuple[tuple[int, int], ...]] | None:
    """The header under which a rule of dashes stands, among a file's first non-blank records.

    Returns:
        ``(header index, column names, positions)`` or None when no rule follows a header line, or the
        header's names do not fill the rule's columns.
    """
    for i in range(1, min(len(records), MAX_LEAD + 2)):
        line = records[i].rstrip("\r")
        if not RULE.match(line):
            continue
        header = records[i - 1].rstrip("\r")
        spans = list(rule_columns(line))
        if len(spans) < MIN_COLUMNS:
            return None
        names = [header[a:b].strip() for a, b in spans]
        if not all(names) or len(set(n.lower() for n in names)) != len(names):
            return None
        names, spans = _merge_nanp(names, spans)
        return i - 1, tuple(names), tuple(spans)
    return None


def ruled_sample(text: str, max_records: int = 200) -> tuple[FileSample, tuple[tuple[int, int], ...]] | None:
    """A :class:`FileSample` of a ruled fixed-width report, its fields cut at the rule's positions.

    Args:
        text: the decoded start of the file.
        max_records: data records to keep in the sample.

    Returns:
        ``(sample, positions)``; None when the text is not a ruled report. The sample's ``delimiter`` is
        the empty string (there is none), its ``header_types`` the rule line.
    """
    records = nonblank_records(text)
    found = find_rule(records)
    if found is None:
        return None
    index, names, spans = found
    rule = records[index + 1].rstrip("\r")
    header = records[index].rstrip("\r")
    rows = []
    for line in records[index + 2:]:
        line = line.rstrip("\r")
        if line == header or line == rule or len(line) < spans[-1][0] + 1:
            continue
        rows.append(tuple(line[a:b].strip() for a, b in spans))
        if len(rows) >= max_records:
            break
    if len(rows) < 2:
        return None
    sample = FileSample(text, "", False, tuple(r.rstrip("\r") for r in records[:index]), names, rule,
                        tuple(rows), len(names))
    return sample, spans


STATION_WORDS = ("stn", "sta", "station", "ext", "extn", "extension")
"""Column names of a phone system's station (the extension a row is about)."""

CLASS_WORDS = ("ty", "type", "cc", "class", "dir", "direction", "call type", "in/out")
"""Column names of a station report's call class (OUT / IN / IC)."""


def station_mapping(names: tuple[str, ...], mapping: dict[str, str]) -> dict[str, str] | None:
    """A report by extension read as the station layout (``station_fixed_detail``): the station column is
    the subscriber, the number the column models took for a party is the other party, a call-class column
    gives the direction. None when no column is named as a station (:data:`STATION_WORDS`) or no party
    column is left.

    Args:
        names: the report's column names.
        mapping: column -> field, as the models and exact names gave it for the switch report layout.
    """
    low = {n: " ".join(n.lower().replace(".", " ").split()) for n in names}
    station = next((n for n in names if low[n] in STATION_WORDS), None)
    if station is None:
        return None
    party = next((n for n in names if n != station and mapping.get(n) in ("caller", "callee", "dialed")), None)
    if party is None:
        return None
    out = {n: ("ignore" if f in ("caller", "callee", "dialed", "record_type", "direction") else f)
           for n, f in mapping.items()}
    out[station], out[party] = "subscriber", "partner"
    kind = next((n for n in names if low[n] in CLASS_WORDS and n not in (station, party)), None)
    if kind is not None:
        out[kind] = "record_type"  # the station layout reads record type and direction from it
    return out
