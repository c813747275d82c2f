"""The ``raybench`` command line: thin click commands over plain functions.

A :class:`raybench.errors.RaybenchError` is printed on one line and exits with status 2 (a missed
scenario target exits with status 1); anything else is a bug and shows its traceback.

Each command imports what it runs inside its own function: ``raybench --help`` and a command that needs
no Ray must not pay for importing Ray, polars, DuckDB and the models (0.06 s against seconds).
"""

from __future__ import annotations

import os
import sys

import click

from raybench.errors import ConfigError, RaybenchError, TargetMissedError


INTERRUPTED_EXIT = 130
"""Exit status after Ctrl-C (128 + SIGINT), as a shell reports it."""

INDEPENDENT_GROUPS = ("independent", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6",
                      "holdout7")
"""``raybench evaluate --group`` choices: ``independent`` is the set's 26 files (``write_set`` group ``main``),
the others its held-out groups (:data:`raybench.harness.independent.writer.GROUPS`)."""


def independent_group(group: str | None, aliases: dict[str, bool]) -> str | None:
    """The group ``raybench evaluate`` scores, from ``--group`` and the older ``--holdoutN`` flags.

    Args:
        group: ``--group`` (one of :data:`INDEPENDENT_GROUPS`) or None.
        aliases: flag name (``holdout`` ... ``holdout6``) -> whether it was given.

    Returns:
        The group name, or None when neither ``--group`` nor an alias was given.

    Raises:
        click.UsageError: two different groups asked for (``--group holdout2 --holdout5``, or two flags).
    """
    asked = {name for name, on in aliases.items() if on} | ({group} if group else set())
    if len(asked) > 1:
        raise click.UsageError(f"one group at a time, got {', '.join(sorted(asked))}")
    return next(iter(asked), None)


def _fail(exc: RaybenchError, code: int | None = None) -> None:
    """Print ``exc`` as one line and exit: ``code``, else 1 for a missed target, 130 for an interrupted
    ingest, 2 for anything else."""
    from raybench.errors import IngestInterrupted

    if isinstance(exc, IngestInterrupted):
        click.echo(f"raybench: {exc}", err=True)
        sys.exit(INTERRUPTED_EXIT)
    click.echo(f"raybench: error: {exc}", err=True)
    sys.exit(code if code is not None else 1 if isinstance(exc, TargetMissedError) else 2)


def _interrupted() -> None:
    """Ctrl-C outside an ingest job's own handling (before it started, between scenarios): one line, 130."""
    click.echo("raybench: interrupted", err=True)
    sys.exit(INTERRUPTED_EXIT)


def _size(text: str) -> int:
    from raybench.units import parse_bytes

    return parse_bytes(text)


def _ray_logs_option(command):
    """``--ray-logs`` (alias ``--verbose``): show Ray's own log lines (see :mod:`raybench.ray_logs`)."""
    def show(ctx, param, value):
        from raybench.ray_logs import configure_ray_logs

        configure_ray_logs(show=value or None)
        return value

    return click.option("--ray-logs", "--verbose", "ray_logs", is_flag=True, expose_value=False,
                        callback=show, is_eager=True,
                        help="Show Ray's own log lines (C++ core, Ray Data, workers' output); off by default.")(command)


@click.group()
@click.version_option(package_name="raybench")
def main() -> None:
    """raybench: CDR and carrier billing ingestion on Ray, with a stress and scale harness."""
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--db", required=True, help="DuckDB database file to write.")
@click.option("--address", default=None, help="Ray cluster address; default: embedded local Ray.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Actors in the pool (default: CPUs - 1 with the duckdb sink, every CPU with parquet; never more "
                   "than the chunks, and within --memory-budget).")
@click.option("--num-cpus", type=click.IntRange(min=1), default=None, help="CPUs of the embedded Ray (default: all).")
@click.option("--worker-cpus", type=float, default=1.0, show_default=True,
              help="CPUs each pool actor reserves; below 1 lets small jobs share a CPU.")
@click.option("--chunk-size", default="4MiB", show_default=True, help="Bytes per batch, e.g. 4MiB.")
@click.option("--tz", default=None, help="IANA zone for layouts written in local time.")
@click.option("--results", default=None, help="Results JSON path (default results/ingest-<job>.json).")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option("--resume", is_flag=False, flag_value="latest", default=None, metavar="[JOB]",
              help="Resume an unfinished job (default: the latest) from what it committed; PATHS may be left out.")
@click.option("--commit-rows", default="250000", show_default=True, help="Rows per commit (checkpoint).")
@click.option("--batch-timeout", "batch_timeout_s", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds to wait for the next batch before the job fails.")
@click.option("--fault", "faults", multiple=True, metavar="KEY=VALUE",
              help="Inject a fault (repeat), e.g. kill_actor_every_s=5; see raybench.faults.plan.")
@click.option("--object-store", default=None, help="Object store of the embedded Ray, e.g. 256MiB.")
@click.option("--sample-interval", "sample_interval_s", type=float, default=0.5, show_default=True,
              help="Seconds between samples of every Ray process (CPU, RSS, PSS).")
@click.option("--memory-budget", default="2GiB", show_default=True,
              help="PSS the whole job may take (driver, workers, object store); sizes the pool with the CPUs; 'none': no budget.")
@click.option("--sink", type=click.Choice(["auto", "duckdb", "parquet"]), default="auto", show_default=True,
              help="duckdb: workers return rows, the driver writes them; parquet: workers write Parquet parts, "
                   "the driver commits them per chunk and loads them into the database at the end; auto: "
                   "parquet for inputs of 32 MiB or more (with --address only when --parts is given), else duckdb.")
@click.option("--parts", "parts_path", default=None, metavar="PATH|URI",
              help="Where the parquet sink's workers write (shared by every node; s3://... through pyarrow); "
                   "default DB.parts.")
@click.option("--parts-load", type=click.Choice(["commit", "end"]), default="end", show_default=True,
              help="When the parquet sink's committed parts are loaded into the database: after each commit "
                   "(while the workers work) or after the last batch.")
@click.option("--job-id", default=None, hidden=True, help="Job id (the harness names its jobs).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (files, totals, metrics) instead.")
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None,
              help="Serve Prometheus metrics at http://HOST:PORT/metrics while the ingest runs (docs/monitoring.md).")
@_ray_logs_option
def ingest(paths, db, address, workers, num_cpus, worker_cpus, chunk_size, tz, results, no_progress, resume, commit_rows,
           batch_timeout_s, faults, object_store, sample_interval_s, memory_budget, sink, parts_path, parts_load, job_id,
           as_json,
           metrics_port) -> None:
    """Ingest CDR files (or folders of them) into a DuckDB database."""
    from raybench.faults.plan import parse_fault_pairs
    from raybench.pipeline.job import IngestOptions, require_inputs, run_ingest
    from raybench.report import ingest_json, print_ingest_summary
    from raybench.units import parse_count

    try:
        if not paths and not resume:
            raise ConfigError("give the files or folders to ingest, or --resume to carry on an unfinished job")
        if paths:
            require_inputs(list(paths))
        options = IngestOptions(db=db, address=address, workers=workers, num_cpus=num_cpus, worker_cpus=worker_cpus,
                                chunk_bytes=_size(chunk_size), tz=tz, results=results,
                                progress=not no_progress, resume=resume, commit_rows=parse_count(commit_rows),
                                batch_timeout_s=batch_timeout_s, faults=parse_fault_pairs(faults),
                                object_store_bytes=_size(object_store) if object_store else None, job_id=job_id,
                                sample_interval_s=sample_interval_s, sink=sink, parts_path=parts_path,
                                parts_load=parts_load,
                                memory_budget_bytes=None if memory_budget.lower() in ("none", "0") else _size(memory_budget))
        if metrics_port:
            from raybench.monitor.metrics import serve_metrics

            try:
                serve_metrics(metrics_port)
            except OSError as exc:
                raise ConfigError(f"--metrics-port {metrics_port}: cannot listen there ({exc.strerror or exc})") from None
        out = run_ingest(list(paths), options)
    except RaybenchError as exc:
        _fail(exc)
        return
    except KeyboardInterrupt:
        _interrupted()
        return
    if as_json:
        import json

        click.echo(json.dumps(ingest_json(out), indent=1, default=str))
    else:
        print_ingest_summary(out)
        click.echo(f"results: {out['results_path']}")  # whole, for copying
    failed = [r for r in out["files"] if r["status"] in ("failed", "suspect")]
    if failed:  # the other files are stored; the exit status still tells a script (or a Ray job) so
        from raybench.errors import IngestError

        first = f"{failed[0]['path']}: {failed[0].get('error')}" if failed[0]["status"] == "suspect" else (
            failed[0].get("error") or failed[0]["path"])
        n_failed = sum(1 for r in failed if r["status"] == "failed")
        n_suspect = len(failed) - n_failed
        what = " and ".join(w for w in (f"{n_failed} of {len(out['files'])} file(s) failed" if n_failed else "",
                                        f"{n_suspect} of {len(out['files'])} suspect" if n_suspect else "") if w)
        _fail(IngestError(f"{what}; first: {first}"), 1)


@main.command()
@click.option("--out", "out_dir", required=True, help="Folder to write the files into.")
@click.option("--layout", "layouts", multiple=True, help="Layout id (repeat); default: every generated layout.")
@click.option("--rows", default="1000", show_default=True, help="Rows per file, e.g. 1000, 1M.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv", show_default=True,
              help="csv: each layout's own text (fixed-width for switch_fixed_detail); xlsx: a workbook; "
                   "pdf: an AT&T call-detail bill of --pages pages (--layout att_wireless_bill or "
                   "tmobile_bill: a bill as the carrier prints it).")
@click.option("--pages", type=click.IntRange(min=1), default=25, show_default=True, help="Pages of a PDF bill.")
@click.option("--defect-rate", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True,
              help="Share of records given a defect a reader must quarantine.")
def generate(out_dir, layouts, rows, seed, fmt, pages, defect_rate) -> None:
    """Write seeded synthetic productions with a ground-truth Parquet beside each file."""
    from raybench.catalog import GENERATED_LAYOUTS
    from raybench.generate.production import generate_file
    from raybench.units import parse_count

    try:
        if fmt == "pdf" and layouts and layouts[0] in ("att_wireless_bill", "tmobile_bill"):
            from raybench.generate.carrier_bill import generate_carrier_bill

            made = generate_carrier_bill(out_dir, layout=layouts[0], pages=pages, seed=seed)
            click.echo(f"{made.path}  {pages} pages  {made.rows} rows  truth: {made.truth_path}")
            return
        if fmt == "pdf":
            from raybench.generate.pdf_bill import generate_pdf_bill

            made = generate_pdf_bill(out_dir, pages=pages, seed=seed, defect_rate=defect_rate)
            click.echo(f"{made.path}  {pages} pages  {made.rows} rows  truth: {made.truth_path}")
            return
        n = parse_count(rows)
        for layout_id in layouts or GENERATED_LAYOUTS:
            made = generate_file(layout_id, out_dir, rows=n, seed=seed, defect_rate=defect_rate, fmt=fmt)
            click.echo(f"{made.path}  {made.rows} rows  truth: {made.truth_path}")
    except RaybenchError as exc:
        _fail(exc)


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--address", default=None, help="Ray cluster address; default: embedded or the job's.")
@click.option("--out", "out_dir", default="results", show_default=True, help="Results folder.")
@click.option("--cache", "cache_dir", default=None, help="Generated-data cache (default ~/.cache/raybench).")
@_ray_logs_option
def run(scenarios, address, out_dir, cache_dir) -> None:
    """Run harness scenarios: generate (cached), ingest, measure, check targets.

    One scenario writes results/<name>-<job>/ (results.json, timeseries.parquet, report.html); several
    run as a suite and also write results/suite-<time>/benchmark_results.json and report.html.
    """
    from raybench.harness.run import run_scenario, run_suite
    from raybench.report import print_scenario_summary

    try:
        if len(scenarios) == 1:
            outcomes = [run_scenario(scenarios[0], address=address, out_dir=out_dir, cache_dir=cache_dir)]
        else:
            suite = run_suite(list(scenarios), address=address, out_dir=out_dir, cache_dir=cache_dir)
            outcomes = suite["runs"]
    except RaybenchError as exc:
        _fail(exc)
        return
    except KeyboardInterrupt:
        _interrupted()
        return
    for outcome in outcomes:
        print_scenario_summary(outcome)
    if len(outcomes) > 1:
        click.echo(f"suite: {suite['results_path']}  report: {suite['report_path']}")
    missed = [o["scenario"]["name"] for o in outcomes if not o["passed"]]
    if missed:
        _fail(TargetMissedError(f"scenario(s) {', '.join(missed)} missed targets"))


@main.group()
def scenarios() -> None:
    """Harness scenarios."""


@scenarios.command("list")
@click.option("--dir", "folder", default="scenarios", show_default=True)
def scenarios_list(folder) -> None:
    """List the scenarios in a folder with their size and targets."""
    import glob

    from raybench.harness.scenario import load_scenario
    from raybench.report import print_scenarios

    try:
        found = [load_scenario(p) for p in sorted(glob.glob(os.path.join(folder, "*.yaml")))]
    except RaybenchError as exc:
        _fail(exc)
        return
    print_scenarios(found)


@main.command()
@click.argument("results")
def report(results) -> None:
    """Render the HTML report of a scenario results.json again (written beside it as report.html)."""
    import json

    from raybench.harness.history import earlier_runs
    from raybench.harness.report_html import render_run

    with open(results) as f:
        outcome = json.load(f)
    path = os.path.join(os.path.dirname(results), "report.html")
    # the earlier runs beside this one's folder (the results folder), older than it
    prior = [r for r in earlier_runs(os.path.dirname(os.path.dirname(os.path.abspath(results))),
                                     outcome["scenario"]["name"], exclude=results)
             if r["created_utc"] < (outcome.get("created_utc") or "~")]
    with open(path, "w") as f:
        f.write(render_run(outcome, prior))
    click.echo(path)

@main.command()
@click.argument("base")
@click.argument("new")
@click.option("--max-regression", default="10%", show_default=True,
              help="Largest allowed move the wrong way, as a percentage or fraction of the base.")
def compare(base, new, max_regression) -> None:
    """Compare two results files; exit 1 when a metric regressed beyond --max-regression."""
    from raybench.harness.compare import compare as compare_metrics, load_metrics, parse_fraction
    from raybench.report import print_comparison

    try:
        limit = parse_fraction(max_regression)
        base_runs, new_runs = load_metrics(base), load_metrics(new)
    except RaybenchError as exc:
        _fail(exc)
        return
    regressed = False
    common = sorted(set(base_runs) & set(new_runs))
    if not common:
        _fail(RaybenchError(f"{base} and {new} share no scenario"))
    for name in common:
        changes = compare_metrics(base_runs[name], new_runs[name], limit)
        print_comparison(name, changes, limit)
        regressed = regressed or any(c.regressed for c in changes)
    if regressed:
        _fail(TargetMissedError(f"regression beyond {max_regression}"))


@main.command()
@click.argument("results", nargs=-1, required=True)
def readiness(results) -> None:
    """Check the production-readiness criteria against results files (or folders of them, e.g.
    results/); exit 0 only when all are met."""
    from raybench.harness.compare import load_metrics
    from raybench.harness.readiness import assess, results_files
    from raybench.report import print_readiness

    try:
        files = results_files(list(results))
        runs = [(name, m) for path in files for name, m in load_metrics(path).items()]
    except RaybenchError as exc:
        _fail(exc)
        return
    verdicts = assess(runs)
    print_readiness(verdicts, title=f"production readiness ({len(files)} results files, {len(runs)} runs)")
    if not all(v["met"] for v in verdicts):
        unmet = [v for v in verdicts if not v["met"]]
        lacking = sum(v["value"] is None for v in unmet)
        _fail(TargetMissedError(f"not ready: {len(unmet)} of {len(verdicts)} criteria not met"
                                + (f" ({lacking} without evidence)" if lacking else "")))


@main.command()
@click.argument("path")
@click.option("--concurrent", type=click.IntRange(min=1), default=10, show_default=True, help="Jobs in flight at once.")
@click.option("--total", type=click.IntRange(min=1), default=20, show_default=True, help="Jobs to submit in all.")
@click.option("--address", default=None, help="Ray dashboard address; default: start a local cluster.")
@click.option("--num-cpus", type=click.IntRange(min=1), default=None, help="CPUs of the local cluster.")
@click.option("--worker-cpus", type=click.FloatRange(min=0.01, max=1024), default=0.25, show_default=True,
              help="CPUs each job's actor reserves: at 1, a 2-CPU cluster runs two jobs' actors at a time and "
                   "the rest wait to be scheduled.")
@click.option("--sample-interval", "sample_interval_s", type=click.FloatRange(min=0.1, max=60), default=5.0,
              show_default=True, help="Seconds between each job's samples of the cluster's processes: every job "
                                      "samples them all, so at 0.5 s ten jobs take a small machine's CPU.")
@click.option("--out", "out_dir", default="results", show_default=True)
def jobs(path, concurrent, total, address, num_cpus, worker_cpus, sample_interval_s, out_dir) -> None:
    """Ingest PATH as many concurrent Ray jobs on one cluster; report jobs/min and concurrent successes."""
    import json
    import math
    import signal
    import time as _time
    from contextlib import nullcontext

    from raybench.harness.cluster import local_cluster
    from raybench.harness.jobs import run_jobs

    for name, value in (("--worker-cpus", worker_cpus), ("--sample-interval", sample_interval_s)):
        if not math.isfinite(value):
            _fail(ConfigError(f"{name} must be a finite number, got {value}"))
            return
    if not address and not os.path.isfile(path):  # on a cluster of its own, the jobs read it from here
        _fail(ConfigError(f"{path}: no such file"))
        return

    def _interrupt(signum, frame):  # a SIGTERM (timeout, kill) ends the run the way Ctrl-C does:
        raise KeyboardInterrupt    # the local cluster is stopped on the way out

    previous = signal.signal(signal.SIGTERM, _interrupt)

    run_dir = os.path.join(out_dir, "jobs-" + _time.strftime("%Y%m%dT%H%M%SZ", _time.gmtime()))
    try:
        with nullcontext() if address else local_cluster(cpus_per_node=num_cpus, dashboard=True) as cluster:
            result = run_jobs(os.path.abspath(path), concurrent=concurrent, total=total, out_dir=run_dir,
                              address=address or cluster.dashboard_url, worker_cpus=worker_cpus,
                              sample_interval_s=sample_interval_s)
    except RaybenchError as exc:
        _fail(exc)
        return
    except KeyboardInterrupt:  # the local cluster is stopped by now
        _interrupted()
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    doc = {"scenario": {"name": f"jobs_{concurrent}x{total}", "worker_cpus": worker_cpus,
                        "sample_interval_s": sample_interval_s}, "metrics": {
        k: result[k] for k in ("concurrent_jobs_succeeded", "jobs_per_min", "succeeded", "total", "wall_s")},
        "jobs": result}
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    click.echo(f"{result['succeeded']}/{total} jobs succeeded ({concurrent} at a time) in {result['wall_s']:.1f} s: "
               f"{result['jobs_per_min']:.1f} jobs/min; first wave: {result['concurrent_jobs_succeeded']}/"
               f"{min(concurrent, total)} succeeded at once. results: {os.path.join(run_dir, 'results.json')}")
    if result["succeeded"] < total:
        _fail(TargetMissedError(f"{total - result['succeeded']} job(s) did not succeed: {result['failed']}"))


@main.command()
@click.option("--dedupe", is_flag=True, help="Score duplicate detection.")
@click.option("--classifiers", is_flag=True,
              help="Score the ONNX classifiers on a held-out corpus and the real samples (the default).")
@click.option("--per-layout", type=click.IntRange(min=1), default=100, show_default=True,
              help="--classifiers: held-out files per generated layout.")
@click.option("--real", "real_dir", default=None, help="--classifiers: folder of real samples (default ../shared/cases/real).")
@click.option("--rows", default="1M", show_default=True, help="Base rows in all, split over five layouts.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--independent", is_flag=True,
              help="Ingest the independent carrier-like set (raybench.harness.independent) and give each file a "
                   "verdict: right / suspect / quarantined / failed / silently wrong.")
@click.option("--group", "group_name", type=click.Choice(INDEPENDENT_GROUPS), default=None,
              help="--independent: which group of the set (implies --independent): independent (the 26 files), "
                   "holdout ... holdout7 (the held-out groups, raybench.harness.independent.holdout*, written in "
                   "styles the earlier groups do not use; never to tune on). --holdout ... --holdout6 are "
                   "aliases.")
@click.option("--holdout", is_flag=True, hidden=True, help="Alias of --group holdout.")
@click.option("--holdout2", is_flag=True, hidden=True, help="Alias of --group holdout2.")
@click.option("--holdout3", is_flag=True, hidden=True, help="Alias of --group holdout3.")
@click.option("--holdout4", is_flag=True, hidden=True, help="Alias of --group holdout4.")
@click.option("--holdout5", is_flag=True, hidden=True, help="Alias of --group holdout5.")
@click.option("--holdout6", is_flag=True, hidden=True, help="Alias of --group holdout6.")
@click.option("--out", "out_dir", default=None,
              help="Working folder (default results/dedupe-eval, or results/independent-eval for the "
                   "independent group, results/independent-GROUP for a held-out group).")
@click.option("--workers", type=int, default=None, help="Actors in the pool (default: CPUs - 1).")
@click.option("--splink", is_flag=True, help="Also run Splink (optional extra raybench[splink]) on the same rows.")
@click.option("--bills", "bills_dir", default=None,
              help="Score the PDF readers on the bills in this folder (NAME.pdf with its expected rows in "
                   "NAME.pdf.json, e.g. tests/cases/pdf): rows right, missed, silently wrong.")
@_ray_logs_option
def evaluate(dedupe, classifiers, per_layout, real_dir, rows, seed, independent, group_name, holdout, holdout2,
             holdout3, holdout4, holdout5, holdout6, out_dir, workers, splink, bills_dir) -> None:
    """Score the classifiers (default), or with --dedupe duplicate detection (precision/recall/F1), with
    --independent the reading of exports that raybench did not write, or with --bills the PDF bill readers."""
    import json

    group_name = independent_group(group_name, {"holdout": holdout, "holdout2": holdout2, "holdout3": holdout3,
                                                "holdout4": holdout4, "holdout5": holdout5, "holdout6": holdout6})
    independent = independent or group_name is not None
    if bills_dir:
        _evaluate_bills(bills_dir)
        if not (dedupe or classifiers or independent):
            return
    if independent:
        from raybench.harness.independent import evaluate_independent, format_table

        group = "main" if group_name in (None, "independent") else group_name
        try:
            result = evaluate_independent(out_dir or ("results/independent-eval" if group == "main"
                                                      else f"results/independent-{group}"), seed=seed,
                                          workers=workers or 1, group=group)
        except RaybenchError as exc:
            _fail(exc)
            return
        click.echo(format_table(result))
        click.echo(f"results: {result['results_path']}")
        return
    out_dir = out_dir or "results/dedupe-eval"
    from raybench.harness.dedupe_bench import evaluate_dedupe, print_dedupe_evaluation
    from raybench.units import parse_count

    if classifiers or not dedupe:
        _evaluate_classifiers(per_layout, real_dir)
        if not dedupe:
            return
    if splink:
        from raybench.dedupe.splink_compare import INSTALL_HINT, splink_available

        if not splink_available():
            click.echo(INSTALL_HINT, err=True)
            sys.exit(2)
    try:
        result = evaluate_dedupe(parse_count(rows), out_dir, seed=seed, workers=workers, progress=True,
                                 splink=splink)
    except RaybenchError as exc:
        _fail(exc)
        return
    print_dedupe_evaluation(result)
    with open(os.path.join(out_dir, "dedupe-eval.json"), "w") as f:
        json.dump(result, f, indent=1, default=str)
    click.echo(f"results: {os.path.join(out_dir, 'dedupe-eval.json')}")


def _evaluate_bills(folder: str) -> None:
    import json

    from raybench.harness.bill_eval import evaluate_bills, format_bills

    result = evaluate_bills(folder)
    click.echo(format_bills(result))
    os.makedirs("results", exist_ok=True)
    with open(os.path.join("results", "bills-eval.json"), "w") as f:
        json.dump(result, f, indent=1)
    click.echo("results: results/bills-eval.json")


def _evaluate_classifiers(per_layout: int, real_dir: str | None) -> None:
    import json

    from raybench.harness.classify_eval import evaluate_models, format_table

    try:
        result = evaluate_models(per_layout=per_layout, real_dir=real_dir, log=lambda m: click.echo(m, err=True))
    except RaybenchError as exc:
        _fail(exc)
        return
    click.echo(format_table(result))
    os.makedirs("results", exist_ok=True)
    with open(os.path.join("results", "classifiers-eval.json"), "w") as f:
        json.dump(result, f, indent=1)
    click.echo("results: results/classifiers-eval.json")


@main.command()
@click.option("--out", "out_dir", default=None, help="Folder for the .onnx files and model card "
              "(default: the package's raybench/classify/onnx).")
@click.option("--per-layout", type=click.IntRange(min=10), default=240, show_default=True,
              help="Training files per generated layout.")
@click.option("--others", type=click.IntRange(min=10), default=400, show_default=True,
              help="Training files that are none of the layouts.")
def train(out_dir, per_layout, others) -> None:
    """Train the classifiers (scikit-learn), export them to ONNX, calibrate and evaluate; seeded."""
    from raybench.classify.train import MODEL_DIR, TrainConfig, train as train_models
    from raybench.harness.classify_eval import evaluate_models, format_table

    try:
        card = train_models(out_dir or MODEL_DIR, TrainConfig(per_layout=per_layout, others=others),
                            evaluate=lambda model_dir, log: evaluate_models(model_dir=model_dir, log=log),
                            log=lambda m: click.echo(m, err=True))
    except RaybenchError as exc:
        _fail(exc)
        return

    click.echo(format_table(card["evaluation"]))


def _classify_one(path: str, templates, classifiers):
    from raybench.catalog import BUILTIN
    from raybench.classify.models import FileClassification
    from raybench.classify.resolve import resolve
    from raybench.errors import InputFileError

    try:
        return resolve(path, BUILTIN, templates=templates, classifiers=classifiers)[0]
    except InputFileError as exc:
        return FileClassification("unknown", "unknown", 0.0, (), method="unknown", reason=exc.reason)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, in a list.")
@click.option("--templates", "templates_dir", default=None,
              help="Templates folder (default $RAYBENCH_TEMPLATES or ./templates).")
@click.option("--tz", default=None, help="IANA zone for layouts written in local time (as ingest's --tz).")
def classify(paths, as_json, templates_dir, tz) -> None:
    """Per file: layout, carrier, confidence, top-3, column mapping (templates, rules, then models), the
    zone with how it was decided, and the value formats chosen for its columns."""
    import json

    from raybench.classify.models import Classifiers
    from raybench.classify.templates import load_templates
    from raybench.pipeline.planner import describe_file, require_inputs

    try:
        templates = load_templates(templates_dir)
        clf = Classifiers(threads=1)
        out = []
        for path in require_inputs(list(paths)):
            result = _classify_one(path, templates, clf)
            entry = {"path": path, **result.to_json()}
            if not result.abstained:  # the zone and the value formats, decided as ingest would
                facts = describe_file(path, tz)
                entry.update(tz=facts["tz"], tz_source=facts["tz_source"], value_formats=facts["value_formats"])
            out.append(entry)
    except RaybenchError as exc:
        _fail(exc)
        return
    methods = [r["method"] for r in out]
    by_template = methods.count("template")
    click.echo(f"{len(out)} files: {by_template} by template, {methods.count('header') + methods.count('probe')} by "
               f"header rules, {methods.count('model') + methods.count('ruled')} by the models, {methods.count('values')} by "
               f"their columns' names and values, {methods.count('unknown')} unknown; template "
               f"match rate {by_template / max(1, len(out)):.2f}", err=True)
    if as_json:
        click.echo(json.dumps(out, indent=1))
        return
    from raybench.report import classify_line

    for r in out:
        click.echo(classify_line(r))
        if r.get("tz"):
            click.echo(f"    zone: {r['tz']} ({r['tz_source']})")
        for name, f in (r.get("value_formats") or {}).items():
            fmt = " or ".join(f["format"]) if isinstance(f["format"], list) else f["format"]
            click.echo(f"    {name} format: {fmt} in column {f['column']!r}, by the {f['source']}; reads "
                       f"{max(f['read'].values())} of {f['values']} sampled values")
        for c in r["columns"]:
            if c["field"] != "ignore":
                click.echo(f"    {c['name']!r:<32} -> {c['field']} ({c['confidence']:.2f})")


@main.group()
def template() -> None:
    """Templates for the exports you see every week (YAML; they take precedence over the models)."""


@template.command("create")
@click.argument("path")
@click.option("--name", default=None, help="Template name (default: the file's name).")
@click.option("--out", "out_path", default=None, help="Write the YAML here (default: print it).")
def template_create(path, name, out_path) -> None:
    """Propose a template for FILE from the models' (or the rules') column mapping, to edit."""
    import yaml

    from raybench.classify.models import Classifiers
    from raybench.classify.sample import decode_sample, sample_text
    from raybench.classify.templates import propose_template
    from raybench.errors import ConfigError

    try:
        result = _classify_one(path, (), Classifiers(threads=1))
        if result.abstained:
            raise ConfigError(f"{path}: no layout to propose from ({result.reason}); top-3: "
                              + ", ".join(f"{k} {p:.2f}" for k, p in result.top3))
        with open(path, "rb") as f:
            sample = sample_text(decode_sample(f.read(1 << 16)))
        name = name or os.path.splitext(os.path.basename(path))[0]
        proposal = propose_template(sample, result.layout, [(c.name, c.field) for c in result.columns], name)
    except RaybenchError as exc:
        _fail(exc)
        return
    text = yaml.safe_dump(proposal, sort_keys=False, allow_unicode=True, width=120)
    if out_path:
        with open(out_path, "w") as f:
            f.write(text)
        click.echo(f"wrote {out_path}")
    else:
        click.echo(text, nl=False)


# raybench query (issue 17): the named queries of raybench.query.calls, read-only, from a snapshot while a
# writer holds the database. Kept in one block: the command is a thin shell over run_query.
_LISTING_LIMIT = 1000
"""Rows a listing query prints unless --limit says otherwise (0: all)."""


def _query_value(v):
    import datetime as _dt

    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            return v.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f").removesuffix(".000000") + "Z"
        return v.isoformat()
    return v


@main.command("query")
@click.argument("name")
@click.option("--db", default=None, help="DuckDB database (its snapshot is read while an ingest writes it).")
@click.option("--server", default=None, help="Ask a running service instead (URL; it reads its own database).")
@click.option("--token", default=None, envvar="RAYBENCH_TOKEN", help="--server: bearer token (default $RAYBENCH_TOKEN).")
@click.option("--number", default=None, help="Phone number, E.164 or as written (national digits, separators).")
@click.option("--other", default=None, help="shared-contacts: the second number.")
@click.option("--cell", default=None, help="cell: the cell id as the carrier writes it.")
@click.option("--carrier", default=None, help="cell: only this carrier's cell.")
@click.option("--from", "start", default=None, help="Window start, ISO 8601 (UTC unless it says); timeline: the day.")
@click.option("--to", "end", default=None, help="Window end, exclusive.")
@click.option("--tz", default=None, help="timeline: IANA zone the day is counted in (default UTC).")
@click.option("--region", default=None, help="Numbering plan for numbers without a country code (default US).")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help=f"Rows at most (0: all); listings default to {_LISTING_LIMIT}, top-contacts to 10.")
@click.option("--with-duplicates", is_flag=True, help="calls, timeline, cell: also the copies of calls.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of rows (times ISO 8601 UTC).")
def query(name, db, server, token, number, other, cell, carrier, start, end, tz, region, limit, with_duplicates,
          as_json) -> None:
    """Ask a stored database a named question: calls, top-contacts, shared-contacts, timeline, cell, counts.

    \b
    raybench query calls --db cdr.duckdb --number '(212) 555-0101' --from 2024-03-01 --to 2024-04-01
    raybench query top-contacts --db cdr.duckdb --number +12125550101 --limit 20
    raybench query shared-contacts --db cdr.duckdb --number 2125550101 --other 3055550102
    raybench query timeline --db cdr.duckdb --number 2125550101 --from 2024-03-10 --tz America/New_York
    raybench query cell --db cdr.duckdb --cell 1001 --from 2024-03-10 --to 2024-03-11
    raybench query counts --db cdr.duckdb [--number N]

    `raybench query index --db FILE` builds ART indexes on cdr.caller and cdr.callee (the number queries
    then read two index lookups instead of a scan; later ingests into FILE insert more slowly), and the
    query summary tables when they are missing or stale (each ingest keeps them after that): for a
    database no ingest is writing; docs/queries.md has the figures.
    """
    import json

    from raybench.query import QUERIES, open_for_query, run_query

    listing = name in ("calls", "timeline", "cell", "shared-contacts")
    if limit is None and listing:
        limit = _LISTING_LIMIT
    params = {"number": number, "other": other, "cell": cell, "carrier": carrier, "tz": tz, "region": region,
              "limit": limit, "include_duplicates": True if with_duplicates else None}
    if name == "timeline":
        params.update(day=start, end=None)
        if end:
            _fail(ConfigError("timeline takes one day: --from DAY (and --tz), not --to"))
    else:
        params.update(start=start, end=end)
    if (db is None) == (server is None):
        _fail(ConfigError("give --db FILE or --server URL (one of them)"))
        return
    if name == "index":
        _query_index(db) if db else _fail(ConfigError("query index needs --db (the service's file is its own)"))
        return
    try:
        if name not in QUERIES:
            raise ConfigError(f"no query {name!r}; the queries are: {', '.join(QUERIES)} (and index)")
        if server:
            from raybench.service.client import ServiceClient

            with ServiceClient(server, token) as client:
                answer = client.query(name, **params)
            cols, rows = answer["columns"], answer["rows"]
        else:
            with open_for_query(db) as source:
                if source.snapshot:
                    click.echo(f"raybench: {db} is being written; reading its snapshot of committed data as of "
                               f"{source.as_of_utc}", err=True)
                table = run_query(source.con, name, **params)
            cols, rows = table.column_names, [{k: _query_value(v) for k, v in r.items()} for r in table.to_pylist()]
    except RaybenchError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(rows, indent=1, default=str))
    else:
        cells = [[("" if r[c] is None else str(r[c])) for c in cols] for r in rows]
        widths = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(cols)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
        for x in cells:
            click.echo("  ".join(v.ljust(w) for v, w in zip(x, widths)).rstrip())
    if limit and listing and len(rows) == limit:
        click.echo(f"raybench: first {limit} rows; --limit 0 for all", err=True)


def _query_index(db: str) -> None:
    import time as _time

    import duckdb

    from raybench.errors import QueryError
    from raybench.query.calls import LEGS_INDEX, PARTY_INDEXES, create_party_indexes
    from raybench.query.summary import rebuild_summary, summary_fresh

    if not os.path.isfile(db):
        _fail(QueryError(f"{db}: no such database file"))
        return
    try:
        con = duckdb.connect(db)
    except duckdb.Error as exc:
        _fail(QueryError(f"{db}: cannot open it for writing (an ingest holds it?): {str(exc).splitlines()[0]}"))
        return
    t0 = _time.perf_counter()
    try:
        built = None if summary_fresh(con) else rebuild_summary(con)  # the finalizer keeps it after each job
        create_party_indexes(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if built:
        click.echo(f"{db}: query summary rebuilt in {built['wall_s']:.1f} s ({built['contacts']:,} contacts rows)")
    names = [n for n, _ in PARTY_INDEXES] + [LEGS_INDEX[0]]
    click.echo(f"{db}: indexes {', '.join(names)} ready in {_time.perf_counter() - t0:.1f} s "
               f"({LEGS_INDEX[0]} where duplicate detection has run)")


@main.command(name="serve")
@click.option("--db", required=True, help="Results DuckDB file (the service is its one writer).")
@click.option("--address", default=None, help="Ray cluster to join; default: an embedded local Ray.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the HTTP proxy listens on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--state", "state_dir", default=None, help="Folder of the job table and results (default DB.service).")
@click.option("--spool", default=None, help="Folder uploads are streamed into (default STATE/spool).")
@click.option("--tokens", default=None, help="Tokens file (YAML of hashed tokens with scopes); none: no auth, loopback only.")
@click.option("--root", "roots", multiple=True, help="Folder whose files jobs may name by path (repeat).")
@click.option("--max-concurrent-jobs", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--max-queued", "max_queued_jobs", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Queued jobs past which submissions get 503.")
@click.option("--rate", "submit_rate_per_min", type=click.FloatRange(min=0, min_open=True), default=1200.0,
              show_default=True, help="Submissions per minute per token (429 past it).")
@click.option("--burst", "submit_burst", type=click.IntRange(min=1), default=100, show_default=True,
              help="Submissions a token may make at once.")
@click.option("--upload-max", default="1GiB", show_default=True, help="Largest upload (413 past it).")
@click.option("--xlsx-max-unzipped", default="2GiB", show_default=True, help="Largest unzipped workbook (422 past it).")
@click.option("--request-timeout", "request_timeout_s", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds one HTTP request may take (408 past it).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Warm ingest actors (default: CPUs - 1).")
@click.option("--worker-cpus", type=click.FloatRange(min=0.01), default=0.5, show_default=True)
@click.option("--num-cpus", type=click.IntRange(min=1), default=None, help="CPUs of the embedded Ray (default: all).")
@click.option("--chunk-size", default="4MiB", show_default=True, help="Bytes per chunk (the unit shared across jobs).")
@click.option("--commit-rows", default="250000", show_default=True, help="Rows per commit (checkpoint) at most.")
@click.option("--templates", "templates_dir", default=None,
              help="Templates folder jobs are read with (default STATE/templates; POST /v1/templates adds to it).")
@click.option("--reopen-every", "reopen_every_jobs", type=click.IntRange(min=1), default=50, show_default=True,
              help="Jobs after which the runner reopens its DuckDB when idle (gives DuckDB's memory back).")
@click.option("--parquet-from", default=None,
              help="Jobs whose inputs hold at least this many bytes go through the parquet sink: the actors write "
                   "their rows as parts (default: raybench ingest's --sink auto threshold, 32MiB).")
@click.option("--parts", default=None, metavar="PATH|URI",
              help="Where the actors write parts (default DB.parts, used only while every actor runs on the "
                   "runner's node; give a shared path or URI for a cluster).")
@_ray_logs_option
def serve_command(db, address, host, port, state_dir, spool, tokens, roots, max_concurrent_jobs, max_queued_jobs,
                  submit_rate_per_min, submit_burst, upload_max, xlsx_max_unzipped, request_timeout_s, workers,
                  worker_cpus, num_cpus, chunk_size, commit_rows, templates_dir, reopen_every_jobs, parquet_from,
                  parts) -> None:
    """Run the ingestion service (Ray Serve + FastAPI) until Ctrl-C or SIGTERM; API at /v1, docs at /docs."""
    from raybench.service.config import ServiceConfig
    from raybench.service.server import serve_forever
    from raybench.units import parse_count

    try:
        config = ServiceConfig.from_args({
            "db": db, "state_dir": state_dir, "spool": spool, "tokens": tokens, "roots": list(roots), "host": host,
            "port": port, "max_concurrent_jobs": max_concurrent_jobs, "max_queued_jobs": max_queued_jobs,
            "submit_rate_per_min": submit_rate_per_min, "submit_burst": submit_burst,
            "upload_max_bytes": _size(upload_max), "xlsx_max_unzipped_bytes": _size(xlsx_max_unzipped),
            "request_timeout_s": request_timeout_s, "workers": workers, "worker_cpus": worker_cpus,
            "chunk_bytes": _size(chunk_size), "commit_rows": parse_count(commit_rows),
            "templates_dir": templates_dir, "reopen_every_jobs": reopen_every_jobs,
            "parquet_bytes": _size(parquet_from) if parquet_from is not None else None, "parts": parts})
        serve_forever(config, address=address, num_cpus=num_cpus,
                      on_ready=lambda url: click.echo(f"raybench serve: ready at {url} (docs at {url}/docs)",
                                                      err=True))
    except RaybenchError as exc:
        _fail(exc)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--server", required=True, envvar="RAYBENCH_SERVER", help="Service URL, e.g. http://127.0.0.1:8000.")
@click.option("--token", default=None, envvar="RAYBENCH_TOKEN", help="Bearer token (default $RAYBENCH_TOKEN).")
@click.option("--wait", is_flag=True, help="Wait for the job to end, then print the summary `raybench ingest` prints.")
@click.option("--tz", default=None, help="IANA zone for layouts written in local time.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=None, help="With --wait: give up after this many seconds.")
@click.option("--json", "as_json", is_flag=True, help="With --wait: print the results as JSON.")
def submit(files, server, token, wait, tz, timeout_s, as_json) -> None:
    """Upload FILES (or folders of them) to a running service as one job; print its id."""
    from raybench.pipeline.planner import require_inputs
    from raybench.service.client import submit_files

    try:
        paths = require_inputs(list(files))
        out = submit_files(server, paths, token=token, wait=wait, tz=tz, timeout_s=timeout_s,
                           on_job=lambda job: click.echo(f"job: {job}"))
    except RaybenchError as exc:
        _fail(exc)
        return
    if not wait:
        return
    if "files" not in out:
        _fail(RaybenchError(f"job {out['job_id']} ended {out['status']}: {out.get('error')}"), 1)
        return
    if as_json:
        import json

        from raybench.report import ingest_json

        click.echo(json.dumps(ingest_json(out), indent=1, default=str))
    else:
        from raybench.report import print_ingest_summary

        print_ingest_summary(out)
    if out["status"] != "done":
        _fail(RaybenchError(f"job {out['job_id']} ended {out['status']}: {out.get('error')}"), 1)


@main.group()
def token() -> None:
    """Tokens of the ingestion service."""


@token.command("add")
@click.argument("name")
@click.option("--scopes", default="submit,read", show_default=True, help="Comma-separated: submit, read, admin.")
@click.option("--file", "path", required=True, help="Tokens file (created when missing; keeps only hashes).")
def token_add(name, scopes, path) -> None:
    """Make a token for NAME, add its hash to the tokens file and print the token (shown once)."""
    from raybench.service.auth import add_token

    try:
        click.echo(add_token(path, name, [s.strip() for s in scopes.split(",") if s.strip()]))
    except RaybenchError as exc:
        _fail(exc)
