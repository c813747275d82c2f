"""Attribute blocks (FreeRADIUS detail files, :mod:`raybench.read.attribute_blocks`), staged as a CSV of one
row per block and read as delimited text (:func:`raybench.pipeline.formats.staged.prepare_staged`)."""

from __future__ import annotations

from raybench.pipeline.formats import delimited
from raybench.pipeline.formats.staged import prepare_staged
from raybench.pipeline.task import FileTask
from raybench.read.attribute_blocks import write_table

NAME = "blocks"

descriptors = delimited.descriptors
read = delimited.read
source = delimited.source
unread = delimited.unread


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Write the file's blocks as a CSV, one row per block, and plan it."""
    return prepare_staged(task, options, staging, write_table, "attribute blocks",
                          lambda c: f"{c[0]} blocks; not read: {c[1]}")
