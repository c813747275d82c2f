"""Generated PDF bills, XLSX workbooks and fixed-width reports read back through the driver's steps and
:func:`process_chunk` (no Ray): every valid row equals its truth field by field, every defect row is
quarantined with the reason the truth names, and every PDF row has its page."""

from __future__ import annotations

import tempfile

import polars as pl
import pyarrow as pa
import pytest

from raybench.generate.pdf_bill import generate_pdf_bill
from raybench.generate.production import generate_file
from raybench import descriptors, plan, read_chunk

FIELDS = ["record_type", "direction", "start_utc", "duration_s", "caller", "callee", "dialed", "imsi", "imei",
          "cell_id", "lac"]


def read_back(path: str, chunk_bytes: int) -> tuple[dict, pl.DataFrame, int]:
    with tempfile.TemporaryDirectory() as staging:
        task = plan(path, staging, chunk_bytes=chunk_bytes, ingest_job="job-gen")
        assert task.plan is not None, task.row.get("error")
        items = descriptors(task)
        tables = []
        for item in items:
            result = read_chunk(item, task.layout)
            assert result.records_seen == item.n_records
            tables.append(result.table)
    return task.row, pl.from_arrow(pa.concat_tables(tables)).sort("source_row"), len(items)


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "fixed"])
def test_generated_file_reads_back_as_its_truth(tmp_path, kind):
    if kind == "pdf":
        made = generate_pdf_bill(str(tmp_path), pages=3, seed=4, defect_rate=0.03)
        chunk_bytes = 256 << 10  # one page a chunk
    elif kind == "xlsx":
        made = generate_file("tmobile_cdr", str(tmp_path), rows=1500, seed=4, defect_rate=0.03, chunk_rows=500,
                             fmt="xlsx")
        chunk_bytes = 64 << 10
    else:
        made = generate_file("switch_fixed_detail", str(tmp_path), rows=1500, seed=4, defect_rate=0.03,
                             chunk_rows=500)
        chunk_bytes = 16 << 10
    row, got, n_chunks = read_back(made.path, chunk_bytes)
    truth = pl.read_parquet(made.truth_path).sort("source_row")
    assert n_chunks > 1
    assert row["rows_read"] == made.rows == truth.height == got.height
    assert got["source_row"].to_list() == truth["source_row"].to_list()
    bad = truth.filter(pl.col("quarantine_reason").is_not_null())
    assert bad.height > 0
    reasons = got.filter(pl.col("reasons").list.len() > 0).select(
        "source_row", pl.col("reasons").list.first().alias("quarantine_reason"))
    assert reasons.rows() == bad.select("source_row", "quarantine_reason").rows()
    stored = got.filter(pl.col("reasons").list.len() == 0).select("source_row", *FIELDS)
    want = truth.filter(pl.col("quarantine_reason").is_null()).select("source_row", *FIELDS)
    ambiguous = truth.filter(pl.col("tz_flag") == "dst_ambiguous")["source_row"]
    for name in FIELDS:
        keep = ~pl.col("source_row").is_in(ambiguous.implode()) if name == "start_utc" else pl.lit(True)
        assert stored.filter(keep)[name].to_list() == want.filter(keep)[name].to_list(), name
    if kind == "pdf":
        pages = got["source_page"]
        assert pages.null_count() == 0 and pages.min() == 1 and pages.max() == 3
        assert pages.is_sorted()
        assert stored["dialed"].drop_nulls().len() > 0  # (D) lines were written and read back
