"""``GET /metrics``: the service's Prometheus metrics, computed from the job table at each scrape.

A custom collector (:class:`JobTableCollector`) reads the SQLite job table when Prometheus scrapes, so
every HTTP replica answers the same figures and they survive restarts (no counter lives in a process).
To add a metric, add a family in :meth:`JobTableCollector.collect`; keep each one a single query.

Metrics (names carry their units):

- ``raybench_jobs{status}``: jobs in the table by status (gauge).
- ``raybench_jobs_queued``: jobs queued (gauge).
- ``raybench_jobs_total{status}``: jobs ended, by final status (counter; from the table, so it survives
  restarts).
- ``raybench_jobs_running``: jobs running (gauge).
- ``raybench_uploads``: uploads in the spool (gauge).
- ``raybench_rows_stored_total``, ``raybench_rows_quarantined_total``, ``raybench_rows_flagged_total``:
  rows over every finished job (counters).
- ``raybench_job_duration_seconds``: submission to end of finished jobs (histogram, :data:`DURATION_BUCKETS_S`).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from raybench.service.store import FINAL_STATUSES, JobStore

DURATION_BUCKETS_S = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
"""Upper bounds of the job duration histogram, seconds."""

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class JobTableCollector(Collector):
    """Collects the metrics above from ``store`` at each scrape."""

    def __init__(self, store: JobStore):
        self.store = store

    def collect(self):
        counts = self.store.counts()
        jobs = GaugeMetricFamily("raybench_jobs", "Jobs in the job table by status.", labels=["status"])
        for status, n in counts.items():
            jobs.add_metric([status], n)
        yield jobs
        yield GaugeMetricFamily("raybench_jobs_queued", "Jobs waiting in the queue.", value=counts["queued"])
        ended = CounterMetricFamily("raybench_jobs", "Jobs ended, by how they ended.", labels=["status"])
        for status in FINAL_STATUSES:
            ended.add_metric([status], counts.get(status, 0))
        yield ended
        yield GaugeMetricFamily("raybench_jobs_running", "Jobs running now.", value=counts["running"])
        yield GaugeMetricFamily("raybench_uploads", "Uploads in the spool.", value=self.store.uploads_count())
        rows = self.store.row_totals()
        for kind in ("stored", "quarantined", "flagged"):
            yield CounterMetricFamily(f"raybench_rows_{kind}", f"Rows {kind} by finished jobs.", value=rows[kind])
        durations = self.store.durations_s()
        buckets, running = [], 0
        for bound in DURATION_BUCKETS_S:
            running = sum(1 for d in durations if d <= bound)
            buckets.append((str(float(bound)), running))
        buckets.append(("+Inf", len(durations)))
        yield HistogramMetricFamily("raybench_job_duration_seconds", "Submission to end of finished jobs.",
                                    buckets=buckets, sum_value=float(sum(durations)))


def render(store: JobStore) -> bytes:
    """The Prometheus text of the job table's metrics."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JobTableCollector(store))
    return generate_latest(registry)
