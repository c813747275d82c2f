"""The memory budget sizes the pool (raybench/pipeline/budget.py)."""

from __future__ import annotations

import pytest

from raybench.errors import ConfigError
from raybench.pipeline.budget import (ACTOR_BYTES, GIB, MIB, OBJECT_STORE_PER_ACTOR_BYTES, ONE_ACTOR_JOB_BYTES,
                                      RAY_OWN_BYTES, fit_pool)

PER = ACTOR_BYTES + OBJECT_STORE_PER_ACTOR_BYTES


def test_budget_shrinks_a_pool_the_cpus_would_make_larger_and_says_so():
    fit = fit_pool(7, 2 * GIB, embedded=True)
    expected = 1 + (2 * GIB - ONE_ACTOR_JOB_BYTES) // PER
    assert fit.actors == expected < 7
    assert fit.estimate_bytes <= 2 * GIB < fit.estimate_bytes + PER
    assert fit.note and f"{expected} actor(s), not 7" in fit.note and "\n" not in fit.note


def test_a_pool_within_the_budget_is_left_alone():
    fit = fit_pool(1, 2 * GIB, embedded=True)
    assert (fit.actors, fit.note) == (1, None)


def test_joining_a_cluster_does_not_count_its_processes():
    embedded, joined = fit_pool(16, 2 * GIB, embedded=True), fit_pool(16, 2 * GIB, embedded=False)
    assert joined.fixed_bytes == embedded.fixed_bytes - RAY_OWN_BYTES
    assert joined.actors > embedded.actors


def test_a_budget_below_one_actor_is_refused_in_one_line():
    with pytest.raises(ConfigError) as e:
        fit_pool(7, 1 * GIB, embedded=True)
    assert "--memory-budget 1.00 GiB cannot hold this job" in str(e.value) and "\n" not in str(e.value)
    assert fit_pool(7, 1 * GIB, embedded=False).actors >= 1  # on a running cluster 1 GiB holds a pool


def test_explicit_workers_are_kept_with_a_note_and_no_budget_means_cpus():
    fit = fit_pool(12, 2 * GIB, embedded=True, explicit=True)
    assert fit.actors == 12 and "kept as asked" in fit.note
    assert fit_pool(12, None, embedded=True).actors == 12


def test_the_budget_grows_the_pool_one_actor_per_share():
    base = fit_pool(64, ONE_ACTOR_JOB_BYTES, embedded=True).actors
    assert base == 1
    assert fit_pool(64, ONE_ACTOR_JOB_BYTES + 3 * PER, embedded=True).actors == 4
    assert fit_pool(64, ONE_ACTOR_JOB_BYTES + 3 * PER - 1 * MIB, embedded=True).actors == 3


def test_a_budget_too_small_is_refused_before_ray_starts(tmp_path):
    from raybench.pipeline.job import IngestOptions, validate_options

    with pytest.raises(ConfigError, match="cannot hold this job"):
        validate_options(IngestOptions(db=str(tmp_path / "x.duckdb"), memory_budget_bytes=1 * GIB))
    validate_options(IngestOptions(db=str(tmp_path / "x.duckdb"), memory_budget_bytes=None))
    validate_options(IngestOptions(db=str(tmp_path / "x.duckdb")))  # the default budget holds one actor
