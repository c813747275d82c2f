"""The ingest job with files only the ONNX models can identify, on local Ray (one job, several files)."""

from __future__ import annotations

import os

import duckdb
import polars as pl
import pytest

from raybench.classify.corpus import layout_file
from raybench.pipeline.job import IngestOptions, run_ingest

pytestmark = pytest.mark.usefixtures("ray_local")


def _perturbed(layout_id: str, want: tuple[str, ...], avoid: tuple[str, ...] = ()):
    return next(f for seed in range(4_000_000, 4_000_400)
                if set(want) <= set((f := layout_file(layout_id, seed, rows=60)).perturbations)
                and not set(avoid) & set(f.perturbations))


def test_model_identified_files_are_ingested_and_garbage_is_not(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    files = {
        "att.csv": _perturbed("att_mobility_voice", ("shuffled", "dropped"), ("headerless",)),
        "tmobile.csv": _perturbed("tmobile_cdr", ("headerless",)),
        "verizon.csv": _perturbed("verizon_billing_detail", ("shuffled", "banners"), ("headerless",)),
    }
    for name, f in files.items():
        (data / name).write_bytes(f.data)
    (data / "inventory.csv").write_text("sku|product|qty|price\nA-1|Widget|3|9.99\nB-7|Gadget|1|24.50\n")
    out = run_ingest([str(data)], IngestOptions(db=str(tmp_path / "cdr.duckdb"), results=str(tmp_path / "r.json"),
                                                progress=False, workers=1))
    rows = {os.path.basename(r["path"]): r for r in out["files"]}
    garbage = rows["inventory.csv"]
    assert garbage["status"] == "failed" and "top-3: other" in garbage["error"] and "\n" not in garbage["error"]
    assert garbage["rows_read"] == 0
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"), read_only=True)
    try:
        for name, f in files.items():
            r = rows[name]
            assert r["status"] == "ok" and r["layout"] == f.layout and 0.5 <= r["confidence"] <= 1.0, r
            assert r["rows_read"] == r["rows_stored"] == 60, r
            got = pl.from_arrow(con.sql(f"select source_row, start_utc, caller, callee, record_type from cdr "
                                        f"where source_file = '{data / name}' order by source_row").arrow())
            truth = f.truth.sort("source_row")
            fields = set(f.fields)
            for col, field in (("start_utc", "start"), ("record_type", "record_type")):
                if field in fields:
                    assert got[col].to_list() == truth[col].to_list(), (name, col)
            if {"caller", "callee"} <= fields:
                assert got["caller"].to_list() == truth["caller"].to_list(), name
    finally:
        con.close()
