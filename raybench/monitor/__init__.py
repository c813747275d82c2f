"""Production monitoring: Prometheus metrics, the panels of the dashboard and the report, alerts.

How an ingest exports its metrics, and why
------------------------------------------

raybench's own metrics are ``prometheus_client`` metrics in one registry
(:data:`raybench.monitor.metrics.REGISTRY`) of the process that drives the ingest (the service's job
runner, or a ``raybench ingest`` started with ``--metrics-port``). The service's ``/metrics`` serves its
queue and job metrics (from its durable job table, the same in every HTTP replica) followed by that
registry's text, under the names of the contract in ``docs/monitoring.md``. Ray's own metrics (nodes, object store, Ray Data
operators, ``ray_component_uss_mb``...) stay where Ray puts them: each node's metrics agent, found by
Prometheus through Ray's service-discovery file ``/tmp/ray/prom_metrics_service_discovery.json``
(``cluster/prometheus/prometheus.yml`` scrapes both).

Not ``ray.util.metrics``, for what an ingest counts, because:

- every figure is already gathered where the driver sees it: rows and reasons in the blocks the
  driver writes (:func:`raybench.monitor.ingest.observe_block`), files, durations, batch latencies and
  per-process memory in the job's results at its end (:func:`raybench.monitor.ingest.record_job`);
  nothing needs to travel from the workers through Ray's agent a second time;
- a ``raybench ingest`` run starts an embedded Ray and shuts it down at its end: metrics living in
  Ray's agent disappear with it, usually before a scrape (ray-project/ray#34145), and driver-process
  metrics through the agent have had reporting problems (#36813);
- ``ray.util.metrics`` names get Ray's ``ray_`` prefix and session labels, so the alert rules and the
  Grafana dashboard would depend on the Ray deployment; the contract names stay the same whether the
  ingest runs in the service, in a test or in a CLI started with a metrics port.

The node's CPU, disk and network and the PSS of each process kind (driver, worker, Ray's own) are read
with psutil when Prometheus scrapes (:class:`raybench.monitor.metrics.NodeCollector`), from the same
samplers the coordinator uses (:mod:`raybench.metrics.processes`).
"""
