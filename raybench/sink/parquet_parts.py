"""The Parquet sink: chunk workers write their rows as Parquet files, the driver commits which file holds
which chunk (issue 20, "a sink that scales out").

With ``raybench ingest --sink parquet`` a worker does not send its rows back to the driver. It writes them
(:func:`raybench.pipeline.worker.worker_schema` rows) as one Parquet file per chunk *attempt*,
``<root>/<job>/<chunk>/attempt-<n>-<8 hex>.parquet``, through a pyarrow filesystem
(:func:`parts_filesystem`: a local or shared folder, or an object store URI such as
``s3://bucket/prefix``), and returns one report row (:data:`PART_REPORT_SCHEMA`): the file, its rows,
how many of them are quarantined or flagged.

The driver admits one report per chunk (:class:`PartsLedger`) and commits it into ``chunk_parts``
(:data:`raybench.schema.CHUNK_PARTS_DDL`) in the same transaction as the chunk's ``chunks`` row, the
checkpoint (:meth:`raybench.sink.duckdb_sink.DuckDBSink.flush`). Whatever retries happen a chunk counts
once: the file of an attempt whose report never arrived (its worker died after writing it) is named
nowhere and never read (:func:`orphan_parts` counts such files).

DuckDB stays the way to query. :func:`load_parts` copies committed files' rows into ``cdr`` and
``quarantine`` in one transaction that also marks them ``loaded``: after each commit (``--parts-load
commit``) or only after the last batch (``end``, the default: measured faster, docs/optimization.md), and in any case once more after the last
batch for what is left (a resumed job's earlier parts); views over the files
were not chosen because duplicate detection and the cell-site join UPDATE ``cdr`` (a view cannot be
updated), and DuckLake 1.5.5 does not load in duckdb 2.0.1. :func:`remove_parts` then deletes the job's
folder. The service's large jobs take this sink too (``raybench serve --parquet-from``): its warm actors
write the parts (attempt 1: the service counts no attempts, and a retry writes the same file again).
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import time
import uuid

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from raybench.errors import IngestError
from raybench.schema import CDR_SCHEMA, QUARANTINE_COLUMNS

log = logging.getLogger(__name__)

SINKS = ("auto", "duckdb", "parquet")
"""``--sink`` values: ``duckdb`` (the driver writes every row), ``parquet`` (workers write Parquet parts,
the driver commits and loads them) or ``auto`` (the default: :func:`raybench.pipeline.job.resolve_sink`
picks one of the two per job)."""

PARTS_LOADS = ("commit", "end")
"""``--parts-load`` values: copy the committed parts into ``cdr`` after each commit (the driver loads
while the workers work) or only after the last batch."""

PART_REPORT_SCHEMA = pa.schema([
    ("chunk_id", pa.string()),
    ("source_sha256", pa.string()),
    ("part_path", pa.string()),
    ("attempt", pa.int32()),
    ("rows", pa.int64()),
    ("rows_quarantined", pa.int64()),
    ("rows_flagged", pa.int64()),
    ("part_bytes", pa.int64()),
    ("reason_counts", pa.string()),
])
"""What a worker of the Parquet sink returns per chunk instead of its rows: ``part_path`` (the file as a
path or URI under the parts root), ``rows`` (all rows of the chunk, stored and quarantined),
``rows_quarantined`` (rows with reasons), ``rows_flagged`` (stored rows with flags), ``part_bytes``
(the file's size) and ``reason_counts`` (JSON: quarantine reason -> rows, for the live metrics)."""


def default_parts_root(db: str) -> str:
    """The parts root when ``--parts`` is not given: ``<db>.parts`` beside the database, absolute (the
    workers may run in other working directories)."""
    return os.path.abspath(f"{db}.parts")


def parts_filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem and path of a parts root or part file: a URI (``s3://``, ``gs://``,
    ``file://``, ``hdfs://``) through :meth:`pyarrow.fs.FileSystem.from_uri`, anything else a local path
    (made absolute).

    Raises:
        IngestError: a URI pyarrow cannot open (an unknown scheme, an object store without credentials).
    """
    if "://" in location:
        try:
            return pafs.FileSystem.from_uri(location)
        except Exception as exc:  # ArrowInvalid, OSError: an unknown scheme, a bucket not reachable
            raise IngestError(f"--parts {location}: pyarrow cannot open it: {exc}") from exc
    return pafs.LocalFileSystem(), os.path.abspath(location)


def part_location(root: str, job: str, chunk_id: str, attempt: int) -> str:
    """Where one attempt of one chunk writes its file: ``<root>/<job>/<chunk>/attempt-<n>-<8 hex>.parquet``
    (``:`` of the chunk id written ``-``; the random suffix keeps two attempts with the same number, as
    when no coordinator counts them, apart)."""
    base = root.rstrip("/") if "://" in root else os.path.abspath(root)
    return posixpath.join(base, job, chunk_id.replace(":", "-"), f"attempt-{attempt}-{uuid.uuid4().hex[:8]}.parquet")


def write_part(table: pa.Table, root: str, job: str, chunk_id: str, attempt: int) -> pa.Table:
    """Write one chunk's rows (worker output, with ``reasons`` and ``flags``) as a Parquet file under
    ``root`` and return its report (one row of :data:`PART_REPORT_SCHEMA`). The file is complete when
    this returns (``pq.write_table`` closes it); a worker that dies before returning leaves an orphan.

    Raises:
        OSError: the file cannot be written (the worker retries, then quarantines the chunk).
    """
    location = part_location(root, job, chunk_id, attempt)
    fs, path = parts_filesystem(location)
    fs.create_dir(posixpath.dirname(path), recursive=True)
    pq.write_table(table, path, filesystem=fs)
    size = fs.get_file_info(path).size
    lengths = pc.fill_null(pc.list_value_length(table.column("reasons")), 0)
    bad = pc.greater(lengths, 0)
    quarantined = int(pc.sum(bad).as_py() or 0)
    flagged = pc.and_(pc.greater(pc.fill_null(pc.list_value_length(table.column("flags")), 0), 0), pc.invert(bad))
    reasons: dict[str, int] = {}
    if quarantined:
        for entry in pc.value_counts(pc.list_flatten(table.column("reasons"))).to_pylist():
            if entry["values"] is not None:
                reasons[entry["values"]] = int(entry["counts"])
    sha = table.column("source_sha256")[0].as_py() if table.num_rows else None
    return pa.Table.from_pylist([{
        "chunk_id": chunk_id, "source_sha256": sha, "part_path": location, "attempt": attempt,
        "rows": table.num_rows, "rows_quarantined": quarantined, "rows_flagged": int(pc.sum(flagged).as_py() or 0),
        "part_bytes": int(size or 0), "reason_counts": json.dumps(reasons)}], schema=PART_REPORT_SCHEMA)


def is_part_report(table: pa.Table) -> bool:
    """True when a worker's output block is a Parquet sink's report, not rows."""
    return "part_path" in table.column_names


def block_rows(block: pa.Table, columns: list[str]) -> pa.Table:
    """A worker's output block as rows: the block itself, or for a report of the Parquet sink the
    ``columns`` of the rows its parts hold, read back (:func:`read_parts`; the dedupe stream's keys).

    Raises:
        OSError, pyarrow.ArrowInvalid: a part cannot be read.
    """
    if is_part_report(block) and block.num_rows:
        return read_parts(block.column("part_path").to_pylist(), columns)
    return block


def report_rows(table: pa.Table) -> int:
    """Rows a block stands for: the rows of the parts it reports, or its own rows."""
    if is_part_report(table):
        return int(pc.sum(table.column("rows")).as_py() or 0)
    return table.num_rows


def read_parts(paths: list[str], columns: list[str] | None = None) -> pa.Table:
    """The rows of some part files (all under one filesystem), ``columns`` only when given."""
    if not paths:
        raise ValueError("read_parts: no part files")
    fs, _ = parts_filesystem(paths[0])
    return pads.dataset([parts_filesystem(p)[1] for p in paths], filesystem=fs, format="parquet").to_table(
        columns=columns)


class PartsLedger:
    """The driver's side of the Parquet sink: admits each chunk's report once and hands the admitted ones
    to the sink's commit.

    Args:
        root: the parts root (folder or URI) the workers write under.
    """

    def __init__(self, root: str):
        self.root = root
        self._pending: list[dict] = []
        self.parts_committed = 0
        self.part_bytes_committed = 0
        self.reports_refused = 0
        """Reports of a chunk already admitted (a chunk delivered twice): not committed, never read."""

    def admit(self, report: pa.Table, expected: dict, received: dict) -> int:
        """Admit a block of reports.

        Args:
            report: rows of :data:`PART_REPORT_SCHEMA`.
            expected: chunk id -> ``(ingest_job, sha256, first_row, n_records)``, the sink's plan.
            received: chunk id -> rows admitted so far (updated).

        Returns:
            Rows of the reports refused because their chunk was admitted before.

        Raises:
            IngestError: a report for a chunk the job did not plan, or with another row count than the
                plan's (a worker always returns every planned record, stored or quarantined).
        """
        refused = 0
        for row in report.to_pylist():
            chunk = row["chunk_id"]
            planned = expected.get(chunk)
            if planned is None:
                raise IngestError(f"{row['part_path']}: a part for chunk {chunk}, which this job did not plan")
            if received.get(chunk):
                refused += row["rows"]
                self.reports_refused += 1
                log.warning("chunk %s reported again (%s): its first part is kept, this one is never read",
                            chunk, row["part_path"])
                continue
            if row["rows"] != planned[3]:
                raise IngestError(f"{row['part_path']}: {row['rows']} rows for chunk {chunk}, whose plan has "
                                  f"{planned[3]} records")
            received[chunk] = row["rows"]
            self._pending.append(dict(row, ingest_job=planned[0], source_sha256=planned[1]))
        return refused

    @property
    def pending_rows(self) -> int:
        """Rows of the admitted reports not yet committed."""
        return sum(r["rows"] for r in self._pending)

    def take(self) -> list[dict]:
        """The admitted reports not yet committed (cleared)."""
        out, self._pending = self._pending, []
        return out

    def discard(self) -> int:
        """Drop the admitted reports without committing them. Returns their rows."""
        return sum(r["rows"] for r in self.take())

    def insert(self, con, reports: list[dict]) -> None:
        """Write the reports into ``chunk_parts`` (the caller's transaction)."""
        con.executemany("INSERT INTO chunk_parts VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, now())",
                        [(r["ingest_job"], r["chunk_id"], r["source_sha256"], r["part_path"], r["attempt"],
                          r["rows"], r["rows_quarantined"], r["part_bytes"]) for r in reports])
        self.parts_committed += len(reports)
        self.part_bytes_committed += sum(r["part_bytes"] for r in reports)


def load_parts(con, job: str) -> dict:
    """Copy the rows of ``job``'s committed, not yet loaded parts into ``cdr`` (rows without reasons) and
    ``quarantine`` (the others), and mark the parts ``loaded``, in one transaction: a crash leaves all or
    none of them loaded. Local files are read by DuckDB's ``read_parquet``; URIs through pyarrow's
    filesystem (a dataset DuckDB scans).

    Returns:
        ``parts``, ``rows_cdr``, ``rows_quarantine``, ``wall_s``.

    Raises:
        IngestError: a part cannot be read, or the rows copied differ from the rows the parts reported
            (nothing is loaded then).
    """
    t = time.perf_counter()
    # in the files' row order (each file's chunks by first row), not by chunk_id ("sha:10" before "sha:2"),
    # so that a row group of cdr holds rows near each other in the file (and in time: zone maps). The
    # sink's connection does not preserve insertion order, so each of DuckDB's threads appends every
    # n-th part: a row group spans about `threads` times the rows it holds. Preserving the order cost
    # twice the load (1M rows: 2.39 s against 1.15 s), so it is not done
    parts = con.execute("""
        SELECT p.part_path, p.rows, p.rows_quarantined FROM chunk_parts p
        LEFT JOIN (SELECT chunk_id, min(first_row) AS first_row FROM chunks WHERE ingest_job = $job
                   GROUP BY chunk_id) c ON c.chunk_id = p.chunk_id
        WHERE p.ingest_job = $job AND NOT p.loaded
        ORDER BY p.source_sha256, c.first_row, p.chunk_id""", {"job": job}).fetchall()
    if not parts:
        return {"parts": 0, "rows_cdr": 0, "rows_quarantine": 0, "wall_s": time.perf_counter() - t}
    paths = [p[0] for p in parts]
    want_q = sum(p[2] for p in parts)
    want_cdr = sum(p[1] for p in parts) - want_q
    cdr_cols = ", ".join(f'"{c}"' for c in CDR_SCHEMA.names)
    q_cols = ", ".join(f'"{c}"' for c in QUARANTINE_COLUMNS)
    local = not any("://" in p for p in paths)
    con.begin()
    try:
        if local:
            source = "read_parquet($paths)"
            params = {"paths": paths}
        else:
            con.register("_parts", pads.dataset([parts_filesystem(p)[1] for p in paths],
                                                filesystem=parts_filesystem(paths[0])[0], format="parquet"))
            source, params = "_parts", {}
        got_cdr = con.execute(f"INSERT INTO cdr ({cdr_cols}) SELECT {cdr_cols} FROM {source} "
                              "WHERE coalesce(len(reasons), 0) = 0", params).fetchone()[0]
        got_q = con.execute(f"INSERT INTO quarantine ({q_cols}) SELECT {q_cols} FROM {source} "
                            "WHERE coalesce(len(reasons), 0) > 0", params).fetchone()[0]
        if (got_cdr, got_q) != (want_cdr, want_q):
            raise IngestError(f"job {job}: its {len(paths)} parts hold {got_cdr} stored and {got_q} quarantined "
                              f"rows where their reports said {want_cdr} and {want_q}; nothing loaded")
        con.execute("UPDATE chunk_parts SET loaded = true WHERE ingest_job = ? AND NOT loaded", [job])
        con.commit()
    except IngestError:
        con.rollback()
        raise
    except Exception as exc:  # duckdb IOException: a part went missing or is damaged
        con.rollback()
        raise IngestError(f"job {job}: could not load its Parquet parts: {type(exc).__name__}: "
                          f"{(str(exc).splitlines() or [''])[0]}") from exc
    finally:
        if not local:
            con.unregister("_parts")
    return {"parts": len(paths), "rows_cdr": int(got_cdr), "rows_quarantine": int(got_q),
            "wall_s": time.perf_counter() - t}


def orphan_parts(con, root: str, job: str) -> list[str]:
    """Part files under ``<root>/<job>`` that ``chunk_parts`` does not name (attempts whose report never
    came): never read. Empty when the folder does not exist."""
    fs, base = parts_filesystem(root)
    folder = posixpath.join(base, job)
    if fs.get_file_info(folder).type == pafs.FileType.NotFound:
        return []
    found = {i.path for i in fs.get_file_info(pafs.FileSelector(folder, recursive=True))
             if i.type == pafs.FileType.File and i.path.endswith(".parquet")}
    named = {parts_filesystem(r[0])[1] for r in con.execute(
        "SELECT part_path FROM chunk_parts WHERE ingest_job = ?", [job]).fetchall()}
    return sorted(found - named)


def remove_parts(root: str, job: str) -> None:
    """Delete ``<root>/<job>`` (every part of the job, committed or orphaned) once its rows are loaded."""
    fs, base = parts_filesystem(root)
    folder = posixpath.join(base, job)
    if fs.get_file_info(folder).type != pafs.FileType.NotFound:
        fs.delete_dir(folder)
