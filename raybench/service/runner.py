"""The job runner: the one process that writes the results DuckDB, and the warm ingest actors it feeds.

It runs as a Serve deployment of one replica (:func:`raybench.service.app.build_app` binds it); its
constructor opens DuckDB (:func:`raybench.sink.duckdb_sink.open_database`), starts the ingest actors
(:class:`ChunkWorker`, plain Ray actors that live as long as the runner, models loaded at start), queues
again the jobs a dead runner left ``running`` and starts a scheduling thread. A job goes through the same
parts as ``raybench ingest`` (:func:`raybench.pipeline.job.open_job`, ``plan_job``, ``finalize_job``,
``job_results``); only the runner between them differs: no Ray Data stream per job, which would start an
actor pool per job. As in ``raybench ingest``, a job of more than one commit group
(:data:`raybench.dedupe.stream.STREAM_ROWS` rows) builds its duplicate keys and candidate pairs as its
chunks arrive (:class:`raybench.dedupe.stream.DedupeStream`); they are used only when no other job's keys
came or went meanwhile (jobs run side by side), otherwise duplicate detection takes the batch path.

Scheduling: up to ``max_concurrent_jobs`` jobs are active at once. Each is planned into chunks of
``chunk_bytes`` (the runner plans one job at a time, between dispatches); the chunks of every active job
wait in one queue per job, and a free actor slot takes the next chunk of the next job in turn (round
robin over the jobs, one chunk each). A job of 1,000 chunks therefore gets 1/k of the actors while k jobs
are active, and a one-chunk job that arrives behind it waits for one chunk, not for the big job. Jobs
beyond ``max_concurrent_jobs`` wait in the job table's queue (resumed jobs first, then by submission).

Failures: a chunk whose actor dies is retried by Ray on the restarted actor (``max_task_retries``); one
that still fails, or takes longer than ``batch_timeout_s``, is quarantined whole as ``worker_error`` (no
row is lost). A job that fails as a whole (planning or the database) is ``failed`` with a one-line error,
its committed rows kept for a retry. A cancelled job's rows are removed (see :meth:`JobRunner._cancel`).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import ray

from raybench.classify.models import Classifiers
from raybench.classify.suggest import mapping_suggestion
from raybench.dedupe.stream import KEY_COLUMNS, STREAM_ROWS, DedupeStream
from raybench.errors import ConfigError, IngestError
from raybench.faults.plan import FaultPlan
from raybench.metrics.stats import percentiles
from raybench.monitor.ingest import observe_block, record_job
from raybench.monitor.metrics import exposition, register_node_collector
from raybench.pipeline import checkpoint
from raybench.pipeline.interrupt import committed_rows, mark_stopped
from raybench.pipeline.job import (
    AUTO_PARQUET_BYTES,
    IngestOptions,
    JobFinal,
    expand_paths,
    finalize_job,
    job_results,
    job_totals,
    open_job,
    input_bytes,
    plan_job,
    write_results,
)
from raybench.pipeline.transform import quarantine_all
from raybench.pipeline.worker import IngestWorker
from raybench.query.calls import json_rows, run_query
from raybench.query.snapshot import publish_snapshot, snapshot_interval_s
from raybench.ray_logs import configure_ray_logs
from raybench.service.config import ServiceConfig
from raybench.service.memory import (
    duckdb_allocator_bytes,
    duckdb_memory_bytes,
    glibc_heap_bytes,
    release_memory,
    rss_bytes,
    trim_duckdb_cache,
)
from raybench.service.store import JobStore
from raybench.sink.duckdb_sink import (
    INGEST_MEMORY_LIMIT,
    DuckDBSink,
    files_rows,
    open_database,
)
from raybench.sink.parquet_parts import block_rows, default_parts_root, report_rows, write_part
from raybench.timing import PhaseTimer

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2
"""Chunks handed to one actor before its last one returns (the next one's descriptor waits there)."""

POLL_S = 0.25
"""Longest sleep of the scheduling thread when there is nothing to do (a submission wakes it sooner)."""

PROGRESS_EVERY_S = 0.5
"""Seconds between two updates of a running job's ``rows_done`` in the job table."""

CANCEL_CHECK_S = 0.5
"""Seconds between two looks for cancel requests of the active jobs."""

SNAPSHOT_EVERY_S = 30.0
"""Seconds between two read-only snapshots of the results DuckDB (:mod:`raybench.query.snapshot`)."""

DB_OPEN_WAIT_S = 60.0
"""How long a starting runner waits for a dying one to let go of the DuckDB file."""

DUCKDB_KEEP_BYTES = 4 << 20
"""Cached blocks of the stored tables (``duckdb_memory()``'s ``BASE_TABLE``) the runner keeps after a job;
above it they are evicted down to it, and every other part of DuckDB's memory (TEMP tables of active jobs,
work memory) is left as it is. The next job reads what it needs again from the file, which the kernel's
page cache holds: a small job reads every stored key, so a cache it kept would follow the stored rows
(docs/service.md, "The runner's growth was its cache of stored rows, kept between jobs")."""

REOPEN_DRAIN_CHUNKS = 2
"""Chunks left (queued and in flight) of every active job under which, once the runner's DuckDB is due to
be reopened, no job starts until they end (:meth:`JobRunner._admit`)."""

RELEASE_EVERY_S = 1.0
"""Shortest time between two hand-backs of free memory in a chunk actor (:mod:`raybench.service.memory`)."""

FATAL_FAULT_ENV = "RAYBENCH_FAULT_DUCKDB_FATAL_AT_JOB"
"""Fault injection for the tests: when set to N, the runner's Nth job to finish raises DuckDB's
``FatalException`` (what DuckDB raises once it has invalidated a database) before its finalize."""

FAIL_FAULT_ENV = "RAYBENCH_FAULT_JOB_FAILS_AT_JOB"
"""Fault injection for the tests: when set to N, the runner's Nth job to finish fails (an ``IngestError``)
after its last batch and before its finalize; the runner goes on."""

WORKER_TASK_RETRIES = 3
"""Ray's retries of a chunk whose actor died, before the runner quarantines it."""


class ChunkWorker:
    """A warm ingest actor: :class:`raybench.pipeline.worker.IngestWorker` kept across jobs."""

    def __init__(self):
        self.worker = IngestWorker({}, coordinator=None)
        self.worker.warm()
        self._released_t = 0.0

    def pid(self) -> int:
        """This actor's process id (the runner waits for it: the actor is up, its models loaded)."""
        return os.getpid()

    def node_id(self) -> str:
        """The Ray node this actor runs on (hex)."""
        return ray.get_runtime_context().get_node_id()

    def process(self, item: dict, layout, parts_root: str | None = None):
        """One chunk descriptor's rows (:func:`raybench.pipeline.worker.worker_schema`); with
        ``parts_root`` (the Parquet sink) the rows are written there as one part and only its report
        (:func:`raybench.sink.parquet_parts.write_part`) comes back. A retry after the actor died writes
        the same part again (attempt 1: the service has no coordinator counting attempts); a report is
        sent only once its file is complete.

        The free memory of the chunk before this one is handed back to the system first (at most every
        :data:`RELEASE_EVERY_S`; :func:`raybench.service.memory.release_memory`): a large job's buffers
        must not stay with the actor for the jobs after it.
        """
        now = time.monotonic()
        if now - self._released_t >= RELEASE_EVERY_S:
            self._released_t = now
            release_memory()
        table = self.worker.process(item, layout)
        if parts_root:
            table = write_part(table, parts_root, item.ingest_job, item.chunk_id, 1)
        return table


@dataclass
class _Active:
    """One job the runner holds."""

    row: dict
    options: object
    sink: object
    plan: object
    staging: str
    timer: object
    t0: float
    pending: collections.deque = field(default_factory=collections.deque)
    in_flight: int = 0
    rows_received: int = 0
    rows_before: int = 0
    latencies_s: list = field(default_factory=list)
    cancelled: bool = False
    progress_t: float = 0.0

    @property
    def job(self) -> str:
        return self.row["id"]


class JobRunner:
    """Body of the runner deployment (one replica).

    Args:
        config: :meth:`ServiceConfig.to_args` of the service.
    """

    def __init__(self, config: dict):
        configure_ray_logs()
        self.config = ServiceConfig.from_args(config)
        # the planner reads templates from $RAYBENCH_TEMPLATES (raybench.classify.templates.templates_dir):
        # this process plans for the service only, so it points at the service's folder
        os.environ["RAYBENCH_TEMPLATES"] = self.config.templates_dir
        self._classifiers = None
        self.store = JobStore(self.config.jobs_db)
        self.con = _open_db(self.config.db)
        # the named queries read through their own cursor of the writer's database (DuckDB's MVCC: they
        # see what is committed, while the scheduling thread writes through self.con); one at a time
        self._query_con = self.con.cursor()
        self._query_con.execute("SET SESSION TimeZone = 'UTC'")
        self._query_lock = threading.Lock()
        cpus = ray.cluster_resources().get("CPU", 1)
        n = self.config.workers or max(1, int(cpus) - 1)
        actor = ray.remote(ChunkWorker).options(num_cpus=self.config.worker_cpus, max_restarts=-1,
                                                max_task_retries=WORKER_TASK_RETRIES)
        self.workers = [actor.remote() for _ in range(n)]
        self.worker_pids = ray.get([w.pid.remote() for w in self.workers], timeout=300)
        self.parts_root = self.config.parts
        if self.parts_root is None:  # DB.parts only while every actor shares this node's disk
            here = ray.get_runtime_context().get_node_id()
            nodes = set(ray.get([w.node_id.remote() for w in self.workers], timeout=60))
            self.parts_root = default_parts_root(self.config.db) if nodes == {here} else None
        self._load = [0] * n
        requeued = self.store.requeue_running()
        if requeued:
            log.warning("runner: %d job(s) left running by an earlier runner queued again to resume: %s",
                        len(requeued), ", ".join(requeued))
        self._active: dict[str, _Active] = {}
        self._in_flight: dict = {}
        self._rr = 0
        self._cancel_t = 0.0
        self._snapshot_t = time.monotonic()
        self._dirty = False
        self._jobs_on_con = 0
        self._finished = 0
        self._fatal_at = os.environ.get(FATAL_FAULT_ENV)  # the tests' fault injection, read once
        self._fail_at = os.environ.get(FAIL_FAULT_ENV)
        self._reopens = 0
        self._crash: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="raybench-runner", daemon=True)
        self._thread.start()

        register_node_collector()  # PSS per process kind of this node's session, CPU, disk, network

    # --- called by the HTTP replicas ------------------------------------------------------------------
    def metrics_text(self) -> bytes:
        """The ingests' Prometheus metrics (:data:`raybench.monitor.metrics.REGISTRY`): rows, files,
        latency, PSS per process kind, node; ``GET /metrics`` serves them after the job table's."""
        return exposition()[0]

    async def query(self, name: str, params: dict) -> dict:
        """One named query (:func:`raybench.query.calls.run_query`) over the committed rows, answered by
        this process, which holds the database's one writer (docs/service.md, "Queries").

        Returns:
            ``{"columns": [...], "rows": [{column: JSON value}], "query_s": seconds}``; or ``{"error":
            one line}`` for a bad parameter (a :class:`raybench.errors.ConfigError`, naming it); or
            ``{"error", "status": 503}`` when DuckDB ran out of its memory limit (jobs finalizing beside).
        """
        return await asyncio.to_thread(self._query, name, params)

    def _query(self, name: str, params: dict) -> dict:
        t0 = time.perf_counter()
        try:
            with self._query_lock:
                table = run_query(self._query_con, name, **params)
        except ConfigError as exc:
            return {"error": str(exc)}
        except duckdb.OutOfMemoryException as exc:  # beside a job's finalizing, within the runner's limit
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            return {"error": f"the query ran out of the runner's DuckDB memory beside the jobs; try again: {first}",
                    "status": 503}
        return {"columns": table.column_names, "rows": json_rows(table), "query_s": time.perf_counter() - t0}

    def wake(self) -> None:
        """A job was submitted: look at the queue now."""
        self._wake.set()

    def ready(self) -> dict:
        """``ok`` (the scheduling thread runs), ``workers`` (actor pids), ``active`` (job ids), ``memory``
        (this process's RSS, what DuckDB's ``duckdb_memory()`` says it holds and what DuckDB's jemalloc
        holds resident, glibc's heap in use, bytes; ``duckdb_reopens``: times the database was closed and opened again,
        :meth:`_reopen`)."""
        duck = None  # the query cursor is one thread's at a time: no figure while a query holds it
        if self._query_lock.acquire(blocking=False):
            try:
                duck = sum(duckdb_memory_bytes(self._query_con).values())
            except Exception:  # noqa: BLE001  (a figure for operators, never a failure of readiness)
                duck = None
            finally:
                self._query_lock.release()
        return {"ok": self._thread.is_alive() and self._crash is None, "error": self._crash,
                "workers": list(self.worker_pids), "active": list(self._active),
                "memory": {"rss_bytes": rss_bytes(), "duckdb_bytes": duck,
                           "duckdb_resident_bytes": duckdb_allocator_bytes().get("resident"),
                           "malloc_in_use_bytes": glibc_heap_bytes().get("in_use"),
                           "duckdb_reopens": self._reopens}}

    def check_health(self) -> None:
        """Serve's health check: the scheduling thread must be alive."""
        if not self._thread.is_alive() or self._crash is not None:
            raise RuntimeError(f"the job runner's thread stopped: {self._crash}")

    def __del__(self):
        self._stop.set()

    # --- the scheduling thread ------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._step():
                    self._wake.wait(POLL_S)
                    self._wake.clear()
        except BaseException as exc:  # the health check reports it; Serve restarts the replica
            self._crash = f"{type(exc).__name__}: {exc}"
            log.exception("runner: the scheduling thread stopped")

    def _step(self) -> bool:
        busy = self._admit()
        now = time.monotonic()
        if self._active and now - self._cancel_t >= CANCEL_CHECK_S:
            self._cancel_t = now
            for job in self.store.cancel_requested(list(self._active)):
                a = self._active[job]
                if not a.cancelled:
                    a.cancelled = True
                    a.pending.clear()
        self._dispatch()
        busy |= self._collect()
        ended = 0
        for a in list(self._active.values()):
            if a.in_flight == 0 and (a.cancelled or not a.pending):
                self._cancel(a) if a.cancelled else self._finish(a)
                busy, ended = True, ended + 1
        if ended:
            a = None  # noqa: F841  (the last job's batches and plan go before the memory is handed back)
            self._jobs_on_con += ended
            if not self._active and self._jobs_on_con >= self.config.reopen_every_jobs:
                self._reopen()
            self._give_back()
        elif not self._active and self._jobs_on_con >= self.config.reopen_every_jobs:  # e.g. after a failed plan
            self._reopen()
        if self._dirty and not self._active and now - self._snapshot_t >= SNAPSHOT_EVERY_S:
            self._snapshot()
        return busy or bool(self._in_flight)

    def _admit(self) -> bool:
        """Start one queued job when there is room (one per step, so dispatch goes on between plans).

        Once ``reopen_every_jobs`` jobs have ended on the connection, none starts while every active job
        is within :data:`REOPEN_DRAIN_CHUNKS` chunks of its end: they end, the database is reopened
        (:meth:`_reopen`), and the queue goes on. A stream of jobs that never leaves the runner idle would
        otherwise never reopen it; a longer job is never waited for (the reopen waits for it instead)."""
        if len(self._active) >= self.config.max_concurrent_jobs:
            return False
        if self._active and self._jobs_on_con >= self.config.reopen_every_jobs and all(
                len(a.pending) + a.in_flight <= REOPEN_DRAIN_CHUNKS for a in self._active.values()):
            return False
        row = self.store.claim_next()
        if row is None:
            return False
        self._start(row)
        return True

    def _start(self, row: dict) -> None:
        job = row["id"]
        opts = row["options"] or {}
        kind = self._sink_for(row["paths"])
        options = IngestOptions(db=self.config.db, job_id=job, chunk_bytes=int(opts.get("chunk_bytes") or
                                                                               self.config.chunk_bytes),
                                tz=opts.get("tz"), progress=False, commit_rows=self.config.commit_rows,
                                workers=len(self.workers), worker_cpus=self.config.worker_cpus,
                                batch_timeout_s=self.config.batch_timeout_s, sink=kind,
                                parts_path=self.parts_root if kind == "parquet" else None)
        t0 = time.perf_counter()
        timer = PhaseTimer()
        sink = DuckDBSink(self.config.db, flush_rows=self.config.commit_rows, con=self.con)
        staging = tempfile.mkdtemp(prefix="raybench-service-")
        a = _Active(row=row, options=options, sink=sink, plan=None, staging=staging, timer=timer, t0=t0)
        try:
            manifest = sink.con.execute("SELECT status FROM ingest_jobs WHERE ingest_job = ?", [job]).fetchone()
            if manifest is not None and manifest[0] == "done":  # finished, but the job table missed it
                self._recover_done(a)
                return
            if manifest is not None:  # an earlier runner started it: carry on from its checkpoint
                options.resume = job
            job, paths, run_no = open_job(sink, row["paths"], options)  # a resumed job: its manifest's sink
            if options.sink == "parquet":
                sink.use_parts(options.parts_path or self.parts_root or default_parts_root(self.config.db))
            busy = {t.plan.sha256: other.job for other in self._active.values() for t in other.plan.tasks
                    if t.plan is not None}
            a.plan = plan_job(sink, job, run_no, expand_paths(paths), options, staging, in_progress=busy)
            if a.plan.total_rows > STREAM_ROWS:  # a job of one group gains nothing from streaming its keys
                sink.dedupe_stream = DedupeStream(sink.con, [d.sha256 for d in a.plan.items])
            timer.mark("identify_plan")
            a.pending.extend(a.plan.items)
            a.rows_before = committed_rows(sink.con, job) if run_no > 1 else 0
            planned = [dict(t.row, status=t.row.get("status") if t.plan is None else "running") for t in a.plan.tasks]
            self.store.progress(job, rows_planned=a.plan.cdr_rows, rows_done=a.rows_before, files=planned)
        except Exception as exc:
            self._fail(a, exc)
            return
        self._active[job] = a

    def _sink_for(self, paths: list[str]) -> str:
        """``parquet`` for a job whose inputs hold at least ``config.parquet_bytes`` (the actors write its
        rows) when the actors can reach the parts, else ``duckdb`` (they return their rows)."""
        if self.parts_root is None:
            return "duckdb"
        threshold = AUTO_PARQUET_BYTES if self.config.parquet_bytes is None else self.config.parquet_bytes
        return "parquet" if input_bytes(paths) >= threshold else "duckdb"

    def _dispatch(self) -> None:
        slots = IN_FLIGHT_PER_WORKER * len(self.workers) - len(self._in_flight)
        jobs = [a for a in self._active.values() if a.pending]
        if not jobs or slots <= 0:
            return
        self._rr = (self._rr + 1) % len(jobs)
        order = jobs[self._rr:] + jobs[:self._rr]
        while slots > 0 and order:
            for a in list(order):
                if slots <= 0:
                    break
                if not a.pending:
                    order.remove(a)
                    continue
                item = a.pending.popleft()
                w = min(range(len(self.workers)), key=self._load.__getitem__)
                # parts only while this runner's actors share its disk (a job resumed from a runner whose
                # actors did keeps loading its earlier parts; its new chunks come back as rows)
                parts = a.sink.parts.root if a.sink.parts is not None and self.parts_root is not None else None
                ref = self.workers[w].process.remote(item, a.plan.layouts[item.layout_key], parts)
                self._in_flight[ref] = (a, item, w, time.monotonic())
                self._load[w] += 1
                a.in_flight += 1
                slots -= 1

    def _collect(self) -> bool:
        if not self._in_flight:
            return False
        refs = list(self._in_flight)
        ready, _ = ray.wait(refs, num_returns=1, timeout=0.05)
        if ready:
            more, _ = ray.wait([r for r in refs if r not in ready], num_returns=len(refs) - len(ready), timeout=0)
            ready += more
        now = time.monotonic()
        expired = [r for r, (_, _, _, t) in self._in_flight.items()
                   if r not in ready and now - t > self.config.batch_timeout_s]
        for ref in ready + expired:
            a, item, w, t = self._in_flight.pop(ref)
            self._load[w] -= 1
            a.in_flight -= 1
            if ref in expired:
                table = _quarantined(item, a.plan.layouts[item.layout_key],
                                     f"no result in {self.config.batch_timeout_s:.0f} s (batch_timeout_s)")
            else:
                try:
                    table = ray.get(ref)
                except Exception as exc:  # the actor died on every retry, or the task failed
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                    table = _quarantined(item, a.plan.layouts[item.layout_key], f"{type(exc).__name__}: {first}")
            if a.cancelled:
                continue
            a.latencies_s.append(now - t)
            observe_block(table)  # rows by outcome, live (raybench.monitor)
            a.sink.add(table)
            if (stream := a.sink.dedupe_stream) is not None and not stream.refused:
                try:
                    rows = block_rows(table, list(KEY_COLUMNS))  # a report's keys, read back from its parts
                except Exception as exc:  # e.g. an actor restarted on another node: the stream stops, the
                    # job goes on (duplicate detection after the last batch; the load says what is missing)
                    stream.refused = f"the parts' keys could not be read: {type(exc).__name__}: {exc}"[:300]
                    log.warning("job %s: %s", a.job, stream.refused)
                else:
                    stream.add(rows)  # keys and candidate pairs as rows arrive (raybench.dedupe.stream)
            a.rows_received += report_rows(table)
            if now - a.progress_t >= PROGRESS_EVERY_S:
                a.progress_t = now
                self.store.progress(a.job, rows_done=a.rows_before + a.rows_received)
        return bool(ready or expired)

    def _finish(self, a: _Active) -> None:
        self._finished += 1
        try:
            if self._fatal_at == str(self._finished):
                raise duckdb.FatalException(f"FATAL Error: injected ({FATAL_FAULT_ENV}={self._finished})")
            if self._fail_at == str(self._finished):
                raise IngestError(f"injected ({FAIL_FAULT_ENV}={self._finished})")
            a.sink.flush()
            if (stream := a.sink.dedupe_stream) is not None:
                stream.finish()
            a.timer.mark("batches")
            final = finalize_job(a.sink, a.plan, a.timer.mark)
            self.con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")  # rows stream in again next
            results = job_results(a.plan, final, a.options, sink=a.sink, wall_s=time.perf_counter() - a.t0,
                                  phases_s=a.timer.phases_s, metrics=_job_metrics(a, len(self.workers)),
                                  faults=FaultPlan())
            results["service"] = {"submitted_utc": a.row["submitted_utc"], "inputs": a.row["inputs"],
                                  "token": a.row["token"]}
            path = os.path.join(self.config.results_dir, f"{a.job}.json")
            write_results(results, path)

            record_job(results)  # files, confidence, batch latency, PSS peaks, time against target
            status, error = job_status(final.rows)
            self.store.finish(a.job, status, error=error, files=self._with_suggestions(final.rows),
                              totals=results["totals"], results_path=path)
            self._dirty = True
        except Exception as exc:
            self._fail(a, exc)
        finally:
            self._release(a)

    def _with_suggestions(self, rows: list[dict]) -> list[dict]:
        """The ``files`` rows, with ``mapping`` (:func:`raybench.classify.suggest.mapping_suggestion`)
        on each file that failed because no layout matched, or ended suspect."""
        out = []
        for row in rows:
            row = dict(row)
            unknown = row["status"] == "failed" and "no known layout" in (row.get("error") or "")
            if unknown or row["status"] == "suspect":
                try:
                    if self._classifiers is None:
                        self._classifiers = Classifiers(threads=1)
                    row["mapping"] = mapping_suggestion(row["path"], self._classifiers)
                except Exception as exc:  # a suggestion is help, never the job's failure
                    row["mapping"] = {"error": f"{type(exc).__name__}: {exc}"}
            out.append(row)
        return out

    def _recover_done(self, a: _Active) -> None:
        """A job DuckDB holds as done while the job table says otherwise (the runner died between the
        two): its figures from the ``files`` rows; the results JSON when it was written."""
        rows = files_rows(a.sink.con, a.job)
        path = os.path.join(self.config.results_dir, f"{a.job}.json")
        if os.path.exists(path):
            with open(path) as f:
                totals = json.load(f)["totals"]
        else:
            totals, path = job_totals(JobFinal(rows=rows, joined=0, dedupe={}, coverage={})), None
        status, error = job_status(rows)
        self.store.finish(a.job, status, error=error, files=rows, totals=totals, results_path=path)
        self._release(a)

    def _cancel(self, a: _Active) -> None:
        """Stop a cancelled job: its queued rows are dropped and every row it committed is deleted
        (``cdr``, ``quarantine``, ``cell_sites``, the checkpoint), its ``files`` rows end ``aborted`` and
        its manifest ``cancelled``: the same files submitted again are read in full."""
        try:
            a.sink.discard()
            checkpoint.delete_stored_rows(a.sink.con, "ingest_job = ?", [a.job])
            a.sink.remove_parts(a.job)  # the Parquet sink's files of the job, committed or not
            mark_stopped(a.sink.con, a.job, "cancelled", "cancelled on request; its rows were removed")
            self.store.finish(a.job, "cancelled", error="cancelled on request; its rows were removed",
                              totals={"rows_stored": 0, "rows_quarantined": 0, "rows_flagged": 0})
        except Exception as exc:
            self._fail(a, exc)
        finally:
            self._release(a)

    def _fail(self, a: _Active, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
        log.error("job %s failed: %s", a.job, error)
        try:
            a.sink.flush()
            if a.sink.parts is not None and not isinstance(exc, duckdb.FatalException):
                # the Parquet sink: its committed chunks' rows into cdr now, as the DuckDB sink's already
                # are (the service never resumes a failed job; a retry reads only its failed files again)
                try:
                    a.sink.load_parts(a.job)
                except Exception:
                    log.exception("runner: could not load the committed parts of failed job %s", a.job)
            mark_stopped(a.sink.con, a.job, "failed", error)
        except Exception:
            log.exception("runner: could not record the end of job %s", a.job)
        self.store.finish(a.job, "failed", error=error)
        self._release(a)
        if isinstance(exc, duckdb.FatalException):
            # DuckDB invalidated the database (e.g. it ran out of memory in a commit): every later
            # statement on it fails. Stop the scheduling thread: the health check fails, Serve starts a new
            # runner, which opens the file again and resumes the jobs left running from their checkpoints.
            raise RuntimeError(f"DuckDB invalidated {self.config.db} ({error}); the runner stops") from exc

    def _release(self, a: _Active) -> None:
        self._active.pop(a.job, None)
        if (stream := a.sink.dedupe_stream) is not None:
            stream.close()  # its TEMP tables (dedupe_job has dropped them already when the job finished)
        try:
            a.sink.close()
        except Exception:
            log.exception("runner: closing the sink of job %s", a.job)
        shutil.rmtree(a.staging, ignore_errors=True)

    def _give_back(self) -> None:
        """After a job ends: its Arrow batches and DuckDB's work memory back to the system
        (:func:`raybench.service.memory.release_memory`; docs/service.md "Soak")."""
        try:  # DuckDB keeps the blocks a job read cached up to memory_limit: above the keep, let them go
            with self._query_lock:  # no query runs under the lowered limit (it would run out of memory)
                trim_duckdb_cache(self.con, DUCKDB_KEEP_BYTES, INGEST_MEMORY_LIMIT)
        except Exception as exc:
            log.debug("runner: DuckDB's cache not trimmed: %s", exc)
        freed = release_memory()
        log.debug("runner: RSS %d -> %d bytes after a job", freed["rss_before_bytes"], freed["rss_after_bytes"])

    def _reopen(self) -> None:
        """Close the database and open it again, between jobs (none active), queries held off meanwhile.

        DuckDB's C++ state of a database grows with the jobs and queries it served and is given back only
        with the database: the eviction queue's nodes and the ``BlockHandle`` of every block it ever
        registered (kept alive by the queue's weak references), the pages its jemalloc freed
        (docs/service.md "Soak"). The rows are committed: nothing is lost, and readers of the snapshot
        are not affected. Opening waits up to :data:`DB_OPEN_WAIT_S` for the file's lock, as at start;
        a failure stops the scheduling thread (the health check fails and Serve starts a new runner).
        """
        t0 = time.perf_counter()
        with self._query_lock:
            self._query_con.close()
            self.con.close()
            self.con = _open_db(self.config.db)
            self._query_con = self.con.cursor()
            self._query_con.execute("SET SESSION TimeZone = 'UTC'")
        log.info("runner: DuckDB reopened after %d jobs in %.3f s", self._jobs_on_con, time.perf_counter() - t0)
        self._jobs_on_con = 0
        self._reopens += 1

    def _snapshot(self) -> None:
        self._snapshot_t, self._dirty = time.monotonic(), False
        if not snapshot_interval_s():
            return
        try:
            publish_snapshot(self.con, self.config.db)
        except Exception as exc:
            log.warning("runner: could not publish a snapshot of %s: %s", self.config.db, exc)


def job_status(files: list[dict]) -> tuple[str, str | None]:
    """A finished job's status from its ``files`` rows: ``failed`` when a file failed (or ended with
    worker errors or rows unaccounted), else ``suspect`` when one is suspect, else ``done``; with the
    first such file's error (one line, naming the file)."""
    bad = [r for r in files if r["status"] in ("failed", "errors", "incomplete")]
    if bad:
        return "failed", f"{os.path.basename(bad[0]['path'])}: {bad[0].get('error')}"
    suspect = [r for r in files if r["status"] == "suspect"]
    if suspect:
        return "suspect", f"{os.path.basename(suspect[0]['path'])}: {suspect[0].get('error')}"
    return "done", None


def _job_metrics(a: _Active, workers: int) -> dict:
    return {"batches": len(a.latencies_s), "batch_latency_s": percentiles(a.latencies_s) if a.latencies_s else {},
            "pool_size": workers, "sink_write_s": None, "errors": []}


def _quarantined(item: dict, layout, why: str):
    table = quarantine_all(item, layout, f"worker_error: {why}")
    return table.append_column("chunk_id", pa.array([item.chunk_id] * table.num_rows, pa.string()))


def _open_db(path: str):
    """The runner's DuckDB connection, waiting up to :data:`DB_OPEN_WAIT_S` for a dying runner's lock."""
    deadline = time.monotonic() + DB_OPEN_WAIT_S
    while True:
        try:
            return open_database(path)
        except IngestError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
