"""Two Ray nodes in one machine (ray.cluster_utils.Cluster): a sampler per node, exact accounting."""

from __future__ import annotations

import pytest

from raybench.generate.production import generate_file
from raybench.pipeline.job import IngestOptions, run_ingest


@pytest.fixture
def two_nodes():
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 150 * 2**20,
                                                            "include_dashboard": False})
    cluster.add_node(num_cpus=1, object_store_memory=150 * 2**20)
    ray.init(address=cluster.address, log_to_driver=False)
    cluster.wait_for_nodes()
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def test_every_node_is_sampled(tmp_path, two_nodes):
    g = generate_file("sprint_cdma", str(tmp_path / "in"), rows=4000, seed=3, defect_rate=0.01)
    out = run_ingest([g.path], IngestOptions(db=str(tmp_path / "x.duckdb"), results=str(tmp_path / "r.json"),
                                             workers=2, chunk_bytes=32 << 10, progress=False))
    row = out["files"][0]
    assert row["rows_read"] == 4000 == row["rows_stored"] + row["rows_quarantined"]
    nodes = out["metrics"]["nodes"]
    assert len(nodes) == 2
    for node in nodes:
        assert node["samples"] >= 1 and node["pss_bytes_peak"] > 0
        assert any(p["name"] == "raylet" for p in node["processes"].values())
    assert out["metrics"]["pss_bytes_peak_cluster"] == sum(n["pss_bytes_peak"] for n in nodes)
