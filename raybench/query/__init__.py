"""Questions analysts ask of the stored calls.

:mod:`raybench.query.calls` holds the named queries (plain functions over a DuckDB connection, each
returning an Arrow table); :mod:`raybench.query.snapshot` opens a database for reading while an ingest
holds its writer (the snapshot of committed data that the writer publishes).
"""

from raybench.query.calls import QUERIES, NamedQuery, number_forms, parse_instant, run_query
from raybench.query.snapshot import open_for_query, publish_snapshot, snapshot_path

__all__ = ["QUERIES", "NamedQuery", "number_forms", "open_for_query", "parse_instant", "publish_snapshot",
           "run_query", "snapshot_path"]
