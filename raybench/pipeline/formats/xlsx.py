"""XLSX workbooks (:mod:`raybench.read.xlsx`): the sheets with a known header, planned into row ranges."""

from __future__ import annotations

from raybench.catalog import BUILTIN
from raybench.errors import InputFileError
from raybench.pipeline.formats import paged
from raybench.pipeline.task import FileTask
from raybench.read.chunk import ChunkDescriptor
from raybench.read.rows import ReadRows
from raybench.read.xlsx import ROW_BYTES, plan_xlsx, read_xlsx_chunk

NAME = "xlsx"

source = paged.source


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Identify and plan a workbook (its sheets' row ranges); a workbook with no known header fails."""
    task.format = NAME
    try:
        plan = plan_xlsx(task.path, BUILTIN, max(1, options.chunk_bytes // ROW_BYTES))
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
