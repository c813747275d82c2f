"""Scenario files: what to generate, how to ingest, and the targets a run must meet.

A scenario is YAML::

    name: smoke
    description: ...
    generate: {layouts: [att_mobility_voice, ...], rows: 1000, seed: 11, defect_rate: 0.02, files: 1,
               format: csv, pdf_pages: null,
               duplicates: false}   # true: also labelled copies and hard negatives of each file
    ingest: {workers: null, chunk_size: 4MiB, tz: null, num_cpus: null, object_store: null}
    peers: false          # also run a plain polars+DuckDB pass and DuckDB read_csv on the same files
    scale_cpus: []        # e.g. [1, 2, 4]: the same ingest at each CPU count, for scaling efficiency
    scale_nodes: []       # e.g. [1, 2]: the same ingest on a local `ray start` cluster of each node count
    faults: {kill_actor_every_s: 5, kill_driver_after_s: 20, reference: true}   # see below

``faults`` takes the keys of :mod:`raybench.faults.plan` plus two of the harness: ``kill_driver_after_s``
(SIGKILL the driver process that many seconds after it starts, then resume the job) and ``reference``
(default true: first run the same ingest without faults, for the slowdown). ``ingest.nodes`` (default 1)
runs the ingest on a local cluster of that many Ray nodes (``ray start --head``, then ``ray start
--address`` for each other node), which
``kill_node_after_s`` needs; ``ingest.commit_rows`` sets the rows per commit (checkpoint).
    targets: {wall_s: "<= 120", pss_bytes_peak: "<= 2GiB", field_accuracy: ">= 1.0"}

A ``service`` section makes it a service scenario (:mod:`raybench.harness.service_load`): the generated
files go to a running ``raybench serve`` as one job each, driven by Locust headless::

    service: {users: 10, spawn_rate: 10, run_time_s: 60, max_concurrent_jobs: 10, workers: 1,
              worker_cpus: 0.5, num_cpus: 2}

``rows`` is per file; ``files`` is how many files of each layout (seeds ``seed``, ``seed + 1``...).
``format`` is ``csv`` (each layout's own text, fixed-width for ``switch_fixed_detail``) or ``xlsx``;
``pdf_pages`` adds ``files`` AT&T PDF bills of that many pages (then ``layouts`` defaults to none);
``pdf_layout`` says which: ``att_mobility_voice`` (the default: the records layout as a PDF table),
``att_wireless_bill`` or ``tmobile_bill`` (bills as the carriers print them,
:mod:`raybench.generate.carrier_bill`).

Unknown keys and bad values raise :class:`ConfigError` naming the key and the allowed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from raybench.catalog import GENERATED_LAYOUTS
from raybench.errors import ConfigError
from raybench.faults.plan import FaultPlan, parse_fault_plan
from raybench.units import parse_bytes, parse_count

PDF_LAYOUTS = ("att_mobility_voice", "att_wireless_bill", "tmobile_bill")
"""What ``generate.pdf_layout`` may name."""

METRICS = {
    "wall_s": "ingest wall time, seconds",
    "rows_per_s": "rows read per second of ingest wall time",
    "pss_bytes_peak": "peak PSS summed over the driver and every Ray process, bytes",
    "rss_bytes_peak": "peak RSS summed over the driver and every Ray process, bytes",
    "pss_bytes_peak_batches": "peak PSS while batches ran through the actor pool, bytes",
    "pss_bytes_peak_dedupe": "peak PSS during duplicate detection after the batches (Ray still up), bytes",
    "pss_growth_ratio": "peak PSS in the last quarter of the rows / peak PSS in the second quarter "
                        "(above 1: memory grows as rows go by)",
    "batch_latency_p95_s": "95th percentile of batch latency, seconds",
    "rows_read": "records read",
    "rows_accounted_ratio": "(stored + quarantined) / read",
    "field_accuracy": "valid rows stored with every field equal to the truth / valid rows",
    "quarantine_recall": "defect rows quarantined with the expected reason / defect rows",
    "false_quarantine_ratio": "valid rows quarantined / valid rows",
    "error_count": "worker and sampler errors",
    "files_failed": "files that could not be read",
    "files_suspect": "files read whose verdict is suspect (too much quarantined, or a column's format failing)",
    "batch_latency_p50_s": "median batch latency, seconds",
    "batch_latency_p99_s": "99th percentile of batch latency, seconds",
    "pss_bytes_mean": "mean PSS summed over the driver and every Ray process, bytes",
    "cpu_pct_mean": "mean CPU of the sampled processes, percent of one core",
    "disk_io_bytes_per_s": "mean disk read + write rate of the node, bytes per second",
    "queue_depth_max": "most batches in flight at once",
    "classification_accuracy": "files whose identified layout is the generated one / files",
    "template_match_rate": "files identified by a template / files identified",
    "validation_coverage": "rows with a verdict (stored or quarantined) / rows read",
    "error_rate": "(rows neither stored nor quarantined + rows quarantined by a worker error) / rows read",
    "driver_saturated": "1 when the driver used over 90% of a core in most busy samples",
    "speed_ratio_vs_polars_duckdb": "peer polars+DuckDB wall_s / raybench wall_s (above 1: raybench faster)",
    "speed_ratio_vs_duckdb_read_csv": "peer DuckDB read_csv wall_s / raybench wall_s",
    "memory_ratio_vs_polars_duckdb": "raybench pss_bytes_peak / peer polars+DuckDB pss_bytes_peak",
    "scaling_efficiency_min": "lowest (rows_per_s at n CPUs / rows_per_s at the fewest CPUs) / (n / fewest), over "
                              "scale_cpus and scale_nodes runs",
    "accounting_exact": "1 when cdr + quarantine hold exactly the truth's records, none twice (else 0)",
    "rows_missing": "truth records in neither cdr nor quarantine",
    "rows_duplicated": "records held more than once in cdr + quarantine",
    "fault_events": "faults injected (actor kills, node kills, driver crashes)",
    "duplicate_precision": "correct duplicate pairs / pairs found (generate.duplicates: labelled copies)",
    "duplicate_recall": "labelled duplicate pairs found / labelled pairs",
    "classification_latency_p95_ms": "95th percentile of the time to identify one file (layout, mapping), ms",
    "batches_retried": "batches Ray ran more than once because their worker died (kill, crash, OOM killer)",
    "fault_recover_s_max": "longest time from a fault to the pipeline working again, seconds",
    "jobs_per_min": "service: jobs done per minute, first submission to last end (or `raybench jobs`: jobs per "
                    "wall minute)",
    "jobs_done": "service: jobs that ended done",
    "submit_to_done_p50_s": "service: median time from a job's submission to its end (Locust), seconds",
    "submit_to_done_p95_s": "service: 95th percentile of submission to end, seconds",
    "submit_to_done_p99_s": "service: 99th percentile of submission to end, seconds",
    "status_latency_p95_s": "service: 95th percentile of GET /v1/jobs/{id}, seconds",
    "concurrent_jobs_succeeded": "most jobs in flight at once that ended done",
    "http_errors": "service: refused or failed HTTP calls",
    "fault_slowdown_ratio": "wall time with faults (all driver runs) / wall time of the fault-free reference run "
                            "(both as subprocesses; in a fault scenario wall_s is also the total of all driver runs)",
}
"""Metrics a target may name, with their meaning and unit."""

OPS = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "==": lambda a, b: a == b,
       "<": lambda a, b: a < b, ">": lambda a, b: a > b}
_TOP = {"name", "description", "generate", "ingest", "targets"}
_GENERATE = {"layouts", "rows", "seed", "defect_rate", "files", "format", "pdf_pages", "pdf_layout", "duplicates"}
_INGEST = {"workers", "chunk_size", "tz", "num_cpus", "object_store", "commit_rows", "nodes"}
_TOP = _TOP | {"peers", "scale_cpus", "scale_nodes", "faults"}
_HARNESS_FAULTS = {"kill_driver_after_s", "reference"}
_TOP = _TOP | {"service"}
SERVICE_DEFAULTS = {"users": 10, "spawn_rate": 10.0, "run_time_s": 60.0, "max_concurrent_jobs": 10, "workers": 1,
                    "worker_cpus": 0.5, "num_cpus": 2}
"""The keys of a scenario's ``service`` section and their defaults."""


@dataclass(frozen=True)
class Target:
    """``metric op limit``, e.g. ``wall_s <= 60``."""

    metric: str
    op: str
    limit: float

    def check(self, value: float | None) -> bool:
        """Whether ``value`` meets the target (a missing value never does)."""
        return value is not None and OPS[self.op](value, self.limit)


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario (see the module docstring for the YAML)."""

    name: str
    description: str
    layouts: tuple[str, ...]
    rows: int
    seed: int
    defect_rate: float
    workers: int | None = None
    num_cpus: int | None = None
    chunk_bytes: int = 4 << 20
    tz: str | None = None
    files: int = 1
    object_store_bytes: int | None = None
    peers: bool = False
    scale_cpus: tuple[int, ...] = ()
    scale_nodes: tuple[int, ...] = ()
    targets: tuple[Target, ...] = field(default_factory=tuple)
    source: dict = field(default_factory=dict)
    fmt: str = "csv"
    pdf_pages: int | None = None
    pdf_layout: str = "att_mobility_voice"
    commit_rows: int = 250_000
    duplicates: bool = False
    nodes: int = 1
    faults: FaultPlan | None = None
    kill_driver_after_s: float | None = None
    fault_reference: bool = True
    service: dict | None = None
    """The ``service`` section with its defaults filled in (a service scenario), else None."""

    @property
    def has_faults(self) -> bool:
        """True when the scenario injects any fault."""
        return bool(self.kill_driver_after_s) or (self.faults is not None and not self.faults.empty)


def _unknown(section: str, got: set, allowed: set) -> None:
    extra = sorted(got - allowed)
    if extra:
        raise ConfigError(f"scenario key '{section}{extra[0]}' is not known; allowed: {', '.join(sorted(allowed))}")


def _mapping(doc: dict, key: str) -> dict:
    value = doc.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"scenario key '{key}' must be a mapping, got {value!r}")
    return value


def _number(section: dict, key: str, default, kind, where: str):
    value = section.get(key, default)
    if value is None:
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"scenario key '{where}.{key}': {value!r} is not a {kind.__name__}") from None


def _counts(doc: dict, key: str, what: str) -> tuple[int, ...]:
    """A list of counts >= 1 (``scale_cpus``, ``scale_nodes``); ConfigError naming the key otherwise."""
    try:
        counts = tuple(int(c) for c in (doc.get(key) or ()))
    except (TypeError, ValueError):
        raise ConfigError(f"{key}: {doc.get(key)!r} must be a list of {what} counts") from None
    if any(c < 1 for c in counts):
        raise ConfigError(f"{key}: {list(counts)} must be {what} counts >= 1")
    return counts


def parse_target(metric: str, text: str | int | float) -> Target:
    """``("wall_s", "<= 60")`` -> ``Target("wall_s", "<=", 60.0)``; sizes like ``2GiB`` are bytes.

    Raises:
        ConfigError: unknown metric or operator, or a bad value.
    """
    if metric not in METRICS:
        raise ConfigError(f"scenario key 'targets.{metric}' is not a metric; allowed: {', '.join(METRICS)}")
    m = re.fullmatch(r"\s*(<=|>=|==|<|>)\s*(\S+)\s*", str(text))
    if not m:
        raise ConfigError(f"targets.{metric}: {text!r} must be '<op> <value>' with op one of {', '.join(OPS)}")
    raw = m.group(2)
    try:
        value = float(parse_bytes(raw)) if metric.endswith("_bytes_peak") else float(raw)
    except (ValueError, ConfigError):
        raise ConfigError(f"targets.{metric}: {raw!r} is not a number") from None
    return Target(metric, m.group(1), value)


def load_scenario(path: str) -> Scenario:
    """Read and validate a scenario YAML file.

    Raises:
        ConfigError: the file is missing, not YAML, or has a bad key or value.
    """
    import yaml

    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: a scenario is a mapping with keys {', '.join(sorted(_TOP))}")
    _unknown("", set(doc), _TOP)
    gen = _mapping(doc, "generate")
    ing = _mapping(doc, "ingest")
    _mapping(doc, "targets")
    _unknown("generate.", set(gen), _GENERATE)
    _unknown("ingest.", set(ing), _INGEST)
    pdf_pages = _number(gen, "pdf_pages", None, int, "generate")
    if pdf_pages is not None and pdf_pages < 1:
        raise ConfigError(f"generate.pdf_pages: {pdf_pages} must be >= 1")
    pdf_layout = str(gen.get("pdf_layout", "att_mobility_voice"))
    if pdf_layout not in PDF_LAYOUTS:
        raise ConfigError(f"generate.pdf_layout: {pdf_layout!r} is not a PDF layout; allowed: "
                          f"{', '.join(PDF_LAYOUTS)}")
    fmt = str(gen.get("format", "csv"))
    if fmt not in ("csv", "xlsx"):
        raise ConfigError(f"generate.format: {fmt!r} is not a format; allowed: csv, xlsx (PDF: pdf_pages)")
    raw_layouts = gen.get("layouts", () if pdf_pages else None) or (() if pdf_pages else GENERATED_LAYOUTS)
    layouts = (raw_layouts,) if isinstance(raw_layouts, str) else tuple(raw_layouts)
    for layout in layouts:
        if layout not in GENERATED_LAYOUTS:
            raise ConfigError(f"generate.layouts: {layout!r} is not generated; allowed: {', '.join(GENERATED_LAYOUTS)}")
    rate = _number(gen, "defect_rate", 0.0, float, "generate")
    if ing.get("tz"):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(ing["tz"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"scenario key 'ingest.tz': {ing['tz']!r} is not an IANA time zone") from None
    if not 0 <= rate < 1:
        raise ConfigError(f"generate.defect_rate: {rate} must be in [0, 1)")
    targets = tuple(parse_target(k, v) for k, v in (doc.get("targets") or {}).items())
    files = _number(gen, "files", 1, int, "generate")
    if files < 1:
        raise ConfigError(f"generate.files: {files} must be >= 1")
    scale = _counts(doc, "scale_cpus", "CPU")
    scale_nodes = _counts(doc, "scale_nodes", "node")
    store = ing.get("object_store")
    name = str(doc.get("name") or path.rsplit("/", 1)[-1].removesuffix(".yaml"))
    fault_doc = dict(_mapping(doc, "faults"))
    harness_faults = {k: fault_doc.pop(k) for k in list(fault_doc) if k in _HARNESS_FAULTS}
    faults = parse_fault_plan(fault_doc)
    kill_driver = _number(harness_faults, "kill_driver_after_s", None, float, "faults")
    if kill_driver is not None and kill_driver <= 0:
        raise ConfigError(f"faults.kill_driver_after_s: {kill_driver} must be above 0")
    nodes = _number(ing, "nodes", 1, int, "ingest")
    if nodes < 1:
        raise ConfigError(f"ingest.nodes: {nodes} must be >= 1")
    if faults.kill_node_after_s and nodes < 2:
        raise ConfigError("faults.kill_node_after_s needs a cluster of several nodes: set ingest.nodes >= 2")
    commit_rows = parse_count(ing.get("commit_rows", 250_000))
    service = None
    if "service" in doc:
        section = _mapping(doc, "service")
        _unknown("service.", set(section), set(SERVICE_DEFAULTS))
        service = {k: _number(section, k, v, type(v), "service") for k, v in SERVICE_DEFAULTS.items()}
        for k, v in service.items():
            if not v > 0:
                raise ConfigError(f"service.{k}: {v} must be above 0")
    return Scenario(
        service=service,
        name=name, description=str(doc.get("description", "")), layouts=layouts,
        rows=parse_count(gen.get("rows", 1000)), seed=_number(gen, "seed", 0, int, "generate"),
        defect_rate=rate, workers=_number(ing, "workers", None, int, "ingest"),
        num_cpus=_number(ing, "num_cpus", None, int, "ingest"),
        chunk_bytes=parse_bytes(ing.get("chunk_size", 4 << 20)), tz=ing.get("tz"),
        files=files, object_store_bytes=parse_bytes(store) if store is not None else None,
        peers=bool(doc.get("peers", False)), scale_cpus=scale, scale_nodes=scale_nodes,
        targets=targets, source=doc, fmt=fmt, pdf_pages=pdf_pages, pdf_layout=pdf_layout, commit_rows=commit_rows,
        nodes=nodes,
        faults=faults, duplicates=bool(gen.get("duplicates", False)),
        kill_driver_after_s=kill_driver, fault_reference=bool(harness_faults.get("reference", True)),
    )
