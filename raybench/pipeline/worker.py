"""The Ray Data actor that turns chunk descriptors into canonical rows.

Each input row of a batch is a chunk descriptor (:class:`raybench.read.chunk.ChunkDescriptor`, an Arrow
row of :data:`raybench.read.chunk.CHUNK_SCHEMA`): the file, its byte (or page, or sheet-row) range, the
first ``source_row``, the layout key, the encoding and the file's junk rules. The worker reads the range
itself with the descriptor's format module (:mod:`raybench.pipeline.formats`; the file must be readable
from every node: a local path on one machine, shared storage on a cluster), so only small descriptors
travel through the object store.

A chunk the worker cannot process (a bug, an unreadable range) does not lose rows: the worker tries it
:data:`WORKER_TRIES` times, then every planned record of it comes back quarantined with reason
``worker_error`` (a poison batch, quarantined as a batch with its error), and the error goes to the
coordinator. A chunk whose worker process *dies* (killed, out of memory, a crash) is retried by Ray on
the restarted actor (Ray Data's actor pools restart actors and retry their tasks); the coordinator counts
Ray's attempts, and a chunk that has killed its worker :data:`MAX_ATTEMPTS` - 1 times is quarantined the
same way on the next attempt instead of being run again, so a poison batch cannot loop forever.

Every output row carries its ``chunk_id`` (:func:`worker_schema`), so the driver commits chunks whole
and drops a chunk delivered twice (:mod:`raybench.sink.duckdb_sink`).

With the Parquet sink (``parts_root`` given) the worker writes a chunk's rows as one Parquet file per
attempt under that root and returns only the file's report (:mod:`raybench.sink.parquet_parts`); a file
that cannot be written fails the task (the job fails, saying why: no row is silently lost).
"""

from __future__ import annotations

import os
import time
import uuid

import psutil
import pyarrow as pa
import ray

from raybench.classify.models import Classifiers
from raybench.faults.inject import WorkerFaults
from raybench.layout import Layout
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline import formats
from raybench.pipeline.transform import OUTPUT_SCHEMA, process_chunk, quarantine_all, repeated
from raybench.read.chunk import ChunkDescriptor, descriptors_of
from raybench.read.junk import JunkRules
from raybench.sink.parquet_parts import PART_REPORT_SCHEMA, write_part

WORKER_TRIES = 2
"""In-process tries of a chunk whose processing raised, before it is quarantined as a batch."""

MAX_ATTEMPTS = 4
"""Ray attempts of a chunk (its worker died on the earlier ones) after which it is quarantined unrun."""

ATTEMPT_TIMEOUT_S = 30.0
"""How long a worker waits for the coordinator's attempt count before assuming a first attempt."""


class IngestWorker:
    """Callable class for ``Dataset.map_batches`` (one instance per actor).

    Args:
        layouts: layout id -> layout for every file of the job (zone overrides applied).
        coordinator: the coordinator actor handle, or None to skip metrics (and the poison guard).
        faults: the worker part of a fault plan (:meth:`raybench.faults.plan.FaultPlan.worker_part`).
        parts_root: the Parquet sink's folder or URI: each chunk's rows are written there and only the
            file's report (:data:`raybench.sink.parquet_parts.PART_REPORT_SCHEMA`) is returned; None
            returns the rows.
    """

    def __init__(self, layouts: dict[str, Layout], coordinator=None, faults: dict | None = None,
                 parts_root: str | None = None):
        self.layouts = layouts
        self.parts_root = parts_root
        self.coordinator = coordinator
        self.worker_id = f"worker-{uuid.uuid4().hex[:8]}"
        self._numbers: dict[str | None, NumberNormalizer] = {}
        self._numbers_cls = NumberNormalizer
        self.faults = WorkerFaults(faults)
        self._classifiers = None
        if coordinator is not None:
            coordinator.register_worker.remote(self.worker_id, os.getpid(),
                                               ray.get_runtime_context().get_node_id())

    def _normalizer(self, region: str | None):
        if region not in self._numbers:
            self._numbers[region] = self._numbers_cls(region)
        return self._numbers[region]

    def _record_types(self):
        """This actor's ONNX models (sessions created on first use, with the actor's CPUs as threads)."""
        if self._classifiers is None:
            self._classifiers = Classifiers(threads=_own_cpus())
        return self._classifiers

    def __call__(self, batch: pa.Table) -> pa.Table:
        tables = [self._deliver(item) for item in descriptors_of(batch)]
        if tables:
            return pa.concat_tables(tables)
        return PART_REPORT_SCHEMA.empty_table() if self.parts_root else worker_schema().empty_table()

    def _deliver(self, item: ChunkDescriptor) -> pa.Table:
        """One chunk's rows, or with the Parquet sink the report of the file they were written to; the
        ``crash_after_output_on_rows`` fault ends the process here, the output made but not returned."""
        table, attempt = self._one(item)
        if self.parts_root:
            table = write_part(table, self.parts_root, item.ingest_job, item.chunk_id, attempt)
        self.faults.after_output(item, attempt)
        return table

    def process(self, item: ChunkDescriptor, layout: Layout | None = None) -> pa.Table:
        """One chunk descriptor's rows (:func:`worker_schema`), outside Ray Data (an actor kept across
        jobs, :mod:`raybench.service.runner`): ``layout`` is the chunk's layout, remembered under its
        ``layout_key`` for later chunks; None uses one given before or at construction."""
        if layout is not None:
            self.layouts[item.layout_key] = layout
        return self._one(item)[0]

    def warm(self) -> None:
        """Load the models now, not at the first chunk (a service's actors start warm)."""
        self._record_types()

    def _attempt(self, chunk_id: str) -> int:
        """Ray's attempt number at this chunk (1 when there is no coordinator or it does not answer)."""
        if self.coordinator is None:
            return 1
        try:
            return int(ray.get(self.coordinator.batch_started.remote(self.worker_id, chunk_id),
                               timeout=ATTEMPT_TIMEOUT_S))
        except Exception:  # metrics must not stop the work; the guard is off for this chunk
            return 1

    def _one(self, item: ChunkDescriptor) -> tuple[pa.Table, int]:
        """One chunk's rows (:func:`worker_schema`) and Ray's attempt number at it."""
        chunk_id = item.chunk_id
        attempt = self._attempt(chunk_id)
        t0 = time.perf_counter()
        layout = self.layouts[item.layout_key]
        error = None
        rule_counts: dict = {}
        table = None
        transient = None
        if attempt >= MAX_ATTEMPTS:
            error = f"{item.rows_text()}: poison batch: its worker died on {attempt - 1} attempts"
            table = quarantine_all(item, layout, f"worker_error: poison batch: its worker died on "
                                                 f"{attempt - 1} attempts")
        for try_no in range(1, WORKER_TRIES + 1):
            if table is not None:
                break
            try:
                self.faults.before_chunk(item, attempt, try_no)
                table, rule_counts = self._run(item, layout)
            except Exception as exc:  # tried again; after the last try every record is quarantined
                first_line = (str(exc).strip().splitlines() or [""])[0][:200]
                transient = f"{item.rows_text()}: {type(exc).__name__}: {first_line}"
                if try_no == WORKER_TRIES:
                    error = transient
                    table = quarantine_all(item, layout, f"worker_error: {type(exc).__name__}: {first_line}")
        table = table.append_column("chunk_id", repeated(chunk_id, table.num_rows))
        latency_s = time.perf_counter() - t0
        if self.coordinator is not None:
            rss, pss = _own_memory()
            self.coordinator.batch_finished.remote(self.worker_id, chunk_id, {
                "rows": table.num_rows, "latency_s": latency_s, "file": item.source_file,
                "rule_counts": rule_counts, "error": error, "rss_bytes": rss, "pss_bytes": pss,
                "attempt": attempt, "retried_error": transient if error is None else None})
        return table, attempt

    def _run(self, item: ChunkDescriptor, layout: Layout) -> tuple[pa.Table, dict]:
        """Read and process one chunk: its rows and rule counts.

        Raises:
            RuntimeError: the worker found another number of records than the plan counted.
        """
        result = process_chunk(
            formats.read(item), layout=layout, encoding=item.encoding, first_row=item.first_row,
            source_file=item.source_file, sha256=item.sha256, ingest_job=item.ingest_job,
            numbers=self._normalizer(layout.region), junk=JunkRules.from_json(item.junk or None),
            record_types=self._record_types(), format=item.format)
        if result.records_seen != item.n_records:
            raise RuntimeError(f"found {result.records_seen} records where the plan counted {item.n_records}")
        return result.table, result.rule_counts


def worker_schema() -> pa.Schema:
    """Rows a worker returns: :data:`raybench.pipeline.transform.OUTPUT_SCHEMA` plus ``chunk_id``."""
    return OUTPUT_SCHEMA.append(pa.field("chunk_id", pa.string()))


def _own_memory() -> tuple[int, int]:
    info = psutil.Process().memory_full_info()
    return int(info.rss), int(getattr(info, "pss", info.rss))


def _own_cpus() -> int:
    """CPUs Ray assigned to this actor (1 outside Ray or when fractional)."""
    try:
        if ray.is_initialized():
            return max(1, int(ray.get_runtime_context().get_assigned_resources().get("CPU", 1)))
    except Exception:  # not in a Ray worker: one thread
        pass
    return 1
