"""XLSX workbooks (:mod:`raybench.read.xlsx`): every sheet holding a call table, planned into row ranges;
a sheet with a known header is read with that layout, any other by its columns' names and values
(:func:`read_table`, the generic column reader), a cover sheet of notes skipped and counted."""

from __future__ import annotations

import csv
import io

from raybench.catalog import BUILTIN
from raybench.classify.generic import classify_generic
from raybench.classify.sample import sample_text
from raybench.errors import InputFileError
from raybench.pipeline.formats import paged
from raybench.pipeline.task import FileTask
from raybench.read.chunk import ChunkDescriptor
from raybench.read.rows import ReadRows
from raybench.read.xlsx import ROW_BYTES, plan_xlsx, read_xlsx_chunk

NAME = "xlsx"

source = paged.source


def read_table(rows: list[list[str]]):
    """A sheet without a known header read as the generic column reader reads a delimited file
    (:func:`raybench.classify.generic.classify_generic` on the rows written as CSV): its banner rows, its
    header (or none), its layout.

    Args:
        rows: the sheet's first non-blank rows, cells as text (trailing empty cells dropped).

    Returns:
        ``(layout, header index or None, first data row index, confidence)`` within ``rows``, or None when
        the rows hold no call table (notes, a summary).
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    sample = sample_text(buf.getvalue())
    if sample.delimiter != "," or sample.width < 3:
        return None
    found = classify_generic(sample.text, sample)
    if found is None or found[1].positions:  # a space-aligned reading of a sheet's cells is not its table
        return None
    result, layout, _ = found
    lead = len(sample.banners)
    header = lead + (1 if sample.group_row is not None else 0) if sample.header is not None else None  # below its groups
    data = header + 1 if header is not None else lead
    return layout, header, data, result.confidence


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Identify and plan a workbook (its sheets' row ranges); a workbook with no call table fails."""
    task.format = NAME
    try:
        plan = plan_xlsx(task.path, BUILTIN, max(1, options.chunk_bytes // ROW_BYTES), read_table)
    except InputFileError as exc:
        return paged.failed(task, exc)
    return paged.record_plan(task, options, plan.layout, plan, "xlsx, sheets " + ", ".join(plan.sheets), "xlsx")


def descriptors(task: FileTask, job: str) -> list[ChunkDescriptor]:
    """The planned sheet-row ranges as descriptors (:func:`raybench.pipeline.formats.paged.descriptors`)."""
    return paged.descriptors(task, job, "xlsx")


def read(descriptor: ChunkDescriptor) -> ReadRows:
    """The records of the descriptor's sheet rows (:func:`raybench.read.xlsx.read_xlsx_chunk`)."""
    return read_xlsx_chunk(descriptor)


def unread(descriptor: ChunkDescriptor) -> list[str | None]:
    """``<not read: sheet '<name>' rows a-b>`` on the first record."""
    return paged.unread(descriptor, f"sheet {descriptor.sheet!r} rows")
