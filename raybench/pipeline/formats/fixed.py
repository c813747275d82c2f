"""Fixed-width text (switch and old telco reports): planned as delimited text (the layout's identity
decides it; :mod:`raybench.pipeline.formats.delimited`), each record cut at the layout's column positions
(:func:`raybench.read.fixed.read_fixed_frame`)."""

from __future__ import annotations

from raybench.layout import Layout
from raybench.pipeline.formats.delimited import descriptors, prepare, read, unread
from raybench.read.fixed import read_fixed_frame
from raybench.read.junk import JunkRules

NAME = "fixed"

__all__ = ["NAME", "descriptors", "prepare", "read", "source", "unread"]


def source(data: bytes, layout: Layout, encoding: str, first_row: int, junk: JunkRules | None,
           skipped: dict[str, int]):
    """The range's records cut at the layout's positions; no pages."""
    frame, bad = read_fixed_frame(data, encoding, layout, first_row, junk, skipped)
    return frame, bad, {}
