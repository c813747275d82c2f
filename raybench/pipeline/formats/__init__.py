"""The format registry: one module per input format, each implementing the same small contract.

==============  =====================================================  =====================================
format          module                                                 its chunks
==============  =====================================================  =====================================
``delimited``   :mod:`raybench.pipeline.formats.delimited`             byte ranges of whole records
``fixed``       :mod:`raybench.pipeline.formats.fixed`                 byte ranges, cut at column positions
``xlsx``        :mod:`raybench.pipeline.formats.xlsx`                  row ranges of one sheet
``pdf``         :mod:`raybench.pipeline.formats.pdf`                   page ranges of an export's table
``pdf_bill``    :mod:`raybench.pipeline.formats.pdf_bill`               page ranges of a carrier's bill
``jsonl``       :mod:`raybench.pipeline.formats.staged`                planned as ``delimited`` (a flat CSV)
``html``        :mod:`raybench.pipeline.formats.html`                  planned as ``delimited`` (the table)
``blocks``      :mod:`raybench.pipeline.formats.blocks`                planned as ``delimited`` (a row a block)
``text_tables`` :mod:`raybench.pipeline.formats.text_tables`           row ranges of one table of a text file
==============  =====================================================  =====================================

The contract (:class:`Format`):

- ``prepare(task, options, staging) -> FileTask``: sniff and plan the file in the driver (identify its
  layout, cut it into chunks, profile its values); the task is its profile, with ``format`` set to the
  module that reads its chunks and, when it cannot be read, ``plan`` None and the error in its row;
- ``descriptors(task, job) -> list[ChunkDescriptor]``: the planned chunks as descriptors
  (:class:`raybench.read.chunk.ChunkDescriptor`, the whole driver -> worker contract);
- ``read(descriptor) -> bytes | ReadRows``: in the worker, what the descriptor names;
- ``source(data, layout, encoding, first_row, junk, skipped) -> (frame, bad, pages)``: that data as a
  frame of the layout's columns (plus ``source_row`` and ``raw``), the records that could not be cut
  (``(source_row, raw, reason)``) and the page of each record (empty without pages);
- ``unread(descriptor) -> list[str | None]``: one ``raw`` per planned record of a chunk that could not be
  processed (it is quarantined whole, nothing lost).

The driver picks the module once, by the file's first bytes (:func:`sniff_format`); a text file's module
(delimited or fixed-width) follows from its identified layout. After that only the descriptor's
``format`` says which module reads it (:func:`format_of`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol

from raybench.pipeline.formats import (
    blocks,
    delimited,
    fixed,
    html,
    pdf,
    pdf_bill,
    staged,
    text_tables,
    xlsx,
)
from raybench.read.attribute_blocks import is_attribute_blocks
from raybench.read.chunk import ChunkDescriptor
from raybench.read.html_table import is_html_table
from raybench.read.jsonl import is_json_lines
from raybench.read.rows import ReadRows
from raybench.read.text_tables import is_text_tables


class Format(Protocol):
    """What every format module provides (see the module docstring)."""

    NAME: str

    def prepare(self, task, options, staging: str): ...

    def descriptors(self, task, job: str) -> list[ChunkDescriptor]: ...

    def read(self, descriptor: ChunkDescriptor) -> bytes | ReadRows: ...

    def source(self, data, layout, encoding: str, first_row: int, junk, skipped: dict): ...

    def unread(self, descriptor: ChunkDescriptor) -> list[str | None]: ...


FORMATS: dict[str, Format] = {m.NAME: m for m in (delimited, fixed, xlsx, pdf, pdf_bill, text_tables)}  # type: ignore[misc]
"""Format name (a descriptor's ``format``) -> its module."""


def sniff_format(path: str) -> Format:
    """The module that plans ``path``, by the file's first bytes: ``%PDF-`` is a PDF, a ZIP container
    named ``.xlsx``/``.xlsm`` a workbook (so a misnamed PDF is still read as one), anything else text
    (a folder, pipe or device too: the text module's identification says why it cannot be read); text
    whose first lines are each a JSON object is JSON Lines (:mod:`raybench.pipeline.formats.staged`), an
    HTML document holding a table (an ``.xls`` a web portal wrote) :mod:`raybench.pipeline.formats.html`,
    blocks of indented ``Name = value`` lines (FreeRADIUS detail) :mod:`raybench.pipeline.formats.blocks`,
    delimited text of several tables with different headers, each under its banner,
    :mod:`raybench.pipeline.formats.text_tables`."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return delimited  # opening a FIFO would block
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError:
        return delimited
    if magic.startswith(b"%PDF-"):
        return pdf
    if magic.startswith(b"PK\x03\x04") and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx
    if magic.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and is_json_lines(path):
        return staged
    if magic.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        with open(path, "rb") as f:
            if is_html_table(f.read(4096)):
                return html
    with open(path, "rb") as f:
        if is_attribute_blocks(f.read(8192)):
            return blocks
    if is_text_tables(path):
        return text_tables
    return delimited


def format_of(name: str) -> Format:
    """The module of a descriptor's ``format``.

    Raises:
        KeyError: no such format (a descriptor from another version).
    """
    return FORMATS[name]


def source_of(data: bytes | ReadRows, layout) -> Format:
    """The module that cuts ``data`` of ``layout`` when the caller has no descriptor (a test or a
    notebook handing :func:`raybench.pipeline.transform.process_chunk` a chunk's bytes): paged records
    are already cut, text by the layout's fixed positions or its delimiter."""
    if isinstance(data, ReadRows):
        return pdf
    return fixed if layout.fixed_width else delimited


def read(descriptor: ChunkDescriptor) -> bytes | ReadRows:
    """What ``descriptor`` names, read by its format's module: a text range's bytes, or a page or sheet
    range's records already cut into cells."""
    return format_of(descriptor.format).read(descriptor)
