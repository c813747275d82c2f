"""The ingest job: files in, canonical rows in DuckDB, metrics in a results JSON.

Flow (../shared/design.md, "Data flow")::

    identify each file (driver) -> plan record-aligned chunks (driver, one pass) ->
    Ray Data: from_items(chunk descriptors) -> map_batches(IngestWorker, ActorPoolStrategy) ->
    driver writes each output block to DuckDB -> files rows with the accounting read back from the tables

A file that cannot be read gets a ``files`` row with ``status='failed'`` and a one-line error; the job
goes on. Cell-site lists are read in the driver into ``cell_sites`` and joined onto ``cdr`` at the end.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import uuid
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from raybench.catalog import BUILTIN
from raybench.errors import ConfigError, InputFileError, RaybenchError, UnknownLayoutError
from raybench.faults.plan import FaultPlan
from raybench.identify.file import FileIdentity
from raybench.layout import Layout
from raybench.pipeline.verdict import file_verdict, rows_flagged
from raybench.profile import profile_file
from raybench.read.junk import JunkRules
from raybench.timing import PhaseTimer
from raybench.read.partition import BLOCK_BYTES_DEFAULT, FilePlan, plan_file

log = logging.getLogger(__name__)

MIN_CHUNK_BYTES = 4 << 10
"""Smallest ``chunk_bytes`` accepted (4 KiB): smaller chunks only add per-batch overhead."""

INPUT_SUFFIXES = (".csv", ".txt", ".tsv", ".dat", ".cdr", ".log", ".pdf", ".xlsx")
"""File name endings taken when a folder is given (a file given by name is always taken)."""


@dataclass
class IngestOptions:
    """Options of one ingest job.

    Attributes:
        db: DuckDB database file.
        address: Ray cluster address; None starts Ray embedded (or joins the cluster of a Ray job).
        num_cpus: CPUs of an embedded Ray; None means all of this machine's.
        workers: actors in the pool; None means the cluster's CPUs minus one (at least one).
        worker_cpus: CPUs each actor reserves.
        chunk_bytes: target size of one chunk (one batch), in bytes.
        tz: IANA zone replacing the assumption of layouts written in local time; None keeps them.
        results: path of the results JSON; None writes ``results/ingest-<job>.json``.
        object_store_bytes: object store of an embedded Ray, in bytes; None lets Ray choose.
        progress: show a progress bar.
        job_id: the job id; None makes one.
        resume: a job id to resume, or ``"latest"`` for the latest unfinished job of ``db``
            (:mod:`raybench.pipeline.checkpoint`); its paths and plan options come from its manifest.
        commit_rows: rows per DuckDB commit at most (each commit is a checkpoint); a commit comes sooner
            once the queued rows hold :data:`raybench.sink.duckdb_sink.FLUSH_BYTES` bytes.
        batch_timeout_s: longest wait for the next batch before the job fails (nothing hangs).
        faults: faults to inject (:class:`raybench.faults.plan.FaultPlan`); None injects none.
        sample_interval_s: seconds between the coordinator's samples of every process (each PSS read
            costs about 8 ms of CPU per process).
        memory_budget_bytes: PSS the whole job may take (driver, workers, object store); the pool is
            sized from the CPUs and this (:mod:`raybench.pipeline.budget`); None: from the CPUs alone.
    """

    db: str
    address: str | None = None
    num_cpus: int | None = None
    workers: int | None = None
    worker_cpus: float = 1.0
    chunk_bytes: int = BLOCK_BYTES_DEFAULT
    tz: str | None = None
    results: str | None = None
    object_store_bytes: int | None = None
    progress: bool = True
    job_id: str | None = None
    resume: str | None = None
    commit_rows: int = 250_000
    batch_timeout_s: float = 600.0
    faults: FaultPlan | None = None
    sample_interval_s: float = 0.5
    memory_budget_bytes: int | None = 2 << 30  # issue 20: raybench.pipeline.budget (None: no budget)


@dataclass
class FileTask:
    """One input file as the driver sees it."""

    path: str
    identity: FileIdentity | None = None
    layout: Layout | None = None
    data_path: str = ""
    offset: int = 0
    plan: FilePlan | None = None
    junk: JunkRules | None = None
    row: dict = field(default_factory=dict)
    committed: set[str] = field(default_factory=set)
    identify_s: float | None = None
    method: str | None = None
    format: str = "text"
    suspect: str | None = None
    """Why a file read in full must not be taken as complete (a bill's scanned pages): status suspect."""


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


def file_format(path: str) -> str:
    """``pdf``, ``xlsx`` or ``text``, by the file's first bytes (``%PDF-``; a ZIP container named
    ``.xlsx``/``.xlsm``), so a misnamed PDF is still read as one."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "text"  # a folder, pipe or device: identify_file reports why (opening a FIFO blocks)
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError:
        return "text"  # identify_file reports why
    if magic.startswith(b"%PDF-"):
        return "pdf"
    if magic.startswith(b"PK\x03\x04") and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    return "text"


def _file_sha256(path: str) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _prepare_paged(task: FileTask, options: IngestOptions) -> FileTask:
    """Identify and plan a PDF (page ranges) or an XLSX workbook (sheet row ranges)."""
    path = task.path
    try:
        if task.format == "pdf":
            from raybench.read.pdf import PAGE_BYTES, identify_pdf, plan_pdf

            pages_per_chunk = max(1, options.chunk_bytes // PAGE_BYTES)
            kind = "pdf"
            try:
                layout, _ = identify_pdf(path, BUILTIN)
                plan = plan_pdf(path, layout.columns, pages_per_chunk)
            except UnknownLayoutError as exc:  # not an export's table: a bill as the carrier prints it?
                from raybench.read.pdf_bills import plan_bill

                plan = plan_bill(path, pages_per_chunk, first_error=exc.reason)
                layout, task.suspect, kind = plan.layout, plan.suspect, "pdf bill"
            dialect = f"{kind}, {plan.pages} page{'' if plan.pages == 1 else 's'}"
        else:
            from raybench.read.xlsx import ROW_BYTES, plan_xlsx

            plan = plan_xlsx(path, BUILTIN, max(1, options.chunk_bytes // ROW_BYTES))
            layout = plan.layout
            dialect = "xlsx, sheets " + ", ".join(plan.sheets)
    except InputFileError as exc:
        task.row.update(error=str(exc), bytes=os.path.getsize(path))
        return task
    if options.tz:
        layout = layout.with_tz(options.tz)
    task.layout, task.data_path = layout, path
    _record_zone(task.row, layout)
    sha = _file_sha256(path)
    task.plan = FilePlan(chunks=plan.chunks, sha256=sha, size_bytes=os.path.getsize(path),
                         n_records=plan.n_records, lines_skipped=dict(plan.lines_skipped))
    task.row.update(bytes=task.plan.size_bytes, encoding=task.format, dialect=dialect, layout=layout.id,
                    carrier=layout.carrier, kind=layout.kind, confidence=1.0, sha256=sha,
                    rows_read=plan.n_records, lines_skipped=dict(plan.lines_skipped))
    return task


def _prepare_pdf_table(task: FileTask, options: IngestOptions, staging: str, job: str) -> FileTask:
    """A PDF of no known table or bill layout: the longest table pymupdf's table finder sees, written as a
    CSV to ``staging`` and planned as delimited text (:mod:`raybench.read.pdf_tables`); its rows flagged
    ``pdf_table_finder``, its confidence lowered. ``task`` unchanged (failed, with the finder's result in
    its error) when there is no such table or the CSV cannot be read either."""
    from dataclasses import replace

    from raybench.read.pdf_tables import ROW_FLAG, TABLE_FINDER_CONFIDENCE, find_table, write_csv

    path = task.path
    table = find_table(path)
    if table is None:
        return task
    staged = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.tables.csv")
    write_csv(table, staged)
    sub = _prepare(staged, options, staging, job)
    pages = len(set(table.pages))
    if sub.plan is None or sub.layout is None:
        why = str(sub.row.get("error") or "").replace(f"{staged}: ", "").replace(staged, "the table")
        task.row["error"] += (f"; the table finder's table ({len(table.header)} columns, {len(table.rows)} rows "
                              f"on {pages} pages) cannot be read either: {why}")
        return task
    sha = _file_sha256(path)
    sub.path = path
    sub.layout = replace(sub.layout, row_flags=sub.layout.row_flags + (ROW_FLAG,))
    sub.plan.sha256, sub.plan.size_bytes = sha, os.path.getsize(path)
    sub.row.update(path=path, sha256=sha, bytes=sub.plan.size_bytes, encoding="pdf",
                   dialect=f"pdf table found by pymupdf's table finder ({pages} pages) read as {sub.row['dialect']}",
                   confidence=round((sub.row.get("confidence") or 0.0) * TABLE_FINDER_CONFIDENCE, 3))
    return sub


def _decide_date_order(task: FileTask, layout: Layout, encoding: str) -> Layout:
    """The layout with the date order the file's whole start column shows (day-first only when the
    column proves it; see :mod:`raybench.normalize.dates`)."""
    from dataclasses import replace

    from raybench.normalize.dates import day_month_order, file_date_column

    start = layout.start
    assert start is not None
    column = file_date_column(task.data_path, delimiter=layout.delimiter, index=layout.columns.index(start.column),
                              encoding=encoding)
    if day_month_order(column) != "dmy":
        return layout
    return replace(layout, start=replace(start, formats=start.day_first_formats))


def _prepare(path: str, options: IngestOptions, staging: str, job: str) -> FileTask:
    task = FileTask(path)
    task.row = {"ingest_job": job, "path": path, "status": "failed", "rows_read": 0, "rows_stored": 0,
                "rows_quarantined": 0, "kind": None}
    task.format = file_format(path)
    if task.format != "text":
        task = _prepare_paged(task, options)
        if task.format == "pdf" and task.plan is None and task.row.get("error"):
            task = _prepare_pdf_table(task, options, staging, job)
        return task
    try:  # templates, header rules, then the ONNX models (raybench.classify.resolve)
        from raybench.classify.resolve import resolve_identity

        t_identify = time.perf_counter()
        identity = resolve_identity(path, BUILTIN)
        task.identify_s = time.perf_counter() - t_identify
        task.method = identity.identification.method
    except InputFileError as exc:
        task.row.update(error=str(exc), bytes=os.path.getsize(path) if os.path.exists(path) else None)
        return task
    layout = identity.identification.layout
    if options.tz:
        layout = layout.with_tz(options.tz)
    task.identity, task.layout = identity, layout
    task.row.update(bytes=identity.size_bytes, encoding=identity.encoding.name, dialect=layout.dialect,
                    layout=layout.id, carrier=layout.carrier, kind=layout.kind,
                    confidence=identity.identification.confidence)
    task.data_path, task.offset = path, identity.encoding.bom_bytes
    original_sha = None
    if not identity.encoding.ascii_compatible or identity.cr_only:  # UTF-16, or old-Mac CR line ends
        from raybench.read.transcode import transcode_to_utf8

        task.data_path = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.utf8")
        original_sha = transcode_to_utf8(path, task.data_path, identity.encoding.name,
                                         identity.encoding.bom_bytes, cr_to_lf=identity.cr_only)
        task.offset = 0
    if layout.start is not None and layout.start.day_first_formats:
        layout = _decide_date_order(task, layout, "utf-8" if original_sha else identity.encoding.name)
        task.layout = layout
        task.row.update(dialect=layout.dialect + ("; dates DD/MM" if layout.start.day_first else ""))
    identification = identity.identification
    task.junk = identification.junk_rules()
    task.plan = plan_file(task.data_path, offset=task.offset, lead=identification.lead, junk=task.junk,
                          encoding="utf-8" if original_sha else identity.encoding.name,
                          block_bytes=options.chunk_bytes)
    if original_sha:
        task.plan.sha256 = original_sha
    task.plan.size_bytes = identity.size_bytes
    if layout.kind == "not_cdr":  # recognised, not calls (Cisco CMR): counted, never stored
        task.plan.lines_skipped[f"{layout.id}_record"] = task.plan.n_records
        task.plan.chunks, task.plan.n_records = [], 0
    profile = profile_file(task.data_path, "utf-8" if original_sha else identity.encoding.name, layout,
                           task.plan.chunks, task.junk)
    task.layout = layout = profile.layout
    task.row.update(sha256=task.plan.sha256, rows_read=task.plan.n_records,
                    lines_skipped=dict(task.plan.lines_skipped), value_formats=profile.to_json())
    _record_zone(task.row, layout)
    return task


def describe_file(path: str, tz: str | None = None) -> dict:
    """What the driver would decide for one file, without ingesting it: ``layout``, ``tz``, ``tz_source``
    (how the zone was decided), ``value_formats`` (dict, :mod:`raybench.profile`), ``rows_read`` and
    ``error`` (None when the file can be read). Plans the file (one pass over it) in a temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="raybench-describe-") as staging:
        task = _prepare(path, IngestOptions(db="", tz=tz), staging, "describe")
    row = task.row
    return {"layout": row.get("layout"), "tz": row.get("tz"), "tz_source": row.get("tz_source"),
            "value_formats": json.loads(row["value_formats"]) if row.get("value_formats") else {},
            "rows_read": row.get("rows_read"), "error": row.get("error")}


def _record_zone(row: dict, layout: Layout) -> None:
    """The zone a file's times were read in and how it was decided, in its ``files`` row."""
    if layout.start is not None:
        row.update(tz=layout.tz, tz_source=layout.tz_source)


def chunk_items(task: FileTask, job: str) -> list[dict]:
    """The chunk descriptors of one planned file (one Ray Data row each).

    Keys: ``chunk_id``, ``path`` (the readable data file), ``source_file`` (as given), ``sha256``,
    ``byte_start``, ``byte_end``, ``first_row``, ``n_records``, ``layout``, ``layout_key`` (the id and the
    sniffed dialect: :func:`layout_key`), ``encoding``, ``junk`` (the file's
    :class:`~raybench.read.junk.JunkRules` as JSON; the records of the range exclude its junk lines, which
    the planner counted), ``ingest_job``, and ``format`` (``text``, ``pdf``, ``xlsx``): a PDF chunk is the
    pages ``[page_start, page_end)`` (0-based) with ``context`` the table state at its first page
    (:class:`raybench.read.pdf.TableState`); an XLSX chunk is the rows ``[page_start, page_end)`` of
    ``sheet`` with ``context`` the sheet's header; their byte range is empty. Every descriptor has every
    key (Ray Data builds one Arrow schema for them).
    """
    assert task.plan is not None and task.layout is not None
    if task.format != "text":
        return [{
            "chunk_id": f"{task.plan.sha256[:12]}:{i}", "path": os.path.abspath(task.data_path),
            "source_file": task.path, "sha256": task.plan.sha256, "byte_start": 0, "byte_end": 0,
            "first_row": c.first_row, "n_records": c.n_records, "layout": task.layout.id,
            "layout_key": layout_key(task.layout), "encoding": task.format, "junk": "", "ingest_job": job,
            "format": task.format, "page_start": c.page_start if task.format == "pdf" else c.row_start,
            "page_end": c.page_end if task.format == "pdf" else c.row_end,
            "sheet": getattr(c, "sheet", ""), "context": c.context,
        } for i, c in enumerate(task.plan.chunks)]
    assert task.identity is not None
    transcoded = not task.identity.encoding.ascii_compatible or task.identity.cr_only
    encoding = "utf-8" if transcoded else task.identity.encoding.name
    return [{
        "chunk_id": f"{task.plan.sha256[:12]}:{i}", "path": os.path.abspath(task.data_path),
        "source_file": task.path, "sha256": task.plan.sha256, "byte_start": c.byte_start,
        "byte_end": c.byte_end, "first_row": c.first_row, "n_records": c.n_records,
        "layout": task.layout.id, "layout_key": layout_key(task.layout), "encoding": encoding,
        "junk": task.junk.to_json() if task.junk is not None else "", "ingest_job": job,
        "format": "text", "page_start": 0, "page_end": 0, "sheet": "", "context": "",
    } for i, c in enumerate(task.plan.chunks)]


def layout_key(layout: Layout) -> str:
    """The key of a layout in the worker's table: its id, its dialect (files of one layout may be
    written with different separators) and a digest of the rest (a template or the models may map
    another column order onto the same layout id)."""
    return f"{layout.id} {layout.dialect} {zlib.crc32(repr(layout).encode()):08x}"


def _ingest_cell_sites(task: FileTask, sink, job: str) -> None:
    from raybench.normalize.numbers import NumberNormalizer
    from raybench.pipeline.worker import _read_range
    from raybench.pipeline.transform import process_chunk

    assert task.plan is not None and task.layout is not None
    for item in chunk_items(task, job):
        data = _read_range(item)
        result = process_chunk(data, layout=task.layout, encoding=item["encoding"],
                               first_row=item["first_row"], source_file=task.path, sha256=item["sha256"],
                               ingest_job=job, numbers=NumberNormalizer(None), junk=task.junk)
        sink.write_cell_sites(result.table, job)


def validate_options(options: IngestOptions) -> None:
    """Check the options before any work.

    Raises:
        ConfigError: a bad zone, CPU or worker count, chunk size, results path, or an unreachable
            Ray address.
    """
    if options.tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(options.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"--tz {options.tz!r} is not an IANA time zone (e.g. America/New_York)") from None
    if options.num_cpus is not None and options.num_cpus < 1:
        raise ConfigError(f"--num-cpus must be at least 1, got {options.num_cpus}")
    if options.workers is not None and options.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {options.workers}")
    if not MIN_SAMPLE_INTERVAL_S <= options.sample_interval_s <= MAX_SAMPLE_INTERVAL_S:  # NaN fails too
        raise ConfigError(f"--sample-interval must be {MIN_SAMPLE_INTERVAL_S} to {MAX_SAMPLE_INTERVAL_S} s, "
                          f"got {options.sample_interval_s}")
    if not MIN_WORKER_CPUS <= options.worker_cpus < float("inf"):
        raise ConfigError(f"--worker-cpus must be a number of at least {MIN_WORKER_CPUS}, got {options.worker_cpus}")
    if options.commit_rows < 1:
        raise ConfigError(f"commit_rows must be at least 1, got {options.commit_rows}")
    if options.batch_timeout_s <= 0:
        raise ConfigError(f"batch_timeout_s must be above 0, got {options.batch_timeout_s}")
    if options.chunk_bytes < MIN_CHUNK_BYTES:
        raise ConfigError(f"--chunk-size must be at least {MIN_CHUNK_BYTES} bytes, got {options.chunk_bytes}")
    from raybench.pipeline.budget import check_budget  # issue 20: a budget too small for one actor, before Ray starts
    check_budget(options)
    if options.results:
        folder = os.path.dirname(os.path.abspath(options.results))
        if os.path.isdir(options.results) or not os.access(folder if os.path.isdir(folder) else
                                                           os.path.dirname(folder), os.W_OK):
            raise ConfigError(f"--results {options.results!r} is not a writable file path")
    if options.address and options.address != "auto" and not options.address.startswith("ray://"):
        import socket

        host, _, port = options.address.rpartition(":")
        try:
            socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
        except (OSError, ValueError):
            raise ConfigError(f"--address {options.address}: no Ray cluster answers there") from None


def init_ray(options: IngestOptions) -> bool:
    """Connect to or start Ray. Returns True when this call started it (and should shut it down)."""
    import ray

    from raybench.ray_logs import configure_ray_logs, quiet_ray_init, ray_init_kwargs

    if ray.is_initialized():
        return False
    configure_ray_logs()  # Ray's own log lines off the console unless --ray-logs (raybench.ray_logs)
    kwargs: dict = ray_init_kwargs()
    if options.address:
        kwargs["address"] = options.address
    elif not os.environ.get("RAY_ADDRESS"):
        # "local": a new embedded Ray, even when a `ray start` cluster runs on this machine (a bare
        # ray.init() would join that one instead); join a cluster with --address
        kwargs.update(address="local", include_dashboard=False, num_cpus=options.num_cpus)
        if options.object_store_bytes:
            kwargs["object_store_memory"] = options.object_store_bytes
        if options.faults is not None and (threshold := options.faults.memory_threshold()):
            # read by the raylet this ray.init starts: its memory monitor kills workers above it
            saved = {k: os.environ.get(k) for k in ("RAY_memory_usage_threshold", "RAY_memory_monitor_refresh_ms")}
            os.environ["RAY_memory_usage_threshold"] = f"{threshold:.4f}"
            os.environ["RAY_memory_monitor_refresh_ms"] = "100"
            try:
                with quiet_ray_init():
                    ray.init(**kwargs)
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            return True
    with quiet_ray_init():
        ray.init(**kwargs)
    return True


def run_ingest(paths: list[str], options: IngestOptions) -> dict:
    """Ingest files into ``options.db`` and return the job's results.

    Args:
        paths: files or folders.
        options: see :class:`IngestOptions`.

    Returns:
        The results dict that is also written to the results JSON: ``job``, ``files`` (the ``files``
        rows), ``totals`` (``rows_read``, ``rows_stored`` (``cdr``), ``rows_quarantined`` over the CDR
        files, ``cell_sites_read``, ``cell_sites_stored``, ``cell_sites_quarantined`` over the
        cell-site lists, ``files_failed``),
        ``wall_s``, ``rows_per_s``, ``metrics`` (the coordinator's summary: latency percentiles,
        per-process memory and CPU, concurrency, errors, time series), ``dedupe`` (the summary of
        :func:`raybench.dedupe.dedupe_job`: ``wall_s``, ``duplicates``, ``by_kind``, ...) and
        ``results_path``. ``totals`` also has ``rows_with_verdict`` and ``validation_coverage``
        (:func:`raybench.validate.coverage.validation_coverage`).

    Raises:
        ConfigError: a bad option (see :func:`validate_options`).
        IngestError: Ray or the database failed as a whole.
        IngestInterrupted: Ctrl-C (SIGINT; :mod:`raybench.pipeline.interrupt`): the committed rows stay,
            the job and its unfinished files are marked ``interrupted``, ``--resume`` carries on.
    """
    from raybench.monitor.ingest import watch_ingest  # Prometheus metrics (raybench.monitor)
    from raybench.pipeline.interrupt import sigint_guard

    with sigint_guard(), watch_ingest(options) as watch:
        return watch.done(_run_ingest(paths, options))


@dataclass
class JobPlan:
    """What the planner decided for one job run (:func:`plan_job`).

    Attributes:
        job: the job id.
        run_no: this run's number for the job (1 for a new job, more for a resumed one).
        tasks: every input file, planned or not (a file that cannot be read has ``plan`` None and a
            ``failed`` row; a file already stored has ``status='skipped'``).
        items: the chunk descriptors still to run (:func:`chunk_items`), committed chunks left out.
        layouts: :func:`layout_key` -> layout of every CDR file planned (what the workers need).
        chunks_skipped: chunks a checkpoint already holds (a resumed job).
        total_rows: records of ``items``.
    """

    job: str
    run_no: int
    tasks: list[FileTask]
    items: list[dict]
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
    from raybench.pipeline import checkpoint

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
    from raybench.pipeline import checkpoint

    tasks = [_prepare(p, options, staging, job) for p in files]
    seen: set[str] = set()
    for task in tasks:
        if task.plan is None:
            continue
        sha = task.plan.sha256
        busy = (in_progress or {}).get(sha)
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
    if run_no > 1 and (removed := checkpoint.forget_other_files(sink.con, job, seen)):
        log.warning("removed %d rows the job stored for files that changed or went away since", removed)
    for task in tasks:
        if task.plan is not None and task.layout is not None and task.layout.kind == "cell_sites":
            _ingest_cell_sites(task, sink, job)
    cdr_tasks = [t for t in tasks if t.plan is not None and t.layout is not None and t.layout.kind == "cdr"]
    items = [item for t in cdr_tasks for item in chunk_items(t, job) if item["chunk_id"] not in t.committed]
    sink.expect_chunks(items)
    return JobPlan(job=job, run_no=run_no, tasks=tasks, items=items,
                   layouts={layout_key(t.layout): t.layout for t in cdr_tasks if t.layout},
                   chunks_skipped=sum(len(t.committed) for t in cdr_tasks),
                   total_rows=sum(i["n_records"] for i in items))


@dataclass
class JobFinal:
    """What :func:`finalize_job` found: ``rows`` (the job's ``files`` rows), ``joined`` (rows given
    coordinates from ``cell_sites``), ``dedupe`` (:func:`raybench.dedupe.dedupe_job`'s summary, or
    ``{"error": ...}``) and ``coverage`` (:func:`raybench.validate.coverage.validation_coverage`)."""

    rows: list[dict]
    joined: int
    dedupe: dict
    coverage: dict


def finalize_job(sink, plan: JobPlan, phase=None, coordinator=None) -> JobFinal:
    """The finalizer, once every chunk is in ``sink`` (flushed): join cell sites, find duplicates,
    count each file's rows back from the tables, give each its verdict, write the ``files`` rows and
    mark the manifest ``done``.

    Args:
        sink: the job's sink; plan: its :class:`JobPlan`.
        phase: called with each phase name as it ends (:class:`raybench.timing.PhaseTimer.mark`).
        coordinator: the coordinator actor, told the phases (its samples are labelled), or None.

    Raises:
        the dedupe's exception when an interrupt was requested (Ctrl-C during duplicate detection);
        a database error.
    """
    from raybench.dedupe import dedupe_job
    from raybench.pipeline import checkpoint
    from raybench.pipeline.interrupt import interrupt_requested
    from raybench.sink.duckdb_sink import DEDUPE_MEMORY_LIMIT, files_rows
    from raybench.validate.coverage import validation_coverage

    phase = phase or (lambda name: None)
    job = plan.job
    sink.con.execute(f"SET memory_limit = '{DEDUPE_MEMORY_LIMIT}'")  # joins and sorts from here on
    joined = sink.join_cell_sites()
    phase("finalize")
    # duplicates and call legs over the stored rows (raybench.dedupe): cdr.duplicate_of, duplicates, call_legs
    _set_phase(coordinator, "dedupe")  # the samplers go on through dedupe: its memory counts too
    try:
        dedupe = dedupe_job(sink.con, job, stream=getattr(sink, "dedupe_stream", None),  # issue 20
                            dropped_rows=getattr(sink, "rows_dropped_duplicate", 0))
    except Exception as exc:  # every row is stored already; a failed dedupe is reported, not fatal
        if interrupt_requested():  # DuckDB turned Ctrl-C into its InterruptException
            raise
        log.error("duplicate detection failed: %s: %s", type(exc).__name__, exc)
        dedupe = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    phase("dedupe")
    _set_phase(coordinator, "finalize")
    counts = sink.counts(job)
    for task in plan.tasks:
        if task.plan is None:
            sink.write_file_row(task.row)
            continue
        stored, quarantined = counts.get(task.plan.sha256, (0, 0))
        task.row.update(rows_stored=stored, rows_quarantined=quarantined,
                        rows_flagged=rows_flagged(sink.con, job, task.plan.sha256))
        failed_rows = sink.worker_error_rows(job, task.plan.sha256)
        if stored + quarantined == task.plan.n_records and failed_rows:
            task.row.update(status="errors", error=f"{failed_rows} rows quarantined because a worker "
                                                   "failed on them; ingest the file again to retry")
        elif stored + quarantined == task.plan.n_records and task.suspect:
            task.row.update(status="suspect", error=task.suspect)
        elif stored + quarantined == task.plan.n_records:
            status, error = file_verdict(sink.con, job, task.plan.sha256, task.plan.n_records, stored,
                                         quarantined, task.row.get("value_formats"))
            task.row.update(status=status, error=error)
        else:
            task.row.update(status="incomplete", error=f"{task.plan.n_records - stored - quarantined} "
                                                       "rows read but neither stored nor quarantined")
        sink.write_file_row(task.row)
    rows = files_rows(sink.con, job)
    coverage = validation_coverage(sink.con, job, sum(r["rows_read"] or 0 for r in rows),
                                   sum(r["rows_stored"] or 0 for r in rows))
    checkpoint.finish_job(sink.con, job, "done")
    return JobFinal(rows=rows, joined=joined, dedupe=dedupe, coverage=coverage)


def job_totals(final: JobFinal) -> dict:
    """The job's totals over its ``files`` rows (CDR files and cell-site lists counted apart) with the
    validation coverage: the ``totals`` of the results."""
    rows = final.rows
    calls = [r for r in rows if r.get("kind") != "cell_sites"]  # cell-site lists are counted apart
    sites = [r for r in rows if r.get("kind") == "cell_sites"]
    return {
        "files": len(rows),
        "files_failed": sum(1 for r in rows if r["status"] == "failed"),
        "files_suspect": sum(1 for r in rows if r["status"] == "suspect"),
        "rows_flagged": sum(r.get("rows_flagged") or 0 for r in calls),
        "rows_read": sum(r["rows_read"] or 0 for r in calls),
        "rows_stored": sum(r["rows_stored"] or 0 for r in calls),
        "rows_quarantined": sum(r["rows_quarantined"] or 0 for r in calls),
        "cell_sites_read": sum(r["rows_read"] or 0 for r in sites),
        "cell_sites_stored": sum(r["rows_stored"] or 0 for r in sites),
        "cell_sites_quarantined": sum(r["rows_quarantined"] or 0 for r in sites),
        "cells_joined": final.joined,
        **final.coverage,
    }


def job_results(plan: JobPlan, final: JobFinal, options: IngestOptions, *, sink, wall_s: float,
                phases_s: dict, metrics: dict, faults: FaultPlan) -> dict:
    """The results dict of a finished job (see :func:`run_ingest`), without ``results_path``."""
    totals = job_totals(final)
    return {
        "job": plan.job, "db": options.db, "options": asdict(options), "files": final.rows, "totals": totals,
        "wall_s": wall_s, "rows_per_s": totals["rows_read"] / wall_s if wall_s > 0 else None,
        "phases_s": phases_s, "metrics": metrics, "dedupe": final.dedupe,
        "checkpoint": {"run": plan.run_no, "chunks_skipped": plan.chunks_skipped, "chunks_run": len(plan.items),
                       "commits": sink.commits, "rows_dropped_duplicate": sink.rows_dropped_duplicate},
        "faults": faults.to_dict(),
        "classification": _classification_summary(plan.tasks),
    }


def write_results(results: dict, path: str) -> dict:
    """Write ``results`` as JSON to ``path`` (folders made), with ``results_path`` set in it; returns it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    results["results_path"] = path  # in the file too: a harness that reads it back shows where it is
    with open(path, "w") as f:
        json.dump(results, f, indent=1, default=str)
    return results


def _run_ingest(paths: list[str], options: IngestOptions) -> dict:
    from raybench.errors import IngestInterrupted
    from raybench.pipeline.interrupt import committed_rows, interrupt_requested, mark_stopped
    from raybench.sink.duckdb_sink import DuckDBSink

    t0 = time.perf_counter()
    validate_options(options)
    sink = DuckDBSink(options.db, flush_rows=options.commit_rows)
    try:
        job, paths, run_no = open_job(sink, paths, options)
    except BaseException:
        sink.close()
        raise
    files = expand_paths(paths)
    faults = options.faults or FaultPlan()
    if faults.driver_crash_after_commits and run_no == 1:
        sink.on_commit = _crash_driver_after(faults.driver_crash_after_commits)
    started_ray = False
    staging = tempfile.mkdtemp(prefix="raybench-staging-")
    metrics: dict = {}
    timer = PhaseTimer()
    phase = timer.mark
    plan: JobPlan | None = None

    try:
        plan = plan_job(sink, job, run_no, files, options, staging)
        phase("identify_plan")
        coordinator = None
        if plan.items:
            started_ray = init_ray(options)
            phase("ray_init")
            from raybench.pipeline.coordinator import start_coordinator

            coordinator = start_coordinator((os.getpid(),), options.sample_interval_s)
            pool = _run_pool(plan.items, plan.layouts, sink, options, plan.total_rows, phase, coordinator)
        final = finalize_job(sink, plan, phase, coordinator)
        if coordinator is not None:
            metrics = _finish_metrics(coordinator, pool)
        phase("finalize")
    except BaseException as exc:
        interrupted = interrupt_requested() or isinstance(exc, KeyboardInterrupt)
        try:  # the manifest says why; committed rows stay, and `--resume` carries on from them
            sink.flush()
            if interrupted:
                stopped = IngestInterrupted(job, options.db, committed_rows(sink.con, job),
                                            plan.cdr_rows if plan is not None and plan.tasks else None)
                mark_stopped(sink.con, job, "interrupted", str(stopped))
            else:
                mark_stopped(sink.con, job, "failed",
                             f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        except Exception:
            log.exception("could not record the end of job %s", job)
            if interrupted:
                stopped = IngestInterrupted(job, options.db, sink.rows_committed, None)
        if interrupted:
            raise stopped from None
        raise
    finally:
        sink.close()
        for name in os.listdir(staging):
            os.remove(os.path.join(staging, name))
        os.rmdir(staging)
        if started_ray:
            import ray

            ray.shutdown()
        phase("shutdown")
    results = job_results(plan, final, options, sink=sink, wall_s=time.perf_counter() - t0,
                          phases_s=timer.phases_s, metrics=metrics, faults=faults)
    return write_results(results, options.results or os.path.join("results", f"ingest-{job}.json"))


def _classification_summary(tasks: list[FileTask]) -> dict:
    """Per-file identification time and method: ``latency_s`` (``p50``, ``p95``, ``max`` over the files
    identified), ``methods`` (``header``, ``probe``, ``template``, ``model`` -> files) and
    ``template_match_rate`` (files matched by a template / files identified)."""
    from raybench.metrics.stats import percentiles

    times = [t.identify_s for t in tasks if t.identify_s is not None]
    methods: dict[str, int] = {}
    for t in tasks:
        if t.method:
            methods[t.method] = methods.get(t.method, 0) + 1
    identified = sum(methods.values())
    return {"latency_s": {**percentiles(times), "max": max(times)} if times else {},
            "methods": methods, "files_identified": identified,
            "template_match_rate": methods.get("template", 0) / identified if identified else None}


def _crash_driver_after(commits: int):
    """Fault injection: a commit hook that ends this process abruptly (no cleanup, as a kill would)
    once ``commits`` commits are done."""
    def hook(n: int) -> None:
        if n >= commits:
            log.error("fault injection: the driver exits after commit %d", n)
            os._exit(137)
    return hook


MIN_WORKER_CPUS = 0.01
"""Smallest CPU reservation of an actor (Ray refuses fractions finer than 0.0001)."""

MIN_SAMPLE_INTERVAL_S, MAX_SAMPLE_INTERVAL_S = 0.1, 60.0
"""Bounds of ``sample_interval_s`` (the monitor samples at least once a minute)."""


def pool_size(options: IngestOptions) -> int:
    """Actors in the pool: ``options.workers``, else the cluster's CPUs minus one, at least one.

    One CPU stays free for the driver (it writes to DuckDB) and for Ray Data's own tasks; a pool that
    takes every CPU can starve them on a small machine.

    Raises:
        ConfigError: ``options.worker_cpus`` is more than the cluster's CPUs.
    """
    import ray

    cpus = ray.cluster_resources().get("CPU", 1)
    if options.worker_cpus > cpus:
        raise ConfigError(f"--worker-cpus {options.worker_cpus}: the cluster has {cpus:g} CPUs, so no actor "
                          "could ever be scheduled")
    from raybench.pipeline.budget import budgeted_pool_size  # issue 20: and the memory budget
    return budgeted_pool_size(options.workers or max(1, int((int(cpus) - 1) // max(options.worker_cpus, MIN_WORKER_CPUS))), options)


def _run_pool(items: list[dict], layouts: dict[str, Layout], sink, options: IngestOptions,
              total_rows: int, phase, coordinator) -> dict:
    """Run the chunks through the actor pool into ``sink``.

    Returns:
        ``sink_write_s`` (seconds the driver spent in the sink), ``pool_size`` (actors) and, with
        actor or node kills planned, ``kills``; :func:`_finish_metrics` adds them to the coordinator's
        summary once the job is done.

    Raises:
        IngestError: the Ray pipeline failed, or no batch came for ``options.batch_timeout_s``.
    """
    import ray
    from ray.data import ActorPoolStrategy, DataContext

    from raybench.faults.driver import ActorKiller
    from raybench.monitor.ingest import observe_block
    from raybench.pipeline.worker import IngestWorker

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    faults = options.faults or FaultPlan()
    n = pool_size(options)
    ds = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
        IngestWorker,
        fn_constructor_kwargs={"layouts": layouts, "coordinator": coordinator, "faults": faults.worker_part()},
        batch_size=1,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=n),
        num_cpus=options.worker_cpus,
        runtime_env={"env_vars": {"POLARS_MAX_THREADS": str(max(1, int(options.worker_cpus)))}},
    )
    progress = _Progress(options.progress, total_rows)
    from raybench.dedupe.stream import DedupeStream  # issue 20: dedupe keys and candidates as batches arrive
    sink.dedupe_stream = stream = DedupeStream(sink.con, items)  # issue 20
    killer = ActorKiller(coordinator, faults) if faults.kill_actor_every_s or faults.kill_node_after_s else None
    phase("pool_setup")
    sink_s = 0.0
    first = True
    blocks = _blocks_with_timeout(ds, options.batch_timeout_s, coordinator)
    try:
        for block in blocks:
            if first:
                phase("first_batch")
                first = False
                if killer is not None:  # fault clocks start with the first batch: the pool is up
                    killer.start()
            observe_block(block)  # rows by outcome, live (raybench.monitor.ingest)
            t = time.perf_counter()
            sink.add(block)
            sink_s += time.perf_counter() - t
            stream.add(block)  # issue 20
            progress.advance(block.num_rows, sink.rows_committed)
    except RaybenchError:
        raise
    except Exception as exc:
        from raybench.errors import IngestError

        raise IngestError(f"the Ray pipeline failed: {type(exc).__name__}: {exc}") from exc
    finally:
        blocks.close()  # now, not when the traceback lets go of it: Ray Data stops before Ray does
        if killer is not None and killer.started:
            killer.stop()
        progress.close()
    t = time.perf_counter()
    sink.flush()
    sink_s += time.perf_counter() - t
    stream.finish()  # issue 20
    phase("batches")
    return {"sink_write_s": sink_s, "pool_size": n, "kills": killer.kills if killer is not None else None}


def _set_phase(coordinator, name: str) -> None:
    """Tell the coordinator the job's phase (its samples are labelled with it); never fails the job."""
    if coordinator is None:
        return
    import ray

    try:
        ray.get(coordinator.set_phase.remote(name), timeout=COORDINATOR_TIMEOUT_S)
    except Exception as exc:
        log.warning("coordinator: could not mark phase %s: %s", name, exc)


def _finish_metrics(coordinator, pool: dict) -> dict:
    """Stop the coordinator's sampling and return its summary (see
    :meth:`raybench.pipeline.coordinator.Coordinator.finish`) with ``pool``'s figures added."""
    import ray

    try:
        summary = ray.get(coordinator.finish.remote(), timeout=COORDINATOR_TIMEOUT_S)
    except Exception as exc:  # the rows are stored; lost metrics are reported, not fatal
        summary = {"errors": [f"coordinator: {type(exc).__name__}: {exc}"]}
    summary["sink_write_s"] = pool["sink_write_s"]
    summary["pool_size"] = pool["pool_size"]
    if pool.get("kills") is not None:
        summary.setdefault("faults", {})["kills"] = pool["kills"]
    ray.kill(coordinator)
    return summary


COORDINATOR_TIMEOUT_S = 60.0
"""Longest wait for the coordinator's summary at the end of a job."""


def _blocks_with_timeout(ds, timeout_s: float, coordinator):
    """The dataset's output blocks, each waited for at most ``timeout_s`` seconds.

    Ray Data's iterator has no timeout of its own, so it runs in a thread that hands blocks over a
    bounded queue (two blocks: the same back-pressure as ``prefetch_batches=1``).

    Raises:
        IngestError: no block came for ``timeout_s`` seconds (naming the batches in flight).
    """
    import queue
    import threading

    from raybench.errors import IngestError

    handoff: queue.Queue = queue.Queue(maxsize=2)
    done = object()
    stop = threading.Event()

    def pump() -> None:
        try:
            for block in ds.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=1):
                while not stop.is_set():
                    try:
                        handoff.put(block, timeout=1.0)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(done)
        except BaseException as exc:  # handed to the driver's thread, which raises it
            handoff.put(exc)

    thread = threading.Thread(target=pump, name="raybench-batches", daemon=True)
    thread.start()
    try:
        while True:
            try:
                got = handoff.get(timeout=timeout_s)
            except queue.Empty:
                in_flight = _in_flight(coordinator)
                raise IngestError(f"no batch arrived for {timeout_s:.0f} s (batch_timeout_s); in flight: "
                                  f"{in_flight or 'unknown'}") from None
            if got is done:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        # let the pump close Ray Data's iterator (which stops its executor) before Ray shuts down: an
        # executor still running then fails noisily (an interrupt or a timeout ends the loop early)
        thread.join(timeout=PUMP_JOIN_S)


PUMP_JOIN_S = 10.0
"""Longest wait, once the driver stops taking batches early, for the batch thread to close Ray Data's
iterator (it does so at its next batch, or within a second when it waits to hand one over)."""


def _in_flight(coordinator) -> str:
    import ray

    try:
        progress = ray.get(coordinator.progress.remote(), timeout=10)
        return ", ".join(progress.get("in_flight", [])[:5])
    except Exception:
        return ""


PROGRESS_LINE_S = 10.0
"""Seconds between two progress lines when stdout is not a terminal."""


class _Progress:
    """A rich progress bar over rows (transient) on a terminal; elsewhere (a log, a pipe) a line on
    stderr at the first commit and then at most every :data:`PROGRESS_LINE_S` seconds
    (``ingest: 2000 of 100000 rows committed (12 s)``); nothing when disabled or there is nothing to do."""

    def __init__(self, enabled: bool, total: int):
        import sys

        self._bar = None
        self._lines = enabled and total and not sys.stdout.isatty()
        self._total, self._t0, self._last, self._committed = total, time.perf_counter(), None, 0
        if enabled and total and not self._lines:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress("[progress.description]{task.description}", BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("rows", total=total)

    def advance(self, n: int, rows_committed: int = 0) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)
        now = time.perf_counter()
        if self._lines and rows_committed > self._committed and (
                self._last is None or now - self._last >= PROGRESS_LINE_S):
            import sys

            self._committed, self._last = rows_committed, now
            sys.stderr.write(f"ingest: {rows_committed} of {self._total} rows committed ({now - self._t0:.0f} s)\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

