"""The Grafana dashboard of the plan's panels (:data:`raybench.monitor.panels.PANELS`), built with Grafana's
own typed builders (``grafana-foundation-sdk``), for teams that run Grafana beside Ray's dashboards.

``python -m raybench.monitor.grafana > cluster/grafana/raybench-dashboard.json`` writes the file the
repository ships; a test checks that the file is what this module builds. Import it in Grafana
(Dashboards > New > Import) and choose the Prometheus data source that scrapes the service.
"""

from __future__ import annotations

import json

from raybench.monitor.panels import PANELS, Panel

DASHBOARD_UID = "raybench"


def _grafana_unit(panel: Panel) -> str:
    """Grafana's unit id for a panel (a custom suffix where Grafana has none)."""
    return "suffix: rows/s" if panel.grafana_unit == "rowsps" else panel.grafana_unit


def threshold_steps(panel: Panel) -> list[tuple[float | None, str]]:
    """The panel's thresholds as Grafana steps ``(from value, colour)``, lowest first (None is
    -Infinity): green, orange from the warning, red from the critical for a panel where high is bad;
    red, orange from the critical, green from the warning where low is bad."""
    if panel.bad == "above":
        return [(None, "green"), (panel.warning, "orange"), (panel.critical, "red")]
    return [(None, "red"), (panel.critical, "orange"), (panel.warning, "green")]


def build_dashboard() -> dict:
    """The dashboard as Grafana's JSON model (a dict): a data source variable and one time-series
    panel per plan panel, four to a row, each with its PromQL, unit and thresholds drawn as lines.

    Raises:
        ImportError: ``grafana-foundation-sdk`` is not installed (``pip install grafana-foundation-sdk``).
    """
    from grafana_foundation_sdk.builders import common as common_b
    from grafana_foundation_sdk.builders import dashboard as dash_b
    from grafana_foundation_sdk.builders import prometheus, timeseries
    from grafana_foundation_sdk.cog.encoder import (
        JSONEncoder,  # local: optional (test extra): only the Grafana export
    )
    from grafana_foundation_sdk.models import common as common_m
    from grafana_foundation_sdk.models import dashboard as dash_m

    source = dash_m.DataSourceRef(type_val="prometheus", uid="${datasource}")
    board = (dash_b.Dashboard("raybench").uid(DASHBOARD_UID).tags(["raybench", "ray"])
             .description("raybench ingestion: the plan's panels with their warning and critical thresholds "
                          "(docs/monitoring.md)")
             .refresh("10s").time("now-1h", "now").timezone("browser")
             .with_variable(dash_b.DatasourceVariable("datasource").label("Prometheus").type("prometheus")))
    for panel in PANELS:
        steps = [dash_m.Threshold(value=v, color=c) for v, c in threshold_steps(panel)]
        board = board.with_panel(
            timeseries.Panel().title(panel.title).description(panel.source).datasource(source)
            .unit(_grafana_unit(panel)).min(0).height(8).span(6)
            .with_target(prometheus.Dataquery().expr(panel.promql).legend_format(panel.title).ref_id("A"))
            .thresholds(dash_b.ThresholdsConfig().mode(dash_m.ThresholdsMode.ABSOLUTE).steps(steps))
            .thresholds_style(common_b.GraphThresholdsStyleConfig().mode(common_m.GraphTresholdsStyleMode.DASHED)))
    return json.loads(json.dumps(board.build(), cls=JSONEncoder))


def main() -> None:
    """Print the dashboard JSON (``python -m raybench.monitor.grafana``)."""
    print(json.dumps(build_dashboard(), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
