"""A self-contained HTML page per scenario run (and per suite), with plots as inline SVG.

Plots (matplotlib, SVG inlined, no script and no network): one per panel of the plan
(:data:`raybench.monitor.panels.PANELS`, the same units and warning/critical thresholds as the live
dashboard: throughput, memory, queue depth, classification accuracy, error rate, CPU, disk, network), the
batch latency histogram, the time per stage, and the trend of the key metrics over the earlier runs of
the same scenario in the results folder, with a table comparing this run with the previous one. Every
number is shown in its unit (GiB, s, rows/s, %), never as a raw byte count. Opens offline in any browser.
"""

from __future__ import annotations

import html
import io
import os

from raybench.harness.history import TREND_METRICS
from raybench.harness.readiness import verdict_line
from raybench.monitor.panels import PANELS, Panel, format_value
from raybench.units import humanize_metric

PLOTS = tuple(p.id for p in PANELS) + ("latency", "stages", "trend")
"""Ids of the ``<figure>`` elements a run page holds (``plot-<id>``): one per plan panel, then the batch
latency histogram, the time per stage and the trend over runs."""

_SCALE = {"bytes": (2**20, "MiB"), "bytes/s": (2**20, "MiB/s"), "ratio": (0.01, "%")}
"""Panel unit -> (divisor, axis unit) for the plots."""


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(plot_id: str, title: str, draw, caption: str | None = None) -> str:
    import matplotlib  # local: heavy: only the HTML report's plots

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt  # local: heavy: only the HTML report's plots

    fig, ax = plt.subplots(figsize=(7, 3.2))
    try:
        draw(ax)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        body = _svg(fig)
    finally:
        plt.close(fig)
    return (f'<figure id="plot-{plot_id}">{body}<figcaption>{html.escape(caption or title)}</figcaption>'
            '</figure>')


def draw_throughput(ticks):
    """A function drawing rows/s between consecutive ticks (``t_s``, ``rows_done``) on a matplotlib axis."""
    def draw(ax):
        t = [x["t_s"] for x in ticks]
        rate = [0.0] * min(len(ticks), 1) + [(b["rows_done"] - a["rows_done"]) / max(b["t_s"] - a["t_s"], 1e-9)
                                             for a, b in zip(ticks, ticks[1:])]
        ax.plot(t, rate, color="#1f77b4")
        ax.set_xlabel("time since start (s)")
        ax.set_ylabel("rows/s")
    return draw


def draw_memory(ticks):
    """A function drawing the PSS over time (MiB; all Ray processes with the driver, and the driver's and
    each worker's where the ticks have them) on a matplotlib axis."""
    def draw(ax):
        t = [x["t_s"] for x in ticks]
        ax.plot(t, [x["pss_bytes"] / 2**20 for x in ticks], label="all Ray processes + driver", color="black")
        if any("driver_pss_bytes" in x for x in ticks):
            ax.plot(t, [x.get("driver_pss_bytes", 0) / 2**20 for x in ticks], label="driver (DuckDB writer)",
                    color="grey", linestyle="--")
        shades = {"dedupe": "#ffdd99", "finalize": "#b3d9ff"}
        for x0, x1, name in _phase_spans(ticks):
            if name != "batches":
                ax.axvspan(x0, x1, color=shades.get(name, "#dddddd"), alpha=0.4, label=f"phase: {name}")
        workers = sorted({w for x in ticks for w in (x.get("worker_pss_bytes") or {})})
        for w in workers:
            ax.plot(t, [(x.get("worker_pss_bytes") or {}).get(w, float("nan")) / 2**20 for x in ticks], label=w)
        ax.set_xlabel("time since start (s)")
        ax.set_ylabel("PSS (MiB)")
        ax.legend(fontsize=7)
    return draw


def _phase_spans(ticks) -> list[tuple[float, float, str]]:
    """``(t_start_s, t_end_s, phase)`` for each run of consecutive samples of one phase."""
    spans: list[tuple[float, float, str]] = []
    for x in ticks:
        name = x.get("phase", "batches")
        if spans and spans[-1][2] == name:
            spans[-1] = (spans[-1][0], x["t_s"], name)
        else:
            spans.append((x["t_s"], x["t_s"], name))
    return spans


def _draw_latency(latencies):
    def draw(ax):
        ax.hist(latencies or [0], bins=min(30, max(5, len(latencies) // 2)), color="#2ca02c")
        ax.set_xlabel("batch latency (s)")
        ax.set_ylabel("batches")
    return draw


def _draw_stages(phases):
    def draw(ax):
        names = list(phases) or ["-"]
        ax.barh(names, [phases.get(n, 0) for n in names], color="#ff7f0e")
        ax.set_xlabel("seconds")
        ax.invert_yaxis()
    return draw


def _panel_series(panel: Panel, outcome: dict, history: list[dict]) -> tuple[str, list, list]:
    """``(kind, xs, ys)`` of one panel for a run, in the panel's unit: ``line`` over the run's samples
    (x in seconds), ``bar`` per file, or ``trend`` over the runs (x: run index)."""
    ingest = outcome["ingest"]
    ticks = (ingest.get("metrics") or {}).get("timeseries") or []
    t = [x["t_s"] for x in ticks]
    cpus = (outcome.get("machine") or {}).get("cpus") or 1
    if panel.id == "throughput":
        rate = [0.0] * min(len(ticks), 1) + [(b["rows_done"] - a["rows_done"]) / max(b["t_s"] - a["t_s"], 1e-9)
                                             for a, b in zip(ticks, ticks[1:])]
        return "line", t, rate
    if panel.id == "memory":
        return "line", t, [x["pss_bytes"] for x in ticks]
    if panel.id == "queue":
        return "line", t, [x.get("batches_in_flight", 0) for x in ticks]
    if panel.id == "cpu":
        return "line", t, [x.get("cpu_pct", 0.0) / 100 / cpus for x in ticks]
    if panel.id == "disk":
        return "line", t, [x.get("disk_busy_ratio", float("nan")) for x in ticks]
    if panel.id == "network":
        return "line", t, [x.get("net_bytes_per_s", 0.0) for x in ticks]
    if panel.id == "accuracy":
        files = [r for r in ingest.get("files") or [] if r.get("confidence") is not None]

        return "bar", [os.path.basename(r["path"])[:28] for r in files], [float(r["confidence"]) for r in files]
    runs = [*history, {"metrics": outcome.get("metrics") or {}}]
    return "trend", list(range(1, len(runs) + 1)), [r["metrics"].get("error_rate") for r in runs]


def _panel_figure(panel: Panel, outcome: dict, history: list[dict]) -> str:
    """The plot of one plan panel for this run, with the panel's warning and critical thresholds drawn
    (or named in the caption when they are far off the run's scale)."""
    kind, xs, ys = _panel_series(panel, outcome, history)
    div, axis_unit = _SCALE.get(panel.unit, (1, panel.unit))
    values = [y for y in ys if y is not None and y == y]
    top = max(values, default=0.0)
    drawn, off_scale = [], []
    for level, color in (("warning", "#e69500"), ("critical", "#d62728")):
        limit = getattr(panel, level)
        (drawn if not values or limit <= 3 * max(top, 1e-12) or panel.unit == "ratio" else off_scale).append(
            (level, limit, color))
    notes = "; ".join(f"{level} {format_value(panel.unit, limit)} (off this run's scale)"
                      for level, limit, _ in off_scale)
    where = {"line": "over the run", "bar": "per file", "trend": "over the runs of this scenario"}[kind]
    title = f"{panel.title} {where}"
    if panel.id == "queue":
        title = "Queue depth: batches in flight over the run (a single run has no job queue)"
    if panel.id == "accuracy" and (outcome.get("metrics") or {}).get("classification_accuracy") is not None:
        title += f"; accuracy against truth {format_value('ratio', outcome['metrics']['classification_accuracy'])}"
    last = next((y for y in reversed(ys) if y is not None and y == y), None)
    peak = f"peak {format_value(panel.unit, top)}" if values else "no samples"
    caption = f"{title}: {peak}" + (f", last {format_value(panel.unit, last)}" if kind != "bar" and values else "")
    if panel.id == "queue":
        caption = caption.replace(" jobs", " batches")
    caption += f". Thresholds: warning {format_value(panel.unit, panel.warning)}, critical " \
               f"{format_value(panel.unit, panel.critical)} ({panel.bad})" + (f"; {notes}" if notes else "")

    def draw(ax):
        scaled = [float("nan") if y is None else y / div for y in ys]
        if kind == "bar":
            ax.bar(range(len(xs)), scaled or [0], color="#1f77b4")
            ax.set_xticks(range(len(xs)), xs, rotation=30, ha="right", fontsize=7)
        elif kind == "trend":
            ax.plot(xs, scaled, marker="o", color="#1f77b4")
            ax.set_xlabel("run (oldest first; the last is this one)")
        else:
            ax.plot(xs, scaled, color="#1f77b4", label=panel.title)
            ax.set_xlabel("time since start (s)")
        for level, limit, color in drawn:
            ax.axhline(limit / div, color=color, linestyle="--", linewidth=1,
                       label=f"{level} {format_value(panel.unit, limit)}")
        ax.set_ylabel(axis_unit)
        if drawn:
            ax.legend(fontsize=7)
    return _figure(panel.id, title, draw, caption)


def _trend_figure(runs: list[dict], title: str) -> str:
    """One small plot per :data:`raybench.harness.history.TREND_METRICS` over ``runs`` (oldest first),
    each in its unit."""
    import matplotlib  # local: heavy: only the HTML report's plots

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt  # local: heavy: only the HTML report's plots


    fig, axes = plt.subplots(2, 4, figsize=(11, 4.6))
    try:
        xs = list(range(1, len(runs) + 1))
        for ax, metric in zip(axes.flat, TREND_METRICS):
            ys = [r["metrics"].get(metric) for r in runs]
            if "bytes" in metric:
                div, unit = 2**30, "GiB"
            elif metric.endswith(("accuracy", "error_rate")):
                div, unit = 0.01, "%"
            elif metric.endswith("per_s"):
                div, unit = 1, "rows/s"
            elif metric.endswith("_s"):
                div, unit = 1, "s"
            else:
                div, unit = 1, "% of a core"
            ax.plot(xs, [float("nan") if y is None else y / div for y in ys], marker="o", color="#1f77b4")
            ax.set_title(f"{metric} ({unit})", fontsize=8)
            ax.set_xticks(xs)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        fig.suptitle(title, fontsize=9)
        fig.tight_layout()
        body = _svg(fig)
    finally:
        plt.close(fig)
    return f'<figure id="plot-trend">{body}<figcaption>{html.escape(title)}</figcaption></figure>'


def _comparison(outcome: dict, history: list[dict]) -> str:
    """The table comparing this run with the previous run of the scenario (or a line saying there is
    none)."""
    if not history:
        return "<p>No earlier run of this scenario in the results folder.</p>"
    prev = history[-1]
    rows = []
    for k in TREND_METRICS:
        a, b = prev["metrics"].get(k), (outcome.get("metrics") or {}).get(k)
        change = f"{(b - a) / a:+.1%}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a else "-"
        rows.append([k, html.escape(humanize_metric(k, a)), html.escape(humanize_metric(k, b)), change])
    return (f"<p>Previous run: {html.escape(prev['created_utc'] or '-')} "
            f"({html.escape(str(prev['git_sha'] or '-')[:10])}), {html.escape(prev['results_path'])}; "
            f"{len(history)} earlier run{'' if len(history) == 1 else 's'} in the folder.</p>"
            + _table(rows, ["metric", "previous run", "this run", "change"]))


_STYLE = """<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;
margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}.pass{color:#080}.miss{color:#b00}
figure{display:inline-block;margin:0.5em}</style>"""


def _table(rows: list[list], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def _fmtm(metric: str, v) -> str:
    """``v`` as :func:`raybench.units.humanize_metric` shows metric ``metric`` (``2.00 GiB``, ``12.3 s``,
    ``1,234 rows/s``, ``99.50%``)."""
    return html.escape(humanize_metric(metric, v))


def _readiness_value(v: dict) -> str:
    """A readiness criterion's value in its unit (``2.00 GiB``, ``412.3 s``, ``99.50%``, ``12 jobs``)."""
    if v["value"] is None:
        return "-"
    name = {"bytes": "bytes", "s": "wall_s", "": "share_accuracy"}.get(v["unit"])
    return _fmtm(name, v["value"]) if name else html.escape(f"{v['value']:.4g} {v['unit']}")


def render_run(outcome: dict, history: list[dict] | None = None) -> str:
    """The HTML page of one scenario run (``outcome`` as written by ``run_scenario``).

    Args:
        history: the earlier runs of the same scenario, oldest first
            (:func:`raybench.harness.history.earlier_runs`); the page compares this run with the last
            of them and plots the trend over all of them and this one.
    """
    history = history or []
    ingest = outcome["ingest"]
    metrics = ingest.get("metrics") or {}
    ticks = metrics.get("timeseries") or []
    name = outcome["scenario"]["name"]
    verdict = '<b class="pass">PASSED</b>' if outcome["passed"] else '<b class="miss">MISSED TARGETS</b>'
    targets = _table([[t["metric"], _fmtm(t["metric"], t["value"]), f"{t['op']} {_fmtm(t['metric'], t['limit'])}",
                       '<span class="pass">pass</span>' if t["passed"] else '<span class="miss">MISS</span>']
                      for t in outcome["targets"]], ["metric", "value", "target", "verdict"])
    mtable = _table([[k, _fmtm(k, v)] for k, v in outcome["metrics"].items()], ["metric", "value"])
    files = _table([[html.escape(r["path"]), r.get("layout") or "-", r["status"], _fmtm("rows", r["rows_read"]),
                     _fmtm("rows", r["rows_stored"]), _fmtm("rows", r["rows_quarantined"]),
                     _fmtm("bytes", r.get("bytes")), html.escape(r.get("error") or "")] for r in ingest["files"]],
                   ["file", "layout", "status", "read", "stored", "quarantined", "size", "error"])
    figures = "".join([
        *(_panel_figure(p, outcome, history) for p in PANELS),
        _figure("latency", "batch latency histogram", _draw_latency(metrics.get("batch_latencies_s") or [])),
        _figure("stages", "time per stage", _draw_stages(ingest.get("phases_s") or {})),
    ])
    workers = _figure("workers", "memory per worker over time", draw_memory(ticks))
    trend_runs = [*history, {"metrics": outcome.get("metrics") or {}}]
    trend = _trend_figure(trend_runs, f"trend over {len(trend_runs)} run{'' if len(trend_runs) == 1 else 's'} "
                          f"of {name} (oldest first; the last is this one)")
    readiness = _table([[html.escape(v["criterion"]),
                         _readiness_value(v),
                         html.escape(v["run"] or f"none; needs {v.get('needs') or 'a run that measures it'}"),
                         '<span class="pass">met</span>' if v["met"] else
                         ('<span class="miss">no evidence</span>' if v["value"] is None else '<span class="miss">NOT MET</span>')]
                        for v in outcome.get("readiness") or []], ["criterion", "value", "run", "verdict"])
    verdict_p = ""
    if outcome.get("readiness"):
        verdict_p = f"<p>{html.escape(verdict_line(outcome['readiness'], single_run=name)[0])}</p>"
    context = _table([[k, _fmt(outcome.get(k))] for k in ("raybench_version", "git_sha", "created_utc")]
                     + [[k, _fmtm(k, v) if k.endswith("_bytes") else _fmt(v)]
                        for k, v in (outcome.get("machine") or {}).items()], ["context", "value"])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>raybench {html.escape(name)}</title>"
            f"{_STYLE}</head><body><h1>raybench scenario {html.escape(name)}: {verdict}</h1>"
            f"<h2>Targets</h2>{targets}<h2>Compared with the previous run</h2>{_comparison(outcome, history)}"
            f"<h2>Production readiness (this run)</h2>{readiness}{verdict_p}"
            f"<h2>Plots (the plan's panels, with their thresholds)</h2>{figures}<h2>Trend</h2>{trend}"
            f"<h2>Memory per worker</h2>{workers}<h2>Metrics</h2>{mtable}"
            f"<h2>Files</h2>{files}<h2>Context</h2>{context}</body></html>")


def render_suite(runs: list[dict]) -> str:
    """The HTML page of a suite: one line per scenario run, with a link to its page."""
    keys = ("wall_s", "rows_per_s", "pss_bytes_peak", "field_accuracy", "validation_coverage", "error_rate")
    rows = [[f'<a href="{html.escape(r["report_path_rel"])}">{html.escape(r["scenario"]["name"])}</a>',
             '<span class="pass">pass</span>' if r["passed"] else '<span class="miss">MISS</span>']
            + [_fmtm(k, r["metrics"].get(k)) for k in keys] for r in runs]
    table = _table(rows, ["scenario", "verdict", *keys])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>raybench suite</title>{_STYLE}</head>"
            f"<body><h1>raybench suite: {sum(r['passed'] for r in runs)}/{len(runs)} passed</h1>{table}</body></html>")
