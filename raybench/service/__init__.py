"""The ingestion service (``raybench serve``): Ray Serve + FastAPI in front of a durable job table and
one job runner that owns the results DuckDB and feeds warm ingest actors. See docs/service.md.

Modules: :mod:`.config` (settings), :mod:`.store` (the SQLite job table), :mod:`.auth` (tokens, scopes,
rate limits), :mod:`.inputs` (uploads into the spool, paths confined to roots), :mod:`.runner` (the job
runner and its actors), :mod:`.app` (the HTTP API and the Serve application), :mod:`.metrics`
(``/metrics``), :mod:`.server` (``raybench serve``), :mod:`.client` (``raybench submit``).
"""
