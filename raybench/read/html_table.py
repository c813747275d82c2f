"""An HTML table saved under a spreadsheet's name (``.xls`` exports of web portals: Excel opens HTML
whatever the name says), written as a CSV the delimited path reads.

Parsed with the standard library's :class:`html.parser.HTMLParser`: every ``<table>``'s rows
(``<tr>``) and cells (``<th>``/``<td>``, text with its whitespace collapsed, ``<br>`` a space; a cell's
``colspan`` repeats it empty). The table with the most rows is the table of calls; the text of the
headings and paragraphs before it (``<h3>Usage for 206-555-0103</h3>``) is written first, one line each,
as the file's banner. Rows keep their order, so records are numbered as the table's data rows. Decoded
as the ``charset`` its ``<meta>`` names, else UTF-8, else cp1252.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

SNIFF_BYTES = 4096
_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_-]+)""")
_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "title", "caption", "div"})


def is_html_table(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) is an HTML document or fragment holding a table:
    ``<html``, ``<!DOCTYPE html`` or ``<table`` near its start."""
    text = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and (b"<table" in text or text.startswith((b"<html", b"<!doctype html")))


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[str], list[list[str]]]] = []  # (text before it, rows)
        self.before: list[str] = []
        self.depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.block: list[str] | None = None
        self.span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables.append((self.before, []))
                self.before = []
        elif tag == "tr" and self.depth:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.span = int(span) if span.isdigit() else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")
        elif tag in _BLOCKS and not self.depth:
            self.block = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.row.extend([""] * (self.span - 1))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.depth == 1:
                self.tables[-1][1].append(self.row)
            self.row = None
        elif tag == "table" and self.depth:
            self.depth -= 1
        elif tag in _BLOCKS and self.block is not None:
            text = " ".join("".join(self.block).split())
            if text and tag != "title":
                self.before.append(text)
            self.block = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.block is not None:
            self.block.append(data)


def _decode(data: bytes) -> str:
    m = _CHARSET.search(data[:SNIFF_BYTES])
    for name in ((m.group(1).decode("ascii"),) if m else ()) + ("utf-8",):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def write_table(path: str, out: str) -> tuple[int, int]:
    """Write the largest table of the HTML file ``path`` (and the text before it) as the CSV ``out``.

    Returns:
        ``(rows of that table, tables in the file)``.

    Raises:
        ValueError: the file holds no table row (one-line message naming the file).
    """
    with open(path, "rb") as f:
        parser = _Tables()
        parser.feed(_decode(f.read()))
        parser.close()
    if not parser.tables or not any(rows for _, rows in parser.tables):
        raise ValueError(f"{path}: HTML without a table row: no call table to read")
    before, rows = max(parser.tables, key=lambda t: len(t[1]))
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        for line in before:
            writer.writerow([line])
        writer.writerows(rows)
    return len(rows), len(parser.tables)
