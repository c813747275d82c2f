"""Attribute blocks (FreeRADIUS ``detail`` files: one accounting record per block of ``Attribute = value``
lines under the time the server logged it, blocks separated by blank lines), written as a table the
delimited path reads.

A block begins at a line that is not indented (its first column ``Record-Time``: ``Tue Jul 16 13:24:58
2024``); each indented ``Name = value`` line below it is a cell of column ``Name`` (the columns the union
of every block's names in the order first seen). A quoted value is unquoted; a Cisco vendor attribute
that repeats its name inside the value (``h323-setup-time = "h323-setup-time=13:10:22.036 UTC ..."``) is
read without the repeat. A block holding a line of neither form is written as a one-cell row of its text
(quarantined ``field_count``, nothing lost). One row per block, in order: records are numbered as the
blocks.
"""

from __future__ import annotations

import csv
import re

_ATTRIBUTE = re.compile(r"^[ \t]+([A-Za-z][\w.:-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
SNIFF_BYTES = 8192
TIME_COLUMN = "Record-Time"
"""The column of each block's first line (the time the server wrote the record)."""


def is_attribute_blocks(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) begins with an unindented line followed by at least three
    indented ``Name = value`` lines."""
    lines = [ln for ln in head[:SNIFF_BYTES].decode("utf-8", errors="replace").splitlines() if ln.strip()]
    if len(lines) < 4 or lines[0][:1].isspace() or "=" in lines[0]:
        return False
    return all(_ATTRIBUTE.match(ln) for ln in lines[1:4])


def _value(name: str, raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    prefix = f"{name}="
    return raw.removeprefix(prefix)


def write_table(path: str, out: str) -> tuple[int, int]:
    """Write the blocks of ``path`` (UTF-8) as the CSV ``out`` (see the module docstring).

    Returns:
        ``(blocks, blocks not read)``.

    Raises:
        UnicodeDecodeError: the file is not UTF-8.
    """
    blocks: list[list[str]] = []
    with open(path, encoding="utf-8") as f:
        current: list[str] | None = None
        for line in f:
            text = line.rstrip("\r\n")
            if not text.strip():
                current = None
                continue
            if current is None or not text[:1].isspace():
                current = [text]
                blocks.append(current)
            else:
                current.append(text)
    columns: dict[str, None] = {TIME_COLUMN: None}
    rows: list[dict[str, str] | str] = []
    for block in blocks:
        cells = {TIME_COLUMN: block[0].strip()}
        for text in block[1:]:
            m = _ATTRIBUTE.match(text)
            if m is None:
                cells = {}
                break
            cells[m.group(1)] = _value(m.group(1), m.group(2))
        if not cells or block[0][:1].isspace():
            rows.append(" / ".join(t.strip() for t in block))
            continue
        columns.update(dict.fromkeys(cells))
        rows.append(cells)
    names = list(columns)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([row] if isinstance(row, str) else [row.get(n, "") for n in names])
    return len(rows), sum(1 for r in rows if isinstance(r, str))
