"""Every file in cluster/ is checked by the tool or schema of what it is:

- KubeRay manifests (``apiVersion: ray.io/...``) against the CRD schemas in ../shared/reference/kuberay/
  (RayCluster, RayJob, RayService), strictly: a field the CRD does not define is an error, as
  ``kubectl apply --validate=strict`` would say;
- the ``ray up`` file against Ray's cluster-launcher schema (``ray/autoscaler/ray-schema.json``, shipped
  in the ray package);
- a Serve config (``applications:``) with Serve's own ``ServeDeploySchema``;
- the Prometheus configuration and rules with ``promtool``, the Alertmanager one with ``amtool``;
- the Grafana dashboard JSON in cluster/grafana/ by tests/unit/test_grafana.py.

A YAML file of none of these kinds fails: each manifest must be checked by something.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CLUSTER = REPO / "cluster"
KUBERAY = REPO.parent / "shared" / "reference" / "kuberay"
CRD_FILES = {"RayCluster": "ray.io_rayclusters.yaml", "RayJob": "ray.io_rayjobs.yaml",
             "RayService": "ray.io_rayservices.yaml"}


def _yaml_files() -> list[Path]:
    return sorted(p for p in CLUSTER.rglob("*") if p.suffix in (".yaml", ".yml"))


def kind_of(doc) -> str:
    """What a YAML document of cluster/ is: ``kuberay``, ``ray-up``, ``serve``, ``prometheus``,
    ``prometheus-rules``, ``promtool-tests``, ``alertmanager``, or ``unknown``."""
    if not isinstance(doc, dict):
        return "unknown"
    if str(doc.get("apiVersion", "")).startswith("ray.io/"):
        return "kuberay"
    if "cluster_name" in doc and "provider" in doc:
        return "ray-up"
    if "applications" in doc:
        return "serve"
    if "scrape_configs" in doc:
        return "prometheus"
    if "rule_files" in doc and "tests" in doc:
        return "promtool-tests"
    if "groups" in doc:
        return "prometheus-rules"
    if "route" in doc and "receivers" in doc:
        return "alertmanager"
    return "unknown"


def _strict(schema):
    """The schema with ``additionalProperties: false`` on every object that lists its properties and does
    not keep unknown fields (``x-kubernetes-preserve-unknown-fields``): Kubernetes would drop such a field
    silently, so it is almost always a typo."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if ("properties" in node and "additionalProperties" not in node
                    and not node.get("x-kubernetes-preserve-unknown-fields")):
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)
    return schema


@functools.lru_cache(maxsize=None)
def _crd_schema(kind: str, version: str) -> dict:
    crd = yaml.load((KUBERAY / CRD_FILES[kind]).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    (schema,) = [v["schema"]["openAPIV3Schema"] for v in crd["spec"]["versions"] if v["name"] == version]
    return _strict(schema)


def crd_validator(kind: str, version: str = "v1") -> jsonschema.Draft7Validator:
    """A validator of KubeRay ``kind`` manifests (``apiVersion: ray.io/<version>``) from its CRD.

    Raises:
        pytest.skip: the CRDs are not beside the repository (../shared/reference/kuberay).
    """
    path = KUBERAY / CRD_FILES[kind]
    if not path.exists():
        pytest.skip(f"KubeRay CRDs not found at {KUBERAY} (../shared beside the repository)")
    return jsonschema.Draft7Validator(_crd_schema(kind, version))


def _docs(path: Path) -> list:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def test_every_yaml_in_cluster_is_a_known_kind():
    unknown = [str(p.relative_to(REPO)) for p in _yaml_files() for d in _docs(p) if kind_of(d) == "unknown"]
    assert unknown == [], "files in cluster/ that no test checks"
    assert any(kind_of(d) == "kuberay" for p in _yaml_files() for d in _docs(p))


@pytest.mark.parametrize("path", [p for p in _yaml_files() if any(kind_of(d) == "kuberay" for d in _docs(p))],
                         ids=lambda p: p.name)
def test_kuberay_manifest_matches_its_crd(path):
    for doc in _docs(path):
        errors = sorted(crd_validator(doc["kind"], doc["apiVersion"].split("/")[1]).iter_errors(doc), key=str)
        assert not errors, "\n".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])
        images = [c["image"] for c in _containers(doc)]
        assert images and all(i.startswith("raybench:") for i in images), images  # the Dockerfile's image
        assert doc["spec"].get("rayClusterSpec", doc["spec"]).get("rayVersion", "2.60.0") == "2.60.0"


def _containers(doc) -> list[dict]:
    spec = doc["spec"].get("rayClusterSpec") or doc["spec"].get("rayClusterConfig") or doc["spec"]
    groups = [spec["headGroupSpec"], *spec.get("workerGroupSpecs", [])]
    return [c for g in groups for c in g["template"]["spec"]["containers"]]


def test_the_crd_check_catches_a_misspelt_field():
    doc = _docs(CLUSTER / "kuberay-rayjob.yaml")[0]
    bad = copy.deepcopy(doc)
    bad["spec"]["shutdownAfterJobFinish"] = bad["spec"].pop("shutdownAfterJobFinishes")
    bad["spec"]["rayClusterSpec"]["workerGroupSpecs"][0]["replicas"] = "two"
    messages = [e.message for e in crd_validator("RayJob").iter_errors(bad)]
    assert any("shutdownAfterJobFinish" in m for m in messages), messages
    assert any("'two' is not of type 'integer'" in m for m in messages), messages


def _ray_up_schema() -> dict:
    import ray.autoscaler

    path = Path(ray.autoscaler.__file__).parent / "ray-schema.json"
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", [p for p in _yaml_files() if any(kind_of(d) == "ray-up" for d in _docs(p))],
                         ids=lambda p: p.name)
def test_ray_up_file_matches_the_cluster_launcher_schema(path):
    schema = _ray_up_schema()
    (doc,) = _docs(path)
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
    assert errors == []
    bad = dict(doc, max_workers="four")
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad)), "the schema must refuse a bad field"


@pytest.mark.parametrize("path", [p for p in _yaml_files() if any(kind_of(d) == "serve" for d in _docs(p))]
                         or [pytest.param(None, marks=pytest.mark.skip(reason="no Serve config in cluster/ yet"))],
                         ids=lambda p: getattr(p, "name", "none"))
def test_serve_config_loads_with_serves_schema(path):
    for doc in _docs(path):
        _serve_schema_check(doc)


def _serve_schema_check(doc: dict) -> None:
    """Load ``doc`` with Serve's own schema (``ray.serve.schema.ServeDeploySchema``); raises its
    validation error."""
    from ray.serve.schema import ServeDeploySchema

    (getattr(ServeDeploySchema, "model_validate", None) or ServeDeploySchema.parse_obj)(doc)


@pytest.mark.parametrize("path", [p for p in _yaml_files() if any(
    kind_of(d) == "kuberay" and d.get("kind") == "RayService" for d in _docs(p))]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no RayService manifest in cluster/ yet"))],
    ids=lambda p: getattr(p, "name", "none"))
def test_rayservice_serve_config_loads_with_serves_schema(path):
    for doc in _docs(path):
        if doc.get("kind") == "RayService":
            _serve_schema_check(yaml.safe_load(doc["spec"]["serveConfigV2"]))


needs_prometheus = pytest.mark.skipif(
    (shutil.which("promtool") is None or shutil.which("amtool") is None) and not os.environ.get("CI"),
    reason="promtool and amtool come with Debian's prometheus and prometheus-alertmanager (.ci/run installs them)")


@needs_prometheus
@pytest.mark.parametrize("path", [p for p in _yaml_files() if any(
    kind_of(d) in ("prometheus", "alertmanager", "prometheus-rules") for d in _docs(p))], ids=lambda p: p.name)
def test_prometheus_and_alertmanager_files_pass_their_tools(path):
    kind = kind_of(_docs(path)[0])
    cmd = {"prometheus": ["promtool", "check", "config", "--syntax-only", str(path)],
           "prometheus-rules": ["promtool", "check", "rules", str(path)],
           "alertmanager": ["amtool", "check-config", str(path)]}[kind]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_builds_the_image_the_manifests_name():
    text = (REPO / "Dockerfile").read_text()
    assert text.splitlines()[0].startswith("FROM rayproject/ray:2.60.0")
    assert "pip install" in text and "EXPOSE" in text
    exposed = {int(p) for line in text.splitlines() if line.startswith("EXPOSE") for p in line.split()[1:]}
    # Ray's GCS, dashboard, client and metrics ports, and the service's (docs/deployment.md)
    assert {6379, 8265, 10001, 8080, 8000} <= exposed
