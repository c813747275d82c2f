"""The durable job table: SQLite in WAL mode (stdlib ``sqlite3``), shared by the HTTP replicas (which
insert, read and cancel) and the job runner (which claims, updates and finishes jobs).

Every process opens its own connection (:class:`JobStore`); WAL lets readers go on while one writer
commits, and ``busy_timeout`` makes a second writer wait instead of failing. A state change is one
``UPDATE ... WHERE status = ?`` so two processes never both win it (a job is claimed once, a queued job is
cancelled or started, never both).

Job statuses: ``queued`` -> ``running`` -> ``done`` | ``failed`` | ``suspect`` | ``cancelled``
(:data:`FINAL_STATUSES`). A service that restarts finds its ``running`` jobs and queues them again ahead
of the others with ``resume = 1``: the runner carries them on from their DuckDB checkpoint
(:mod:`raybench.pipeline.checkpoint`).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

STATUSES = ("queued", "running", "done", "failed", "suspect", "cancelled")
FINAL_STATUSES = ("done", "failed", "suspect", "cancelled")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    status TEXT NOT NULL,
    token TEXT,
    inputs TEXT NOT NULL,
    paths TEXT NOT NULL,
    options TEXT NOT NULL,
    submitted_utc REAL NOT NULL,
    started_utc REAL,
    finished_utc REAL,
    rows_planned INTEGER,
    rows_done INTEGER NOT NULL DEFAULT 0,
    rows_stored INTEGER,
    rows_quarantined INTEGER,
    rows_flagged INTEGER,
    files TEXT,
    error TEXT,
    results_path TEXT,
    runs INTEGER NOT NULL DEFAULT 0,
    resume INTEGER NOT NULL DEFAULT 0,
    cancel INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    name TEXT,
    bytes INTEGER NOT NULL,
    path TEXT NOT NULL,
    created_utc REAL NOT NULL
);
"""

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another process's write to finish, ms."""


def new_service_job_id() -> str:
    """``job-<UTC time>-<8 hex>``: also the job's ``ingest_job`` in DuckDB."""
    return f"job-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}"


class JobStore:
    """One process's connection to the job table.

    Args:
        path: the SQLite file (created, with its tables, when missing).
    """

    def __init__(self, path: str):
        self.path = path
        self.con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        self.con.row_factory = sqlite3.Row
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self.con.executescript(SCHEMA)

    def close(self) -> None:
        self.con.close()

    # --- jobs -----------------------------------------------------------------------------------------
    def submit(self, inputs: list[dict], paths: list[str], options: dict, token: str | None) -> dict:
        """Insert a ``queued`` job; returns its row as a dict."""
        job = new_service_job_id()
        self.con.execute(
            "INSERT INTO jobs (id, status, token, inputs, paths, options, submitted_utc) VALUES (?, 'queued', ?, ?, ?, ?, ?)",
            [job, token, json.dumps(inputs), json.dumps(paths), json.dumps(options), time.time()])
        return self.get(job)

    def retry(self, job: str, token: str | None) -> dict | None:
        """A new queued job reading again the files of ``job`` that failed or ended suspect (with the
        templates known now); None when it has none."""
        row = self.get(job)
        again = [f["path"] for f in row.get("files") or [] if f["status"] in ("failed", "suspect", "errors",
                                                                            "incomplete")]
        if not again:
            return None
        return self.submit([{"path": p, "retry_of": job} for p in again], again, row["options"], token)

    def get(self, job: str) -> dict | None:
        """The job's row (JSON columns decoded, ``queue_position`` added), or None."""
        row = self.con.execute("SELECT * FROM jobs WHERE id = ?", [job]).fetchone()
        return self._decode(row) if row else None

    def _decode(self, row: sqlite3.Row) -> dict:
        out = dict(row)
        for key in ("inputs", "paths", "options", "files"):
            out[key] = json.loads(out[key]) if out.get(key) else ([] if key != "options" else {})
        out["queue_position"] = None
        if out["status"] == "queued":
            out["queue_position"] = self.con.execute(
                "SELECT count(*) FROM jobs WHERE status = 'queued' AND (resume > ? OR (resume = ? AND seq <= ?))",
                [out["resume"], out["resume"], out["seq"]]).fetchone()[0]
        return out

    def list(self, status: str | None = None, token: str | None = None, limit: int = 100,
             since_utc: float | None = None) -> list[dict]:
        """Jobs newest first, filtered by ``status``, submitting ``token`` name and submission time."""
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if token:
            where.append("token = ?")
            params.append(token)
        if since_utc is not None:
            where.append("submitted_utc >= ?")
            params.append(since_utc)
        sql = "SELECT * FROM jobs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq DESC LIMIT ?"
        return [self._decode(r) for r in self.con.execute(sql, [*params, limit]).fetchall()]

    def count(self, status: str) -> int:
        return self.con.execute("SELECT count(*) FROM jobs WHERE status = ?", [status]).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Jobs per status (every status present, 0 when none)."""
        out = dict.fromkeys(STATUSES, 0)
        out.update(dict(self.con.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall()))
        return out

    def claim_next(self) -> dict | None:
        """Take the next queued job (resumed jobs first, then by submission) and mark it ``running``;
        None when the queue is empty. Only one caller gets a given job."""
        while True:
            row = self.con.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY resume DESC, seq "
                                   "LIMIT 1").fetchone()
            if row is None:
                return None
            cur = self.con.execute("UPDATE jobs SET status = 'running', started_utc = coalesce(started_utc, ?), "
                                   "runs = runs + 1 WHERE id = ? AND status = 'queued'", [time.time(), row[0]])
            if cur.rowcount == 1:
                return self.get(row[0])

    def requeue_running(self) -> list[str]:
        """At a runner's start: every ``running`` job (its runner died) back to ``queued`` with
        ``resume = 1``, ahead of the others. Returns their ids."""
        ids = [r[0] for r in self.con.execute("SELECT id FROM jobs WHERE status = 'running'").fetchall()]
        self.con.execute("UPDATE jobs SET status = 'queued', resume = 1 WHERE status = 'running'")
        return ids

    def progress(self, job: str, rows_planned: int | None = None, rows_done: int | None = None) -> None:
        """Record a running job's rows planned and rows committed so far."""
        self.con.execute("UPDATE jobs SET rows_planned = coalesce(?, rows_planned), rows_done = coalesce(?, rows_done) "
                         "WHERE id = ?", [rows_planned, rows_done, job])

    def finish(self, job: str, status: str, *, error: str | None = None, files: list[dict] | None = None,
               totals: dict | None = None, results_path: str | None = None) -> None:
        """Mark a job final (``done``, ``failed``, ``suspect``, ``cancelled``) with its figures."""
        totals = totals or {}
        self.con.execute(
            "UPDATE jobs SET status = ?, finished_utc = ?, error = ?, files = coalesce(?, files), "
            "rows_stored = ?, rows_quarantined = ?, rows_flagged = ?, results_path = ?, "
            "rows_done = coalesce(?, rows_done) WHERE id = ?",
            [status, time.time(), error, json.dumps(files, default=str) if files is not None else None,
             totals.get("rows_stored"), totals.get("rows_quarantined"), totals.get("rows_flagged"), results_path,
             (totals.get("rows_stored") or 0) + (totals.get("rows_quarantined") or 0) if totals else None, job])

    def cancel(self, job: str) -> str | None:
        """Cancel a job: a queued one at once (``cancelled``), a running one by asking its runner
        (``cancel = 1``; the runner stops it between chunks). Returns the status after the call
        (``cancelled``, ``running`` while the runner stops it, or the final status it already had);
        None when there is no such job."""
        cur = self.con.execute("UPDATE jobs SET status = 'cancelled', finished_utc = ?, error = 'cancelled' "
                               "WHERE id = ? AND status = 'queued'", [time.time(), job])
        if cur.rowcount:
            return "cancelled"
        self.con.execute("UPDATE jobs SET cancel = 1 WHERE id = ? AND status = 'running'", [job])
        row = self.con.execute("SELECT status FROM jobs WHERE id = ?", [job]).fetchone()
        return row[0] if row else None

    def cancel_requested(self, jobs: list[str]) -> set[str]:
        """Which of ``jobs`` were asked to stop."""
        if not jobs:
            return set()
        marks = ", ".join("?" for _ in jobs)
        return {r[0] for r in self.con.execute(f"SELECT id FROM jobs WHERE cancel = 1 AND id IN ({marks})", jobs)}

    # --- uploads --------------------------------------------------------------------------------------
    def add_upload(self, upload_id: str, sha256: str, name: str | None, size_bytes: int, path: str) -> dict:
        """Record an upload (the same content twice keeps the first record); returns the record."""
        self.con.execute("INSERT OR IGNORE INTO uploads VALUES (?, ?, ?, ?, ?, ?)",
                         [upload_id, sha256, name, size_bytes, path, time.time()])
        return self.upload(upload_id)

    def upload(self, upload_id: str) -> dict | None:
        row = self.con.execute("SELECT * FROM uploads WHERE id = ?", [upload_id]).fetchone()
        return dict(row) if row else None

    def uploads_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM uploads").fetchone()[0]

    # --- for the metrics collector --------------------------------------------------------------------
    def durations_s(self) -> list[float]:
        """Submission-to-end seconds of every finished job."""
        return [r[0] for r in self.con.execute(
            "SELECT finished_utc - submitted_utc FROM jobs WHERE finished_utc IS NOT NULL").fetchall()]

    def row_totals(self) -> dict[str, int]:
        """Rows stored, quarantined and flagged over every finished job."""
        row = self.con.execute("SELECT coalesce(sum(rows_stored), 0), coalesce(sum(rows_quarantined), 0), "
                               "coalesce(sum(rows_flagged), 0) FROM jobs").fetchone()
        return {"stored": row[0], "quarantined": row[1], "flagged": row[2]}
