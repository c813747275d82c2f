"""The Ray Data actor that turns chunk descriptors into canonical rows.

Each input row of a batch is a chunk descriptor (see :func:`raybench.pipeline.job.chunk_items`): the
file, its byte range, the first ``source_row``, the layout (id and sniffed dialect), the encoding and
the file's junk rules (header, types and banner texts; :mod:`raybench.read.junk`). The worker reads the
range itself (the file must be readable from every node: a local path on one machine, shared storage on
a cluster), so only small descriptors travel through the object store.

A chunk the worker cannot process (a bug, an unreadable range) does not lose rows: every planned record
of it comes back quarantined with reason ``worker_error``, and the error goes to the coordinator.
"""

from __future__ import annotations

import os
import time
import uuid

import pyarrow as pa

from raybench.layout import Layout


class IngestWorker:
    """Callable class for ``Dataset.map_batches`` (one instance per actor).

    Args:
        layouts: layout id -> layout for every file of the job (zone overrides applied).
        coordinator: the coordinator actor handle, or None to skip metrics.
    """

    def __init__(self, layouts: dict[str, Layout], coordinator=None):
        from raybench.normalize.numbers import NumberNormalizer

        self.layouts = layouts
        self.coordinator = coordinator
        self.worker_id = f"worker-{uuid.uuid4().hex[:8]}"
        self._numbers: dict[str | None, NumberNormalizer] = {}
        self._numbers_cls = NumberNormalizer
        if coordinator is not None:
            coordinator.register_worker.remote(self.worker_id, os.getpid())

    def _normalizer(self, region: str | None):
        if region not in self._numbers:
            self._numbers[region] = self._numbers_cls(region)
        return self._numbers[region]

    def __call__(self, batch: pa.Table) -> pa.Table:
        from raybench.pipeline.transform import OUTPUT_SCHEMA

        tables = [self._one(item) for item in batch.to_pylist()]
        return pa.concat_tables(tables) if tables else OUTPUT_SCHEMA.empty_table()

    def _one(self, item: dict) -> pa.Table:
        from raybench.pipeline.transform import process_chunk, quarantine_all

        chunk_id = item["chunk_id"]
        if self.coordinator is not None:
            self.coordinator.batch_started.remote(self.worker_id, chunk_id)
        t0 = time.perf_counter()
        from raybench.read.junk import JunkRules

        layout = self.layouts[item.get("layout_key") or item["layout"]]
        error = None
        rule_counts: dict = {}
        try:
            data = _read_range(item)
            result = process_chunk(
                data, layout=layout, encoding=item["encoding"], first_row=item["first_row"],
                source_file=item["source_file"], sha256=item["sha256"], ingest_job=item["ingest_job"],
                numbers=self._normalizer(layout.region), junk=JunkRules.from_json(item.get("junk")))
            if result.records_seen != item["n_records"]:
                raise RuntimeError(f"found {result.records_seen} records where the plan counted "
                                   f"{item['n_records']}")
            table, rule_counts = result.table, result.rule_counts
        except Exception as exc:  # every record of the chunk is kept, quarantined with the reason
            first_line = (str(exc).strip().splitlines() or [""])[0][:200]
            error = f"{item['source_file']} rows {item['first_row']}-" \
                    f"{item['first_row'] + item['n_records'] - 1}: {type(exc).__name__}: {first_line}"
            table = quarantine_all(item, layout, f"worker_error: {type(exc).__name__}: {first_line}")
        latency_s = time.perf_counter() - t0
        if self.coordinator is not None:
            rss, pss = _own_memory()
            self.coordinator.batch_finished.remote(self.worker_id, chunk_id, {
                "rows": table.num_rows, "latency_s": latency_s, "file": item["source_file"],
                "rule_counts": rule_counts, "error": error, "rss_bytes": rss, "pss_bytes": pss})
        return table


def _read_range(item: dict):
    """What a chunk descriptor names, by its ``format``: the bytes of a text file's byte range
    (``text``), or the records of a PDF page range (``pdf``) or an XLSX sheet's row range (``xlsx``) as
    :class:`raybench.read.rows.ReadRows`."""
    fmt = item.get("format") or "text"
    if fmt == "pdf":
        from raybench.read.pdf import read_pdf_chunk

        return read_pdf_chunk(item)
    if fmt == "xlsx":
        from raybench.read.xlsx import read_xlsx_chunk

        return read_xlsx_chunk(item)
    with open(item["path"], "rb") as f:
        f.seek(item["byte_start"])
        return f.read(item["byte_end"] - item["byte_start"])


def _own_memory() -> tuple[int, int]:
    import psutil

    info = psutil.Process().memory_full_info()
    return int(info.rss), int(getattr(info, "pss", info.rss))
