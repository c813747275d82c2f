"""Benchmark the classifiers: latency per file and record-type throughput per actor (one process, one thread).

    .venv/bin/python scripts/bench_classify.py [--files 200] [--rows 1000000] [--unique 60]

Prints:

* classification latency per file, on held-out perturbed productions written to disk, through
  ``raybench.classify.resolve.resolve`` (read, rules fail, ONNX layout + carrier + column models): mean,
  p50, p95, max in ms (target <= 20 ms);
* record-type throughput: rows/s of the actor's step that types descriptors its layout's value map does
  not cover (:func:`raybench.normalize.frame._model_record_types`), on batches of ``--rows`` rows with
  ``--unique`` distinct descriptors, first batch (cold cache: one ONNX call) and later batches (cached);
  target >= 1M rows/s per actor.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time


def bench_latency(n_files: int) -> dict:
    from raybench.catalog import BUILTIN, GENERATED_LAYOUTS
    from raybench.classify.corpus import layout_file
    from raybench.classify.models import Classifiers
    from raybench.classify.resolve import resolve

    clf = Classifiers(threads=1)
    folder = tempfile.mkdtemp(prefix="bench-classify-")
    paths = []
    for i in range(n_files):
        f = layout_file(GENERATED_LAYOUTS[i % len(GENERATED_LAYOUTS)], 9_000_000 + i)
        path = os.path.join(folder, f.name)
        with open(path, "wb") as out:
            out.write(f.data)
        paths.append(path)
    resolve(paths[0], BUILTIN, templates=(), classifiers=clf)  # sessions created once, as in an actor
    times, cpu, by_method = [], [], {}
    for path in paths:
        t, c = time.perf_counter(), time.process_time()
        result, _ = resolve(path, BUILTIN, templates=(), classifiers=clf)
        times.append(1000 * (time.perf_counter() - t))
        cpu.append(1000 * (time.process_time() - c))
        by_method[result.method] = by_method.get(result.method, 0) + 1
    for path in paths:
        os.remove(path)
    os.rmdir(folder)
    times.sort()
    return {"files": n_files, "mean_ms": statistics.mean(times), "p50_ms": times[len(times) // 2],
            "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1], "methods": by_method,
            "cpu_mean_ms": statistics.mean(cpu), "cpu_p50_ms": sorted(cpu)[len(cpu) // 2]}


def bench_record_types(rows: int, unique: int, batches: int = 5) -> dict:
    import polars as pl

    from raybench.catalog import get_layout
    from raybench.classify.descriptors import VOCABULARY, perturb_descriptor
    from raybench.classify.models import Classifiers
    from raybench.normalize.frame import _model_record_types

    rng = random.Random(0)
    layout = get_layout("verizon_billing_detail")  # its map knows Voice / Text Msg / Pic/Video Msg only
    pool = [perturb_descriptor(rng.choice(v), rng) for v in VOCABULARY.values() for _ in range(unique // 6 + 1)]
    values = [rng.choice(pool[:unique]) for _ in range(rows)]
    df = pl.DataFrame({"Usage Type": values})
    first = pl.DataFrame({"record_type": pl.Series([None] * rows, dtype=pl.String)})
    clf = Classifiers(threads=1)
    out = []
    for _ in range(batches):
        t = time.perf_counter()
        typed = _model_record_types(df, first, layout, clf)
        out.append(time.perf_counter() - t)
    assert typed["record_type"].null_count() < rows
    return {"rows": rows, "unique": len(set(values)), "cold_rows_per_s": rows / out[0],
            "warm_rows_per_s": rows / statistics.median(out[1:]), "typed_share": 1 - typed["record_type"].null_count() / rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--unique", type=int, default=60)
    args = parser.parse_args()
    os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one actor = one CPU
    lat = bench_latency(args.files)
    print(f"classification latency per file ({lat['files']} files, {lat['methods']}): mean {lat['mean_ms']:.1f} ms, "
          f"p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms, max {lat['max_ms']:.1f} ms; CPU time mean "
          f"{lat['cpu_mean_ms']:.1f} ms, p50 {lat['cpu_p50_ms']:.1f} ms (target <= 20 ms); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rt = bench_record_types(args.rows, args.unique)
    print(f"record-type throughput per actor ({rt['rows']} rows, {rt['unique']} distinct descriptors, "
          f"{100 * rt['typed_share']:.1f}% typed): first batch {rt['cold_rows_per_s'] / 1e6:.2f} M rows/s, "
          f"cached {rt['warm_rows_per_s'] / 1e6:.2f} M rows/s (target >= 1M rows/s)")


if __name__ == "__main__":
    main()
