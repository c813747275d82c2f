"""The runner: owns Ray and runs a job's chunks through an actor pool into the sink.

A :class:`Runner` connects to (or starts) Ray once and can be kept across jobs: each :meth:`Runner.run`
starts a coordinator (the metrics and the poison-batch guard, :mod:`raybench.pipeline.coordinator`),
streams the job's chunk descriptors through Ray Data (``from_blocks`` of
:data:`raybench.read.chunk.CHUNK_SCHEMA` rows -> ``map_batches(IngestWorker, ActorPoolStrategy)``), pumps
the output blocks to the driver with a time-out (:func:`blocks_with_timeout`) and writes them to the sink.
:meth:`Runner.close` shuts Ray down when the runner started it.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time

import ray
from ray.data import ActorPoolStrategy, DataContext

from raybench.dedupe.stream import KEY_COLUMNS, DedupeStream
from raybench.errors import ConfigError, IngestError, RaybenchError
from raybench.faults.driver import ActorKiller
from raybench.faults.plan import FaultPlan
from raybench.monitor.ingest import observe_block
from raybench.pipeline.budget import budgeted_pool_size
from raybench.pipeline.coordinator import start_coordinator
from raybench.pipeline.options import MIN_WORKER_CPUS, IngestOptions
from raybench.pipeline.planner import JobPlan
from raybench.pipeline.worker import IngestWorker
from raybench.ray_logs import configure_ray_logs, quiet_ray_init, ray_init_kwargs
from raybench.read.chunk import descriptor_table
from raybench.sink.parquet_parts import block_rows, report_rows

log = logging.getLogger(__name__)

COORDINATOR_TIMEOUT_S = 60.0
"""Longest wait for the coordinator's summary at the end of a job."""

PUMP_JOIN_S = 10.0
"""Longest wait, once the driver stops taking batches early, for the batch thread to close Ray Data's
iterator (it does so at its next batch, or within a second when it waits to hand one over)."""

PROGRESS_LINE_S = 10.0
"""Seconds between two progress lines when stdout is not a terminal."""


class Runner:
    """Ray for one or more jobs, and the actor pool of each.

    Args:
        options: the options of the jobs (``address``, ``num_cpus``, ``object_store_bytes``, ``faults``
            for Ray; ``workers``, ``worker_cpus``, ``batch_timeout_s``, ``progress``,
            ``sample_interval_s`` for each pool).
    """

    def __init__(self, options: IngestOptions):
        self.options = options
        self.started_ray = False
        self.coordinator = None
        self.pool: dict = {}

    def run(self, plan: JobPlan, sink, phase) -> None:
        """Run ``plan``'s chunks into ``sink`` (flushed at the end); starts Ray on first use.

        Args:
            phase: called with each phase name as it ends (``ray_init``, ``pool_setup``, ``first_batch``,
                ``batches``).

        Raises:
            ConfigError: ``worker_cpus`` above the cluster's CPUs (:func:`pool_size`).
            IngestError: the Ray pipeline failed, or no batch came for ``batch_timeout_s``.
        """
        self.started_ray = init_ray(self.options) or self.started_ray  # False once Ray is up
        phase("ray_init")
        self.coordinator = start_coordinator((os.getpid(),), self.options.sample_interval_s)
        self.pool = run_pool(plan, sink, self.options, phase, self.coordinator)

    def set_phase(self, name: str) -> None:
        """Tell the coordinator the job's phase (its samples are labelled with it); never fails the job."""
        set_phase(self.coordinator, name)

    def metrics(self) -> dict:
        """The last job's metrics (:func:`finish_metrics`), its coordinator stopped; ``{}`` when it ran no
        chunk."""
        if self.coordinator is None:
            return {}
        coordinator, self.coordinator = self.coordinator, None
        return finish_metrics(coordinator, self.pool)

    def close(self) -> None:
        """Shut Ray down if this runner started it."""
        if self.started_ray:
            ray.shutdown()
            self.started_ray = False


def init_ray(options: IngestOptions) -> bool:
    """Connect to or start Ray. Returns True when this call started it (and should shut it down)."""
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


def pool_size(options: IngestOptions, n_chunks: int | None = None) -> int:
    """Actors in the pool: :func:`cpu_pool_size` of the cluster's CPUs, then the memory budget
    (:func:`raybench.pipeline.budget.budgeted_pool_size`).

    Raises:
        ConfigError: ``options.worker_cpus`` is more than the cluster's CPUs.
    """
    cpus = ray.cluster_resources().get("CPU", 1)
    if options.worker_cpus > cpus:
        raise ConfigError(f"--worker-cpus {options.worker_cpus}: the cluster has {cpus:g} CPUs, so no actor "
                          "could ever be scheduled")
    return budgeted_pool_size(cpu_pool_size(cpus, options, n_chunks), options)


def cpu_pool_size(cpus: float, options: IngestOptions, n_chunks: int | None = None) -> int:
    """Actors the CPUs hold: ``options.workers`` when given, else ``cpus`` (minus one with the DuckDB
    sink) over ``options.worker_cpus``, at least one and at most ``n_chunks`` (an actor with no chunk to
    read only costs its start and its memory).

    With the DuckDB sink one CPU stays free for the driver, which writes every row (a pool that takes
    every CPU starves it on a small machine). With the Parquet sink the workers write their rows and the
    driver only commits their reports and streams the dedupe keys, so the pool takes every CPU: on 2
    CPUs, 1M AT&T rows (27 chunks) went through the batches in 5.3-5.4 s with two actors against 7.9-8.4
    s with one (docs/optimization.md, "8 December").
    """
    if options.workers:
        return options.workers
    driver_cpus = 0 if options.sink == "parquet" else 1
    n = max(1, int((int(cpus) - driver_cpus) // max(options.worker_cpus, MIN_WORKER_CPUS)))
    return min(n, n_chunks) if n_chunks else n


def run_pool(plan: JobPlan, sink, options: IngestOptions, phase, coordinator) -> dict:
    """Run the plan's chunks through the actor pool into ``sink``.

    Returns:
        ``sink_write_s`` (seconds the driver spent in the sink), ``pool_size`` (actors) and, with
        actor or node kills planned, ``kills``; :func:`finish_metrics` adds them to the coordinator's
        summary once the job is done.

    Raises:
        IngestError: the Ray pipeline failed, or no batch came for ``options.batch_timeout_s``.
    """
    faults = options.faults or FaultPlan()
    n = pool_size(options, len(plan.items))
    ds = _dataset(plan, options, coordinator, n, sink.parts.root if sink.parts is not None else None)
    progress = _Progress(options.progress, plan.total_rows)
    # dedupe keys and candidate pairs built as batches arrive (raybench.dedupe.stream)
    sink.dedupe_stream = stream = DedupeStream(sink.con, [d.sha256 for d in plan.items])
    killer = ActorKiller(coordinator, faults) if faults.kill_actor_every_s or faults.kill_node_after_s else None
    phase("pool_setup")
    blocks = blocks_with_timeout(ds, options.batch_timeout_s, coordinator)
    try:
        sink_s = _drain(blocks, sink, progress, killer, phase, stream)
    except RaybenchError:
        raise
    except Exception as exc:
        raise IngestError(f"the Ray pipeline failed: {type(exc).__name__}: {exc}") from exc
    finally:
        blocks.close()  # now, not when the traceback lets go of it: Ray Data stops before Ray does
        if killer is not None and killer.started:
            killer.stop()
        progress.close()
    t = time.perf_counter()
    sink.flush()
    sink_s += time.perf_counter() - t
    stream.finish()
    phase("batches")
    return {"sink_write_s": sink_s, "pool_size": n, "kills": killer.kills if killer is not None else None}


def _dataset(plan: JobPlan, options: IngestOptions, coordinator, n: int, parts_root: str | None = None):
    """The job's Ray Data stream: one block per chunk descriptor (an Arrow row of
    :data:`raybench.read.chunk.CHUNK_SCHEMA`), mapped by a pool of ``n`` :class:`IngestWorker` actors
    (which, given ``parts_root``, write their rows there and return the files' reports)."""
    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    faults = options.faults or FaultPlan()
    blocks = [descriptor_table([d]) for d in plan.items]  # one block (and one batch) per chunk
    # from_blocks, not from_arrow: from_arrow works out each block's metadata in a Ray task, which
    # on a cold cluster waits for a worker process (0.5-0.9 s of pool_setup, measured); from_blocks
    # (a DeveloperAPI of Ray Data 2.60) does it here and keeps one block per chunk, as written.
    return ray.data.from_blocks(blocks).map_batches(
        IngestWorker,
        fn_constructor_kwargs={"layouts": plan.layouts, "coordinator": coordinator, "faults": faults.worker_part(),
                               "parts_root": parts_root},
        batch_size=1,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=n),
        num_cpus=options.worker_cpus,
        runtime_env={"env_vars": {"POLARS_MAX_THREADS": str(max(1, int(options.worker_cpus)))}},
    )


def _drain(blocks, sink, progress, killer, phase, stream) -> float:
    """Write every output block to ``sink`` as it comes, and hand it to the dedupe ``stream``
    (:class:`raybench.dedupe.stream.DedupeStream`); starts the fault clocks at the first block.
    With the Parquet sink a block is the parts' reports: the stream gets the key columns read back from
    the parts. Returns the seconds spent in the sink (reading keys back included)."""
    sink_s = 0.0
    first = True
    for block in blocks:
        if first:
            phase("first_batch")
            first = False
            if killer is not None:  # fault clocks start with the first batch: the pool is up
                killer.start()
        observe_block(block)  # rows by outcome, live (raybench.monitor.ingest)
        t = time.perf_counter()
        sink.add(block)
        rows = block if stream.refused else block_rows(block, list(KEY_COLUMNS))
        sink_s += time.perf_counter() - t
        stream.add(rows)
        progress.advance(report_rows(block), sink.rows_committed)
    return sink_s


def set_phase(coordinator, name: str) -> None:
    """Tell the coordinator the job's phase (its samples are labelled with it); never fails the job."""
    if coordinator is None:
        return
    try:
        ray.get(coordinator.set_phase.remote(name), timeout=COORDINATOR_TIMEOUT_S)
    except Exception as exc:
        log.warning("coordinator: could not mark phase %s: %s", name, exc)


def finish_metrics(coordinator, pool: dict) -> dict:
    """Stop the coordinator's sampling and return its summary (see
    :meth:`raybench.pipeline.coordinator.Coordinator.finish`) with ``pool``'s figures added."""
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


def blocks_with_timeout(ds, timeout_s: float, coordinator):
    """The dataset's output blocks, each waited for at most ``timeout_s`` seconds.

    Ray Data's iterator has no timeout of its own, so it runs in a thread that hands blocks over a
    bounded queue (two blocks: the same back-pressure as ``prefetch_batches=1``).

    Raises:
        IngestError: no block came for ``timeout_s`` seconds (naming the batches in flight).
    """
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


def _in_flight(coordinator) -> str:
    try:
        progress = ray.get(coordinator.progress.remote(), timeout=10)
        return ", ".join(progress.get("in_flight", [])[:5])
    except Exception:
        return ""


class _Progress:
    """A rich progress bar over rows (transient) on a terminal; elsewhere (a log, a pipe) a line on
    stderr at the first commit and then at most every :data:`PROGRESS_LINE_S` seconds
    (``ingest: 2000 of 100000 rows committed (12 s)``); nothing when disabled or there is nothing to do."""

    def __init__(self, enabled: bool, total: int):
        self._bar = None
        self._lines = enabled and total and not sys.stdout.isatty()
        self._total, self._t0, self._last, self._committed = total, time.perf_counter(), None, 0
        if enabled and total and not self._lines:  # rich only on a terminal (it loads in ~0.1 s)
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
            self._committed, self._last = rows_committed, now
            sys.stderr.write(f"ingest: {rows_committed} of {self._total} rows committed ({now - self._t0:.0f} s)\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
