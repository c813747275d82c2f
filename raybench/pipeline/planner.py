"""The planner: input paths -> file profiles -> chunk descriptors, with the checkpoint's skip list.

Each file is sniffed and planned by its format's module, picked once by content
(:func:`raybench.pipeline.formats.sniff_format`); the planner then skips content already stored (or being
stored by another job), takes a resumed job's committed chunks out, writes each planned file's ``files``
row as ``running``, reads the cell-site lists itself (they are small and joined at the end) and declares
the chunks to the sink. What it returns (:class:`JobPlan`) is all the runner and the finalizer need.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from raybench.errors import ConfigError
from raybench.layout import Layout
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline import checkpoint, formats
from raybench.pipeline.options import IngestOptions
from raybench.pipeline.task import FileTask, new_task
from raybench.pipeline.transform import process_chunk
from raybench.read.chunk import ChunkDescriptor

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".csv", ".txt", ".tsv", ".dat", ".cdr", ".log", ".pdf", ".xlsx", ".xls", ".jsonl", ".ndjson")
"""File name endings taken when a folder is given (a file given by name is always taken)."""


def expand_paths(paths: list[str]) -> list[str]:
    """Files named directly, plus the data files (by :data:`INPUT_SUFFIXES`) inside named folders.

    A path that does not exist is kept: it becomes a ``files`` row with ``status='failed'``.
    """
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*"))
                       if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith("."))
        else:
            out.append(str(path))
    return out


def require_inputs(paths: list[str]) -> list[str]:
    """:func:`expand_paths`, refusing an input that names no file at all (an empty folder, or one
    without a data file by :data:`INPUT_SUFFIXES`).

    Raises:
        ConfigError: no file to read, naming the paths and the endings taken.
    """
    files = expand_paths(paths)
    if not files:
        raise ConfigError(f"no input files in {', '.join(paths)}: a folder's files are taken when their "
                          f"names end in {' '.join(INPUT_SUFFIXES)}")
    return files


def new_job_id() -> str:
    """``job-<UTC time>-<6 hex>``."""
    return f"job-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:6]}"


def prepare_file(path: str, options: IngestOptions, staging: str, job: str) -> FileTask:
    """Sniff and plan one file with its format's module (picked by content,
    :func:`raybench.pipeline.formats.sniff_format`).

    Args:
        path: the file; options: ``chunk_bytes`` and ``tz`` are used.
        staging: a folder for transcoded copies (UTF-16, CR line ends) and tables found in PDFs; the
            caller removes it once the chunks are read.
        job: the job id written in the ``files`` row.

    Returns:
        The file's task: ``plan`` None and a one-line ``row["error"]`` (naming the file) when it cannot be
        read; never raises for a bad file.
    """
    return formats.sniff_format(path).prepare(new_task(path, job), options, staging)


def chunk_descriptors(task: FileTask, job: str) -> list[ChunkDescriptor]:
    """The chunk descriptors of one planned file (one Ray Data row each), by its format's module."""
    return formats.format_of(task.format).descriptors(task, job)


def describe_file(path: str, tz: str | None = None) -> dict:
    """What the driver would decide for one file, without ingesting it: ``layout``, ``tz``, ``tz_source``
    (how the zone was decided), ``value_formats`` (dict, :mod:`raybench.profile`), ``rows_read`` and
    ``error`` (None when the file can be read). Plans the file (one pass over it) in a temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="raybench-describe-") as staging:
        task = prepare_file(path, IngestOptions(db="", tz=tz), staging, "describe")
    row = task.row
    return {"layout": row.get("layout"), "tz": row.get("tz"), "tz_source": row.get("tz_source"),
            "value_formats": json.loads(row["value_formats"]) if row.get("value_formats") else {},
            "rows_read": row.get("rows_read"), "error": row.get("error")}


def _ingest_cell_sites(task: FileTask, sink, job: str) -> None:
    """Read a cell-site list in the driver into ``cell_sites`` (joined onto ``cdr`` by the finalizer)."""
    assert task.plan is not None and task.layout is not None
    for item in chunk_descriptors(task, job):
        result = process_chunk(formats.read(item), layout=task.layout, encoding=item.encoding,
                               first_row=item.first_row, source_file=task.path, sha256=item.sha256,
                               ingest_job=job, numbers=NumberNormalizer(None), junk=task.junk, format=item.format)
        sink.write_cell_sites(result.table, job)


@dataclass
class JobPlan:
    """What the planner decided for one job run (:func:`plan_job`).

    Attributes:
        job: the job id.
        run_no: this run's number for the job (1 for a new job, more for a resumed one).
        tasks: every input file, planned or not (a file that cannot be read has ``plan`` None and a
            ``failed`` row; a file already stored has ``status='skipped'``).
        items: the chunk descriptors still to run (:func:`chunk_descriptors`), committed chunks left out.
        layouts: :func:`layout_key` -> layout of every CDR file planned (what the workers need).
        chunks_skipped: chunks a checkpoint already holds (a resumed job).
        total_rows: records of ``items``.
    """

    job: str
    run_no: int
    tasks: list[FileTask]
    items: list[ChunkDescriptor]
    layouts: dict[str, Layout]
    chunks_skipped: int
    total_rows: int

    @property
    def cdr_rows(self) -> int:
        """Records of every planned CDR file (committed chunks included)."""
        return sum(t.plan.n_records for t in self.tasks if t.plan and t.layout and t.layout.kind == "cdr")


def open_job(sink, paths: list[str], options: IngestOptions) -> tuple[str, list[str], int]:
    """Write (or, with ``options.resume``, take up again) the job's manifest in ``sink``.

    Returns:
        ``(job id, paths, run number)``; ``options.job_id`` is set to the job id and, for a resumed job,
        the plan-deciding options come from its manifest.

    Raises:
        ConfigError: nothing to resume (:func:`raybench.pipeline.checkpoint.resume_target`).
    """
    if options.resume:
        job, manifest_paths, manifest_options = checkpoint.resume_target(
            sink.con, None if options.resume == "latest" else options.resume)
        checkpoint.apply_manifest_options(options, manifest_options)
        paths = list(paths) or manifest_paths
    else:
        job = options.job_id or new_job_id()
    options.job_id = job
    run_no = checkpoint.start_job(sink.con, job, list(paths), asdict(options))
    return job, list(paths), run_no


def plan_job(sink, job: str, run_no: int, files: list[str], options: IngestOptions, staging: str,
             in_progress: dict[str, str] | None = None) -> JobPlan:
    """The planner: identify and plan every file, skip what is stored already, take the checkpoint's
    committed chunks out of a resumed job, write each planned file's ``files`` row as ``running``,
    store the cell-site lists (read here, not by the workers) and declare the chunks to ``sink``.

    Args:
        sink: the job's :class:`raybench.sink.duckdb_sink.DuckDBSink`.
        job: the job id; run_no: its run number (:func:`open_job`).
        files: input files (:func:`expand_paths`).
        options: the job's options (``chunk_bytes``, ``tz``).
        staging: a folder for transcoded copies (UTF-16, CR line ends); the caller removes it.
        in_progress: SHA-256 -> id of another job reading that content now (a service runs jobs side by
            side): such a file is ``skipped`` like one already stored, never read twice at once (the
            second job would delete the first one's rows as an unfinished job's).
    """
    tasks = [prepare_file(p, options, staging, job) for p in files]
    seen = _claim_files(sink, job, run_no, tasks, in_progress or {})
    if run_no > 1 and (removed := checkpoint.forget_other_files(sink.con, job, seen)):
        log.warning("removed %d rows the job stored for files that changed or went away since", removed)
    for task in tasks:
        if task.plan is not None and task.layout is not None and task.layout.kind == "cell_sites":
            _ingest_cell_sites(task, sink, job)
    cdr_tasks = [t for t in tasks if t.plan is not None and t.layout is not None and t.layout.kind == "cdr"]
    items = [item for t in cdr_tasks for item in chunk_descriptors(t, job) if item.chunk_id not in t.committed]
    sink.expect_chunks(items)
    return JobPlan(job=job, run_no=run_no, tasks=tasks, items=items,
                   layouts={k: lay for t in cdr_tasks for k, lay in t.layouts().items()},
                   chunks_skipped=sum(len(t.committed) for t in cdr_tasks),
                   total_rows=sum(i.n_records for i in items))


def _claim_files(sink, job: str, run_no: int, tasks: list[FileTask], in_progress: dict[str, str]) -> set[str]:
    """Skip each planned file already stored, being stored by another job, or named twice; take a
    resumed job's committed chunks out (rows of chunks that did not commit whole removed); write the
    others' ``files`` rows as ``running``. Returns the SHA-256 of every file this run reads."""
    seen: set[str] = set()
    for task in tasks:
        if task.plan is None:
            continue
        sha = task.plan.sha256
        busy = in_progress.get(sha)
        if (prior := sink.already_ingested(sha)) or sha in seen or busy:
            why = (f"already ingested by {prior}" if prior else f"being ingested by {busy}" if busy else
                   "the same content is named twice in this job")
            task.row.update(status="skipped", error=why, rows_read=0, lines_skipped={})
            task.plan = None
            continue
        seen.add(sha)
        if removed := sink.forget_partial(sha, keep_job=job if run_no > 1 else None):
            log.warning("%s: removed %d rows left by an unfinished earlier job", task.path, removed)
        if run_no > 1 and task.layout is not None and task.layout.kind == "cdr":
            task.committed = checkpoint.committed_chunks(sink.con, job, sha)
            if removed := checkpoint.forget_uncommitted(sink.con, job, sha, task.committed):
                log.warning("%s: removed %d rows of chunks that did not commit whole", task.path, removed)
        elif run_no > 1:
            checkpoint.forget_file(sink.con, job, sha)
        sink.write_file_row(dict(task.row, status="running", error=None))
    return seen
