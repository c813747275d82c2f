"""The ingest job: files in, canonical rows in DuckDB, metrics in a results JSON.

Flow (docs/design.md, "The pipeline")::

    planner (driver): paths -> each file sniffed and planned by its format's module -> chunk descriptors
    runner (Ray):     Ray Data stream of descriptors -> map_batches(IngestWorker, ActorPoolStrategy)
                      -> each output block written to DuckDB by the driver (--sink duckdb), or each
                         chunk written as Parquet by its worker and only the file committed (--sink parquet)
    finalizer:        Parquet parts loaded, cell sites joined, duplicates found, rows counted back,
                      file verdicts, results

A file that cannot be read gets a ``files`` row with ``status='failed'`` and a one-line error; the job
goes on. This module only wires the three parts (:mod:`raybench.pipeline.planner`,
:mod:`raybench.pipeline.runner`, :mod:`raybench.pipeline.finalizer`) together; it also gives their public
names, which callers have imported from here.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time

from raybench.errors import IngestInterrupted
from raybench.faults.plan import FaultPlan
from raybench.monitor.ingest import watch_ingest
from raybench.pipeline.finalizer import JobFinal, finalize_job, job_results, job_totals, write_results
from raybench.pipeline.interrupt import committed_rows, interrupt_requested, mark_stopped, sigint_guard
from raybench.pipeline.options import (MAX_SAMPLE_INTERVAL_S, MIN_CHUNK_BYTES, MIN_SAMPLE_INTERVAL_S,
                                       MIN_WORKER_CPUS, IngestOptions, validate_options)
from raybench.pipeline.planner import (INPUT_SUFFIXES, JobPlan, chunk_descriptors, describe_file, expand_paths,
                                       new_job_id, open_job, plan_job, prepare_file, require_inputs)
from raybench.pipeline.runner import Runner, init_ray, pool_size
from raybench.pipeline.task import FileTask, layout_key
from raybench.sink.duckdb_sink import DuckDBSink
from raybench.sink.parquet_parts import default_parts_root
from raybench.timing import PhaseTimer

__all__ = ["INPUT_SUFFIXES", "MAX_SAMPLE_INTERVAL_S", "MIN_CHUNK_BYTES", "MIN_SAMPLE_INTERVAL_S", "MIN_WORKER_CPUS",
           "FileTask", "IngestOptions", "JobFinal", "JobPlan", "Runner", "chunk_descriptors", "describe_file",
           "expand_paths", "finalize_job", "init_ray", "job_results", "job_totals", "layout_key", "new_job_id",
           "open_job", "plan_job", "pool_size", "prepare_file", "require_inputs", "run_ingest",
           "validate_options", "write_results"]

log = logging.getLogger(__name__)


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
    with sigint_guard(), watch_ingest(options) as watch:
        return watch.done(_run_ingest(paths, options))


AUTO_PARQUET_BYTES = 32 << 20
"""``--sink auto`` takes the Parquet sink for a job whose input files hold at least this many bytes (about
300k AT&T records, 8 chunks of 4 MiB). Measured on 2 CPUs (docs/optimization.md, "8 December"): with the
Parquet sink the job was as fast at 150k rows (16 MiB), 0.8-2 s faster at 400k and 1M rows, with
0.1-0.2 GiB less peak PSS; at 10M rows the DuckDB sink's driver, saturated, let the object store and its
own memory grow with the rows (2.22 GiB peak, growth 1.18) where the Parquet sink stayed flat at 1.59
GiB. Below it the DuckDB sink keeps a small job to one file and saves the parts' load."""


def input_bytes(paths: list[str]) -> int:
    """Bytes the input files hold (``paths`` expanded; sizes from ``os.stat``, a missing file counts 0)."""
    total = 0
    for path in expand_paths(list(paths)):
        try:
            total += os.stat(path).st_size
        except OSError:
            pass
    return total


def resolve_sink(options: IngestOptions, paths: list[str], parquet_bytes: int = AUTO_PARQUET_BYTES) -> str:
    """Decide ``options.sink`` when it is ``auto`` (sets it and returns it; other values are kept).

    ``parquet`` when the input files hold at least ``parquet_bytes`` (:func:`input_bytes`) and the
    workers can reach the parts: an embedded Ray (no ``--address`` and no ``RAY_ADDRESS``) or ``--parts``
    given (a cluster's nodes need a shared path or an object store, which only the user knows). Otherwise
    ``duckdb``. Called for a new job before its manifest is written, so the manifest names the sink used;
    a resumed job takes its sink from its manifest instead (:func:`raybench.pipeline.planner.open_job`).
    """
    if options.sink != "auto":
        return options.sink
    # joining a cluster (--address, or RAY_ADDRESS as `ray job submit` sets it: init_ray joins it too)
    reachable = (options.address is None and not os.environ.get("RAY_ADDRESS")) or bool(options.parts_path)
    options.sink = "parquet" if reachable and input_bytes(paths) >= parquet_bytes else "duckdb"
    return options.sink


def _run_ingest(paths: list[str], options: IngestOptions) -> dict:
    """:func:`run_ingest` without its guards: open the job, plan, run, finalize, write the results."""
    t0 = time.perf_counter()
    validate_options(options)
    if not options.resume:
        resolve_sink(options, paths)
    sink = DuckDBSink(options.db, flush_rows=options.commit_rows)
    if options.sink == "parquet" and not options.parts_path:
        options.parts_path = default_parts_root(options.db)  # in the manifest as resolved
    try:
        job, paths, run_no = open_job(sink, paths, options)  # a resumed job's sink from its manifest
    except BaseException:
        sink.close()
        raise
    if options.sink == "auto":  # a resumed job whose manifest predates the sinks: its rows went through the driver
        options.sink = "duckdb"
    if options.sink == "parquet":
        sink.use_parts(options.parts_path or default_parts_root(options.db), options.parts_load)
    faults = options.faults or FaultPlan()
    if faults.driver_crash_after_commits and run_no == 1:
        sink.on_commit = _crash_driver_after(faults.driver_crash_after_commits)
    staging = tempfile.mkdtemp(prefix="raybench-staging-")
    timer = PhaseTimer()
    runner = Runner(options)
    plan: JobPlan | None = None
    try:
        plan = plan_job(sink, job, run_no, expand_paths(paths), options, staging)
        timer.mark("identify_plan")
        if plan.items:
            runner.run(plan, sink, timer.mark)
        final = finalize_job(sink, plan, timer.mark, runner.set_phase)
        metrics = runner.metrics()
        timer.mark("finalize")
    except BaseException as exc:
        _record_stop(sink, job, options, plan, exc)
        raise
    finally:
        sink.close()
        shutil.rmtree(staging, ignore_errors=True)
        runner.close()
        timer.mark("shutdown")
    results = job_results(plan, final, options, sink=sink, wall_s=time.perf_counter() - t0,
                          phases_s=timer.phases_s, metrics=metrics, faults=faults)
    return write_results(results, options.results or os.path.join("results", f"ingest-{job}.json"))


def _record_stop(sink, job: str, options: IngestOptions, plan: JobPlan | None, exc: BaseException) -> None:
    """Say in the manifest why the job stopped (committed rows stay, and ``--resume`` carries on from
    them).

    Raises:
        IngestInterrupted: the job was interrupted (Ctrl-C), with the rows it committed.
    """
    interrupted = interrupt_requested() or isinstance(exc, KeyboardInterrupt)
    try:
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


def _crash_driver_after(commits: int):
    """Fault injection: a commit hook that ends this process abruptly (no cleanup, as a kill would)
    once ``commits`` commits are done."""
    def hook(n: int) -> None:
        if n >= commits:
            log.error("fault injection: the driver exits after commit %d", n)
            os._exit(137)
    return hook
