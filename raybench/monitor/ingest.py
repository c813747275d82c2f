"""The ingest's side of the metrics: what :func:`raybench.pipeline.job.run_ingest` reports while it runs
and when it ends, into :data:`raybench.monitor.metrics.REGISTRY`.

Three calls, placed in the job so that a refactor of the job moves them easily:

- :func:`watch_ingest` around the whole job: jobs running, the job's status and duration at its end;
- :func:`observe_block` on every block of rows the driver writes: rows read, stored, quarantined (by
  reason) and flagged, and the time of the last progress, live while the job runs;
- :meth:`IngestWatch.done` with the job's results: files by status, classification confidence,
  batch latencies, peak PSS per process kind, the duration against the plan's target.

This module also keeps the latest jobs of this process (:func:`recent_jobs`), for the dashboard of a
process that has no job table of its own.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field, fields

import pyarrow.compute as pc

from raybench.errors import IngestInterrupted
from raybench.monitor import metrics as m

TARGET_FIXED_S = 1800 - 1_000_000 * (1800 - 300) / 900_000
"""Fixed part of a job's target time: the line through the plan's two criteria, 100k rows in 300 s and
1M rows in 1800 s (about 133 s), so that a small job is not held to a large job's rate."""

TARGET_S_PER_ROW = (1800 - 300) / 900_000
"""Part of the target per row read: about 1.67 ms (the same line)."""


def target_seconds(rows: int) -> float:
    """The plan's target wall time for a job of ``rows`` rows, in seconds: 300 s for 100k rows, 1800 s
    for 1M, on the line through them (:data:`TARGET_FIXED_S` + ``rows`` x :data:`TARGET_S_PER_ROW`)."""
    return TARGET_FIXED_S + max(rows, 0) * TARGET_S_PER_ROW


def reason_id(reason: str) -> str:
    """The rule id of a quarantine reason, for a label with few values: ``worker_error: ...`` ->
    ``worker_error``."""
    return reason.split(":", 1)[0].strip()[:64] or "unknown"


def observe_block(block) -> None:
    """Count one block of rows the driver is about to write (a ``pyarrow.Table`` with ``reasons`` and
    ``flags`` list columns, as the workers produce them): read, stored (no reason), quarantined (some
    reason; each reason counted in ``raybench_rows_quarantined_by_reason_total``), flagged (stored with
    a flag). Sets ``raybench_last_progress_timestamp_seconds``. Never raises: a metric must not stop
    an ingest."""
    try:
        m.LAST_PROGRESS.set(time.time())
        if "part_path" in block.column_names:  # the Parquet sink's reports (raybench.sink.parquet_parts)
            _observe_reports(block)
            return
        n = block.num_rows
        if not n:
            return
        m.ROWS_TOTAL.labels("read").inc(n)
        names = block.column_names
        quarantined = 0
        if "reasons" in names:
            lengths = pc.fill_null(pc.list_value_length(block.column("reasons")), 0)
            bad = pc.greater(lengths, 0)
            quarantined = int(pc.sum(bad).as_py() or 0)
            if quarantined:
                flat = pc.list_flatten(block.column("reasons"))
                for entry in pc.value_counts(flat).to_pylist():
                    if entry["values"] is not None:
                        m.ROWS_QUARANTINED_BY_REASON.labels(reason_id(entry["values"])).inc(entry["counts"])
        else:
            bad = None
        m.ROWS_TOTAL.labels("quarantined").inc(quarantined)
        m.ROWS_TOTAL.labels("stored").inc(n - quarantined)
        if "flags" in names:
            flagged = pc.greater(pc.fill_null(pc.list_value_length(block.column("flags")), 0), 0)
            if bad is not None:
                flagged = pc.and_(flagged, pc.invert(bad))
            m.ROWS_TOTAL.labels("flagged").inc(int(pc.sum(flagged).as_py() or 0))
    except Exception:  # noqa: BLE001 - counted metrics are best effort, the rows are what matters

        logging.getLogger(__name__).debug("could not count a block", exc_info=True)


def _observe_reports(block) -> None:
    """:func:`observe_block` of the Parquet sink's reports: their counts, not their rows."""
    for r in block.to_pylist():
        m.ROWS_TOTAL.labels("read").inc(r["rows"])
        m.ROWS_TOTAL.labels("quarantined").inc(r["rows_quarantined"])
        m.ROWS_TOTAL.labels("stored").inc(r["rows"] - r["rows_quarantined"])
        m.ROWS_TOTAL.labels("flagged").inc(r["rows_flagged"])
        for reason, count in json.loads(r["reason_counts"] or "{}").items():
            m.ROWS_QUARANTINED_BY_REASON.labels(reason_id(reason)).inc(count)


@dataclass
class JobRecord:
    """One ingest as the dashboard lists it (times are Unix seconds)."""

    job: str | None
    status: str
    started_s: float
    ended_s: float | None = None
    rows_read: int | None = None
    rows_per_s: float | None = None
    files: int | None = None
    error: str | None = None
    options: object = field(default=None, repr=False)
    """The job's options: its id is there once the job has one (``IngestOptions.job_id``)."""


_recent: collections.deque[JobRecord] = collections.deque(maxlen=50)
_recent_lock = threading.Lock()


def recent_jobs() -> list[dict]:
    """The latest ingests of this process (at most 50), newest first, as dicts of :class:`JobRecord`."""
    with _recent_lock:
        records = list(reversed(_recent))
    out = []
    for r in records:
        d = {f.name: getattr(r, f.name) for f in fields(r) if f.name != "options"}
        d["job"] = d["job"] or getattr(r.options, "job_id", None)
        out.append(d)
    return out


class IngestWatch:
    """Handed out by :func:`watch_ingest`; call :meth:`done` with the job's results."""

    def __init__(self, record: JobRecord):
        self.record = record

    def done(self, results: dict) -> dict:
        """Record the job's results (as :func:`raybench.pipeline.job.run_ingest` returns them) and
        return them unchanged."""
        try:
            record_job(results)
            status = job_status(results)
            self.record.job = results.get("job")
            self.record.rows_read = (results.get("totals") or {}).get("rows_read")
            self.record.rows_per_s = results.get("rows_per_s")
            self.record.files = len(results.get("files") or [])
            self.record.status = status
            m.INGESTS_TOTAL.labels(status).inc()
        except Exception:  # noqa: BLE001

            logging.getLogger(__name__).warning("could not record the job's metrics", exc_info=True)
        return results


@contextlib.contextmanager
def watch_ingest(options=None):
    """Around one ingest: ``raybench_ingests_running`` up while it runs, its duration in
    ``raybench_ingest_duration_seconds`` at its end, and how it ended in ``raybench_ingests_total{status}``
    (``failed`` or ``interrupted`` when it raises). The service's own ``raybench_jobs_*`` are the
    service's to set (its queue knows them); these count the ingests this process drives.

    Args:
        options: the job's :class:`raybench.pipeline.job.IngestOptions` (its ``job_id`` names the job
            in :func:`recent_jobs` once the job has one), or None.

    Yields:
        An :class:`IngestWatch`; pass the results through :meth:`IngestWatch.done`.
    """
    record = JobRecord(job=getattr(options, "job_id", None), status="running", started_s=time.time(),
                       options=options)
    with _recent_lock:
        _recent.append(record)
    watch = IngestWatch(record)
    t0 = time.perf_counter()
    m.INGESTS_RUNNING.inc()
    m.LAST_PROGRESS.set(time.time())
    try:
        yield watch
    except BaseException as exc:
        record.status = "interrupted" if isinstance(exc, (IngestInterrupted, KeyboardInterrupt)) else "failed"
        record.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        m.INGESTS_TOTAL.labels(record.status).inc()
        raise
    finally:
        m.INGESTS_RUNNING.dec()
        record.ended_s = time.time()
        m.INGEST_DURATION.observe(time.perf_counter() - t0)


def job_status(results: dict) -> str:
    """How a finished job ended for ``raybench_ingests_total``: ``suspect`` when a file is suspect or
    failed, else ``done``."""
    statuses = {r.get("status") for r in results.get("files") or []}
    return "suspect" if statuses & {"suspect", "failed", "errors", "incomplete"} else "done"


def record_job(results: dict) -> None:
    """Count a finished job's files, classification, batch latencies, peak PSS per process kind and
    duration against target (see the module docstring). The rows were counted block by block."""
    files = results.get("files") or []
    for row in files:
        status = row.get("status") or "failed"
        m.FILES_TOTAL.labels(status).inc()
        if row.get("confidence") is not None and row.get("layout"):
            m.CLASSIFICATION_CONFIDENCE.observe(float(row["confidence"]))
        elif status == "failed" and row.get("bytes"):  # read, but no layout named: abstained
            m.FILES_ABSTAINED.inc()
    metrics = results.get("metrics") or {}
    for latency in metrics.get("batch_latencies_s") or []:
        m.BATCH_LATENCY.observe(latency)
    for kind, peak in pss_peaks_by_kind(metrics.get("timeseries") or []).items():
        m.JOB_PSS_PEAK.labels(kind).set(peak)
    totals = results.get("totals") or {}
    rows = totals.get("rows_read") or 0
    if results.get("rows_per_s") is not None:
        m.JOB_ROWS_PER_S.set(results["rows_per_s"])
    if results.get("wall_s") is not None and rows:
        m.JOB_TARGET_RATIO.observe(results["wall_s"] / target_seconds(rows))


def pss_peaks_by_kind(ticks: list[dict]) -> dict[str, int]:
    """Peak PSS of the driver, the workers and Ray's other processes over the coordinator's samples
    (dicts with ``pss_bytes``, ``driver_pss_bytes``, ``worker_pss_bytes``), in bytes; ``{}`` without
    samples."""
    if not ticks:
        return {}
    driver = [t.get("driver_pss_bytes", 0) for t in ticks]
    workers = [sum((t.get("worker_pss_bytes") or {}).values()) for t in ticks]
    ray_own = [max(t.get("pss_bytes", 0) - d - w, 0) for t, d, w in zip(ticks, driver, workers)]
    return {"driver": max(driver), "worker": max(workers), "ray": max(ray_own)}
