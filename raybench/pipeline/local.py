"""One file through the driver's own steps and the worker's transform, in this process, without Ray.

For tests, notebooks and debugging a file: the same identification, plan, value profile, chunk
descriptors and :func:`raybench.pipeline.transform.process_chunk` as ``raybench ingest``, chunk by chunk.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

from raybench.errors import InputFileError


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


def read_local(path: str, *, chunk_bytes: int = 4 << 20, tz: str | None = None,
               ingest_job: str = "job-local") -> LocalRead:
    """Read one file as ``raybench ingest`` would, without Ray and without a database.

    Args:
        path: the file.
        chunk_bytes: target chunk size, bytes (small values put chunk edges everywhere).
        tz: the zone for layouts written in local time (``--tz``).
        ingest_job: the job id written on the rows.

    Raises:
        InputFileError: the file could not be identified or planned (the ``files`` row's error).
    """
    import pyarrow as pa

    from raybench.normalize.numbers import NumberNormalizer
    from raybench.pipeline.job import IngestOptions, _prepare, chunk_items
    from raybench.pipeline.transform import process_chunk
    from raybench.pipeline.worker import _read_range
    from raybench.read.junk import JunkRules

    with tempfile.TemporaryDirectory(prefix="raybench-local-") as staging:
        task = _prepare(path, IngestOptions(db="", chunk_bytes=chunk_bytes, tz=tz), staging, ingest_job)
        if task.plan is None or task.layout is None:
            raise InputFileError(path, str(task.row.get("error")))
        rows: list[dict] = []
        items = chunk_items(task, ingest_job)
        numbers = NumberNormalizer(task.layout.region)
        for item in items:
            result = process_chunk(_read_range(item), layout=task.layout, encoding=item["encoding"],
                                   first_row=item["first_row"], source_file=path, sha256=item["sha256"],
                                   ingest_job=ingest_job, numbers=numbers, junk=JunkRules.from_json(item["junk"]))
            if result.records_seen != item["n_records"]:
                raise InputFileError(path, f"chunk {item['chunk_id']}: {result.records_seen} records read, "
                                           f"{item['n_records']} planned")
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
    import os

    import pyarrow as pa

    from raybench.pipeline.transform import OUTPUT_SCHEMA
    from raybench.pipeline.verdict import file_verdict
    from raybench.sink.duckdb_sink import DuckDBSink

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
