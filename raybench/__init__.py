"""raybench: CDR and carrier billing ingestion on Ray, with a stress and scale harness.

The public entry points are plain functions; the CLI (``raybench.cli``) is a thin layer over them.
Nothing is imported eagerly here: Ray, polars and DuckDB load when a function that needs them runs.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
