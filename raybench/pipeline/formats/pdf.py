"""PDF: an export's table over pages (:mod:`raybench.read.pdf`), else a carrier's bill
(:mod:`raybench.read.pdf_bills`, read by :mod:`raybench.pipeline.formats.pdf_bill`), else the longest table
pymupdf's table finder sees, written as a CSV and read as delimited text (:mod:`raybench.read.pdf_tables`).
Planned into page ranges (one page in memory at a time)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from raybench.catalog import BUILTIN
from raybench.errors import InputFileError, UnknownLayoutError
from raybench.pipeline.formats import delimited, paged
from raybench.pipeline.task import FileTask, file_sha256, new_task
from raybench.read.chunk import ChunkDescriptor
from raybench.read.pdf import PAGE_BYTES, identify_pdf, plan_pdf, read_pdf_chunk
from raybench.read.pdf_bills import plan_bill
from raybench.read.pdf_tables import ROW_FLAG, TABLE_FINDER_CONFIDENCE, find_table, write_csv

NAME = "pdf"

source = paged.source


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Identify and plan a PDF: an export's table, else a bill (``task.format`` ``pdf_bill``, with the
    bill's ``suspect``), else the table finder's table (:func:`_prepare_pdf_table`)."""
    path = task.path
    pages_per_chunk = max(1, options.chunk_bytes // PAGE_BYTES)
    task.format, kind = NAME, "pdf"
    try:
        try:
            layout, _ = identify_pdf(path, BUILTIN)
            plan = plan_pdf(path, layout.columns, pages_per_chunk)
        except UnknownLayoutError as exc:  # not an export's table: a bill as the carrier prints it?
            plan = plan_bill(path, pages_per_chunk, first_error=exc.reason)
            layout, task.suspect, kind, task.format = plan.layout, plan.suspect, "pdf bill", "pdf_bill"
    except InputFileError as exc:
        paged.failed(task, exc)
        return _prepare_pdf_table(task, options, staging)
    dialect = f"{kind}, {plan.pages} page{'' if plan.pages == 1 else 's'}"
    return paged.record_plan(task, options, layout, plan, dialect, "pdf")


def _prepare_pdf_table(task: FileTask, options, staging: str) -> FileTask:
    """A PDF of no known table or bill layout: the longest table pymupdf's table finder sees, written as a
    CSV to ``staging`` and planned as delimited text (:mod:`raybench.read.pdf_tables`); its rows flagged
    ``pdf_table_finder``, its confidence lowered. ``task`` unchanged (failed, with the finder's result in
    its error) when there is no such table or the CSV cannot be read either."""
    path = task.path
    table = find_table(path)
    if table is None:
        return task
    staged = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.tables.csv")
    write_csv(table, staged)
    sub = delimited.prepare(new_task(staged, task.row["ingest_job"]), options, staging)
    pages = len(set(table.pages))
    if sub.plan is None or sub.layout is None:
        why = str(sub.row.get("error") or "").replace(f"{staged}: ", "").replace(staged, "the table")
        task.row["error"] += (f"; the table finder's table ({len(table.header)} columns, {len(table.rows)} rows "
                              f"on {pages} pages) cannot be read either: {why}")
        return task
    sha = file_sha256(path)
    sub.path = path
    sub.layout = replace(sub.layout, row_flags=sub.layout.row_flags + (ROW_FLAG,))
    sub.plan.sha256, sub.plan.size_bytes = sha, os.path.getsize(path)
    sub.row.update(path=path, sha256=sha, bytes=sub.plan.size_bytes, encoding="pdf",
                   dialect=f"pdf table found by pymupdf's table finder ({pages} pages) read as {sub.row['dialect']}",
                   confidence=round((sub.row.get("confidence") or 0.0) * TABLE_FINDER_CONFIDENCE, 3))
    return sub


def descriptors(task: FileTask, job: str) -> list[ChunkDescriptor]:
    """The planned page ranges as descriptors (:func:`raybench.pipeline.formats.paged.descriptors`)."""
    return paged.descriptors(task, job, "pdf")


def read(descriptor: ChunkDescriptor):
    """The records of the descriptor's page range (:func:`raybench.read.pdf.read_pdf_chunk`)."""
    return read_pdf_chunk(descriptor)


def unread(descriptor: ChunkDescriptor) -> list[str | None]:
    """``<not read: pages a-b>`` on the first record (see :func:`raybench.pipeline.formats.paged.unread`)."""
    return paged.unread(descriptor, "pages")
