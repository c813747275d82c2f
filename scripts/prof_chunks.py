#!/usr/bin/env python3
"""Profile aid (issue 20): plan one file and run the worker's per-chunk path in this process, no Ray.

Prints the plan's CPU seconds, then per stage CPU seconds over the first ``--chunks`` chunks (read,
normalise, rules, record ids, the rest), and writes each chunk's output Arrow table to ``--out`` (one
Parquet file) so two versions of the code can be compared row for row. Run under ``py-spy record`` for a
flame graph. Not a test.

    POLARS_MAX_THREADS=1 .venv/bin/python scripts/prof_chunks.py FILE --chunks 10 [--out rows.parquet]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    import pyarrow as pa
    import pyarrow.parquet as pq

    import raybench
    from raybench.normalize.numbers import NumberNormalizer

    c0, w0 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as staging:
        task = raybench.plan(args.path, staging, ingest_job="prof")
        items = raybench.descriptors(task)
    print(f"plan: cpu {time.process_time() - c0:.2f} s wall {time.perf_counter() - w0:.2f} s, "
          f"{len(items)} chunks, {task.plan.n_records} records")
    layout = task.layout
    numbers = NumberNormalizer(layout.region)
    tables = []
    c0, w0 = time.process_time(), time.perf_counter()
    for item in items[:args.chunks]:
        res = raybench.read_chunk(item, layout, numbers=numbers)
        assert res.records_seen == item.n_records, (res.records_seen, item.n_records)
        tables.append(res.table)
    cpu = time.process_time() - c0
    rows = sum(t.num_rows for t in tables)
    print(f"chunks: {min(args.chunks, len(items))}, rows {rows}, cpu {cpu:.2f} s "
          f"({cpu / max(1, min(args.chunks, len(items))):.3f} s per chunk), wall {time.perf_counter() - w0:.2f} s")
    if args.out:
        pq.write_table(pa.concat_tables(tables), args.out)


if __name__ == "__main__":
    main()
