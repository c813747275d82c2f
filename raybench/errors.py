"""One exception root for raybench.

Tree::

    RaybenchError                 every error raybench raises on purpose; the CLI prints it on one line
    ├── ConfigError               a bad option, scenario key or value (terminal: fix the input)
    ├── InputFileError            a file that cannot be read at all (terminal for that file; the job goes on)
    │   └── UnknownLayoutError    no layout matched the file's header or shape
    ├── IngestError               the pipeline itself failed (Ray, sink); the job stops
    │   └── IngestInterrupted     Ctrl-C (SIGINT) stopped the job; what it committed stays, --resume goes on
    ├── QueryError                a database cannot be read for a query (missing, locked with no snapshot)
    ├── ServiceError              the ingestion service refused a request or cannot be reached (the client)
    └── TargetMissedError         a scenario finished but missed one of its targets

Every error keeps its constructor arguments in ``args`` so that it pickles across Ray processes.
"""

from __future__ import annotations


class RaybenchError(Exception):
    """Root of every error raybench raises on purpose."""


class ConfigError(RaybenchError):
    """A bad option, scenario key or value; the message names the key and the allowed values."""


class InputFileError(RaybenchError):
    """A file that cannot be read at all.

    Args:
        path: the file.
        reason: one line saying why.
        row: 1-based line or record number where the problem was seen, if any.
    """

    def __init__(self, path: str, reason: str, row: int | None = None):
        super().__init__(path, reason, row)
        self.path = path
        self.reason = reason
        self.row = row

    def __str__(self) -> str:
        where = f"{self.path}:{self.row}" if self.row is not None else self.path
        return f"{where}: {self.reason}"


class UnknownLayoutError(InputFileError):
    """No known layout matched the file's header or shape."""


class IngestError(RaybenchError):
    """The pipeline failed as a whole (Ray could not start, the sink failed)."""


class IngestInterrupted(IngestError):
    """An interrupt (Ctrl-C, SIGINT) stopped an ingest job; the rows it committed stay.

    Args:
        job: the job id (``--resume JOB`` carries on from its checkpoint).
        db: the database file.
        rows_committed: rows (``cdr`` and ``quarantine``) the job committed, earlier runs included.
        rows_total: rows of the job's CDR files, or None when it was interrupted before planning them.
    """

    def __init__(self, job: str, db: str, rows_committed: int, rows_total: int | None):
        super().__init__(job, db, rows_committed, rows_total)
        self.job, self.db = job, db
        self.rows_committed, self.rows_total = rows_committed, rows_total

    def __str__(self) -> str:
        of = f" of {self.rows_total}" if self.rows_total is not None else ""
        return (f"interrupted: {self.rows_committed}{of} rows committed; run the same command again to start "
                f"over, or `raybench ingest --db {self.db} --resume {self.job}` to carry on from them")


class QueryError(RaybenchError):
    """A database cannot be read for a query: missing, not DuckDB, or held by a writer with no snapshot."""


class ServiceError(RaybenchError):
    """The ingestion service answered with an error, or cannot be reached (``raybench submit``).

    Args:
        message: one line (the service's own ``error`` message when it gave one).
        status: the HTTP status code, or None when no answer came.
    """

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, status)
        self.message, self.status = message, status

    def __str__(self) -> str:
        return f"{self.message} (HTTP {self.status})" if self.status else self.message


class TargetMissedError(RaybenchError):
    """A scenario ran but missed one or more targets."""
