"""JSON Lines (one JSON object per line: Amazon Connect contact trace records, web APIs' exports, log
shippers), flattened into a table the delimited path reads.

Each line is parsed with the standard library's :mod:`json`; a nested object's members become columns
named by their path (``CustomerEndpoint.Address``), a list (or a boolean) stays as its JSON text, ``null`` is an empty cell. The
columns are the union of every record's members in the order first seen. The table is written as a
comma-separated file (a header, then one row per line of the source, in order), so its rows are the
source's lines and its records are numbered as they are. A non-blank line that is not a JSON object is
written as a one-cell row holding the line (quarantined ``field_count`` with its text, nothing lost); a
blank line is written blank (counted ``blank``).
"""

from __future__ import annotations

import csv
import json

SNIFF_LINES = 5
"""Non-blank lines looked at to decide whether a file is JSON Lines (:func:`is_json_lines`)."""

SNIFF_BYTES = 1 << 16


def _flatten(obj: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif value is None:
            continue  # null: an empty cell (no column of its own: the member may be an object elsewhere)
        elif isinstance(value, (list, bool)):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = str(value)
    return out


def is_json_lines(path: str) -> bool:
    """True when the first non-blank line of ``path`` and most of its first :data:`SNIFF_LINES` (in its
    first 64 KiB, UTF-8) are each one JSON object (a broken record among them is the reader's to
    quarantine); False for anything else (a CSV, a JSON array, binary)."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return False
    text = head.decode("utf-8-sig", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(head) == SNIFF_BYTES and lines:
        lines = lines[:-1]  # the last may be cut
    if not lines or not lines[0].lstrip().startswith("{"):
        return False

    def is_object(line: str) -> bool:
        try:
            return isinstance(json.loads(line), dict)
        except ValueError:
            return False

    sniffed = [is_object(line) for line in lines[:SNIFF_LINES]]
    return sniffed[0] and sum(sniffed) > len(sniffed) / 2


def write_table(path: str, out: str) -> tuple[int, int]:
    """Flatten the JSON Lines file ``path`` into the CSV ``out`` (see the module docstring).

    Returns:
        ``(records, lines not a JSON object)``.

    Raises:
        UnicodeDecodeError: the file is not UTF-8.
    """
    rows: list[dict[str, str] | str | None] = []
    columns: dict[str, None] = {}
    bad = 0
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            text = line.rstrip("\r\n")
            if not text.strip():
                rows.append(None)
                continue
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                rows.append(text)
                bad += 1
                continue
            flat = _flatten(obj)
            columns.update(dict.fromkeys(flat))
            rows.append(flat)
    names = list(columns)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            if row is None:
                f.write("\n")
            elif isinstance(row, str):
                writer.writerow([row])
            else:
                writer.writerow([row.get(n, "") for n in names])
    return sum(1 for r in rows if r is not None), bad
