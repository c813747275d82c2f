"""The job manifest and checkpoint a restarted driver resumes from.

At its start a job writes its manifest (table ``ingest_jobs``: the paths, the options that fix the chunk
plan, ``status='running'``) and a ``files`` row per planned file with ``status='running'``. The sink
commits rows together with their chunks' row counts (table ``chunks``, see
:mod:`raybench.sink.duckdb_sink`). A driver that dies leaves whole commits only.

``raybench ingest --resume [JOB]`` runs the job again under its own id: each file is identified and
planned again (the plan is a fast sequential scan; it re-checks the file's SHA-256, so a file changed
since is not mixed with the old rows), chunks whose rows all committed are skipped (their batches are not
read again), and rows of chunks that committed only in part are deleted before those chunks run again.
"""

from __future__ import annotations

import json

from raybench.errors import ConfigError

RESUMABLE_OPTIONS = ("chunk_bytes", "tz", "sink", "parts_path")
"""Options a resumed job takes from its manifest: they decide the chunk plan and the stored values, and
where its committed rows are (the sink, and the Parquet sink's parts not loaded yet)."""


def start_job(con, job: str, paths: list[str], options: dict) -> int:
    """Write (or, for a resumed job, update) the manifest row of ``job``.

    Returns:
        The run number of this driver for the job (1 for a new job).
    """
    row = con.execute("SELECT runs FROM ingest_jobs WHERE ingest_job = ?", [job]).fetchone()
    if row is None:
        con.execute("INSERT INTO ingest_jobs VALUES (?, 'running', now(), NULL, ?, ?, 1, NULL)",
                    [job, json.dumps(paths), json.dumps(options, default=str)])
        return 1
    con.execute("UPDATE ingest_jobs SET status = 'running', runs = runs + 1, error = NULL WHERE ingest_job = ?",
                [job])
    return int(row[0]) + 1


def finish_job(con, job: str, status: str, error: str | None = None) -> None:
    """Mark the manifest ``done`` or ``failed`` (with a one-line error)."""
    con.execute("UPDATE ingest_jobs SET status = ?, finished_utc = now(), error = ? WHERE ingest_job = ?",
                [status, error, job])


def resume_target(con, job: str | None) -> tuple[str, list[str], dict]:
    """The job to resume: ``job``, or the latest job not ``done`` when None.

    Returns:
        ``(job id, paths, options)`` from the manifest.

    Raises:
        ConfigError: no such job, no unfinished job, or the job finished already.
    """
    if job:
        row = con.execute("SELECT ingest_job, status, paths, options FROM ingest_jobs WHERE ingest_job = ?",
                          [job]).fetchone()
        if row is None:
            raise ConfigError(f"--resume {job}: no such job in this database")
    else:
        row = con.execute("SELECT ingest_job, status, paths, options FROM ingest_jobs WHERE status <> 'done' "
                          "ORDER BY started_utc DESC LIMIT 1").fetchone()
        if row is None:
            raise ConfigError("--resume: this database has no unfinished job")
    if row[1] == "done":
        raise ConfigError(f"--resume {row[0]}: the job finished already (status done)")
    return row[0], json.loads(row[2]), json.loads(row[3])


def committed_chunks(con, job: str, sha256: str) -> set[str]:
    """Chunk ids of one file whose rows all committed in ``job``."""
    rows = con.execute(
        "SELECT chunk_id FROM chunks WHERE ingest_job = ? AND source_sha256 = ? "
        "GROUP BY chunk_id, n_records HAVING sum(rows_written) = n_records", [job, sha256]).fetchall()
    return {r[0] for r in rows}


def forget_uncommitted(con, job: str, sha256: str, keep: set[str]) -> int:
    """Delete the rows ``job`` stored for chunks of one file that did not commit whole (and their
    ``chunks`` rows), so those chunks can run again without storing a row twice.

    Returns:
        Rows deleted from ``cdr`` and ``quarantine``.
    """
    partial = con.execute(
        "SELECT DISTINCT chunk_id, first_row, n_records FROM chunks WHERE ingest_job = ? AND source_sha256 = ?",
        [job, sha256]).fetchall()
    deleted = 0
    for chunk_id, first_row, n in partial:
        if chunk_id in keep:
            continue
        for table in ("cdr", "quarantine"):
            deleted += con.execute(
                f"DELETE FROM {table} WHERE ingest_job = ? AND source_sha256 = ? AND source_row BETWEEN ? AND ?",
                [job, sha256, first_row, first_row + n - 1]).fetchone()[0]
        con.execute("DELETE FROM chunks WHERE ingest_job = ? AND chunk_id = ?", [job, chunk_id])
        con.execute("DELETE FROM chunk_parts WHERE ingest_job = ? AND chunk_id = ?", [job, chunk_id])
    return deleted


def forget_other_files(con, job: str, keep_sha256: set[str]) -> int:
    """Delete what ``job`` stored for file contents it no longer reads: a file changed or removed since
    the crashed run (its SHA-256 differs), whose partial rows would otherwise stay unaccounted.

    Returns:
        Rows deleted from ``cdr``, ``quarantine`` and ``cell_sites``.
    """
    keep = sorted(keep_sha256) or [""]
    marks = ", ".join("?" for _ in keep)
    return delete_stored_rows(con, f"ingest_job = ? AND source_sha256 NOT IN ({marks})", [job, *keep])


def forget_file(con, job: str, sha256: str) -> int:
    """Delete every row ``job`` stored for one file (a cell-site list, which is not checkpointed by
    chunk, is read again whole). Returns rows deleted."""
    return delete_stored_rows(con, "ingest_job = ? AND source_sha256 = ?", [job, sha256])


def delete_stored_rows(con, where: str, params: list) -> int:
    """Delete the rows matching ``where`` (SQL over ``ingest_job`` and ``source_sha256``, with ``?``
    placeholders for ``params``) from ``cdr``, ``quarantine``, ``cell_sites`` and the ``chunks``
    checkpoint alike.

    Returns:
        Rows deleted from ``cdr``, ``quarantine`` and ``cell_sites`` (checkpoint rows are not records).
    """
    deleted = 0
    for table in ("cdr", "quarantine", "cell_sites", "chunks", "chunk_parts"):
        n = con.execute(f"DELETE FROM {table} WHERE {where}", params).fetchone()[0]
        deleted += n if table not in ("chunks", "chunk_parts") else 0
    return deleted


def apply_manifest_options(options, manifest: dict) -> None:
    """Set ``options``' plan-deciding fields (:data:`RESUMABLE_OPTIONS`) from the manifest's."""
    for key in RESUMABLE_OPTIONS:
        if key in manifest:
            setattr(options, key, manifest[key])
