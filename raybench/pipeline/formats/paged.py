"""What the paged formats (PDF tables, PDF bills, XLSX sheets) share: a plan of page or row ranges
recorded in the task, descriptors of those ranges, records already cut into cells
(:class:`raybench.read.rows.ReadRows`), and the ``raw`` of a range that could not be read."""

from __future__ import annotations

import os

from raybench.errors import InputFileError
from raybench.layout import Layout
from raybench.pipeline.task import FileTask, file_sha256, layout_key, record_zone
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import JunkRules
from raybench.read.partition import FilePlan
from raybench.read.rows import ReadRows


def record_plan(task: FileTask, options, layout: Layout, plan, dialect: str, encoding: str) -> FileTask:
    """Record a paged file's layout (``options.tz`` applied) and plan in ``task`` and its ``files`` row
    (``encoding`` the format's name, ``pdf`` or ``xlsx``; ``confidence`` the plan's, 1 where the header or
    bill layout matched exactly). A workbook's sheets read with other layouts than the first
    (``plan.layouts``) go to ``task.sheet_layouts``, the zone applied to each."""
    path = task.path
    if options.tz:
        layout = layout.with_tz(options.tz)
    task.layout, task.data_path = layout, path
    for sheet, other in getattr(plan, "layouts", {}).items():
        if other is not plan.layout:
            task.sheet_layouts[sheet] = other.with_tz(options.tz) if options.tz else other
    record_zone(task.row, layout)
    sha = file_sha256(path)
    task.plan = FilePlan(chunks=plan.chunks, sha256=sha, size_bytes=os.path.getsize(path),
                         n_records=plan.n_records, lines_skipped=dict(plan.lines_skipped))
    task.row.update(bytes=task.plan.size_bytes, encoding=encoding, dialect=dialect,
                    layout=layout.id, carrier=layout.carrier, kind=layout.kind,
                    confidence=getattr(plan, "confidence", 1.0), sha256=sha,
                    rows_read=plan.n_records, lines_skipped=dict(plan.lines_skipped))
    return task


def failed(task: FileTask, exc: InputFileError) -> FileTask:
    """``task`` with the file's one-line error (not planned)."""
    task.row.update(error=str(exc), bytes=os.path.getsize(task.path))
    return task


def descriptors(task: FileTask, job: str, encoding: str) -> list[ChunkDescriptor]:
    """The page (PDF) or sheet-row (XLSX: ``sheet``, rows in ``page_start``/``page_end``) ranges of a
    planned file as descriptors; their byte range is empty and their ``encoding`` the format's name
    (``pdf``, ``xlsx``); each names its sheet's layout (``task.sheet_layouts``, else the file's)."""
    assert task.plan is not None and task.layout is not None
    path = os.path.abspath(task.data_path)

    def layout_of(c) -> Layout:
        return task.sheet_layouts.get(getattr(c, "sheet", ""), task.layout)  # type: ignore[return-value]

    return [ChunkDescriptor(
        chunk_id=f"{task.plan.sha256[:12]}:{i}", format=task.format, path=path, source_file=task.path,
        sha256=task.plan.sha256, ingest_job=job, layout=layout_of(c).id, layout_key=layout_key(layout_of(c)),
        first_row=c.first_row,
        n_records=c.n_records, encoding=encoding,
        page_start=getattr(c, "page_start", getattr(c, "row_start", 0)),
        page_end=getattr(c, "page_end", getattr(c, "row_end", 0)),
        sheet=getattr(c, "sheet", ""), context=c.context,
    ) for i, c in enumerate(task.plan.chunks)]


def source(data: ReadRows, layout: Layout, encoding: str, first_row: int, junk: JunkRules | None,
           skipped: dict[str, int]):
    """The records the reader already cut, as a frame; the junk it skipped added to ``skipped``."""
    skipped.update(data.skipped)
    return data.frame(layout.columns), data.bad, data.page_of()


def unread(descriptor: ChunkDescriptor, unit: str) -> list[str | None]:
    """The range's text was not read: the first record's ``raw`` says where it lies (``unit`` ``pages``
    or ``sheet '<name>' rows``, 1-based), the others are None."""
    return ([f"<not read: {unit} {descriptor.page_start + 1}-{descriptor.page_end}>"]
            + [None] * (descriptor.n_records - 1))
