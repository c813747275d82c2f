"""One embedded Ray for the integration tests of a module (2 CPUs, small object store)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def ray_local():
    """``ray.init(num_cpus=2)`` once per module; ``run_ingest`` reuses it and leaves it running."""
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, object_store_memory=300 * 2**20,
             log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()
