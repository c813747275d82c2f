"""What raybench's monitoring costs: counting one block of rows (raybench.monitor.ingest.observe_block),
one Prometheus scrape of the registry, one PSS reading of every process (on its own thread, not in
the scrape), and one sample of the dashboard's panels. Prints milliseconds per call (median of --repeat calls).

    python scripts/bench_monitor.py --rows 10000 --repeat 50
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyarrow as pa


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000, help="rows of the block counted")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()

    from raybench.monitor import metrics as m
    from raybench.monitor.ingest import observe_block
    from raybench.monitor.live import PanelSampler

    n = args.rows
    reasons = [["bad_start: x"] if i % 50 == 0 else [] for i in range(n)]
    flags = [["tz_assumed"] if i % 7 == 0 else [] for i in range(n)]
    block = pa.table({"reasons": pa.array(reasons, pa.list_(pa.string())),
                      "flags": pa.array(flags, pa.list_(pa.string()))})
    node = m.register_node_collector()
    print(f"observe_block, {n} rows: {_time(lambda: observe_block(block), args.repeat):.3f} ms")
    print(f"scrape (/metrics body): {_time(m.exposition, args.repeat):.3f} ms")
    processes = len(node._processes())
    print(f"PSS reading of {processes} processes (its own thread, every {node.pss_every_s:g} s): "
          f"{_time(node.refresh_pss, max(3, args.repeat // 10)):.1f} ms")
    sampler = PanelSampler()
    print(f"dashboard panel sample: {_time(sampler.sample, args.repeat):.3f} ms")


if __name__ == "__main__":
    main()
