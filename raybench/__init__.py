"""raybench: CDR and carrier billing ingestion on Ray, with a stress and scale harness.

The public entry points are plain functions; the CLI (``raybench.cli``) is a thin layer over them.
Nothing is imported eagerly here: Ray, polars and DuckDB load when a name that needs them is first used.

- :func:`run_ingest` (with :class:`IngestOptions`): files into DuckDB through Ray.
- :func:`plan` (one file sniffed and planned, as the driver does), :func:`descriptors` (its chunks as
  :class:`ChunkDescriptor`), :func:`read_chunk` (one chunk's rows, as a worker makes them),
  :func:`read_local` (a whole file, without Ray or a database) and :func:`local_verdict`
  (:mod:`raybench.pipeline.local`).
- :func:`quarantine_all`: a chunk's planned records quarantined whole (what a worker returns when it
  cannot process the chunk).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "run_ingest": "raybench.pipeline.job",
    "IngestOptions": "raybench.pipeline.options",
    "plan": "raybench.pipeline.local",
    "descriptors": "raybench.pipeline.local",
    "read_chunk": "raybench.pipeline.local",
    "read_local": "raybench.pipeline.local",
    "local_verdict": "raybench.pipeline.local",
    "LocalRead": "raybench.pipeline.local",
    "ChunkDescriptor": "raybench.read.chunk",
    "quarantine_all": "raybench.pipeline.transform",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    """The public names, each imported from its module on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'raybench' has no attribute {name!r}")
