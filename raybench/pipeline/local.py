"""One file through the driver's own steps and the worker's transform, in this process, without Ray.

For tests, notebooks and debugging a file: the same identification, plan, value profile, chunk
descriptors and :func:`raybench.pipeline.transform.process_chunk` as ``raybench ingest``, chunk by chunk:
:func:`plan` (one file's profile), :func:`descriptors` (its chunks), :func:`read_chunk` (one chunk's rows),
:func:`read_local` (all of them) and :func:`local_verdict`. ``raybench`` itself exports these names.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import pyarrow as pa

from raybench.classify.models import default_classifiers
from raybench.errors import InputFileError
from raybench.layout import Layout
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline import formats
from raybench.pipeline.options import IngestOptions
from raybench.pipeline.planner import chunk_descriptors, prepare_file
from raybench.pipeline.task import FileTask
from raybench.pipeline.transform import OUTPUT_SCHEMA, ChunkResult, process_chunk
from raybench.pipeline.verdict import file_verdict
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import JunkRules
from raybench.sink.duckdb_sink import DuckDBSink


@dataclass
class LocalRead:
    """What :func:`read_local` read.

    Attributes:
        file: the ``files`` row as the driver planned it, with ``rows_stored`` and ``rows_quarantined``
            counted from ``rows``; ``status`` is ``suspect`` where the plan already says so (a bill's
            scanned pages), else ``ok`` (the verdict over the stored rows is
            :func:`raybench.pipeline.verdict.file_verdict`'s, after a sink).
        rows: every output row (``raybench.pipeline.transform.OUTPUT_SCHEMA`` as dicts), by ``source_row``.
        chunks: how many chunks the file was planned in.
        layout: the layout the file was read with (the profile's decisions applied).
    """

    file: dict
    rows: list[dict]
    chunks: int
    layout: object


def plan(path: str, staging: str, *, chunk_bytes: int = 4 << 20, tz: str | None = None,
         ingest_job: str = "job-local") -> FileTask:
    """Sniff and plan one file as the driver of ``raybench ingest`` does (its format's module picked by
    content), without Ray and without a database.

    Args:
        path: the file.
        staging: a folder for transcoded copies and tables found in PDFs; keep it until the chunks are read.
        chunk_bytes: target chunk size, bytes (small values put chunk edges everywhere).
        tz: the zone for layouts written in local time (``--tz``).
        ingest_job: the job id written in the ``files`` row and the descriptors.

    Returns:
        The file's task (``row``: its ``files`` row; ``layout``; ``plan``, None with a one-line
        ``row["error"]`` when the file cannot be read); :func:`descriptors` gives its chunks.
    """
    return prepare_file(path, IngestOptions(db="", chunk_bytes=chunk_bytes, tz=tz), staging, ingest_job)


def descriptors(task: FileTask) -> list[ChunkDescriptor]:
    """The chunk descriptors of a file planned by :func:`plan` (the job id is the ``files`` row's)."""
    return chunk_descriptors(task, task.row["ingest_job"])


def read_chunk(descriptor: ChunkDescriptor, layout: Layout, *, numbers: NumberNormalizer | None = None,
               record_types=None) -> ChunkResult:
    """One chunk read and turned into rows as a worker does (its format's reader, then
    :func:`raybench.pipeline.transform.process_chunk`); ``result.records_seen`` is what the worker would
    compare with ``descriptor.n_records``.

    Args:
        layout: the file's layout (the task's); numbers: an E.164 normaliser for ``layout.region``
            (made when None); record_types: the record-type models (none when None).
    """
    return process_chunk(formats.read(descriptor), layout=layout, encoding=descriptor.encoding,
                         first_row=descriptor.first_row, source_file=descriptor.source_file,
                         sha256=descriptor.sha256, ingest_job=descriptor.ingest_job,
                         numbers=numbers or NumberNormalizer(layout.region), record_types=record_types,
                         junk=JunkRules.from_json(descriptor.junk or None), format=descriptor.format)


def read_local(path: str, *, chunk_bytes: int = 4 << 20, tz: str | None = None,
               ingest_job: str = "job-local") -> LocalRead:
    """Read one file as ``raybench ingest`` would, without Ray and without a database (descriptors the
    layout does not know typed by the shipped record-type model, as the workers type them).

    Args:
        path: the file.
        chunk_bytes: target chunk size, bytes (small values put chunk edges everywhere).
        tz: the zone for layouts written in local time (``--tz``).
        ingest_job: the job id written on the rows.

    Raises:
        InputFileError: the file could not be identified or planned (the ``files`` row's error), or a
            chunk did not hold the records planned.
    """
    with tempfile.TemporaryDirectory(prefix="raybench-local-") as staging:
        task = plan(path, staging, chunk_bytes=chunk_bytes, tz=tz, ingest_job=ingest_job)
        if task.plan is None or task.layout is None:
            raise InputFileError(path, str(task.row.get("error")))
        rows: list[dict] = []
        items = descriptors(task)
        layouts = task.layouts()
        numbers = {key: NumberNormalizer(lay.region) for key, lay in layouts.items()}
        record_types = default_classifiers()  # as a worker types the descriptors its layout does not know
        for item in items:
            result = read_chunk(item, layouts[item.layout_key], numbers=numbers[item.layout_key],
                                record_types=record_types)
            if result.records_seen != item.n_records:
                raise InputFileError(path, f"chunk {item.chunk_id}: {result.records_seen} records read, "
                                           f"{item.n_records} planned")
            rows += pa.Table.to_pylist(result.table)
    file = dict(task.row, status="ok", error=None)
    if task.suspect:  # what the driver already knows to be incomplete (a bill's scanned pages)
        file.update(status="suspect", error=task.suspect)
    file["rows_stored"] = sum(1 for r in rows if not r["reasons"])
    file["rows_quarantined"] = sum(1 for r in rows if r["reasons"])
    return LocalRead(file, sorted(rows, key=lambda r: r["source_row"]), len(items), task.layout)


def local_verdict(read: LocalRead) -> tuple[str, str | None]:
    """``(status, error)`` of a file read by :func:`read_local`, as the driver's finalizer gives it: the
    plan's ``suspect`` (a bill's scanned pages) or :func:`raybench.pipeline.verdict.file_verdict` over its
    rows stored in a temporary DuckDB file."""
    if read.file.get("status") == "suspect":
        return "suspect", read.file.get("error")
    job = read.rows[0]["ingest_job"] if read.rows else "job-local"
    with tempfile.TemporaryDirectory(prefix="raybench-verdict-") as tmp:
        sink = DuckDBSink(os.path.join(tmp, "verdict.duckdb"))
        try:
            if read.rows:
                sink.write(pa.Table.from_pylist(read.rows, schema=OUTPUT_SCHEMA))
            return file_verdict(sink.con, job, read.file["sha256"], read.file["rows_read"], read.file["rows_stored"],
                                read.file["rows_quarantined"], read.file.get("value_formats"))
        finally:
            sink.close()
