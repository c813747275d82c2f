"""Scenario files: what to generate, how to ingest, and the targets a run must meet.

A scenario is YAML::

    name: smoke
    description: ...
    generate: {layouts: [att_mobility_voice, ...], rows: 1000, seed: 11, defect_rate: 0.02, files: 1,
               format: csv, pdf_pages: null,
               duplicates: false}   # true: also labelled copies and hard negatives of each file
    ingest: {workers: null, chunk_size: 4MiB, tz: null, num_cpus: null, object_store: null,
             sink: auto, parts_load: end, memory_budget: 2GiB}
    peers: false          # also run a plain polars+DuckDB pass and DuckDB read_csv on the same files
    scale_cpus: []        # e.g. [1, 2, 4]: the same ingest at each CPU count, for scaling efficiency
    scale_nodes: []       # e.g. [1, 2]: the same ingest on a local `ray start` cluster of each node count
    faults: {kill_actor_every_s: 5, kill_driver_after_s: 20, reference: true}   # see below

``faults`` takes the keys of :mod:`raybench.faults.plan` plus two of the harness: ``kill_driver_after_s``
(SIGKILL the driver process that many seconds after it starts, then resume the job) and ``reference``
(default true: first run the same ingest without faults, for the slowdown). ``ingest.nodes`` (default 1)
runs the ingest on a local cluster of that many Ray nodes (``ray start --head``, then ``ray start
--address`` for each other node), which
``kill_node_after_s`` needs; ``ingest.commit_rows`` sets the rows per commit (checkpoint). ``ingest.sink``
(``auto``, the default, ``duckdb`` or ``parquet``) and ``ingest.parts_load`` (``end`` or ``commit``) are
``raybench ingest``'s ``--sink`` and ``--parts-load`` (:mod:`raybench.sink.parquet_parts`);
``ingest.memory_budget`` is ``--memory-budget`` (a size, or ``none`` for no budget; default 2GiB).
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

Unknown keys and bad values raise :class:`ConfigError` naming the key and the allowed values: each section
is a pydantic model (:class:`GenerateSection`, :class:`IngestSection`, :class:`ServiceSection`, the fault
plan's :class:`raybench.faults.plan.FaultPlan`) checked by :func:`raybench.config.validate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from pydantic import field_validator

from raybench.catalog import GENERATED_LAYOUTS
from raybench.config import Section, count, one_of, size, validate, zone
from raybench.errors import ConfigError
from raybench.faults.plan import FaultPlan, parse_fault_plan
from raybench.pipeline.budget import DEFAULT_BUDGET_BYTES
from raybench.sink.parquet_parts import PARTS_LOADS, SINKS
from raybench.units import parse_bytes

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
    sink: str = "auto"
    parts_load: str = "end"
    memory_budget_bytes: int | None = DEFAULT_BUDGET_BYTES
    """``ingest.memory_budget`` in bytes; None: no budget."""
    faults: FaultPlan | None = None
    kill_driver_after_s: float | None = None
    fault_reference: bool = True
    service: dict | None = None
    """The ``service`` section with its defaults filled in (a service scenario), else None."""

    @property
    def has_faults(self) -> bool:
        """True when the scenario injects any fault."""
        return bool(self.kill_driver_after_s) or (self.faults is not None and not self.faults.empty)


class GenerateSection(Section):
    """A scenario's ``generate`` section (see the module docstring)."""

    layouts: tuple[str, ...] | None = None
    rows: int = 1000
    seed: int = 0
    defect_rate: float = 0.0
    files: int = 1
    format: str = "csv"
    pdf_pages: int | None = None
    pdf_layout: str = "att_mobility_voice"
    duplicates: bool = False

    _rows = field_validator("rows", mode="before")(lambda v: count(v))

    @field_validator("layouts", mode="before")
    @classmethod
    def _layouts(cls, value):
        layouts = (value,) if isinstance(value, str) else tuple(value or ())
        for layout in layouts:
            if layout not in GENERATED_LAYOUTS:
                raise ValueError(f"{layout!r} is not generated; allowed: {', '.join(GENERATED_LAYOUTS)}")
        return layouts or None

    @field_validator("defect_rate")
    @classmethod
    def _rate(cls, value):
        if not 0 <= value < 1:
            raise ValueError(f"{value} must be in [0, 1)")
        return value

    @field_validator("files", "pdf_pages")
    @classmethod
    def _at_least_one(cls, value):
        if value is not None and value < 1:
            raise ValueError(f"{value} must be >= 1")
        return value

    @field_validator("format")
    @classmethod
    def _format(cls, value):
        if value not in ("csv", "xlsx"):
            raise ValueError(f"{value!r} is not a format; allowed: csv, xlsx (PDF: pdf_pages)")
        return value

    @field_validator("pdf_layout")
    @classmethod
    def _pdf_layout(cls, value):
        if value not in PDF_LAYOUTS:
            raise ValueError(f"{value!r} is not a PDF layout; allowed: {', '.join(PDF_LAYOUTS)}")
        return value


class IngestSection(Section):
    """A scenario's ``ingest`` section."""

    workers: int | None = None
    chunk_size: int = 4 << 20
    tz: str | None = None
    num_cpus: int | None = None
    object_store: int | None = None
    commit_rows: int = 250_000
    nodes: int = 1
    sink: str = "auto"
    parts_load: str = "end"
    memory_budget: int | None = DEFAULT_BUDGET_BYTES

    _tz = field_validator("tz", mode="before")(lambda v: zone(v))
    _sizes = field_validator("chunk_size", "object_store", mode="before")(lambda v: size(v))
    _count = field_validator("commit_rows", mode="before")(lambda v: count(v))
    _sink = field_validator("sink")(one_of(SINKS))
    _parts_load = field_validator("parts_load")(one_of(PARTS_LOADS))

    @field_validator("memory_budget", mode="before")
    @classmethod
    def _budget(cls, value):
        if value is None or str(value).strip().lower() in ("none", "0"):
            return None
        return size(value)

    @field_validator("nodes")
    @classmethod
    def _nodes(cls, value):
        if value < 1:
            raise ValueError(f"{value} must be >= 1")
        return value


class ServiceSection(Section):
    """A scenario's ``service`` section (:data:`SERVICE_DEFAULTS`)."""

    users: int = 10
    spawn_rate: float = 10.0
    run_time_s: float = 60.0
    max_concurrent_jobs: int = 10
    workers: int = 1
    worker_cpus: float = 0.5
    num_cpus: int = 2

    @field_validator("*")
    @classmethod
    def _positive(cls, value):
        if not value > 0:
            raise ValueError(f"{value} must be above 0")
        return value


def _counts_of(what: str):
    def check(value):
        try:
            counts = tuple(int(c) for c in (value or ()))
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} must be a list of {what} counts") from None
        if any(c < 1 for c in counts):
            raise ValueError(f"{list(counts)} must be {what} counts >= 1")
        return counts
    return check


class HarnessFaults(Section):
    """The harness's own keys of a scenario's ``faults`` (the rest is a :class:`FaultPlan`)."""

    kill_driver_after_s: float | None = None
    reference: bool = True

    @field_validator("kill_driver_after_s")
    @classmethod
    def _above_zero(cls, value):
        if value is not None and value <= 0:
            raise ValueError(f"{value} must be above 0")
        return value


class ScenarioDoc(Section):
    """A scenario file's top level: every section checked (:func:`raybench.config.validate`)."""

    name: str | None = None
    description: str = ""
    generate: GenerateSection = GenerateSection()
    ingest: IngestSection = IngestSection()
    targets: dict = {}
    peers: bool = False
    scale_cpus: tuple[int, ...] = ()
    scale_nodes: tuple[int, ...] = ()
    faults: dict = {}
    service: ServiceSection | None = None

    _scale_cpus = field_validator("scale_cpus", mode="before")(_counts_of("CPU"))
    _scale_nodes = field_validator("scale_nodes", mode="before")(_counts_of("node"))
    _none_is_empty = field_validator("generate", "ingest", "targets", "faults", mode="before")(
        lambda v: {} if v is None else v)

    @field_validator("service", mode="before")
    @classmethod
    def _service(cls, value):
        return {} if value is None else value


def sink_flags(scenario: Scenario) -> list[str]:
    """``raybench ingest`` flags for the scenario's sink and memory budget (what a subprocess run needs)."""
    budget = "none" if scenario.memory_budget_bytes is None else str(scenario.memory_budget_bytes)
    return ["--sink", scenario.sink, "--parts-load", scenario.parts_load, "--memory-budget", budget]


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
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: a scenario is a mapping with keys {', '.join(sorted(ScenarioDoc.model_fields))}")
    checked = validate(ScenarioDoc, doc, "scenario")
    gen, ing = checked.generate, checked.ingest
    layouts = gen.layouts or (() if gen.pdf_pages else GENERATED_LAYOUTS)
    targets = tuple(parse_target(k, v) for k, v in checked.targets.items())
    name = str(checked.name or path.rsplit("/", 1)[-1].removesuffix(".yaml"))
    fault_doc = dict(checked.faults)
    harness_faults = validate(HarnessFaults, {k: fault_doc.pop(k) for k in list(fault_doc) if k in
                                              HarnessFaults.model_fields}, "scenario", "faults.")
    faults = parse_fault_plan(fault_doc)
    if faults.kill_node_after_s and ing.nodes < 2:
        raise ConfigError("faults.kill_node_after_s needs a cluster of several nodes: set ingest.nodes >= 2")
    service = checked.service.model_dump() if "service" in doc else None
    return Scenario(
        service=service,
        name=name, description=str(checked.description), layouts=tuple(layouts),
        rows=gen.rows, seed=gen.seed, defect_rate=gen.defect_rate, workers=ing.workers, num_cpus=ing.num_cpus,
        chunk_bytes=ing.chunk_size, tz=ing.tz, files=gen.files, object_store_bytes=ing.object_store,
        peers=checked.peers, scale_cpus=checked.scale_cpus, scale_nodes=checked.scale_nodes,
        targets=targets, source=doc, fmt=gen.format, pdf_pages=gen.pdf_pages, pdf_layout=gen.pdf_layout,
        commit_rows=ing.commit_rows, nodes=ing.nodes, faults=faults, duplicates=gen.duplicates,
        sink=ing.sink, parts_load=ing.parts_load, memory_budget_bytes=ing.memory_budget,
        kill_driver_after_s=harness_faults.kill_driver_after_s, fault_reference=harness_faults.reference,
    )
