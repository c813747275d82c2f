"""The options of one ingest job (:class:`IngestOptions`) and their check (:func:`validate_options`)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from raybench.config import check_zone
from raybench.errors import ConfigError
from raybench.faults.plan import FaultPlan
from raybench.read.partition import BLOCK_BYTES_DEFAULT

MIN_CHUNK_BYTES = 4 << 10
"""Smallest ``chunk_bytes`` accepted (4 KiB): smaller chunks only add per-batch overhead."""

MIN_WORKER_CPUS = 0.01
"""Smallest CPU reservation of an actor (Ray refuses fractions finer than 0.0001)."""

MIN_SAMPLE_INTERVAL_S, MAX_SAMPLE_INTERVAL_S = 0.1, 60.0
"""Bounds of ``sample_interval_s`` (the monitor samples at least once a minute)."""


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


def validate_options(options: IngestOptions) -> None:
    """Check the options before any work.

    Raises:
        ConfigError: a bad zone, CPU or worker count, chunk size, results path, or an unreachable
            Ray address.
    """
    if options.tz:
        check_zone(options.tz, "--tz")
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
    if options.results:
        folder = os.path.dirname(os.path.abspath(options.results))
        if os.path.isdir(options.results) or not os.access(folder if os.path.isdir(folder) else
                                                           os.path.dirname(folder), os.W_OK):
            raise ConfigError(f"--results {options.results!r} is not a writable file path")
    if options.address and options.address != "auto" and not options.address.startswith("ray://"):
        host, _, port = options.address.rpartition(":")
        try:
            socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
        except (OSError, ValueError):
            raise ConfigError(f"--address {options.address}: no Ray cluster answers there") from None
