"""The options of one ingest job (:class:`IngestOptions`) and their check (:func:`validate_options`)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from pydantic import ConfigDict, Field, field_validator

from raybench.config import Section, one_of, validate, zone
from raybench.faults.plan import FaultPlan
from raybench.pipeline.budget import DEFAULT_BUDGET_BYTES, check_budget
from raybench.read.partition import BLOCK_BYTES_DEFAULT
from raybench.sink.parquet_parts import PARTS_LOADS, SINKS

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
        workers: actors in the pool; None: the cluster's CPUs minus one with the DuckDB sink, every CPU with
            the Parquet sink, at least one, at most the chunks (:func:`raybench.pipeline.runner.pool_size`).
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
        sink: ``duckdb`` (workers return their rows, the driver writes them), ``parquet`` (workers
            write Parquet parts, the driver commits which file holds which chunk and loads them at the
            end; :mod:`raybench.sink.parquet_parts`) or ``auto`` (the default: parquet for an input of
            32 MiB or more whose parts the workers can reach, else duckdb;
            :func:`raybench.pipeline.job.resolve_sink`). A resumed job takes it from its manifest.
        parts_path: folder or URI the Parquet sink's workers write under (every node must reach it);
            None: ``<db>.parts``.
        parts_load: when the Parquet sink's committed parts are copied into ``cdr``: ``commit`` (after
            each commit, while the workers work) or ``end`` (after the last batch).
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
    memory_budget_bytes: int | None = DEFAULT_BUDGET_BYTES
    sink: str = "auto"
    parts_path: str | None = None
    parts_load: str = "end"


def _bounded(low: float, high: float = float("inf"), *, high_included: bool = False, unit: str = ""):
    """A validator: the value within ``[low, high)`` (``[low, high]`` with ``high_included``); NaN fails."""
    def check(value):
        if value is None:
            return value
        ok = low <= value <= high if high_included else low <= value < high
        if not ok:
            span = f"{low} to {high}{unit}" if high != float("inf") else f"a number of at least {low}{unit}"
            raise ValueError(f"{value} must be {span}")
        return value
    return check


class IngestOptionsSection(Section):
    """The values of :class:`IngestOptions` that can be wrong, each checked as the one config path does
    (:func:`raybench.config.validate`); the keys are named by their CLI flags in messages. Every field
    is required: :func:`validate_options` passes the options' own values, so the defaults live only in
    :class:`IngestOptions`."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, arbitrary_types_allowed=True)

    tz: str | None = Field(alias="--tz")
    num_cpus: int | None = Field(alias="--num-cpus")
    workers: int | None = Field(alias="--workers")
    sample_interval_s: float = Field(alias="--sample-interval")
    worker_cpus: float = Field(alias="--worker-cpus")
    commit_rows: int = Field(alias="commit_rows")
    batch_timeout_s: float = Field(alias="batch_timeout_s")
    chunk_bytes: int = Field(alias="--chunk-size")
    results: str | None = Field(alias="--results")
    address: str | None = Field(alias="--address")
    sink: str = Field(alias="--sink")
    parts_load: str = Field(alias="--parts-load")

    _tz = field_validator("tz", mode="before")(lambda v: zone(v))
    _counts = field_validator("num_cpus", "workers", "commit_rows")(_bounded(1))
    _interval = field_validator("sample_interval_s")(
        _bounded(MIN_SAMPLE_INTERVAL_S, MAX_SAMPLE_INTERVAL_S, high_included=True, unit=" s"))
    _cpus = field_validator("worker_cpus")(_bounded(MIN_WORKER_CPUS))
    _chunk = field_validator("chunk_bytes")(_bounded(MIN_CHUNK_BYTES, unit=" bytes"))

    _sink = field_validator("sink")(one_of(SINKS))
    _parts_load = field_validator("parts_load")(one_of(PARTS_LOADS))

    @field_validator("batch_timeout_s")
    @classmethod
    def _timeout(cls, value):
        if not value > 0:
            raise ValueError(f"{value} must be above 0")
        return value

    @field_validator("results")
    @classmethod
    def _results(cls, value):
        if value:
            folder = os.path.dirname(os.path.abspath(value))
            if os.path.isdir(value) or not os.access(folder if os.path.isdir(folder) else
                                                     os.path.dirname(folder), os.W_OK):
                raise ValueError(f"{value!r} is not a writable file path")
        return value

    @field_validator("address")
    @classmethod
    def _address(cls, value):
        if value and value != "auto" and not value.startswith("ray://"):
            host, _, port = value.rpartition(":")
            try:
                socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
            except (OSError, ValueError):
                raise ValueError(f"{value}: no Ray cluster answers there") from None
        return value


def validate_options(options: IngestOptions) -> None:
    """Check the options before any work (:class:`IngestOptionsSection`).

    Raises:
        ConfigError: a bad zone, CPU or worker count, chunk size, results path, or an unreachable
            Ray address: ``option key '--workers': 0 must be at least 1``.
    """
    values = {field.alias: getattr(options, name) for name, field in IngestOptionsSection.model_fields.items()}
    validate(IngestOptionsSection, values, "option")
    check_budget(options)  # a budget too small for one actor, before Ray starts
