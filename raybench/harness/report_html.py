"""A self-contained HTML page per scenario run (and per suite), with plots as inline SVG.

Plots (matplotlib, SVG inlined, no script and no network): throughput over time, memory per worker over
time, the batch latency histogram and the time per stage. Opens offline in any browser.
"""

from __future__ import annotations

import html
import io

PLOTS = ("throughput", "memory", "latency", "stages")
"""Ids of the ``<figure>`` elements a run page holds."""


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(plot_id: str, title: str, draw) -> str:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    try:
        draw(ax)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        body = _svg(fig)
    finally:
        plt.close(fig)
    return f'<figure id="plot-{plot_id}">{body}<figcaption>{html.escape(title)}</figcaption></figure>'


def _draw_throughput(ticks):
    def draw(ax):
        t = [x["t_s"] for x in ticks]
        rate = [0.0] * min(len(ticks), 1) + [(b["rows_done"] - a["rows_done"]) / max(b["t_s"] - a["t_s"], 1e-9)
                                             for a, b in zip(ticks, ticks[1:])]
        ax.plot(t, rate, color="#1f77b4")
        ax.set_xlabel("time since start (s)")
        ax.set_ylabel("rows/s")
    return draw


def _draw_memory(ticks):
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
    """``v`` as :func:`raybench.units.format_metric` shows metric ``metric`` (bytes as ``2.00 GiB``)."""
    from raybench.units import format_metric

    return html.escape(format_metric(metric, v))


def render_run(outcome: dict) -> str:
    """The HTML page of one scenario run (``outcome`` as written by ``run_scenario``)."""
    ingest = outcome["ingest"]
    metrics = ingest.get("metrics") or {}
    ticks = metrics.get("timeseries") or []
    name = outcome["scenario"]["name"]
    verdict = '<b class="pass">PASSED</b>' if outcome["passed"] else '<b class="miss">MISSED TARGETS</b>'
    targets = _table([[t["metric"], _fmtm(t["metric"], t["value"]), f"{t['op']} {_fmtm(t['metric'], t['limit'])}",
                       '<span class="pass">pass</span>' if t["passed"] else '<span class="miss">MISS</span>']
                      for t in outcome["targets"]], ["metric", "value", "target", "verdict"])
    mtable = _table([[k, _fmtm(k, v)] for k, v in outcome["metrics"].items()], ["metric", "value"])
    files = _table([[html.escape(r["path"]), r.get("layout") or "-", r["status"], r["rows_read"], r["rows_stored"],
                     r["rows_quarantined"], html.escape(r.get("error") or "")] for r in ingest["files"]],
                   ["file", "layout", "status", "read", "stored", "quarantined", "error"])
    figures = "".join([
        _figure("throughput", "throughput over time", _draw_throughput(ticks)),
        _figure("memory", "memory per worker over time", _draw_memory(ticks)),
        _figure("latency", "batch latency histogram", _draw_latency(metrics.get("batch_latencies_s") or [])),
        _figure("stages", "time per stage", _draw_stages(ingest.get("phases_s") or {})),
    ])
    readiness = _table([[html.escape(v["criterion"]),
                         _fmtm("bytes" if v["unit"] == "bytes" else "", v["value"]) if v["value"] is not None else "-",
                         html.escape(v["run"] or f"none; needs {v.get('needs') or 'a run that measures it'}"),
                         '<span class="pass">met</span>' if v["met"] else
                         ('<span class="miss">no evidence</span>' if v["value"] is None else '<span class="miss">NOT MET</span>')]
                        for v in outcome.get("readiness") or []], ["criterion", "value", "run", "verdict"])
    verdict_p = ""
    if outcome.get("readiness"):
        from raybench.harness.readiness import verdict_line

        verdict_p = f"<p>{html.escape(verdict_line(outcome['readiness'], single_run=name)[0])}</p>"
    context = _table([[k, _fmt(outcome.get(k))] for k in ("raybench_version", "git_sha", "created_utc")]
                     + [[k, _fmt(v)] for k, v in (outcome.get("machine") or {}).items()], ["context", "value"])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>raybench {html.escape(name)}</title>"
            f"{_STYLE}</head><body><h1>raybench scenario {html.escape(name)}: {verdict}</h1>"
            f"<h2>Targets</h2>{targets}<h2>Production readiness (this run)</h2>{readiness}{verdict_p}<h2>Plots</h2>{figures}<h2>Metrics</h2>{mtable}"
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
