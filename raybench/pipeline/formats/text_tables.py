"""A delimited text file of several tables, each with its own banner and header
(:mod:`raybench.read.text_tables`), planned block by block like a workbook's sheets
(:func:`raybench.read.xlsx.plan_tables`): each block identified as the delimited path identifies a file
holding that block alone (:func:`block_table`: templates, header rules, the generic column reader, the
models), its row ranges read as cells."""

from __future__ import annotations

import csv
import os

from raybench.catalog import BUILTIN
from raybench.classify.resolve import resolve_identity
from raybench.errors import InputFileError, UnknownLayoutError
from raybench.pipeline.formats import paged
from raybench.pipeline.task import FileTask
from raybench.profile import profile_file
from raybench.read.chunk import ChunkDescriptor
from raybench.read.partition import plan_file
from raybench.read.rows import ReadRows
from raybench.read.text_tables import read_text_tables_chunk, tables_of
from raybench.read.xlsx import ROW_BYTES, plan_tables

NAME = "text_tables"


def block_table(rows: list[list[str]], staging: str):
    """A block's table as :func:`raybench.read.xlsx.plan_tables` wants it (``read_table``): the block's
    non-blank ``rows`` written as a CSV in ``staging`` and identified and profiled like a delimited file
    (:func:`raybench.classify.resolve.resolve_identity`, :func:`raybench.profile.profile_file`); ``(layout, header index or None, first data row
    index, confidence)`` within ``rows``, or None when the block is no call table (or reads only as
    fixed-width columns)."""
    staged = os.path.join(staging, f"{len(os.listdir(staging))}-block.csv")
    with open(staged, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    try:
        found = resolve_identity(staged, BUILTIN).identification
        layout = found.layout
        if layout.kind != "cdr" or layout.fixed_width:
            return None
        junk = found.junk_rules()
        chunks = plan_file(staged, offset=0, lead=found.lead, junk=junk, encoding="utf-8").chunks
        layout = profile_file(staged, "utf-8", layout, chunks, junk).layout  # the block's value formats
    except InputFileError:
        return None
    finally:
        os.remove(staged)
    lead = list(found.lead)
    header = lead.index("header") if "header" in lead else None
    return layout, header, len(lead), found.confidence

source = paged.source


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Split the file into its tables and plan each (its layout, its row ranges); a file none of whose
    tables holds calls fails with a one-line error naming the file and its blocks."""
    task.format = NAME
    tables = tables_of(task.path) or []
    plan = plan_tables(tables, BUILTIN, max(1, options.chunk_bytes // ROW_BYTES),
                       lambda rows: block_table(rows, staging))
    if plan.layout is None:
        names = ", ".join(name for name, _ in tables)
        return paged.failed(task, UnknownLayoutError(task.path, f"no table holds calls ({names})"))
    try:
        return paged.record_plan(task, options, plan.layout, plan,
                                 "text tables, " + ", ".join(plan.sheets), "text_tables")
    except InputFileError as exc:
        return paged.failed(task, exc)


def descriptors(task: FileTask, job: str) -> list[ChunkDescriptor]:
    """The planned block-row ranges as descriptors (:func:`raybench.pipeline.formats.paged.descriptors`;
    ``sheet`` names the block)."""
    return paged.descriptors(task, job, "text_tables")


def read(descriptor: ChunkDescriptor) -> ReadRows:
    """The records of the descriptor's block rows (:func:`raybench.read.text_tables.read_text_tables_chunk`)."""
    return read_text_tables_chunk(descriptor)


def unread(descriptor: ChunkDescriptor) -> list[str | None]:
    """``<not read: <block> rows a-b>`` on the first record."""
    return paged.unread(descriptor, f"{descriptor.sheet} rows")
