"""A carrier's bill as a PDF (:mod:`raybench.read.pdf_bills`): planned by
:mod:`raybench.pipeline.formats.pdf` (a PDF whose table is no export's), its page ranges read with the
bill's state at their first page."""

from __future__ import annotations

from raybench.pipeline.formats import paged
from raybench.pipeline.formats.pdf import descriptors, prepare, unread
from raybench.read.chunk import ChunkDescriptor
from raybench.read.pdf_bills import read_bill_chunk
from raybench.read.rows import ReadRows

NAME = "pdf_bill"

__all__ = ["NAME", "descriptors", "prepare", "read", "source", "unread"]

source = paged.source


def read(descriptor: ChunkDescriptor) -> ReadRows:
    """The bill records of the descriptor's page range (:func:`raybench.read.pdf_bills.read_bill_chunk`)."""
    return read_bill_chunk(descriptor)
