"""The ``raybench`` command line: thin click commands over plain functions.

A :class:`raybench.errors.RaybenchError` is printed on one line and exits with status 2 (a missed
scenario target exits with status 1); anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import os
import sys

import click

from raybench.errors import RaybenchError, TargetMissedError


def _fail(exc: RaybenchError) -> None:
    click.echo(f"raybench: error: {exc}", err=True)
    sys.exit(1 if isinstance(exc, TargetMissedError) else 2)


def _size(text: str) -> int:
    from raybench.units import parse_bytes

    return parse_bytes(text)


@click.group()
@click.version_option(package_name="raybench")
def main() -> None:
    """raybench: CDR and carrier billing ingestion on Ray, with a stress and scale harness."""
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", required=True, help="DuckDB database file to write.")
@click.option("--address", default=None, help="Ray cluster address; default: embedded local Ray.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Actors in the pool (default: CPUs - 1).")
@click.option("--num-cpus", type=click.IntRange(min=1), default=None, help="CPUs of the embedded Ray (default: all).")
@click.option("--chunk-size", default="4MiB", show_default=True, help="Bytes per batch, e.g. 4MiB.")
@click.option("--tz", default=None, help="IANA zone for layouts written in local time.")
@click.option("--results", default=None, help="Results JSON path (default results/ingest-<job>.json).")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def ingest(paths, db, address, workers, num_cpus, chunk_size, tz, results, no_progress) -> None:
    """Ingest CDR files (or folders of them) into a DuckDB database."""
    from raybench.pipeline.job import IngestOptions, run_ingest
    from raybench.report import print_ingest_summary

    try:
        options = IngestOptions(db=db, address=address, workers=workers, num_cpus=num_cpus,
                                chunk_bytes=_size(chunk_size), tz=tz, results=results,
                                progress=not no_progress)
        out = run_ingest(list(paths), options)
    except RaybenchError as exc:
        _fail(exc)
        return
    print_ingest_summary(out)


@main.command()
@click.option("--out", "out_dir", required=True, help="Folder to write the files into.")
@click.option("--layout", "layouts", multiple=True, help="Layout id (repeat); default: every generated layout.")
@click.option("--rows", default="1000", show_default=True, help="Rows per file, e.g. 1000, 1M.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv", show_default=True,
              help="csv: each layout's own text (fixed-width for switch_fixed_detail); xlsx: a workbook; "
                   "pdf: an AT&T call-detail bill of --pages pages.")
@click.option("--pages", type=click.IntRange(min=1), default=25, show_default=True, help="Pages of a PDF bill.")
@click.option("--defect-rate", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True,
              help="Share of records given a defect a reader must quarantine.")
def generate(out_dir, layouts, rows, seed, fmt, pages, defect_rate) -> None:
    """Write seeded synthetic productions with a ground-truth Parquet beside each file."""
    from raybench.catalog import GENERATED_LAYOUTS
    from raybench.generate.production import generate_file
    from raybench.units import parse_count

    try:
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

    from raybench.harness.report_html import render_run

    with open(results) as f:
        outcome = json.load(f)
    path = os.path.join(os.path.dirname(results), "report.html")
    with open(path, "w") as f:
        f.write(render_run(outcome))
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
    """Check the production-readiness criteria against results files; exit 0 only when all are met."""
    from raybench.harness.compare import load_metrics
    from raybench.harness.readiness import assess
    from raybench.report import print_readiness

    try:
        runs = [(name, m) for path in results for name, m in load_metrics(path).items()]
    except RaybenchError as exc:
        _fail(exc)
        return
    verdicts = assess(runs)
    print_readiness(verdicts)
    if not all(v["met"] for v in verdicts):
        _fail(TargetMissedError(f"not ready: {sum(not v['met'] for v in verdicts)} criteria not met"))


@main.command()
@click.argument("path")
@click.option("--concurrent", type=int, default=10, show_default=True, help="Jobs in flight at once.")
@click.option("--total", type=int, default=20, show_default=True, help="Jobs to submit in all.")
@click.option("--address", default=None, help="Ray dashboard address; default: start a local cluster.")
@click.option("--num-cpus", type=int, default=None, help="CPUs of the local cluster.")
@click.option("--out", "out_dir", default="results", show_default=True)
def jobs(path, concurrent, total, address, num_cpus, out_dir) -> None:
    """Ingest PATH as many concurrent Ray jobs on one cluster; report jobs/min and concurrent successes."""
    import json
    import time as _time
    from contextlib import nullcontext

    from raybench.harness.jobs import local_cluster, run_jobs

    run_dir = os.path.join(out_dir, "jobs-" + _time.strftime("%Y%m%dT%H%M%SZ", _time.gmtime()))
    try:
        with (nullcontext(address) if address else local_cluster(num_cpus)) as addr:
            result = run_jobs(os.path.abspath(path), concurrent=concurrent, total=total, out_dir=run_dir,
                              address=addr)
    except RaybenchError as exc:
        _fail(exc)
        return
    doc = {"scenario": {"name": f"jobs_{concurrent}x{total}"}, "metrics": {
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
@click.option("--dedupe", is_flag=True, help="Score duplicate detection (the only evaluation so far).")
@click.option("--rows", default="1M", show_default=True, help="Base rows in all, split over five layouts.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", "out_dir", default="results/dedupe-eval", show_default=True, help="Working folder.")
@click.option("--workers", type=int, default=None, help="Actors in the pool (default: CPUs - 1).")
@click.option("--splink", is_flag=True, help="Also run Splink (optional extra raybench[splink]) on the same rows.")
def evaluate(dedupe, rows, seed, out_dir, workers, splink) -> None:
    """Generate labelled duplicates and hard negatives, ingest them, print pairwise precision/recall/F1."""
    import json

    from raybench.dedupe.bench import evaluate_dedupe, print_dedupe_evaluation
    from raybench.units import parse_count

    if not dedupe:
        raise click.UsageError("say what to evaluate: --dedupe")
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
