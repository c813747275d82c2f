"""One exception root for raybench.

Tree::

    RaybenchError                 every error raybench raises on purpose; the CLI prints it on one line
    ├── ConfigError               a bad option, scenario key or value (terminal: fix the input)
    ├── InputFileError            a file that cannot be read at all (terminal for that file; the job goes on)
    │   └── UnknownLayoutError    no layout matched the file's header or shape
    ├── IngestError               the pipeline itself failed (Ray, sink); the job stops
    ├── QueryError                a database cannot be read for a query (missing, locked with no snapshot)
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


class QueryError(RaybenchError):
    """A database cannot be read for a query: missing, not DuckDB, or held by a writer with no snapshot."""


class TargetMissedError(RaybenchError):
    """A scenario ran but missed one or more targets."""
