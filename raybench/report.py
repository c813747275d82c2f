"""Console output of the CLI: summaries as tables or as one record per line. Only the CLI calls this module.

On a terminal wide enough for a table's natural width, a rich table. Anywhere else (a pipe, a log file,
a narrow terminal), the same content one record per line (``name: column value; column value``, or
``metric: value``), never cut into columns a few characters wide. ``raybench ingest --json`` and
``raybench classify --json`` print JSON for machines.
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from raybench.harness.readiness import verdict_line
from raybench.layout import tz_basis
from raybench.units import format_bytes, format_metric


def _gib(n: float | None) -> str:
    return format_bytes(n)


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def zone_text(row: dict) -> str:
    """``'UTC (proven)'``: a file's zone and how it was decided (stated, proven, --tz, assumed)."""
    if not row.get("tz"):
        return "-"

    return f"{row['tz']} ({tz_basis(row.get('tz_source') or '')})"


Cell = str | Text


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(str(cell))


def show(console: Console, title: str, columns: list[str], rows: list[list[Cell]], key_value: bool = False) -> None:
    """Print ``rows`` as a table when ``console`` is a terminal at least as wide as the table's natural
    width, else one record per line under ``title``.

    Args:
        columns: the column names (the first names each record in the record-per-line form).
        rows: cells as text (never read as markup) or rich :class:`~rich.text.Text` (styled verdicts).
        key_value: two columns, metric and value: no header, ``metric: value`` lines.
    """
    table = Table(title=title, show_header=not key_value)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_text(c) for c in row))
    natural = Measurement.get(console, console.options.update_width(1 << 20), table).maximum
    if console.is_terminal and natural <= console.width:
        console.print(table)
        return
    console.print(Text(title, style="bold"), soft_wrap=True)
    for row in rows:
        line = Text("  ")
        line.append_text(_text(row[0]))
        line.append(": ")
        if key_value:
            line.append_text(_text(row[1]))
        else:
            parts = [(name, _text(c)) for name, c in zip(columns[1:], row[1:]) if _text(c).plain not in ("", "-")]
            for i, (name, cell) in enumerate(parts):
                line.append(("; " if i else "") + f"{name} ")
                line.append_text(cell)
        console.print(line, soft_wrap=True)


def ingest_json(out: dict) -> dict:
    """The ingest results for ``--json``: everything but the per-sample and per-batch series (they are in
    the results file)."""
    metrics = {k: v for k, v in (out.get("metrics") or {}).items()
               if k not in ("timeseries", "batch_latencies_s", "processes")}
    return {**{k: v for k, v in out.items() if k not in ("metrics", "options")}, "metrics": metrics}


def concurrency_rows(m: dict) -> list[list[Cell]]:
    """The concurrency lines of the metrics: actors alive and busy, batches in flight (peaks over the
    samples and the batch starts), and how many samples they rest on."""
    return [
        ["actors alive / busy (max)", f"{m.get('actors_alive_max', 0)} / {m.get('actors_busy_max', 0)}"],
        ["batches in flight (max)", str(m.get("batches_in_flight_max", 0))],
        ["samples (longest gap, s)", f"{m.get('samples', 0)} ({_s(m.get('sample_interval_s_max'))})"],
    ]


def print_ingest_summary(out: dict, console: Console | None = None) -> None:
    """Print the files and the job's metrics."""
    console = console or Console()
    rows = []
    for r in out["files"]:
        skipped = ", ".join(f"{k} {v}" for k, v in (r.get("lines_skipped") or {}).items()) or "-"
        rows.append([os.path.basename(r["path"]), r.get("layout") or "-", r["status"], str(r["rows_read"] or 0),
                     str(r["rows_stored"] or 0), str(r["rows_quarantined"] or 0), str(r.get("rows_flagged") or "-"),
                     zone_text(r), skipped, r.get("error") or ""])
    show(console, f"raybench ingest {out['job']}",
         ["file", "layout", "status", "read", "stored", "quarantined", "flagged", "zone", "skipped lines", "error"],
         rows)
    m = out.get("metrics") or {}
    lat = m.get("batch_latency_s") or {}
    t = out["totals"]
    lines: list[list[Cell]] = [
        ["CDR rows read / stored / quarantined", f"{t['rows_read']} / {t['rows_stored']} / {t['rows_quarantined']}"]]
    if t.get("cell_sites_read"):
        lines.append(["cell-site rows read / stored / quarantined",
                      f"{t['cell_sites_read']} / {t['cell_sites_stored']} / {t['cell_sites_quarantined']}"])
    lines += [
        ["wall_s", f"{out['wall_s']:.2f}"],
        ["rows_per_s", f"{out['rows_per_s']:.0f}" if out.get("rows_per_s") else "-"],
        ["batches", str(m.get("batches", 0))],
        ["batch latency p50 / p95 / p99 (s)", f"{_s(lat.get('p50'))} / {_s(lat.get('p95'))} / {_s(lat.get('p99'))}"],
        ["peak PSS, all Ray processes + driver", _gib(m.get("pss_bytes_peak"))],
        ["peak RSS, all Ray processes + driver", _gib(m.get("rss_bytes_peak"))],
        *([f"peak PSS in phase {phase}", _gib(v)] for phase, v in (m.get("pss_bytes_peak_by_phase") or {}).items()),
        ["CPU mean (% of one core)", f"{m.get('cpu_pct_mean', 0):.0f}"],
        *concurrency_rows(m),
        *_sink_rows(out.get("sink") or {}),
        ["errors", str(len(m.get("errors", [])))],
    ]  # the results path follows on a line of its own (raybench.cli), whole for copying
    show(console, "metrics", ["metric", "value"], lines, key_value=True)


def _sink_rows(sink: dict) -> list[list[Cell]]:
    """The Parquet sink's line of the summary (none for the DuckDB sink)."""
    if sink.get("kind") != "parquet":
        return []
    return [["parquet sink: parts loaded / orphaned, load_s",
             f"{sink['parts_loaded']} / {sink['parts_orphaned']}, {sink['load_s']:.2f}"]]


def print_scenario_summary(outcome: dict, console: Console | None = None) -> None:
    """Print a scenario's ingest summary and its targets with a verdict each."""
    console = console or Console()
    if outcome.get("service"):  # a service scenario: the load run's figures, not one ingest job's
        m = outcome["metrics"]
        show(console, f"scenario {outcome['scenario']['name']}: the service under Locust", ["metric", "value"],
             [[k, format_metric(k, m.get(k))] for k in (
                 "jobs_submitted", "jobs_done", "jobs_per_min", "concurrent_jobs_succeeded", "submit_to_done_p50_s",
                 "submit_to_done_p95_s", "submit_to_done_p99_s", "status_latency_p95_s", "pss_bytes_peak",
                 "http_errors", "rows_stored", "rows_quarantined")] + [["errors by code", str(m.get("errors_by_code"))]],
             key_value=True)
    else:
        print_ingest_summary(outcome["ingest"], console)
    rows = [[t["metric"], format_metric(t["metric"], t["value"]), f"{t['op']} {format_metric(t['metric'], t['limit'])}",
             Text("pass", style="green") if t["passed"] else Text("MISS", style="red")] for t in outcome["targets"]]
    show(console, f"scenario {outcome['scenario']['name']}: targets", ["metric", "value", "target", "verdict"], rows)
    if outcome.get("readiness"):
        print_readiness(outcome["readiness"], console, single_run=outcome["scenario"]["name"])
    console.print(f"database: {outcome['ingest'].get('db', '-')}\nresults: {outcome['results_path']}\n"
                  f"report: {outcome.get('report_path', '-')}", soft_wrap=True, markup=False)


def print_scenarios(found: list, console: Console | None = None) -> None:
    """Print one line per scenario: name, layouts, rows per file, targets."""
    console = console or Console()
    rows = [[s.name, ", ".join(s.layouts), f"{s.rows:,}",
             "; ".join(f"{t.metric} {t.op} {format_metric(t.metric, t.limit)}" for t in s.targets), " ".join(s.description.split())]
            for s in found]
    show(console, "scenarios", ["name", "layouts", "rows/file", "targets", "description"], rows)


def _num(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_comparison(name: str, changes: list, limit: float, console: Console | None = None) -> None:
    """Print one scenario's metric changes; regressions in red."""
    console = console or Console()
    rows = [[c.metric, format_metric(c.metric, c.base), format_metric(c.metric, c.new),
             "-" if c.change is None else f"{c.change:+.1%}",
             Text("REGRESSED", style="red") if c.regressed else Text("ok")] for c in changes]
    show(console, f"{name}: compare (max regression {limit:.0%})", ["metric", "base", "new", "change", "verdict"], rows)


def print_readiness(verdicts: list[dict], console: Console | None = None,
                    title: str = "production readiness (this run's evidence; `raybench readiness` combines runs)",
                    single_run: str | None = None) -> None:
    """Print the readiness criteria with their evidence (or the run that would give it), under ``title``,
    and the verdict line (:func:`raybench.harness.readiness.verdict_line`; ``single_run``: the verdicts
    are that one run's own)."""
    console = console or Console()
    rows = []
    for v in verdicts:
        value = "-" if v["value"] is None else (_gib(v["value"]) if v["unit"] == "bytes" else f"{_num(v['value'])} {v['unit']}".strip())
        if v["value"] is None:
            evidence, verdict = f"none; needs {v.get('needs') or 'a run that measures it'}", Text("no evidence", style="yellow")
        else:
            evidence, verdict = v["run"] or "-", Text("met", style="green") if v["met"] else Text("NOT MET", style="red")
        rows.append([v["criterion"], value, evidence, verdict])
    show(console, title, ["criterion", "value", "evidence (run)", "verdict"], rows)
    line, good = verdict_line(verdicts, single_run)
    style = "green" if good else "red" if line.startswith("NOT READY") else "yellow"
    console.print(Text(line, style=style), soft_wrap=True)


def classify_line(r: dict) -> str:
    """One file's ``raybench classify`` line: the layout with its confidence and how it was decided, or
    ``unknown`` with why (no confidence: it names no layout), then the top-3 the models saw."""
    top = ", ".join(f"{t['layout']} {t['p']:.2f}" for t in r["top3"])
    if r["abstained"]:
        return f"{r['path']}: unknown (abstained: {r['reason'] or 'no layout'}); top-3: {top}"
    return (f"{r['path']}: {r['layout']} ({r['carrier']}) confidence {r['confidence']:.2f} by {r['method']}"
            + (f" [{r['template']}]" if r["template"] else "") + f"; top-3: {top}")
