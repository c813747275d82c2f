"""The service's parts that need no server: settings, tokens, the rate limiter, path confinement, the
job table's state changes, the shipped Serve config and RayService manifest, and the hand-back of
DuckDB's freed memory."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
import yaml

from raybench.errors import ConfigError
from raybench.service.auth import RateLimiter, Tokens, add_token, token_hash
from raybench.service.config import ServiceConfig
from raybench.service.inputs import confine, spool_suffix
from raybench.service.memory import duckdb_allocator_bytes, purge_duckdb_allocator, release_memory
from raybench.service.store import JobStore

REPO = Path(__file__).resolve().parents[2]


def test_settings_from_strings_and_errors_naming_the_key(tmp_path):
    config = ServiceConfig.from_args({"db": str(tmp_path / "x.duckdb"), "max_concurrent_jobs": "3",
                                      "upload_max_bytes": "2MiB", "roots": f"{tmp_path},{tmp_path}"})
    assert (config.max_concurrent_jobs, config.upload_max_bytes) == (3, 2 << 20)
    assert config.state_dir == str(tmp_path / "x.duckdb.service") and os.path.isdir(config.spool)
    with pytest.raises(ConfigError, match="'max_jobs' is not known"):
        ServiceConfig.from_args({"db": "x", "max_jobs": 3})
    with pytest.raises(ConfigError, match="max_queued_jobs must be at least 1"):
        ServiceConfig.from_args({"db": str(tmp_path / "y"), "max_queued_jobs": 0})
    with pytest.raises(ConfigError, match="needs --tokens"):
        ServiceConfig.from_args({"db": str(tmp_path / "z"), "host": "0.0.0.0"})


def test_tokens_hashed_with_scopes(tmp_path):
    path = tmp_path / "tokens.yaml"
    token = add_token(str(path), "alice", ["submit", "read"])
    assert token not in path.read_text() and token_hash(token) in path.read_text()
    tokens = Tokens(str(path))
    who = tokens.principal(f"Bearer {token}")
    assert who.name == "alice" and who.allows("read") and not who.allows("admin")
    assert tokens.principal("Bearer nope") is None and tokens.principal(None) is None
    assert tokens.principal(token) is None  # no "Bearer "
    with pytest.raises(ConfigError, match="already"):
        add_token(str(path), "alice", ["read"])
    path.write_text(yaml.safe_dump({"tokens": [{"name": "bob", "sha256": "ab" * 32, "scopes": ["write"]}]}))
    with pytest.raises(ConfigError, match="entry 1 \\(bob\\): scope 'write' is not one of submit, read, admin"):
        Tokens(str(path))


def test_rate_limiter_burst_then_wait():
    limiter = RateLimiter(rate_per_min=60, burst=2)
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    wait_s = limiter.take("a")
    assert 0.9 < wait_s <= 1.0  # one a second
    assert limiter.take("b") == 0  # per key
    assert limiter.take("c", rate_per_min=6, burst=1) == 0 and 9.0 < limiter.take("c", 6, 1) <= 10.0


def test_confine_to_roots(tmp_path):
    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir(), out.mkdir()
    (root / "a.csv").write_text("x")
    (out / "b.csv").write_text("x")
    (root / "link.csv").symlink_to(out / "b.csv")
    roots = [os.path.realpath(root)]
    assert confine(str(root / "a.csv"), roots) == os.path.realpath(root / "a.csv")
    for bad, why in ((out / "b.csv", "outside"), (root / "link.csv", "outside"), (f"{root}/../out/b.csv", "'..'"),
                     ("a.csv", "absolute"), (root / "none.csv", "no such")):
        with pytest.raises(ConfigError, match=why):
            confine(str(bad), roots)
    assert spool_suffix("../../x") == "" and spool_suffix("a/b.XLSX") == ".xlsx" and spool_suffix("x.sh") == ""


def test_job_table_claims_once_and_requeues_running_first(tmp_path):
    a, b = JobStore(str(tmp_path / "jobs.sqlite")), JobStore(str(tmp_path / "jobs.sqlite"))
    j1 = a.submit([], ["/f1"], {}, "t")["id"]
    j2 = a.submit([], ["/f2"], {}, "t")["id"]
    assert b.get(j2)["queue_position"] == 2
    assert a.claim_next()["id"] == j1 and b.claim_next()["id"] == j2 and a.claim_next() is None
    j3 = a.submit([], ["/f3"], {}, "t")["id"]
    assert b.cancel(j3) == "cancelled" and a.get(j3)["status"] == "cancelled"
    assert b.cancel(j1) == "running" and a.cancel_requested([j1, j2]) == {j1}
    j4 = a.submit([], ["/f4"], {}, "t")["id"]
    assert sorted(b.requeue_running()) == sorted([j1, j2])
    assert [a.claim_next()["id"] for _ in range(3)] == [j1, j2, j4]  # the resumed ones first
    assert a.counts()["running"] == 3


def test_shipped_serve_config_and_rayservice_manifest(tmp_path):
    import jsonschema
    from ray.serve.schema import ServeDeploySchema

    config = yaml.safe_load((REPO / "cluster" / "serve-config.yaml").read_text())
    ServeDeploySchema.model_validate(config)
    (app,) = config["applications"]
    assert app["import_path"] == "raybench.service.app:build_app"
    args = dict(app["args"], db=str(tmp_path / "c.duckdb"), state_dir=str(tmp_path / "s"), spool=str(tmp_path / "p"))
    ServiceConfig.from_args(args)  # every key known, every value of its kind
    from ray.serve import Application

    from raybench.service.app import build_app

    assert isinstance(build_app(args), Application)  # what `serve run`/`serve deploy` import and call
    manifest = yaml.safe_load((REPO / "cluster" / "kuberay-rayservice.yaml").read_text())
    crd_path = REPO.parent / "shared" / "reference" / "kuberay" / "ray.io_rayservices.yaml"
    if crd_path.exists():
        crd = yaml.safe_load(crd_path.read_text())
        schema = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")["schema"]["openAPIV3Schema"]
        jsonschema.validate(manifest, schema)
    served = yaml.safe_load(manifest["spec"]["serveConfigV2"])
    ServeDeploySchema.model_validate(served)
    assert set(served["applications"][0]["args"]) <= set(ServiceConfig.__dataclass_fields__)


def test_duckdb_jemalloc_figures_and_purge_give_its_freed_pages_back():
    # DuckDB keeps what it frees as dirty pages of its own jemalloc (not glibc's: malloc_trim cannot reach
    # it); the runner purges them after each job (raybench.service.memory, docs/service.md "Soak")
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(1000000)")
    held = duckdb_allocator_bytes()
    assert held["allocated"] > 20 << 20  # the table's blocks and strings, by jemalloc's own count
    con.execute("DROP TABLE t")
    con.execute("CHECKPOINT")
    freed = duckdb_allocator_bytes()
    assert freed["allocated"] < held["allocated"] // 4
    assert purge_duckdb_allocator() is True
    after = duckdb_allocator_bytes()
    # no dirty page left: what stays resident is in use (its pages) plus jemalloc's own metadata
    assert after["resident"] - after["active"] < 16 << 20
    assert release_memory()["duckdb_purged"] is True
    con.close()
