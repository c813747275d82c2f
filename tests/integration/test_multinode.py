"""Two Ray nodes in one machine (ray.cluster_utils.Cluster): a sampler per node, exact accounting."""

from __future__ import annotations

import pytest

from raybench.generate.production import generate_file
from raybench.pipeline.job import IngestOptions, run_ingest


def _cluster(worker_nodes: int):
    """A head of 1 CPU (the driver, the coordinator, one actor) and ``worker_nodes`` nodes of 1 CPU."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 150 * 2**20,
                                                            "include_dashboard": False})
    for _ in range(worker_nodes):
        cluster.add_node(num_cpus=1, object_store_memory=150 * 2**20)
    ray.init(address=cluster.address, log_to_driver=False)
    cluster.wait_for_nodes()
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture
def two_nodes():
    yield from _cluster(1)


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


@pytest.fixture
def three_nodes():
    yield from _cluster(2)


@pytest.mark.slow  # 33 s and a 3-node cluster; run with -m slow (CI keeps test_every_node_is_sampled on 2 nodes)
def test_a_lost_worker_node_loses_no_record(tmp_path, three_nodes):
    import duckdb
    import ray

    from raybench.faults.plan import FaultPlan
    from raybench.harness.accounting import exact_accounting

    g = generate_file("att_mobility_voice", str(tmp_path / "in"), rows=20_000, seed=8, defect_rate=0.01)
    db = str(tmp_path / "x.duckdb")
    out = run_ingest([g.path], IngestOptions(db=db, results=str(tmp_path / "r.json"), chunk_bytes=24 << 10,
                                             progress=False, faults=FaultPlan(kill_node_after_s=1.0),
                                             batch_timeout_s=180))
    event = out["metrics"]["faults"]["events"][0]
    # the node died with a batch in flight: Ray restarted its actor elsewhere and ran the batch again
    assert event["kind"] == "kill_node" and event["busy"] is True
    assert event["recover_s"] is not None and out["metrics"]["faults"]["retried_batches"] >= 1
    assert sum(1 for n in ray.nodes() if n["Alive"]) == 2  # the node is gone, the job finished without it
    with duckdb.connect(db, read_only=True) as con:
        acc = exact_accounting(con, {g.path: g.truth_path})
    assert acc["exact"], acc
    assert out["files"][0]["status"] == "ok"
