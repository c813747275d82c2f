"""The DuckDB sink: the ``cdr``, ``quarantine``, ``files`` and ``cell_sites`` tables in one file.

The driver is the only writer (DuckDB allows one writing process per file). Rows arrive as Arrow tables
in :data:`raybench.pipeline.transform.OUTPUT_SCHEMA`; a row with reasons goes to ``quarantine``, any
other to ``cdr``.

A record is never stored twice: a file whose SHA-256 a job already stored completely is skipped, and
rows left by an earlier job that did not finish a file are deleted before the file is read again
(:meth:`DuckDBSink.forget_partial`). This keeps ``cdr`` free of a primary-key index, whose memory
grows with the table.

Within a job, rows carry their ``chunk_id`` (:func:`raybench.pipeline.worker.worker_schema`). Each
commit writes its rows and, in the same transaction, how many rows of each chunk it wrote (table
``chunks``): a crashed driver leaves whole commits only, and a restarted one skips the chunks whose rows
all committed (:mod:`raybench.pipeline.checkpoint`). A chunk delivered twice (more rows than its plan)
is dropped and counted in :attr:`DuckDBSink.rows_dropped_duplicate`.

With the Parquet sink (:meth:`DuckDBSink.use_parts`, :mod:`raybench.sink.parquet_parts`) the workers
write the rows themselves and send one report per chunk; a commit then writes the reports into
``chunk_parts`` and their chunks into ``chunks``, in one transaction; the committed parts are copied
into ``cdr`` and ``quarantine`` right after each commit, in a transaction of their own (``load_at``
``commit``: the driver loads while the workers work), or all after the last batch (``end``, the default);
:meth:`DuckDBSink.load_parts` loads what is left either way.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import defaultdict
from typing import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from raybench.errors import IngestError
from raybench.pipeline.checkpoint import delete_stored_rows
from raybench.query.calls import drop_party_indexes
from raybench.query.snapshot import publish_snapshot, snapshot_interval_s
from raybench.schema import ALL_DDL, CDR_SCHEMA, FILES_COLUMNS
from raybench.sink.parquet_parts import (
    PartsLedger,
    is_part_report,
    load_parts,
    orphan_parts,
    remove_parts,
)

log = logging.getLogger(__name__)

INGEST_MEMORY_LIMIT = "128MB"
"""DuckDB's memory limit while rows stream in. Inserts need little, and the buffer pool keeps written
blocks cached up to its limit, so the limit sets how much the driver grows as the table grows. Measured
(appending 1M-row Arrow tables in 250k-row commits): at 256MB the inserting process grew from 660 to
750 MiB PSS between 1M and 5M rows; at 128MB it stayed within 583-632 MiB up to 6M rows, at the same
insert speed (about 2.8 s per 1M rows)."""

FLUSH_BYTES = 64 << 20
"""Queued rows are committed once they hold this many bytes (Arrow buffers), even before ``flush_rows``
rows: the queue is the driver's largest swing in memory, and wide rows would otherwise make it grow with
row width."""

DEDUPE_MEMORY_LIMIT = "256MB"
"""DuckDB's memory limit for duplicate detection after the rows are stored (the actor pool is gone by
then): its joins and sorts spill beyond it."""

SMALL_JOB_ROWS = 100_000
"""A job of at most this many planned records is finalized under :data:`SMALL_JOB_MEMORY_LIMIT`."""

SMALL_JOB_MEMORY_LIMIT = "64MB"
"""DuckDB's memory limit for a small job's duplicate detection. Its joins build on the job's keys, so it
needs little working memory, but the scans of every stored key fill the buffer pool up to the limit:
under 256MB a 700-row job beside 10M stored rows held 250 MiB more at its peak, under 64MB 47-67 MiB, in
1.2 s instead of 1.0 s (measured). So a long-running service's memory per small job stops growing with
the stored rows at this limit, not at 256MB. Not lower: in the service the limit is the whole database's,
shared with the queries and the other jobs' rows, and at 32MB a soak's finalizes ran out of memory, one in
a commit, which invalidated the database (docs/service.md "Soak", 7 December)."""


UNFINISHED_FILE_STATUSES = ("running", "interrupted", "aborted")
"""``files.status`` of a file whose job did not finish: ``running`` (in progress, or the driver died),
``interrupted`` (Ctrl-C), ``aborted`` (the job failed); ``--resume`` replaces such a row."""


class DuckDBSink:
    """Writes one job's rows into a DuckDB database file.

    Args:
        path: database file (created when missing).
        memory_limit: DuckDB's memory limit (it spills to disk beyond it).
        flush_rows: commit the queued rows once they reach this many rows.
        flush_bytes: ... or once they hold this many bytes, whichever comes first.
        con: a connection the caller keeps (:func:`open_database`): the sink writes through a cursor of
            it and leaves snapshots to the caller; None opens ``path``.

    Raises:
        IngestError: the file cannot be opened (locked by another process), or it exists and is not a
            DuckDB database (DuckDB would open a CSV or Parquet file read-only as a view and lose every
            write).
    """

    def __init__(self, path: str, memory_limit: str = INGEST_MEMORY_LIMIT, flush_rows: int = 250_000,
                 flush_bytes: int = FLUSH_BYTES, con=None):
        self._shared = con is not None
        if con is not None:  # a long-lived writer (the service's job runner) shares its connection
            self.con = con.cursor()
        else:
            self.con = _open(path, memory_limit)
        self.path = path
        self.flush_rows = flush_rows
        self.flush_bytes = flush_bytes
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._pending_bytes = 0
        self._expected: dict[str, tuple[str, str, int, int]] = {}
        self._received: dict[str, int] = defaultdict(int)
        self._pending_chunks: dict[str, int] = defaultdict(int)
        self.commits = 0
        self.rows_committed = 0
        """Rows (``cdr`` and ``quarantine``) this sink committed with their chunks' checkpoint."""
        self.rows_dropped_duplicate = 0
        self.parts: PartsLedger | None = None
        """The Parquet sink's ledger (:meth:`use_parts`); None: rows come to the driver."""
        self.parts_loaded: dict | None = None
        """The Parquet sink's summary once :meth:`load_parts` ran (None before)."""
        self.parts_load_at = "end"
        self._loaded = {"parts": 0, "rows_cdr": 0, "rows_quarantine": 0, "wall_s": 0.0}
        self.dedupe_stream = None
        """The job's :class:`raybench.dedupe.stream.DedupeStream` (keys built as rows arrive), set by the
        runner; None: duplicate detection takes the batch path."""
        self.on_commit: Callable[[int], None] | None = None
        """Called with the number of commits so far after each commit (fault injection hooks in here)."""
        self.snapshot_interval_s = snapshot_interval_s()
        """Seconds between the read-only snapshots this writer publishes for queries (0: none); see
        :mod:`raybench.query.snapshot`."""
        self.snapshots_s: list[float] = []
        """Wall seconds of each snapshot published (checkpoint and copy)."""
        self._snapshot_t = 0.0
        if self._shared:  # the connection's owner publishes the snapshots and dropped the indexes
            self.snapshot_interval_s = 0.0
            return
        self.snapshot()  # what earlier jobs committed, readable while this one writes

        if dropped := drop_party_indexes(self.con):
            log.warning("%s: dropped the query indexes %s before writing (with them every commit is slower, and "
                        "at 10M rows a commit does not fit the sink's memory); `raybench query index --db %s` "
                        "builds them again", path, ", ".join(dropped), path)

    def expect_chunks(self, items: list) -> None:
        """Declare the chunks this job will deliver (their :class:`raybench.read.chunk.ChunkDescriptor`:
        ``chunk_id``, ``ingest_job``, ``sha256``, ``first_row``, ``n_records``)."""
        for i in items:
            self._expected[i.chunk_id] = (i.ingest_job, i.sha256, i.first_row, i.n_records)

    def use_parts(self, root: str, load_at: str = "end") -> None:
        """Take the Parquet sink's reports (workers write their rows under ``root``, a folder or URI)
        instead of rows, from now on; ``load_at``: ``commit`` copies the committed parts into ``cdr``
        after each commit, ``end`` only in :meth:`load_parts`."""
        self.parts = PartsLedger(root)
        self.parts_load_at = load_at

    def add(self, table: pa.Table) -> None:
        """Queue a worker's output rows; they are written in groups of about ``flush_rows`` rows, or
        sooner once the queue holds ``flush_bytes`` bytes (one large insert is about twice as fast as
        many small ones). Call :meth:`flush` at the end.

        Rows of a chunk that would exceed the chunk's planned record count (a chunk delivered twice)
        are dropped, with a warning.

        A Parquet sink's report block (:func:`raybench.sink.parquet_parts.is_part_report`) is admitted by
        :attr:`parts` instead (one report per chunk; a second one is refused and counted as dropped)."""
        if self.parts is not None and is_part_report(table):
            refused = self.parts.admit(table, self._expected, self._received)
            self.rows_dropped_duplicate += refused
            if self.parts.pending_rows + self._pending_rows >= self.flush_rows:
                self.flush()
            return
        if table.num_rows and "chunk_id" in table.column_names:
            table = self._admit(table)
        if table.num_rows:
            self._pending.append(table)
            self._pending_rows += table.num_rows
            self._pending_bytes += table.nbytes
        if self._pending_rows >= self.flush_rows or self._pending_bytes >= self.flush_bytes:
            self.flush()

    def _admit(self, table: pa.Table) -> pa.Table:
        counts = pc.value_counts(table.column("chunk_id")).to_pylist()
        refused = []
        for entry in counts:
            chunk, n = entry["values"], entry["counts"]
            planned = self._expected.get(chunk)
            if planned is None:  # not declared with expect_chunks: stored, but not checkpointed
                continue
            if self._received[chunk] + n > planned[3]:
                refused.append(chunk)
                self.rows_dropped_duplicate += n
                log.warning("chunk %s delivered again (%d rows): dropped, its rows are already queued", chunk, n)
                continue
            self._received[chunk] += n
            self._pending_chunks[chunk] += n
        if refused:
            table = table.filter(pc.invert(pc.is_in(table.column("chunk_id"), pa.array(refused, pa.string()))))
        return table

    def flush(self) -> tuple[int, int]:
        """Write the queued rows and their chunks' counts in one transaction. Returns ``(rows stored in
        cdr, rows stored in quarantine)``."""
        reports = self.parts.take() if self.parts is not None else []
        if not self._pending and not reports:
            return 0, 0
        table = pa.concat_tables(self._pending) if self._pending else CDR_SCHEMA.empty_table()
        chunks = dict(self._pending_chunks)
        chunks.update((r["chunk_id"], r["rows"]) for r in reports)
        self._pending, self._pending_rows, self._pending_bytes = [], 0, 0
        self._pending_chunks.clear()
        self.con.begin()
        try:
            out = self.write(table)
            if reports:
                self.parts.insert(self.con, reports)
            if chunks:
                rows = [(self._expected[c][0], c, self._expected[c][1], self._expected[c][2],
                         self._expected[c][3], n) for c, n in chunks.items()]
                self.con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, now())", rows)
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise
        self.commits += 1
        self.rows_committed += table.num_rows + sum(r["rows"] for r in reports)
        if reports and self.parts_load_at == "commit":  # a transaction of its own: the checkpoint is in
            self._load(reports[0]["ingest_job"])
        if self.snapshot_interval_s and time.monotonic() - self._snapshot_t >= self.snapshot_interval_s:
            self.snapshot()
        if self.on_commit is not None:
            self.on_commit(self.commits)
        return out

    def discard(self) -> int:
        """Drop the queued rows without writing them (a cancelled job). Returns rows dropped."""
        n = self._pending_rows + (self.parts.discard() if self.parts is not None else 0)
        self._pending, self._pending_rows, self._pending_bytes = [], 0, 0
        self._pending_chunks.clear()
        return n

    def snapshot(self) -> None:
        """Publish a read-only snapshot of what is committed (``FILE.snapshot``), unless snapshots are
        off. A failed copy is logged, never fatal: the rows are committed all the same."""
        if not self.snapshot_interval_s:
            return

        try:
            self.snapshots_s.append(publish_snapshot(self.con, self.path)["wall_s"])
        except Exception as exc:  # disk full, permissions: queries lose their snapshot, the ingest goes on
            log.warning("could not publish a snapshot of %s: %s", self.path, exc)
        self._snapshot_t = time.monotonic()

    def write(self, table: pa.Table) -> tuple[int, int]:
        """Store a worker's output rows now.

        Returns:
            ``(rows stored in cdr, rows stored in quarantine)``.
        """
        if table.num_rows == 0:
            return 0, 0
        bad_mask = pc.greater(pc.list_value_length(table.column("reasons")), 0)
        good = table.filter(pc.invert(bad_mask)).select(CDR_SCHEMA.names)
        bad = table.filter(bad_mask).select(
            ["source_file", "source_sha256", "source_row", "raw", "reasons", "ingest_job"])
        if good.num_rows:
            self.con.register("_cdr_batch", good)
            self.con.execute("INSERT INTO cdr SELECT * FROM _cdr_batch")
            self.con.unregister("_cdr_batch")
        if bad.num_rows:
            self.con.register("_q_batch", bad)
            self.con.execute("INSERT INTO quarantine SELECT * FROM _q_batch")
            self.con.unregister("_q_batch")
        return good.num_rows, bad.num_rows

    def load_parts(self, job: str) -> dict | None:
        """With the Parquet sink, after the last batch: copy the job's committed parts not loaded yet into
        ``cdr`` and ``quarantine`` (:func:`raybench.sink.parquet_parts.load_parts`, one transaction) and
        return the sink's summary: ``kind``, ``parts_root``, ``load_at``; ``parts_loaded``,
        ``rows_cdr``, ``rows_quarantine`` and ``load_s`` by this run (at its commits and now);
        ``load_after_batches_s`` (now only); ``parts_committed`` and ``part_bytes_committed`` by this
        run; ``reports_refused``; ``parts_orphaned`` (files of attempts whose report never came, never
        read). None with the DuckDB sink.

        Raises:
            IngestError: a part cannot be read or holds other rows than reported (nothing loaded).
        """
        if self.parts is None:
            return None
        t = self._load(job)
        loaded = self._loaded
        self.parts_loaded = {
            "kind": "parquet", "parts_root": self.parts.root, "load_at": self.parts_load_at,
            "parts_loaded": loaded["parts"], "rows_cdr": loaded["rows_cdr"],
            "rows_quarantine": loaded["rows_quarantine"], "load_s": loaded["wall_s"], "load_after_batches_s": t,
            "parts_committed": self.parts.parts_committed, "part_bytes_committed": self.parts.part_bytes_committed,
            "reports_refused": self.parts.reports_refused,
            "parts_orphaned": len(orphan_parts(self.con, self.parts.root, job))}
        return self.parts_loaded

    def _load(self, job: str) -> float:
        """Load the job's committed parts not loaded yet; add them to the totals. Returns seconds."""
        got = load_parts(self.con, job)
        for key in self._loaded:
            self._loaded[key] += got[key]
        return got["wall_s"]

    def remove_parts(self, job: str) -> None:
        """With the Parquet sink, once the job is done: delete its parts folder (its rows are in ``cdr``
        and ``quarantine``). A failure is logged, never fatal."""
        if self.parts is None:
            return
        try:
            remove_parts(self.parts.root, job)
        except OSError as exc:
            log.warning("could not remove the parts of job %s under %s: %s", job, self.parts.root, exc)

    def write_cell_sites(self, table: pa.Table, ingest_job: str) -> tuple[int, int]:
        """Store a cell-site list's rows (``cell_id``, ``cell_lat``, ``cell_lon``) in ``cell_sites``;
        rows with reasons go to ``quarantine``.

        Returns:
            ``(rows stored in cell_sites, rows quarantined)``.
        """
        bad_mask = pc.greater(pc.list_value_length(table.column("reasons")), 0)
        good = table.filter(pc.invert(bad_mask))
        sites = pa.table({
            "carrier": good.column("carrier"), "cell_id": good.column("cell_id"),
            "lat": good.column("cell_lat"), "lon": good.column("cell_lon"),
            "source_file": good.column("source_file"), "source_sha256": good.column("source_sha256"),
            "ingest_job": good.column("ingest_job")})
        self.con.register("_sites", sites)
        self.con.execute("INSERT INTO cell_sites SELECT * FROM _sites")
        self.con.unregister("_sites")
        _, quarantined = self.write(table.filter(bad_mask))
        return good.num_rows, quarantined

    def join_cell_sites(self) -> int:
        """Fill ``cdr.cell_lat``/``cell_lon`` from ``cell_sites`` of the same carrier where missing.

        Returns:
            Rows updated.
        """
        before = self.con.execute("SELECT count(*) FROM cdr WHERE cell_lat IS NOT NULL").fetchone()[0]
        self.con.execute("""
            UPDATE cdr SET cell_lat = s.lat, cell_lon = s.lon
            FROM (SELECT carrier, cell_id, any_value(lat) AS lat, any_value(lon) AS lon
                  FROM cell_sites GROUP BY carrier, cell_id) AS s
            WHERE cdr.cell_lat IS NULL AND cdr.carrier = s.carrier AND cdr.cell_id = s.cell_id""")
        after = self.con.execute("SELECT count(*) FROM cdr WHERE cell_lat IS NOT NULL").fetchone()[0]
        return int(after - before)

    def counts(self, ingest_job: str) -> dict[str, tuple[int, int]]:
        """Rows stored and quarantined per source file SHA-256 for one job, read back from the tables."""
        out: dict[str, list[int]] = {}
        for sha, n in self.con.execute(
                "SELECT source_sha256, count(*) FROM cdr WHERE ingest_job = ? GROUP BY 1",
                [ingest_job]).fetchall():
            out.setdefault(sha, [0, 0])[0] = n
        for sha, n in self.con.execute(
                "SELECT source_sha256, count(*) FROM cell_sites WHERE ingest_job = ? GROUP BY 1",
                [ingest_job]).fetchall():
            out.setdefault(sha, [0, 0])[0] += n
        for sha, n in self.con.execute(
                "SELECT source_sha256, count(*) FROM quarantine WHERE ingest_job = ? GROUP BY 1",
                [ingest_job]).fetchall():
            out.setdefault(sha, [0, 0])[1] = n
        return {k: (v[0], v[1]) for k, v in out.items()}

    def worker_error_rows(self, ingest_job: str, sha256: str) -> int:
        """Rows of one file that this job quarantined because a worker failed (reason ``worker_error``)."""
        return self.con.execute(
            "SELECT count(*) FROM quarantine WHERE ingest_job = ? AND source_sha256 = ? AND "
            "len(list_filter(reasons, lambda r: starts_with(r, 'worker_error'))) > 0",
            [ingest_job, sha256]).fetchone()[0]

    def already_ingested(self, sha256: str) -> str | None:
        """The job that already stored this file completely, or None."""
        row = self.con.execute(
            "SELECT ingest_job FROM files WHERE sha256 = ? AND status = 'ok' LIMIT 1", [sha256]).fetchone()
        return row[0] if row else None

    def forget_partial(self, sha256: str, keep_job: str | None = None) -> int:
        """Delete the rows unfinished earlier jobs stored for this file (by SHA-256), except those of
        ``keep_job`` (the job being resumed).

        Returns:
            Rows deleted from ``cdr``, ``quarantine`` and ``cell_sites`` together.
        """
        return delete_stored_rows(self.con, "source_sha256 = ? AND ingest_job IS DISTINCT FROM ?", [sha256, keep_job])

    def write_file_row(self, row: dict) -> None:
        """Insert one ``files`` row (keys: :data:`raybench.schema.FILES_COLUMNS`); it replaces the file's
        row of the same job that an unfinished run left (:data:`UNFINISHED_FILE_STATUSES`: written at the
        job's start, by a crashed, interrupted or failed run)."""
        marks = ", ".join("?" for _ in UNFINISHED_FILE_STATUSES)
        self.con.execute(f"DELETE FROM files WHERE ingest_job = ? AND path = ? AND status IN ({marks})",
                         [row["ingest_job"], row["path"], *UNFINISHED_FILE_STATUSES])
        values = [row.get(c) for c in FILES_COLUMNS]
        skipped = row.get("lines_skipped")  # a file read with nothing skipped has an empty map, not NULL
        values[FILES_COLUMNS.index("lines_skipped")] = None
        placeholders = ", ".join("?" for _ in FILES_COLUMNS)
        self.con.execute(f"INSERT INTO files VALUES ({placeholders})", values)
        if skipped is not None:
            self.con.execute(
                "UPDATE files SET lines_skipped = MAP(?::VARCHAR[], ?::BIGINT[]) "
                "WHERE ingest_job = ? AND path = ? AND status IS NOT DISTINCT FROM ?",
                [list(skipped), list(skipped.values()), row["ingest_job"], row["path"], row.get("status")])

    def close(self) -> None:
        """Write what is queued, then close the database."""
        self.flush()
        self.con.close()


def _open(path: str, memory_limit: str = INGEST_MEMORY_LIMIT):
    """A connection to the DuckDB file ``path`` with the canonical tables created.

    Raises:
        IngestError: see :class:`DuckDBSink`.
    """
    if os.path.isfile(path) and os.path.getsize(path) > 0:
        with open(path, "rb") as f:
            head = f.read(12)
        if head[8:12] != b"DUCK":
            raise IngestError(f"{path}: not a DuckDB database (refusing to write into another kind of file)")
    try:
        con = duckdb.connect(path, config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    except Exception as exc:  # duckdb raises its own IOException family
        raise IngestError(f"{path}: cannot open the DuckDB database: {exc}") from exc
    for ddl in ALL_DDL:
        con.execute(ddl)
    return con


def open_database(path: str):
    """The one writing connection to ``path`` for a process that keeps it across jobs (the service's job
    runner), with the canonical tables created and the query indexes dropped (as a sink does); give it
    to each job's :class:`DuckDBSink` as ``con``.

    Raises:
        IngestError: the file cannot be opened (locked by another process) or is not a DuckDB database.
    """
    con = _open(path)
    drop_party_indexes(con)
    return con


def files_rows(con, ingest_job: str) -> list[dict]:
    """The ``files`` rows of one job as dicts (``lines_skipped`` as a dict)."""
    cur = con.execute("SELECT * FROM files WHERE ingest_job = ? ORDER BY path", [ingest_job])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        if r["lines_skipped"] is not None and not isinstance(r["lines_skipped"], dict):
            r["lines_skipped"] = json.loads(json.dumps(r["lines_skipped"]))
    return rows
