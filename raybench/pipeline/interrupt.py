"""Ctrl-C (SIGINT) during an ingest job: one way out, whatever the job was doing.

While :func:`sigint_guard` is active (the driver's :func:`raybench.pipeline.job.run_ingest`), the first
SIGINT raises ``KeyboardInterrupt`` in the main thread as Python's own handler would, and is remembered
(:func:`interrupt_requested`): an exception that the interrupt turned into another one on its way up
(DuckDB's ``InterruptException``, a Ray Data error) is still known for what it is. The job then commits
what it read, marks its manifest and its unfinished ``files`` rows ``interrupted``
(:func:`mark_stopped`) and raises :class:`raybench.errors.IngestInterrupted`. A second SIGINT while
it does so is ignored (with a line saying so); a third raises ``KeyboardInterrupt`` again.

From the first SIGINT until the guard ends, standard output goes to ``/dev/null`` unless Ray's own logs
were asked for (``--ray-logs``): stopping the pool kills its actors, and Ray reports each killed actor's
pending task on the driver's standard output (``(raylet) Task MapWorker... failed ... killed by
ray.kill``), which is noise to someone who pressed Ctrl-C. raybench's own message goes to stderr.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from raybench.pipeline import checkpoint
from raybench.ray_logs import ray_logs_wanted

_state = {"count": 0, "stdout": None}


def _mute_stdout() -> None:
    """Point descriptor 1 at ``/dev/null`` (once), keeping the original to restore."""

    if _state["stdout"] is not None or ray_logs_wanted():
        return
    try:
        sys.stdout.flush()
        _state["stdout"] = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except (OSError, ValueError):
        _state["stdout"] = None


def _restore_stdout() -> None:
    if _state["stdout"] is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os.dup2(_state["stdout"], 1)
    os.close(_state["stdout"])
    _state["stdout"] = None


def interrupt_requested() -> bool:
    """True once a SIGINT arrived under the active :func:`sigint_guard`."""
    return _state["count"] > 0


def _handle(signum, frame) -> None:
    _state["count"] += 1
    if _state["count"] == 1:
        _mute_stdout()
        raise KeyboardInterrupt
    if _state["count"] == 2:
        sys.stderr.write("raybench: stopping: committing the rows read so far (Ctrl-C again to quit at once)\n")
        sys.stderr.flush()
        return
    raise KeyboardInterrupt


@contextmanager
def sigint_guard() -> Iterator[None]:
    """Handle SIGINT as described in the module docstring until the block ends (then the previous
    handler is back). Outside the main thread (where Python delivers signals) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _handle)
    saved = _state["count"]
    _state["count"] = 0
    try:
        yield
    finally:
        _restore_stdout()
        signal.signal(signal.SIGINT, previous)
        _state["count"] = saved


def committed_rows(con, job: str) -> int:
    """Rows (``cdr`` and ``quarantine``) that ``job`` committed with their chunks' checkpoint, in every
    run of the job."""
    return int(con.execute("SELECT coalesce(sum(rows_written), 0) FROM chunks WHERE ingest_job = ?",
                           [job]).fetchone()[0])


def mark_stopped(con, job: str, status: str, error: str) -> None:
    """The manifest of ``job`` (``interrupted`` or ``failed``, with ``error``, one line) and its
    ``files`` rows still ``running`` (``interrupted``, or ``aborted`` for a failed job, with ``error``
    and the rows each file has stored and quarantined so far)."""
    checkpoint.finish_job(con, job, status, error)
    con.execute(
        "UPDATE files SET status = ?, error = ?, "
        "rows_stored = (SELECT count(*) FROM cdr c WHERE c.ingest_job = files.ingest_job "
        "AND c.source_sha256 = files.sha256) + (SELECT count(*) FROM cell_sites s "
        "WHERE s.ingest_job = files.ingest_job AND s.source_sha256 = files.sha256), "
        "rows_quarantined = (SELECT count(*) FROM quarantine q WHERE q.ingest_job = files.ingest_job "
        "AND q.source_sha256 = files.sha256) "
        "WHERE ingest_job = ? AND status = 'running'",
        ["interrupted" if status == "interrupted" else "aborted", error, job])
