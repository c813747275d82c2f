"""raybench.generate.carrier_bill: the generator's bills as carriers print them read back exactly as its
truth says (the reader's own tests use bills from tests/bills instead, independent of the generator)."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_cases_formats import ingest_local  # noqa: E402

from raybench.errors import ConfigError  # noqa: E402
from raybench.generate.carrier_bill import generate_carrier_bill  # noqa: E402

FIELDS = ("source_row", "record_type", "direction", "start_utc", "duration_s", "caller", "callee", "dialed")


@pytest.mark.parametrize("layout", ["att_wireless_bill", "tmobile_bill"])
@pytest.mark.parametrize("seed", [0, 1])  # seed 1: the bill period runs from December into January
def test_a_generated_bill_reads_back_as_its_truth(tmp_path, layout, seed):
    made = generate_carrier_bill(str(tmp_path), layout=layout, pages=8, seed=seed)
    row, rows, _ = ingest_local(Path(made.path), 1 << 20)
    assert row["layout"] == layout and row["rows_read"] == made.rows > 50 and row["rows_quarantined"] == 0
    got = pl.DataFrame([{k: r[k] for k in FIELDS} for r in rows]).with_columns(pl.col("duration_s").cast(pl.Int32))
    want = pl.read_parquet(made.truth_path).select(FIELDS)
    assert got.equals(want.with_columns(pl.col("start_utc").cast(got["start_utc"].dtype)))
    years = set(want["start_utc"].dt.year().to_list())
    assert years == ({2024, 2025} if seed == 1 else {2025})
    again = generate_carrier_bill(str(tmp_path / "again"), layout=layout, pages=8, seed=seed)
    assert pl.read_parquet(again.truth_path).equals(pl.read_parquet(made.truth_path))


def test_a_bad_bill_layout_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="needs a layout in att_wireless_bill, tmobile_bill"):
        generate_carrier_bill(str(tmp_path), layout="verizon_bill", pages=8)
