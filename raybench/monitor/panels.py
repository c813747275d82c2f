"""The plan's monitoring panels, defined once: the live dashboard, the per-run HTML report and the
Grafana dashboard all draw these, with the same units and the same warning and critical thresholds.

A threshold is crossed when the value is above it (``bad="above"``) or below it (``bad="below"``).
Where a threshold comes from is written beside it (the plan's alert, a readiness criterion, or an
operator's default to be set for the machine); ``docs/monitoring.md`` shows the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from raybench.units import format_bytes

GIB = 2**30
MIB = 2**20

TARGET_ROWS_PER_S = 556
"""The plan's "1M rows in <= 1800 s" as a throughput floor, in rows/s (1e6 / 1800 = 555.6, rounded up)."""

WARNING_ROWS_PER_S = 667
"""20% above :data:`TARGET_ROWS_PER_S` (the margin of the plan's processing-time alert), rounded."""


@dataclass(frozen=True)
class Panel:
    """One panel: what it plots, in which unit, and when it turns yellow or red.

    Attributes:
        id: short name (``throughput``); the HTML element ids use it (``panel-throughput``).
        title: for people.
        unit: ``rows/s``, ``bytes``, ``jobs``, ``ratio`` (0..1, shown as %), ``bytes/s``.
        promql: the Prometheus expression of the live value (the Grafana panel and the docs use it).
        warning, critical: thresholds in ``unit``.
        bad: ``above`` (too high is bad) or ``below`` (too low is bad).
        source: where the thresholds come from, in words.
        grafana_unit: Grafana's unit id for the same unit.
    """

    id: str
    title: str
    unit: str
    promql: str
    warning: float
    critical: float
    bad: str
    source: str
    grafana_unit: str

    def level(self, value: float | None) -> str:
        """``ok``, ``warning`` or ``critical`` for ``value`` (``none`` when there is no value)."""
        if value is None or value != value:  # NaN
            return "none"
        worse = (lambda v, t: v > t) if self.bad == "above" else (lambda v, t: v < t)
        if worse(value, self.critical):
            return "critical"
        if worse(value, self.warning):
            return "warning"
        return "ok"


PANELS: tuple[Panel, ...] = (
    Panel("throughput", "Throughput", "rows/s", 'sum(rate(raybench_rows_total{outcome="read"}[1m]))',
          warning=WARNING_ROWS_PER_S, critical=TARGET_ROWS_PER_S, bad="below",
          source="critical: the plan's 1M rows in 1800 s (556 rows/s); warning: 20% above it (667 rows/s); "
                 "only while jobs run", grafana_unit="rowsps"),
    Panel("memory", "Memory (PSS, all processes)", "bytes", "sum(raybench_process_pss_bytes)",
          warning=1.8e9, critical=2 * GIB, bad="above",
          source="warning: the plan's alert, 1.8 GB; critical: the readiness criterion, 2 GiB",
          grafana_unit="bytes"),
    Panel("queue", "Queue depth", "jobs", "raybench_jobs_queued", warning=100, critical=500, bad="above",
          source="the plan: warning 100, critical 500 jobs queued", grafana_unit="short"),
    Panel("accuracy", "Classification accuracy (mean confidence)", "ratio",
          "sum(rate(raybench_classification_confidence_sum[15m])) / "
          "sum(rate(raybench_classification_confidence_count[15m]))",
          warning=0.95, critical=0.90, bad="below",
          source="critical: the plan's alert, 0.90; warning: the readiness criterion, 0.95",
          grafana_unit="percentunit"),
    Panel("errors", "Error rate (files)", "ratio",
          'sum(rate(raybench_files_total{status=~"failed|errors|incomplete"}[15m])) / '
          "sum(rate(raybench_files_total[15m]))",
          warning=0.01, critical=0.05, bad="above",
          source="critical: the plan's alert, 5%; warning: the readiness criterion, 1%",
          grafana_unit="percentunit"),
    Panel("cpu", "CPU (share of all cores)", "ratio",
          "rate(raybench_node_cpu_busy_seconds_total[1m]) / raybench_node_cpus",
          warning=0.85, critical=0.95, bad="above",
          source="operator defaults: a node busy above 85% / 95% has no room for the driver",
          grafana_unit="percentunit"),
    Panel("disk", "Disk (busy share)", "ratio", "rate(raybench_node_disk_busy_seconds_total[1m])",
          warning=0.80, critical=0.95, bad="above",
          source="operator defaults: disks busy above 80% / 95% of the time queue the writer",
          grafana_unit="percentunit"),
    Panel("network", "Network (sent + received)", "bytes/s", "sum(rate(raybench_node_network_bytes_total[1m]))",
          warning=0.80 * 125e6, critical=0.95 * 125e6, bad="above",
          source="operator defaults for a 1 Gbit/s link: 80% / 95% of 125 MB/s; set them for yours",
          grafana_unit="Bps"),
)
"""The plan's panels: throughput, memory, queue depth, classification accuracy, error rate, CPU, disk,
network."""

PANEL_BY_ID = {p.id: p for p in PANELS}


def format_value(unit: str, value: float | None) -> str:
    """``value`` for a person in ``unit``: ``1.14 GiB``, ``12.5 MiB/s``, ``667 rows/s``, ``93.0%``,
    ``12 jobs``, ``3.2 s``; ``-`` when None or NaN."""
    if value is None or value != value:
        return "-"
    if unit == "bytes":
        return format_bytes(value)
    if unit == "bytes/s":
        return f"{format_bytes(value)}/s"
    if unit == "ratio":
        return f"{100 * value:.1f}%"
    if unit == "s":
        return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "jobs":
        return f"{value:.0f} jobs"
    return f"{value:.4g} {unit}".strip()
