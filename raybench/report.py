"""Console output of the CLI: summary tables drawn with rich. Only the CLI calls this module."""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table


def _gib(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**30:.2f} GiB"


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def zone_text(row: dict) -> str:
    """``'UTC (proven)'``: a file's zone and how it was decided (stated, proven, --tz, assumed)."""
    if not row.get("tz"):
        return "-"
    from raybench.layout import tz_basis

    return f"{row['tz']} ({tz_basis(row.get('tz_source') or '')})"


def print_ingest_summary(out: dict, console: Console | None = None) -> None:
    """Print the files table and the job's metrics."""
    console = console or Console()
    files = Table(title=f"raybench ingest {out['job']}")
    for col in ("file", "layout", "status", "read", "stored", "quarantined", "flagged", "zone", "skipped lines",
                "error"):
        files.add_column(col, overflow="fold")
    for r in out["files"]:
        skipped = ", ".join(f"{k} {v}" for k, v in (r.get("lines_skipped") or {}).items()) or "-"
        files.add_row(os.path.basename(r["path"]), r.get("layout") or "-", r["status"], str(r["rows_read"] or 0),
                      str(r["rows_stored"] or 0), str(r["rows_quarantined"] or 0), str(r.get("rows_flagged") or 0),
                      zone_text(r), skipped, r.get("error") or "")
    console.print(files)
    m = out.get("metrics") or {}
    lat = m.get("batch_latency_s") or {}
    t = out["totals"]
    summary = Table(title="metrics", show_header=False)
    summary.add_column("metric")
    summary.add_column("value")
    for name, value in (
        ("rows read / stored / quarantined", f"{t['rows_read']} / {t['rows_stored']} / {t['rows_quarantined']}"),
        ("wall_s", f"{out['wall_s']:.2f}"),
        ("rows_per_s", f"{out['rows_per_s']:.0f}" if out.get("rows_per_s") else "-"),
        ("batches", str(m.get("batches", 0))),
        ("batch latency p50 / p95 / p99 (s)", f"{_s(lat.get('p50'))} / {_s(lat.get('p95'))} / {_s(lat.get('p99'))}"),
        ("peak PSS, all Ray processes + driver", _gib(m.get("pss_bytes_peak"))),
        ("peak RSS, all Ray processes + driver", _gib(m.get("rss_bytes_peak"))),
        *((f"peak PSS in phase {phase}", _gib(v)) for phase, v in (m.get("pss_bytes_peak_by_phase") or {}).items()),
        ("CPU mean (% of one core)", f"{m.get('cpu_pct_mean', 0):.0f}"),
        ("actors alive / busy (max)", f"{m.get('actors_alive_max', 0)} / {m.get('actors_busy_max', 0)}"),
        ("batches in flight (max)", str(m.get("batches_in_flight_max", 0))),
        ("errors", str(len(m.get("errors", [])))),
        ("results", out.get("results_path", "-")),
    ):
        summary.add_row(name, value)
    console.print(summary)


def print_scenario_summary(outcome: dict, console: Console | None = None) -> None:
    """Print a scenario's ingest summary and its targets with a verdict each."""
    console = console or Console()
    print_ingest_summary(outcome["ingest"], console)
    table = Table(title=f"scenario {outcome['scenario']['name']}: targets")
    for col in ("metric", "value", "target", "verdict"):
        table.add_column(col)
    for t in outcome["targets"]:
        table.add_row(t["metric"], f"{t['value']:.4g}" if isinstance(t["value"], (int, float)) else str(t["value"]),
                      f"{t['op']} {t['limit']}", "[green]pass[/]" if t["passed"] else "[red]MISS[/]")
    console.print(table)
    if outcome.get("readiness"):
        print_readiness(outcome["readiness"], console)
    console.print(f"database: {outcome['ingest'].get('db', '-')}\nresults: {outcome['results_path']}\n"
                  f"report: {outcome.get('report_path', '-')}", soft_wrap=True)


def print_scenarios(found: list, console: Console | None = None) -> None:
    """Print one line per scenario: name, layouts, rows per file, targets."""
    console = console or Console()
    table = Table(title="scenarios")
    for col in ("name", "layouts", "rows/file", "targets", "description"):
        table.add_column(col, overflow="fold")
    for s in found:
        table.add_row(s.name, ", ".join(s.layouts), f"{s.rows:,}",
                      "; ".join(f"{t.metric} {t.op} {t.limit:g}" for t in s.targets), s.description)
    console.print(table)


def _num(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_comparison(name: str, changes: list, limit: float, console: Console | None = None) -> None:
    """Print one scenario's metric changes; regressions in red."""
    console = console or Console()
    table = Table(title=f"{name}: compare (max regression {limit:.0%})")
    for col in ("metric", "base", "new", "change", "verdict"):
        table.add_column(col)
    for c in changes:
        change = "-" if c.change is None else f"{c.change:+.1%}"
        table.add_row(c.metric, _num(c.base), _num(c.new), change, "[red]REGRESSED[/]" if c.regressed else "ok")
    console.print(table)


def print_readiness(verdicts: list[dict], console: Console | None = None,
                    title: str = "production readiness (this run's evidence; `raybench readiness` combines runs)") -> None:
    """Print the readiness criteria with their evidence, under ``title``."""
    console = console or Console()
    table = Table(title=title)
    for col in ("criterion", "value", "evidence (run)", "verdict"):
        table.add_column(col)
    for v in verdicts:
        value = "-" if v["value"] is None else (_gib(v["value"]) if v["unit"] == "bytes" else f"{_num(v['value'])} {v['unit']}")
        verdict = "[green]met[/]" if v["met"] else ("[red]no evidence[/]" if v["value"] is None else "[red]NOT MET[/]")
        table.add_row(v["criterion"], value, v["run"] or "-", verdict)
    console.print(table)
    ready = all(v["met"] for v in verdicts)
    console.print("[green]READY[/]" if ready else "[red]NOT READY[/]")
