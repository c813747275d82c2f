"""Delimited text (CSV, TSV, pipe, semicolon ...): the format of most CDR exports.

Sniffed by :func:`raybench.classify.resolve.resolve_identity` (templates, header rules, then the ONNX
models); planned by :func:`raybench.read.partition.plan_file` into byte ranges of whole records (a UTF-16
or CR-only file is first copied to UTF-8, :mod:`raybench.read.transcode`); read by
:func:`raybench.read.records.read_chunk_frame`. A text file whose layout is fixed-width is planned here
too and read by :mod:`raybench.pipeline.formats.fixed`.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from raybench.catalog import BUILTIN
from raybench.classify.resolve import resolve_identity
from raybench.errors import InputFileError
from raybench.layout import Layout
from raybench.normalize.dates import day_month_order, file_date_column
from raybench.pipeline.task import FileTask, layout_key, record_zone
from raybench.profile import profile_file
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import JunkRules, drop_junk
from raybench.read.partition import plan_file
from raybench.read.records import read_chunk_frame, split_records
from raybench.read.transcode import transcode_to_utf8

NAME = "delimited"


def prepare(task: FileTask, options, staging: str, *, by_columns: bool = False) -> FileTask:
    """Identify, plan and profile a text file (see the module docstring); ``task.format`` becomes
    ``fixed`` for a fixed-width layout. A file that cannot be identified keeps ``plan`` None and its
    one-line error in ``task.row``. ``by_columns``: a table no built-in layout writes, read by its
    columns' names and values first (:func:`raybench.classify.resolve.resolve`)."""
    path = task.path
    try:  # templates, header rules, then the ONNX models (raybench.classify.resolve)
        t_identify = time.perf_counter()
        identity = resolve_identity(path, BUILTIN, by_columns=by_columns)
        task.identify_s = time.perf_counter() - t_identify
        task.method = identity.identification.method
    except InputFileError as exc:
        task.row.update(error=str(exc), bytes=os.path.getsize(path) if os.path.exists(path) else None)
        return task
    layout = identity.identification.layout
    if options.tz:
        layout = layout.with_tz(options.tz)
    task.identity, task.layout = identity, layout
    task.format = "fixed" if layout.fixed_width else NAME
    task.row.update(bytes=identity.size_bytes, encoding=identity.encoding.name, dialect=layout.dialect,
                    layout=layout.id, carrier=layout.carrier, kind=layout.kind,
                    confidence=identity.identification.confidence)
    task.data_path, task.offset = path, identity.encoding.bom_bytes
    original_sha = None
    if not identity.encoding.ascii_compatible or identity.cr_only:  # UTF-16, or old-Mac CR line ends
        task.data_path = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.utf8")
        original_sha = transcode_to_utf8(path, task.data_path, identity.encoding.name,
                                         identity.encoding.bom_bytes, cr_to_lf=identity.cr_only)
        task.offset = 0
    encoding = "utf-8" if original_sha else identity.encoding.name
    if layout.start is not None and layout.start.day_first_formats:
        layout = _decide_date_order(task, layout, encoding)
        task.layout = layout
        task.row.update(dialect=layout.dialect + ("; dates DD/MM" if layout.start.day_first else ""))
    _plan(task, encoding, original_sha, options.chunk_bytes)
    return task


def _plan(task: FileTask, encoding: str, original_sha: str | None, chunk_bytes: int) -> None:
    """Cut the identified file into chunks and profile its values (the task's plan, layout and row)."""
    identity, layout = task.identity, task.layout
    assert identity is not None and layout is not None
    identification = identity.identification
    task.junk = identification.junk_rules()
    task.plan = plan_file(task.data_path, offset=task.offset, lead=identification.lead, junk=task.junk,
                          encoding=encoding, block_bytes=chunk_bytes)
    if original_sha:
        task.plan.sha256 = original_sha
    task.plan.size_bytes = identity.size_bytes
    if layout.kind == "not_cdr":  # recognised, not calls (Cisco CMR): counted, never stored
        task.plan.lines_skipped[f"{layout.id}_record"] = task.plan.n_records
        task.plan.chunks, task.plan.n_records = [], 0
    t_profile = time.perf_counter()
    profile = profile_file(task.data_path, encoding, layout, task.plan.chunks, task.junk)
    task.profile_s = time.perf_counter() - t_profile
    task.layout = layout = profile.layout
    task.row.update(sha256=task.plan.sha256, rows_read=task.plan.n_records,
                    lines_skipped=dict(task.plan.lines_skipped), value_formats=profile.to_json())
    record_zone(task.row, layout)


def _decide_date_order(task: FileTask, layout: Layout, encoding: str) -> Layout:
    """The layout with the date order the file's whole start column shows (day-first only when the
    column proves it; see :mod:`raybench.normalize.dates`)."""
    start = layout.start
    assert start is not None
    column = file_date_column(task.data_path, delimiter=layout.delimiter, index=layout.columns.index(start.column),
                              encoding=encoding)
    if day_month_order(column) != "dmy":
        return layout
    return replace(layout, start=replace(start, formats=start.day_first_formats))


def descriptors(task: FileTask, job: str) -> list[ChunkDescriptor]:
    """The byte ranges of a planned text file as descriptors (``encoding`` the codec the workers
    decode ``path`` with: ``utf-8`` for a transcoded copy)."""
    assert task.plan is not None and task.layout is not None and task.identity is not None
    transcoded = not task.identity.encoding.ascii_compatible or task.identity.cr_only
    encoding = "utf-8" if transcoded else task.identity.encoding.name
    path, key = os.path.abspath(task.data_path), layout_key(task.layout)
    junk = task.junk.to_json() if task.junk is not None else ""
    return [ChunkDescriptor(
        chunk_id=f"{task.plan.sha256[:12]}:{i}", format=task.format, path=path, source_file=task.path,
        sha256=task.plan.sha256, ingest_job=job, layout=task.layout.id, layout_key=key, first_row=c.first_row,
        n_records=c.n_records, encoding=encoding, byte_start=c.byte_start, byte_end=c.byte_end, junk=junk,
    ) for i, c in enumerate(task.plan.chunks)]


def read(descriptor: ChunkDescriptor) -> bytes:
    """The bytes of the descriptor's range (whole records)."""
    with open(descriptor.path, "rb") as f:
        f.seek(descriptor.byte_start)
        return f.read(descriptor.byte_end - descriptor.byte_start)


def source(data: bytes, layout: Layout, encoding: str, first_row: int, junk: JunkRules | None,
           skipped: dict[str, int]):
    """The range's records as a frame (:func:`raybench.read.records.read_chunk_frame`); no pages."""
    frame, bad = read_chunk_frame(data, encoding, layout, first_row, junk, skipped)
    return frame, bad, {}


def unread(descriptor: ChunkDescriptor) -> list[str | None]:
    """Each record's text when the range splits into the planned number of records; otherwise the
    range's whole text on the first row, so nothing is lost and nothing is repeated."""
    n = descriptor.n_records
    try:
        text = read(descriptor).decode(descriptor.encoding, errors="replace")
    except OSError as exc:
        text = f"<unreadable: {exc}>"
    records, _ = drop_junk(split_records(text), JunkRules.from_json(descriptor.junk or None))
    return records if len(records) == n else [text] + [None] * (n - 1)
