"""Text tables aligned by spaces, with no delimiter and no rule of dash groups: where their columns are.

Gateway logs and report printouts (../shared/reference/carrier-formats.md 1.9: 2N GSM gateways write
"whitespace-separated columns ``Date Time Type Cause From/to Groups conn. durat.``"; old telco detail
reports print fixed columns under a header, sometimes over a solid rule of dashes) line their values up
under a header of names. The columns are the character positions that hold a value on some data line,
separated by positions that are blank on (nearly) every data line: right-aligned numbers, values with a
space inside (``20:07:00`` after a date, ``NEW YORK NY``) and a value missing on one line are all cut
whole. Each header word names the column it stands over; a run with no word over it belongs to the
column on its left (a place name's second word). The three parts of a North American number printed as
``NPA``, ``NXX`` and ``LINE`` are one column (:func:`raybench.classify.ruled.find_rule` does the same).

:func:`aligned_sample` builds the :class:`~raybench.classify.sample.FileSample` the column mapper reads
(:mod:`raybench.classify.generic`) and the positions the fixed-width reader cuts at.

A table with no header at all (a PBX's CDR link or SMDR port streams one fixed-column line per call:
Avaya Communication Manager's customized CDR, Mitel SMDR) is found the same way from its data lines alone
(:func:`find_headerless`): at most :data:`MAX_LEAD` banner lines (a capture program's title) above lines
that all look like data and share their blank positions. Its columns are named ``col1..colN`` and mapped
by their values only, so every field has a value-only confidence and what the values cannot decide (which
party is the A-number) is flagged.
"""

from __future__ import annotations

import re

from raybench.classify.ruled import _merge_nanp
from raybench.classify.sample import FileSample, nonblank_records
from raybench.read.junk import JunkRules

MIN_COLUMNS = 3
"""Fewest columns an aligned table must have."""

MIN_DATA_LINES = 3
"""Fewest data lines the positions are read from."""

GAP_SHARE = 0.05
"""A position is a gap between columns when at most this share of the data lines has a character there
(a footer or a stray long value does not merge two columns)."""

MAX_LEAD = 12
"""Non-blank lines before the header that may be the report's banner."""

NOISE_SHARE = 0.2
"""Where a header word begins inside one run of data positions, the blank before it is still the gap
between two columns when at most this share of the data lines has a character there (line noise on a
serial capture overwrote a few lines' blanks: NEC SMDR ``DATE START``)."""

SOLID_RULE = re.compile(r"^[ \t]*[-=_]{10,}[ \t]*$")
"""A solid rule line under the header (or closing the table)."""

_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")


def _digit_share(line: str) -> float:
    tokens = line.split()
    return sum(1 for t in tokens if _DIGIT.search(t)) / max(1, len(tokens))


def is_data_line(line: str) -> bool:
    """A line that can be a row of a call table: at least three tokens, at least a third of them with a
    digit, not a rule."""
    return len(line.split()) >= 3 and _digit_share(line) >= 0.34 and not SOLID_RULE.match(line)


def _filled(lines: list[str]) -> list[int]:
    """How many of ``lines`` hold a character at each position."""
    counts = [0] * max(len(x) for x in lines)
    for line in lines:
        for i, ch in enumerate(line):
            if not ch.isspace():
                counts[i] += 1
    return counts


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def noisy(line: str) -> bool:
    """A line holding a control character (DEL, C0 other than tab and line ends): line noise on a serial
    capture garbled it. It is read like any line (and fails where it is garbled), but never sampled to
    find the columns or profile their values."""
    return bool(_CONTROL.search(line))


def column_runs(lines: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of positions holding a character on more than :data:`GAP_SHARE` of
    ``lines`` (end exclusive)."""
    counts = _filled(lines)
    limit = GAP_SHARE * len(lines)
    runs, start = [], None
    for i, n in enumerate(counts + [0]):
        if n > limit and start is None:
            start = i
        elif n <= limit and start is not None:
            runs.append((start, i))
            start = None
    return runs


def split_at_header(header: str, runs: list[tuple[int, int]], lines: list[str]) -> list[tuple[int, int]]:
    """``runs`` cut where a header word begins inside one of them and the position before it is blank on
    all but :data:`NOISE_SHARE` of the data ``lines`` (a few lines' blanks overwritten by noise), the
    word's position holding a character on most of them: two columns, not one."""
    counts = _filled(lines)
    out = []
    for a, b in runs:
        cuts = [m.start() for m in _TOKEN.finditer(header) if a + 1 < m.start() < b and m.start() < len(counts)
                and counts[m.start() - 1] <= NOISE_SHARE * len(lines) and counts[m.start()] > len(lines) / 2]
        for s in cuts:
            out.append((a, s - 1))
            a = s
        out.append((a, b))
    return out


def trailing_columns(header: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``runs`` with a run for each header word past the last one that stands two or more blanks after the
    word before it: a column that is empty on (nearly) every data line (an SMDR ``ACCOUNT`` code), not a
    second word of the last column's name (``Ext No`` is one name)."""
    if not runs:
        return runs
    words = list(_TOKEN.finditer(header))
    out = list(runs)
    for k, m in enumerate(words):
        if k and m.start() > out[-1][1] and m.start() - words[k - 1].end() >= 2:
            out.append((m.start(), m.end()))
    return out


def _name_runs(header: str, runs: list[tuple[int, int]]) -> tuple[list[str], list[tuple[int, int]]] | None:
    """The header's words over the runs: runs under one word are one column, a run with no word over it
    joins the column on its left; None when a word lies over no run or the first run has no word."""
    words = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(header)]
    owner: list[int | None] = []
    for a, b in runs:
        over = [k for k, (s, e, _) in enumerate(words) if s < b and e > a]
        owner.append(over[0] if over else None)
    for k, (s, e, _) in enumerate(words):
        if not any(s < b and e > a for a, b in runs):  # a word over a gap: the nearest run's
            j = min(range(len(runs)), key=lambda j: min(abs(runs[j][0] - e), abs(runs[j][1] - s)))
            if owner[j] is None:
                owner[j] = k
    if owner[0] is None:
        return None
    columns: list[tuple[list[int], int, int]] = []  # (word indexes, start, end)
    for (a, b), k in zip(runs, owner):
        if columns and (k is None or k in columns[-1][0]):
            ks, s, _ = columns[-1]
            columns[-1] = (ks if k is None or k in ks else ks + [k], s, b)
        else:
            columns.append(([k] if k is not None else [], a, b))
    # words over no run of their own that sit between two columns' words go with the column before
    named = {k for ks, _, _ in columns for k in ks}
    for k in range(len(words)):
        if k not in named:
            j = max((i for i, (ks, _, _) in enumerate(columns) if ks and min(ks) < k), default=0)
            columns[j] = (sorted(columns[j][0] + [k]), columns[j][1], columns[j][2])
    names = [" ".join(words[k][2] for k in sorted(ks)) for ks, _, _ in columns]
    return names, [(s, e) for _, s, e in columns]


def find_aligned(records: list[str], titles: frozenset[int] = frozenset()
                 ) -> tuple[int, bool, tuple[str, ...], tuple[tuple[int, int], ...]] | None:
    """The header of an aligned table among a file's first non-blank records.

    ``titles``: indexes of records a blank line follows (a report's title, a capture program's banner
    ``SMDR CAPTURE  PBX-MAIN  PERIOD 10/2024``): never the header, which stands right above its data.

    Returns:
        ``(header index, a solid rule follows it, column names, positions)``; positions run from a
        column's first character to the next column's (the last to a large bound). None when no line
        with few digits is followed by aligned data lines of at least :data:`MIN_COLUMNS` columns.
    """
    lines = [r.rstrip("\r\n") for r in records]
    for h in range(min(len(lines) - MIN_DATA_LINES, MAX_LEAD + 1)):
        header = lines[h]
        if h in titles or "\t" in header or len(header.split()) < MIN_COLUMNS or _digit_share(header) > 0.2:
            continue
        k = h + 1
        rule = bool(SOLID_RULE.match(lines[k]))
        k += rule
        if k >= len(lines) or not is_data_line(lines[k]):
            continue
        body = lines[k:-1] if len(lines) - k > MIN_DATA_LINES else lines[k:]  # the last may be cut short
        data = [x for x in body if is_data_line(x) and "\t" not in x and not noisy(x)]
        if len(data) < MIN_DATA_LINES:
            continue
        runs = trailing_columns(header, split_at_header(header, column_runs(data), data))
        if len(runs) < MIN_COLUMNS:
            continue
        named = _name_runs(header, runs)
        if named is None:
            continue
        names, spans = named
        names, spans = _merge_nanp(names, spans)
        if len(names) < MIN_COLUMNS or len({n.lower() for n in names}) != len(names):
            continue
        starts = [s for s, _ in spans]
        positions = tuple(zip(starts, starts[1:] + [max(len(x) for x in data) + 4096]))
        return h, rule, tuple(names), positions
    return None


HEADERLESS_DATA_SHARE = 0.9
"""Share of the lines after the banner that must look like data for a headerless table."""

HEADERLESS_MIN_LINES = 5
"""Fewest data lines a headerless table's positions are read from (more than a headed table's: no
header confirms them)."""


def find_headerless(records: list[str]) -> tuple[int, tuple[str, ...], tuple[tuple[int, int], ...]] | None:
    """A space-aligned table with no header among a file's first non-blank records.

    Returns:
        ``(index of the first data line, column names col1..colN, positions)``; None when fewer than
        :data:`HEADERLESS_MIN_LINES` lines follow the banner, fewer than :data:`HEADERLESS_DATA_SHARE` of
        them look like data (:func:`is_data_line`), or they hold fewer than :data:`MIN_COLUMNS` columns.
    """
    lines = [r.rstrip("\r\n") for r in records]
    first = next((i for i, x in enumerate(lines[:MAX_LEAD + 1]) if is_data_line(x) and "\t" not in x), None)
    if first is None:
        return None
    body = lines[first:-1] if len(lines) - first > HEADERLESS_MIN_LINES else lines[first:]
    data = [x for x in body if is_data_line(x) and "\t" not in x]
    if len(data) < HEADERLESS_MIN_LINES or len(data) < HEADERLESS_DATA_SHARE * len(body):
        return None
    runs = column_runs(data)
    if len(runs) < MIN_COLUMNS:
        return None
    starts = [a for a, _ in runs]
    positions = tuple(zip(starts, starts[1:] + [max(len(x) for x in data) + 4096]))
    return first, tuple(f"col{i + 1}" for i in range(len(runs))), positions


ENDS_INSIDE_SHARE = 0.5
"""Share of a table's data lines reaching a column that must end inside it for the lines to be trimmed
there (:func:`share_ending_inside`)."""


def share_ending_inside(text: str, span: tuple[int, int]) -> float:
    """Of the data lines of ``text`` (:func:`is_data_line`) that reach into the column at ``span``
    (``(start, end)``), the share that end inside it once their trailing blanks are cut: near 1 where the
    lines are trimmed after that column's values (an SMDR capture's dialed digits before an empty account
    column), near 0 where every line runs on past it."""
    a, b = span
    reach = [len(x.rstrip()) for x in text.splitlines() if is_data_line(x) and len(x.rstrip()) > a]
    return sum(1 for n in reach if n < b) / len(reach) if reach else 0.0


def _titles(text: str, records: list[str]) -> frozenset[int]:
    """Indexes of the first :data:`MAX_LEAD` + 1 ``records`` that a blank line follows in ``text``."""
    lines = text.splitlines()
    out, at = set(), 0
    for k, record in enumerate(records[:MAX_LEAD + 1]):
        first = record.splitlines()[0] if record else ""
        while at < len(lines) and lines[at].rstrip("\r") != first.rstrip("\r"):
            at += 1
        if at + 1 < len(lines) and not lines[at + 1].strip():
            out.add(k)
        at += 1
    return frozenset(out)


def aligned_sample(text: str, max_records: int = 200) -> tuple[FileSample, tuple[tuple[int, int], ...]] | None:
    """A :class:`FileSample` of a space-aligned table, its fields cut at the found positions.

    Args:
        text: the decoded start of the file.
        max_records: data records to keep in the sample.

    Returns:
        ``(sample, positions)``; None when the text is not an aligned table. The sample's delimiter is
        the empty string, its ``header_types`` the solid rule under the header (skipped like CUCM's types
        line), its rows only the lines that look like data (footers and rules left out); a headerless
        table's sample has ``header`` None and its banner lines as ``banners``.
    """
    records = nonblank_records(text)
    found = find_aligned(records, _titles(text, records))
    if found is None:
        headerless = find_headerless(records)
        if headerless is None:
            return None
        index, names, positions = headerless
        header, rule, rule_line, first_data = None, False, None, index
    else:
        index, rule, names, positions = found
        header = records[index].rstrip("\r\n")
        rule_line = records[index + 1].rstrip("\r\n") if rule else None
        first_data = index + 1 + rule
    rows = []
    junk = JunkRules(header, None, tuple(r.rstrip("\r\n") for r in records[:index]))
    for line in records[first_data:]:
        line = line.rstrip("\r\n")
        if junk.reason(line) is not None:  # the banner again on a later page (PAGE 2), a footer: not a row
            continue
        # a line whose trailing blanks were trimmed (empty last columns) is a row if it reaches past the
        # middle of the table: its missing columns are empty
        if (line == header or not is_data_line(line) or len(line) <= positions[len(positions) // 2][0]
                or noisy(line)):
            continue
        rows.append(tuple(line[a:b].strip() for a, b in positions))
        if len(rows) >= max_records:
            break
    if len(rows) < MIN_DATA_LINES:
        return None
    sample = FileSample(text, "", False, tuple(r.rstrip("\r\n") for r in records[:index]),
                        names if header is not None else None, rule_line, tuple(rows), len(names))
    return sample, positions
