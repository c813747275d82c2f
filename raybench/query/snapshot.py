"""Reading a database while an ingest writes it: read-only snapshots of committed data.

DuckDB lets one process open a file for writing, or several open it read-only, never both: while an
ingest's driver holds the writer, ``duckdb.connect(FILE, read_only=True)`` fails on the file lock. So the
writer publishes a snapshot: after a commit (at most every :data:`SNAPSHOT_INTERVAL_S`) and when it opens
the file, it checkpoints (every committed row is then in the main file, the WAL is empty) and copies the
file to ``FILE.snapshot`` (with ``cp`` in a child process: opening the file in the writer's process would
drop the writer's lock, see :func:`publish_snapshot`; through a temporary name and an atomic rename, so a
reader never sees half a copy and a reader that has the old snapshot open keeps it). :func:`open_for_query` opens ``FILE``
read-only when it can, else the snapshot, and says which.

Why a file copy after a checkpoint, and not the alternatives (figures in docs/queries.md):

* copying the file from the reader's side, while the writer may be checkpointing, can copy a torn file;
  only the writer knows when the file is whole (between its transactions, after a checkpoint);
* ``ATTACH 'snap' ; COPY FROM DATABASE`` in the writer re-encodes every table: several times slower than
  a byte copy of the same committed state (measured by ``scripts/bench_queries.py``);
* serving queries from the writer's own process (DuckDB's MVCC lets other cursors of the writing process
  read committed data) needs a long-lived process that owns the writer: that is the service (issue 19).

The cost is a copy of the file per snapshot (disk space: one more copy of the database) and the time of
the copy in the writer, between two commits.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass

import duckdb

from raybench.errors import QueryError

log = logging.getLogger(__name__)

SNAPSHOT_INTERVAL_S = 30.0
"""Seconds between two snapshots an ingest publishes (after a commit); override with
``$RAYBENCH_SNAPSHOT_INTERVAL_S`` (0 turns snapshots off)."""

SUFFIX = ".snapshot"


def snapshot_path(db: str) -> str:
    """The snapshot of database file ``db`` (``db`` + ``.snapshot``, beside it)."""
    return db + SUFFIX


def snapshot_interval_s() -> float:
    """:data:`SNAPSHOT_INTERVAL_S`, or ``$RAYBENCH_SNAPSHOT_INTERVAL_S`` when set (0: no snapshots)."""
    text = os.environ.get("RAYBENCH_SNAPSHOT_INTERVAL_S")
    if text is None or text.strip() == "":
        return SNAPSHOT_INTERVAL_S
    try:
        return max(0.0, float(text))
    except ValueError:
        log.warning("RAYBENCH_SNAPSHOT_INTERVAL_S=%r is not a number; using %s", text, SNAPSHOT_INTERVAL_S)
        return SNAPSHOT_INTERVAL_S


def publish_snapshot(con, db: str) -> dict:
    """Checkpoint ``con`` (the writer's connection to ``db``, between transactions) and copy ``db`` to
    its snapshot.

    Returns:
        ``wall_s`` (checkpoint and copy), ``bytes`` (of the snapshot), ``path``.
    """
    t0 = time.perf_counter()
    con.execute("CHECKPOINT")
    target = snapshot_path(db)
    tmp = f"{target}.tmp-{os.getpid()}"
    try:
        # In another process: DuckDB holds the writer's lock with fcntl, and POSIX drops a process's fcntl
        # locks on a file when the process closes *any* descriptor of it, so an open/close here (shutil)
        # would leave the file unlocked for a second writer.
        done = subprocess.run(["cp", "--", db, tmp], capture_output=True, text=True)
        if done.returncode:
            raise OSError(f"cp {db} {tmp}: {done.stderr.strip()}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return {"wall_s": time.perf_counter() - t0, "bytes": os.path.getsize(target), "path": target}


@dataclass
class QuerySource:
    """A read-only connection for queries and what it reads.

    Attributes:
        con: the DuckDB connection (read-only; session time zone UTC).
        path: the file it opened: the database, or its snapshot.
        snapshot: True when the database was held by a writer and ``path`` is its snapshot.
        as_of_utc: for a snapshot, when it was published (the file's modification time), ISO 8601.
    """

    con: object
    path: str
    snapshot: bool
    as_of_utc: str | None = None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "QuerySource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _connect(path: str):
    con = duckdb.connect(path, read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def open_for_query(db: str) -> QuerySource:
    """Open ``db`` read-only, or its snapshot when a writer holds it.

    Raises:
        QueryError: no such file; or it is held by a writer and has no snapshot yet.
    """
    if not os.path.isfile(db):
        raise QueryError(f"{db}: no such database file")
    try:
        return QuerySource(_connect(db), db, False)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise QueryError(f"{db}: cannot open the DuckDB database: {str(exc).splitlines()[0]}") from exc
        held = str(exc).splitlines()[0]
    except duckdb.Error as exc:
        raise QueryError(f"{db}: cannot open the DuckDB database: {str(exc).splitlines()[0]}") from exc
    snap = snapshot_path(db)
    if not os.path.isfile(snap):
        raise QueryError(f"{db} is held by a writer ({held}) and has no snapshot {snap} yet")
    try:
        con = _connect(snap)
    except duckdb.Error as exc:
        raise QueryError(f"{snap}: cannot open the snapshot: {str(exc).splitlines()[0]}") from exc
    as_of = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(os.path.getmtime(snap)))
    return QuerySource(con, snap, True, as_of)
