"""``raybench run SCENARIO``: generate (cached by seed), ingest, score against truth, check targets."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time

import duckdb
import polars as pl
import psutil
import pyarrow.parquet as pq

from raybench import __version__
from raybench.errors import ConfigError
from raybench.generate.carrier_bill import bill_file_name, generate_carrier_bill
from raybench.generate.duplicates import generate_duplicates
from raybench.generate.pdf_bill import generate_pdf_bill, pdf_file_name
from raybench.generate.production import (
    GENERATOR_VERSION,
    GeneratedFile,
    file_name,
    generate_file,
)
from raybench.harness.accounting import exact_accounting
from raybench.harness.accuracy import score_file
from raybench.harness.cluster import local_cluster
from raybench.harness.dedupe_eval import score_dedupe
from raybench.harness.faults import run_with_faults
from raybench.harness.history import earlier_runs
from raybench.harness.peers import run_peers
from raybench.harness.readiness import assess
from raybench.harness.report_html import render_run, render_suite
from raybench.harness.scenario import Scenario, load_scenario, sink_flags
from raybench.harness.service_load import run_service_load
from raybench.pipeline.job import IngestOptions, new_job_id, run_ingest
from raybench.service.store import JobStore

SCHEMA_VERSION = 1


def default_cache_dir() -> str:
    """``$RAYBENCH_CACHE`` or ``~/.cache/raybench``."""
    return os.environ.get("RAYBENCH_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "raybench")


def generate_inputs(scenario: Scenario, cache_dir: str) -> list:
    """Generate the scenario's files, reusing earlier ones with the same arguments.

    Returns:
        :class:`raybench.generate.production.GeneratedFile` per layout.
    """
    folder = os.path.join(cache_dir, f"gen-v{GENERATOR_VERSION}")
    made = []
    for layout in scenario.layouts:
        for seed in range(scenario.seed, scenario.seed + scenario.files):
            path = os.path.join(folder, file_name(layout, scenario.rows, seed, scenario.defect_rate, scenario.fmt))
            if os.path.exists(path) and os.path.exists(path + ".truth.parquet"):
                made.append(GeneratedFile(path, path + ".truth.parquet", scenario.rows, layout))
            else:
                made.append(generate_file(layout, folder, rows=scenario.rows, seed=seed,
                                          defect_rate=scenario.defect_rate, fmt=scenario.fmt))
    if scenario.pdf_pages and scenario.pdf_layout != "att_mobility_voice":
        made += _carrier_bills(scenario, folder)
    elif scenario.pdf_pages:
        for seed in range(scenario.seed, scenario.seed + scenario.files):
            path = os.path.join(folder, pdf_file_name(scenario.pdf_pages, seed, scenario.defect_rate))
            if os.path.exists(path) and os.path.exists(path + ".truth.parquet"):
                rows = pq.ParquetFile(path + ".truth.parquet").metadata.num_rows
                made.append(GeneratedFile(path, path + ".truth.parquet", rows, "att_mobility_voice"))
            else:
                made.append(generate_pdf_bill(folder, pages=scenario.pdf_pages, seed=seed,
                                              defect_rate=scenario.defect_rate))
    if scenario.duplicates:
        made += [c for g in list(made) for c in _companions(g, folder, scenario.seed)]
    return made


def _carrier_bills(scenario, folder: str) -> list:
    """The scenario's bills as carriers print them (:mod:`raybench.generate.carrier_bill`), cached."""
    made = []
    for seed in range(scenario.seed, scenario.seed + scenario.files):
        path = os.path.join(folder, bill_file_name(scenario.pdf_layout, scenario.pdf_pages, seed))
        if os.path.exists(path) and os.path.exists(path + ".truth.parquet"):
            rows = pq.ParquetFile(path + ".truth.parquet").metadata.num_rows
            made.append(GeneratedFile(path, path + ".truth.parquet", rows, scenario.pdf_layout))
        else:
            made.append(generate_carrier_bill(folder, layout=scenario.pdf_layout, pages=scenario.pdf_pages,
                                              seed=seed))
    return made


def _companions(base, folder: str, seed: int) -> list:
    """Labelled copies and hard negatives of one generated file (:mod:`raybench.generate.duplicates`),
    cached beside it."""
    out = os.path.join(folder, "companions-" + os.path.basename(base.path))
    listing = os.path.join(out, "companions.json")
    if os.path.exists(listing):
        with open(listing) as f:
            return [GeneratedFile(**g) for g in json.load(f)]
    made = generate_duplicates(base, out, seed=seed)
    with open(listing, "w") as f:
        json.dump([{"path": g.path, "truth_path": g.truth_path, "rows": g.rows, "layout": g.layout} for g in made], f)
    return made


def _git_sha() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=os.path.dirname(os.path.abspath(__file__)))
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _machine() -> dict:
    return {"hostname": platform.node(), "platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total}


def collect_metrics(ingest: dict, accuracy: list[dict], worker_error_rows: int = 0) -> dict:
    """The scenario metrics (:data:`raybench.harness.scenario.METRICS`) from an ingest and its scores.

    Args:
        ingest: :func:`raybench.pipeline.job.run_ingest`'s results.
        accuracy: per generated file, :func:`raybench.harness.accuracy.score_file` plus ``file`` and
            ``layout`` (the generated layout).
        worker_error_rows: rows quarantined with a ``worker_error`` reason.
    """
    t = ingest["totals"]
    m = ingest.get("metrics") or {}
    lat = m.get("batch_latency_s") or {}
    valid = sum(a["rows_valid_expected"] for a in accuracy)
    defects = sum(a["quarantine_expected"] for a in accuracy)
    layout_of = {r["path"]: r.get("layout") for r in ingest["files"]}
    read = t["rows_read"]
    accounted = t["rows_stored"] + t["rows_quarantined"]
    return {
        "wall_s": ingest["wall_s"],
        "rows_per_s": ingest["rows_per_s"],
        "pss_bytes_peak": m.get("pss_bytes_peak"),
        "rss_bytes_peak": m.get("rss_bytes_peak"),
        "pss_bytes_peak_batches": (m.get("pss_bytes_peak_by_phase") or {}).get("batches"),
        "pss_bytes_peak_dedupe": (m.get("pss_bytes_peak_by_phase") or {}).get("dedupe"),
        "pss_growth_ratio": pss_growth_ratio(m.get("timeseries") or []),
        "batch_latency_p95_s": (m.get("batch_latency_s") or {}).get("p95"),
        "rows_read": t["rows_read"],
        "rows_accounted_ratio": (t["rows_stored"] + t["rows_quarantined"]) / t["rows_read"] if t["rows_read"] else 1.0,
        "field_accuracy": sum(a["rows_valid_exact"] for a in accuracy) / valid if valid else 1.0,
        "quarantine_recall": sum(a["quarantine_correct"] for a in accuracy) / defects if defects else 1.0,
        "false_quarantine_ratio": sum(a["false_quarantine"] for a in accuracy) / valid if valid else 0.0,
        "error_count": len(m.get("errors", [])),
        "files_failed": t["files_failed"],
        "files_suspect": t.get("files_suspect", 0),
        "batch_latency_p50_s": lat.get("p50"),
        "batch_latency_p99_s": lat.get("p99"),
        "pss_bytes_mean": m.get("pss_bytes_mean"),
        "cpu_pct_mean": m.get("cpu_pct_mean"),
        "disk_io_bytes_per_s": (m.get("disk_read_bytes_per_s_mean", 0) + m.get("disk_write_bytes_per_s_mean", 0))
        if m else None,
        "queue_depth_max": m.get("batches_in_flight_max"),
        "classification_accuracy": sum(layout_of.get(a["file"]) == a["layout"] for a in accuracy) / len(accuracy)
        if accuracy else None,
        "template_match_rate": (ingest.get("classification") or {}).get("template_match_rate"),
        "classification_latency_p95_ms": 1000 * ((ingest.get("classification") or {}).get("latency_s") or {}).get("p95")
        if ((ingest.get("classification") or {}).get("latency_s") or {}).get("p95") is not None else None,
        "validation_coverage": accounted / read if read else 1.0,
        "error_rate": ((read - accounted) + worker_error_rows) / read if read else 0.0,
        "driver_saturated": float(bool(m.get("driver_saturated"))) if m else None,
        "batches_retried": (m.get("faults") or {}).get("retried_batches", 0) if m else None,
    }


def pss_growth_ratio(ticks: list[dict]) -> float | None:
    """Whether memory grows with the rows processed, within one run: the peak ``pss_bytes`` of the
    samples taken while the last quarter of the rows went through, over that of the second quarter
    (the first is left out: it holds the pool's start-up). Only samples of the ``batches`` phase with a
    batch in flight count.

    Args:
        ticks: the coordinator's time series (dicts with ``pss_bytes``, ``rows_done``,
            ``batches_in_flight`` and ``phase``).

    Returns:
        The ratio (1.0: flat), or None when either quarter has no sample.
    """
    busy = [t for t in ticks if t.get("batches_in_flight") and t.get("phase", "batches") == "batches"]
    total = max((t["rows_done"] for t in ticks), default=0)
    if not busy or not total:
        return None
    second = [t["pss_bytes"] for t in busy if total / 4 <= t["rows_done"] < total / 2]
    last = [t["pss_bytes"] for t in busy if t["rows_done"] >= 3 * total / 4]
    return max(last) / max(second) if second and last else None


def run_scenario(path: str, *, address: str | None = None, out_dir: str = "results",
                 cache_dir: str | None = None) -> dict:
    """Run one scenario end to end.

    Returns:
        The outcome written to ``<out_dir>/<name>-<job>/results.json``: ``schema_version``,
        ``raybench_version``, ``git_sha``, ``machine``, ``scenario`` (resolved), ``ingest`` (the job's
        results), ``accuracy`` (per file), ``metrics``, ``targets`` (each with value and verdict),
        ``passed`` and ``results_path``.

    Raises:
        ConfigError: a bad scenario.
    """
    scenario = load_scenario(path)
    generated = generate_inputs(scenario, cache_dir or default_cache_dir())
    job = new_job_id()
    run_dir = os.path.join(out_dir, f"{scenario.name}-{job}")
    os.makedirs(run_dir, exist_ok=True)
    if scenario.service is not None:
        return _run_service_scenario(scenario, path, generated, run_dir)
    db = os.path.join(run_dir, "cdr.duckdb")
    fault_report = None
    if scenario.has_faults or scenario.nodes > 1:
        ingest, fault_report = run_with_faults(scenario, [g.path for g in generated], run_dir, job, address)
    else:
        options = IngestOptions(db=db, address=address, workers=scenario.workers, num_cpus=scenario.num_cpus,
                                chunk_bytes=scenario.chunk_bytes, tz=scenario.tz, job_id=job,
                                object_store_bytes=scenario.object_store_bytes, commit_rows=scenario.commit_rows,
                                sink=scenario.sink, parts_load=scenario.parts_load,
                                memory_budget_bytes=scenario.memory_budget_bytes,
                                results=os.path.join(run_dir, "ingest.json"))
        ingest = run_ingest([g.path for g in generated], options)
    scaling = (_scale_out(scenario, generated, run_dir, address)
               if scenario.scale_cpus or scenario.scale_nodes else None)
    peers = None
    if scenario.peers:
        peers = run_peers([g.path for g in generated])
    con = duckdb.connect(db)  # scoring writes temporary tables only
    try:
        accuracy = [dict(score_file(con, g.path, g.truth_path, job), file=g.path, layout=g.layout)
                    for g in generated]
        worker_errors = con.execute("SELECT count(*) FROM quarantine WHERE ingest_job = ? AND "
                                    "len(list_filter(reasons, lambda r: starts_with(r, 'worker_error'))) > 0",
                                    [job]).fetchone()[0]

        accounting = exact_accounting(con, {g.path: g.truth_path for g in generated})
        duplicates = None
        if scenario.duplicates:
            duplicates = score_dedupe(con, [(g.path, g.truth_path) for g in generated], ingest_jobs=[job])
    finally:
        con.close()
    metrics = collect_metrics(ingest, accuracy, worker_errors)
    if duplicates is not None:
        metrics.update(duplicate_precision=duplicates["overall"]["precision"],
                       duplicate_recall=duplicates["overall"]["recall"])
    metrics.update(accounting_exact=float(accounting["exact"]), rows_missing=accounting["missing"],
                   rows_duplicated=accounting["duplicated"] + accounting["duplicate_record_ids"])
    if fault_report is not None:  # wall time of every driver run, the crashed ones included
        metrics.update(wall_s=fault_report["wall_s_total"], fault_events=len(fault_report["events"]),
                       batches_retried=fault_report.get("retried_batches", 0),
                       fault_recover_s_max=fault_report["recover_s_max"],
                       fault_slowdown_ratio=fault_report["slowdown_ratio"])
    if peers:
        for name, key in (("polars_duckdb", "speed_ratio_vs_polars_duckdb"), ("duckdb_read_csv", "speed_ratio_vs_duckdb_read_csv")):
            metrics[key] = peers[name]["wall_s"] / ingest["wall_s"] if "error" not in peers[name] else None
        base_pss = peers["polars_duckdb"]["pss_bytes_peak"] if "error" not in peers["polars_duckdb"] else 0
        metrics["memory_ratio_vs_polars_duckdb"] = (metrics["pss_bytes_peak"] or 0) / base_pss if base_pss else None
    if scaling:
        metrics["scaling_efficiency_min"] = min(s["efficiency"] for s in scaling)
    targets = [{"metric": t.metric, "op": t.op, "limit": t.limit, "value": metrics.get(t.metric),
                "passed": t.check(metrics.get(t.metric))} for t in scenario.targets]
    outcome = {
        "schema_version": SCHEMA_VERSION, "raybench_version": __version__, "git_sha": _git_sha(),
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": _machine(),
        "scenario": {"name": scenario.name, "path": path, "source": scenario.source},
        "ingest": ingest, "accuracy": accuracy, "metrics": metrics, "targets": targets,
        "peers": peers, "scaling": scaling, "accounting": accounting, "faults": fault_report,
        "duplicates": duplicates,
        "passed": all(t["passed"] for t in targets),
    }

    outcome["readiness"] = assess([(scenario.name, metrics)])
    outcome["results_path"] = os.path.join(run_dir, "results.json")
    outcome["timeseries_path"] = write_timeseries(ingest.get("metrics") or {}, os.path.join(run_dir, "timeseries.parquet"))
    outcome["report_path"] = os.path.join(run_dir, "report.html")
    with open(outcome["results_path"], "w") as f:
        json.dump(outcome, f, indent=1, default=str)

    with open(outcome["report_path"], "w") as f:  # compared with the earlier runs of the scenario in out_dir
        f.write(render_run(outcome, earlier_runs(out_dir, scenario.name, exclude=outcome["results_path"])))
    return outcome


def _run_service_scenario(scenario: Scenario, path: str, generated: list, run_dir: str) -> dict:
    """A service scenario (:mod:`raybench.harness.service_load`): the outcome as :func:`run_scenario`
    writes it, ``service`` holding the load run (Locust's stats, the job table) and ``accounting`` the
    exact-accounting check over the files the users uploaded."""
    load = run_service_load([g.path for g in generated], run_dir, scenario.service)
    metrics = dict(load["metrics"])
    store = JobStore(os.path.join(load["service"]["db"] + ".service", "jobs.sqlite"))
    spooled = {u["sha256"]: u["path"] for u in store.con.execute("SELECT sha256, path FROM uploads").fetchall()}
    store.close()
    files = {}
    for g in generated:
        with open(g.path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        if sha in spooled:
            files[spooled[sha]] = g.truth_path
    con = duckdb.connect(load["service"]["db"], read_only=True)
    try:
        accounting = exact_accounting(con, files)
    finally:
        con.close()
    # no file uploaded is no evidence: the accounting is exact only over records that were sent
    metrics.update(accounting_exact=float(accounting["exact"] and accounting["rows_truth"] > 0),
                   rows_missing=accounting["missing"],
                   rows_duplicated=accounting["duplicated"] + accounting["duplicate_record_ids"])
    targets = [{"metric": t.metric, "op": t.op, "limit": t.limit, "value": metrics.get(t.metric),
                "passed": t.check(metrics.get(t.metric))} for t in scenario.targets]
    outcome = {
        "schema_version": SCHEMA_VERSION, "raybench_version": __version__, "git_sha": _git_sha(),
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": _machine(),
        "scenario": {"name": scenario.name, "path": path, "source": scenario.source},
        "ingest": {"job": f"service ({metrics['jobs_submitted']} jobs)", "db": load["service"]["db"], "files": [],
                   "metrics": {}, "phases_s": {}}, "accuracy": [], "metrics": metrics,
        "targets": targets, "service": load, "accounting": accounting,
        "passed": all(t["passed"] for t in targets),
    }
    outcome["readiness"] = assess([(scenario.name, metrics)])
    outcome["results_path"] = os.path.join(run_dir, "results.json")
    outcome["report_path"] = os.path.join(run_dir, "report.html")
    with open(outcome["results_path"], "w") as f:
        json.dump(outcome, f, indent=1, default=str)

    with open(outcome["report_path"], "w") as f:
        f.write(render_run(outcome))
    return outcome


def run_suite(paths: list[str], *, address: str | None = None, out_dir: str = "results",
              cache_dir: str | None = None) -> dict:
    """Run several scenarios one after the other; write ``benchmark_results.json`` and ``report.html``
    over all of them in ``<out_dir>/suite-<UTC time>/``.

    Returns:
        ``{"schema_version", "raybench_version", "git_sha", "machine", "runs": [outcome...], "passed",
        "results_path", "report_path"}``.
    """
    suite_dir = os.path.join(out_dir, "suite-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    os.makedirs(suite_dir, exist_ok=True)
    runs = []
    for path in paths:
        outcome = run_scenario(path, address=address, out_dir=suite_dir, cache_dir=cache_dir)
        outcome["report_path_rel"] = os.path.relpath(outcome["report_path"], suite_dir)
        runs.append(outcome)
    suite = {"schema_version": SCHEMA_VERSION, "raybench_version": __version__, "git_sha": _git_sha(),
             "machine": _machine(), "runs": runs, "passed": all(r["passed"] for r in runs),
             "results_path": os.path.join(suite_dir, "benchmark_results.json"),
             "report_path": os.path.join(suite_dir, "report.html")}
    with open(suite["results_path"], "w") as f:
        json.dump(suite, f, indent=1, default=str)
    with open(suite["report_path"], "w") as f:
        f.write(render_suite(runs))
    return suite


def _scale_out(scenario: Scenario, generated: list, run_dir: str, address: str | None) -> list[dict]:
    """The same ingest at each CPU count in ``scenario.scale_cpus`` (an embedded Ray each, in a fresh
    subprocess: Ray cannot be restarted with other CPUs in one process), and on a local cluster of each
    node count in ``scenario.scale_nodes`` (``ray start`` nodes of ``scenario.num_cpus`` or 1 CPU).

    Returns:
        Per run: ``mode`` (``cpus`` or ``nodes``), ``nodes``, ``cpus``, ``workers``, ``wall_s``,
        ``rows_per_s``, ``efficiency`` (rows/s per CPU relative to the smallest run of the same mode;
        1.0 is linear scaling).

    Raises:
        ConfigError: ``scale_cpus`` with ``--address`` (it needs embedded Ray).
        RuntimeError: a run failed.
    """
    if address and scenario.scale_cpus:
        raise ConfigError("scale_cpus runs embedded Ray at each CPU count; run it without --address")
    paths = [g.path for g in generated]
    out = []
    for cpus in sorted(scenario.scale_cpus):
        workers = max(1, cpus - 1) if cpus > 1 else 1
        r = _scale_run(paths, run_dir, f"{cpus}cpu", scenario,
                       ["--num-cpus", str(cpus), "--workers", str(workers)])
        out.append({"mode": "cpus", "nodes": 1, "cpus": cpus, "workers": workers, **r})
    per_node = scenario.num_cpus or 1
    for nodes in sorted(scenario.scale_nodes):
        with local_cluster(nodes=nodes, cpus_per_node=per_node, object_store_bytes=scenario.object_store_bytes) as c:
            r = _scale_run(paths, run_dir, f"{nodes}node", scenario, ["--address", c.address])
        out.append({"mode": "nodes", "nodes": nodes, "cpus": nodes * per_node,
                    "workers": max(1, nodes * per_node - 1), **r})
    for mode in ("cpus", "nodes"):
        runs = [s for s in out if s["mode"] == mode]
        for s in runs:
            s["efficiency"] = (s["rows_per_s"] / runs[0]["rows_per_s"]) / (s["cpus"] / runs[0]["cpus"])
    return out


def _scale_run(paths: list[str], run_dir: str, tag: str, scenario: Scenario, extra: list[str]) -> dict:
    results = os.path.join(run_dir, f"scale-{tag}.json")
    cmd = [sys.executable, "-m", "raybench", "ingest", *paths, "--db", os.path.join(run_dir, f"scale-{tag}.duckdb"),
           "--chunk-size", str(scenario.chunk_bytes), "--results", results, "--no-progress",
           *sink_flags(scenario), *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, RAY_AUTH_MODE=os.environ.get(
        "RAY_AUTH_MODE", "disabled")))
    if done.returncode != 0:
        raise RuntimeError(f"scale-out run {tag} failed: {done.stderr[-500:]}")
    with open(results) as f:
        r = json.load(f)
    return {"wall_s": r["wall_s"], "rows_per_s": r["rows_per_s"]}


def write_timeseries(metrics: dict, path: str) -> str | None:
    """Write the coordinator's samples (one row per tick: ``t_s``, ``pss_bytes``, ``rss_bytes``,
    ``cpu_pct``, ``actors_busy``, ``batches_in_flight``, ``rows_done``, I/O rates...) as Parquet.

    Returns:
        The path, or None when there were no samples.
    """
    ticks = metrics.get("timeseries") or []
    if not ticks:
        return None
    rows = [{k: v for k, v in t.items() if k != "worker_pss_bytes"} for t in ticks]
    pl.DataFrame(rows).write_parquet(path)
    return path
