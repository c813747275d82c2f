"""The finalizer: once every chunk is in the sink, load the Parquet sink's parts, join cell sites, find duplicates, count each file's
rows back from the tables, give each file its verdict (:mod:`raybench.pipeline.verdict`), write the
``files`` rows, mark the manifest ``done``, and build the job's results."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field

from raybench.dedupe import dedupe_job
from raybench.faults.plan import FaultPlan
from raybench.metrics.stats import percentiles
from raybench.pipeline import checkpoint
from raybench.pipeline.interrupt import interrupt_requested
from raybench.pipeline.options import IngestOptions
from raybench.pipeline.planner import JobPlan
from raybench.pipeline.task import FileTask
from raybench.pipeline.verdict import file_verdict, rows_flagged
from raybench.query import summary as query_summary
from raybench.sink.duckdb_sink import DEDUPE_MEMORY_LIMIT, SMALL_JOB_MEMORY_LIMIT, SMALL_JOB_ROWS, files_rows
from raybench.validate.coverage import validation_coverage

log = logging.getLogger(__name__)


@dataclass
class JobFinal:
    """What :func:`finalize_job` found: ``rows`` (the job's ``files`` rows), ``joined`` (rows given
    coordinates from ``cell_sites``), ``dedupe`` (:func:`raybench.dedupe.dedupe_job`'s summary, or
    ``{"error": ...}``), ``coverage`` (:func:`raybench.validate.coverage.validation_coverage`) and
    ``sink`` (the sink's kind; for the Parquet sink :meth:`raybench.sink.duckdb_sink.DuckDBSink.load_parts`'s
    summary) and ``summary`` (:func:`raybench.query.summary.update_after`'s summary of the query summary
    tables, or ``{"error": ...}``)."""

    rows: list[dict]
    joined: int
    dedupe: dict
    coverage: dict
    sink: dict = field(default_factory=lambda: {"kind": "duckdb"})
    summary: dict = field(default_factory=dict)


def finalize_job(sink, plan: JobPlan, phase=None, set_phase=None) -> JobFinal:
    """The finalizer, once every chunk is in ``sink`` (flushed): load the Parquet sink's committed parts
    into ``cdr`` and ``quarantine`` (phase ``load_parts``), join cell sites, find duplicates,
    count each file's rows back from the tables, give each its verdict, write the ``files`` rows and
    mark the manifest ``done``.

    Args:
        sink: the job's sink; plan: its :class:`JobPlan`.
        phase: called with each phase name as it ends (:class:`raybench.timing.PhaseTimer.mark`).
        set_phase: called with the phase that starts (``dedupe``, ``finalize``): the runner tells its
            coordinator, whose samples are labelled with it (:meth:`raybench.pipeline.runner.Runner.set_phase`);
            None tells no one.

    Raises:
        the dedupe's exception when an interrupt was requested (Ctrl-C during duplicate detection);
        a database error; IngestError: the Parquet parts could not be loaded (nothing of them loaded).
    """
    phase = phase or (lambda name: None)
    set_phase = set_phase or (lambda name: None)
    job = plan.job
    small = plan.total_rows <= SMALL_JOB_ROWS
    limit = SMALL_JOB_MEMORY_LIMIT if small else DEDUPE_MEMORY_LIMIT
    sink.con.execute(f"SET memory_limit = '{limit}'")  # joins and sorts from here on
    parts = sink.load_parts(job)  # the Parquet sink: committed parts into cdr and quarantine, once
    if parts is not None:
        phase("load_parts")
    joined = sink.join_cell_sites()
    phase("finalize")
    # duplicates and call legs over the stored rows (raybench.dedupe): cdr.duplicate_of, duplicates, call_legs
    set_phase("dedupe")  # the samplers go on through dedupe: its memory counts too
    before = _summary_before(sink, job)
    dedupe = _dedupe(sink, job, before)
    phase("dedupe")
    # the query summary tables (raybench.query.summary) follow the stored rows and their new verdicts;
    # a summary that was not fresh is rebuilt from every stored row: with the full limit
    if small and (before is None or not before.fresh):
        sink.con.execute(f"SET memory_limit = '{DEDUPE_MEMORY_LIMIT}'")
    summary = _summary_after(sink, before)
    phase("summary")
    set_phase("finalize")
    counts = sink.counts(job)
    for task in plan.tasks:
        if task.plan is not None:
            _count_file(sink, job, task, counts.get(task.plan.sha256, (0, 0)))
        sink.write_file_row(task.row)
    rows = files_rows(sink.con, job)
    coverage = validation_coverage(sink.con, job, sum(r["rows_read"] or 0 for r in rows),
                                   sum(r["rows_stored"] or 0 for r in rows))
    checkpoint.finish_job(sink.con, job, "done")
    sink.remove_parts(job)  # loaded, and the job is done: its part files are no longer needed
    return JobFinal(rows=rows, joined=joined, dedupe=dedupe, coverage=coverage, sink=parts or {"kind": "duckdb"},
                    summary=summary)


def _summary_before(sink, job: str):
    """:func:`raybench.query.summary.capture_before`, or None when it failed (logged)."""
    try:
        return query_summary.capture_before(sink.con, job)
    except Exception as exc:
        if interrupt_requested():
            raise
        log.error("query summary: noting the state before duplicate detection failed: %s: %s",
                  type(exc).__name__, exc)
        return None


def _summary_after(sink, before) -> dict:
    """Fold the job into the query summary tables (:func:`raybench.query.summary.update_after`). A failure
    is reported, not fatal: the tables are dropped, so the queries read ``cdr`` (exact, slower) until the
    next job rebuilds them."""
    try:
        if before is None:
            raise RuntimeError("the state before duplicate detection was not noted")
        return query_summary.update_after(sink.con, before)
    except Exception as exc:
        if interrupt_requested():
            raise
        log.error("query summary: %s: %s; dropping it (the queries read cdr)", type(exc).__name__, exc)
        try:
            query_summary.drop_summary(sink.con)
        except Exception as drop_exc:  # the tables stay, stale: summary_state's counts no longer match
            log.error("query summary: dropping it failed too: %s", drop_exc)
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}


def _dedupe(sink, job: str, before=None) -> dict:
    """:func:`raybench.dedupe.dedupe_job`'s summary, or ``{"error": ...}`` when it failed (every row is
    stored already; a failed dedupe is reported, not fatal). An interrupt during it is raised. ``before``
    (:func:`raybench.query.summary.capture_before`'s) notes the state of the records it touches when the
    summary is fresh (else the summary is rebuilt after it: nothing to note)."""
    try:
        return dedupe_job(sink.con, job, stream=getattr(sink, "dedupe_stream", None),
                          dropped_rows=getattr(sink, "rows_dropped_duplicate", 0),
                          before_writes=before.before_writes if before is not None and before.fresh else None)
    except Exception as exc:
        if interrupt_requested():  # DuckDB turned Ctrl-C into its InterruptException
            raise
        log.error("duplicate detection failed: %s: %s", type(exc).__name__, exc)
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}


def _count_file(sink, job: str, task: FileTask, counts: tuple[int, int]) -> None:
    """A planned file's rows as stored (``(stored, quarantined)``) and its verdict, in its ``files`` row:
    ``errors`` when a worker failed on some rows, ``suspect`` when the plan says so, ``incomplete`` when
    rows are missing, else :func:`raybench.pipeline.verdict.file_verdict`'s."""
    assert task.plan is not None
    stored, quarantined = counts
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
        "phases_s": phases_s, "metrics": metrics, "dedupe": final.dedupe, "query_summary": final.summary,
        "checkpoint": {"run": plan.run_no, "chunks_skipped": plan.chunks_skipped, "chunks_run": len(plan.items),
                       "commits": sink.commits, "rows_dropped_duplicate": sink.rows_dropped_duplicate},
        "faults": faults.to_dict(), "sink": final.sink,
        "classification": _classification_summary(plan.tasks),
    }


def write_results(results: dict, path: str) -> dict:
    """Write ``results`` as JSON to ``path`` (folders made), with ``results_path`` set in it; returns it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    results["results_path"] = path  # in the file too: a harness that reads it back shows where it is
    with open(path, "w") as f:
        json.dump(results, f, indent=1, default=str)
    return results


def _classification_summary(tasks: list[FileTask]) -> dict:
    """Per-file identification time and method: ``latency_s`` (``p50``, ``p95``, ``max`` over the files
    identified), ``methods`` (``header``, ``probe``, ``template``, ``model`` -> files) and
    ``template_match_rate`` (files matched by a template / files identified), and ``profile_s``
    (``total`` and ``max`` seconds of the value profiles, decided in the driver before the chunks run)."""
    times = [t.identify_s for t in tasks if t.identify_s is not None]
    profiles = [t.profile_s for t in tasks if t.profile_s is not None]
    methods: dict[str, int] = {}
    for t in tasks:
        if t.method:
            methods[t.method] = methods.get(t.method, 0) + 1
    identified = sum(methods.values())
    return {"latency_s": {**percentiles(times), "max": max(times)} if times else {},
            "methods": methods, "files_identified": identified,
            "template_match_rate": methods.get("template", 0) / identified if identified else None,
            "profile_s": {"total": sum(profiles), "max": max(profiles)} if profiles else {}}
