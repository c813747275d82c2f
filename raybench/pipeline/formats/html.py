"""An HTML table saved under a spreadsheet's name (:mod:`raybench.read.html_table`), staged as a CSV and
read as delimited text (:func:`raybench.pipeline.formats.staged.prepare_staged`)."""

from __future__ import annotations

from raybench.pipeline.formats import delimited
from raybench.pipeline.formats.staged import prepare_staged
from raybench.pipeline.task import FileTask
from raybench.read.html_table import write_table

NAME = "html"

descriptors = delimited.descriptors
read = delimited.read
source = delimited.source
unread = delimited.unread


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Write the file's largest HTML table as a CSV and plan it."""
    return prepare_staged(task, options, staging, write_table, "HTML table",
                          lambda c: f"{c[0]} rows of the largest of {c[1]} tables")
