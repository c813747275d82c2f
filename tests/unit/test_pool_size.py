"""How many actors the CPUs hold (raybench.pipeline.runner.cpu_pool_size), before the memory budget."""

from __future__ import annotations

from raybench.pipeline.options import IngestOptions
from raybench.pipeline.runner import cpu_pool_size


def _options(**kw) -> IngestOptions:
    return IngestOptions(db="x.duckdb", **kw)


def test_the_duckdb_sink_leaves_the_driver_a_cpu_and_the_parquet_sink_does_not():
    assert cpu_pool_size(2, _options(sink="duckdb")) == 1
    assert cpu_pool_size(2, _options(sink="parquet")) == 2
    assert cpu_pool_size(16, _options(sink="duckdb")) == 15
    assert cpu_pool_size(16, _options(sink="parquet")) == 16
    assert cpu_pool_size(1, _options(sink="duckdb")) == 1  # never none


def test_no_more_actors_than_chunks_unless_asked_for():
    assert cpu_pool_size(16, _options(sink="parquet"), n_chunks=3) == 3
    assert cpu_pool_size(16, _options(sink="duckdb"), n_chunks=1) == 1
    assert cpu_pool_size(2, _options(sink="parquet"), n_chunks=27) == 2
    assert cpu_pool_size(16, _options(sink="parquet", workers=5), n_chunks=1) == 5  # --workers is kept


def test_fractional_worker_cpus_fit_more_actors():
    assert cpu_pool_size(2, _options(sink="parquet", worker_cpus=0.5), n_chunks=100) == 4
    assert cpu_pool_size(4, _options(sink="duckdb", worker_cpus=2)) == 1
