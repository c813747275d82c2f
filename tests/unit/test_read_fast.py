"""read_chunk_frame (polars reader) gives exactly what parse_chunk (csv module) gives."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from raybench.catalog import ASTERISK_MASTER, ATT_MOBILITY_VOICE, CDRSTATS_IMPORT, ORANGE
from raybench.generate.production import generate_file
from raybench.layout import Layout
from raybench.read.records import parse_chunk, read_chunk_frame, records_frame

THREE = Layout(id="t3", carrier="generic", columns=("a", "b", "c"))


def _both(data: bytes, layout: Layout, first_row: int = 1, encoding: str = "utf-8"):
    slow = parse_chunk(data, encoding, layout, first_row)
    fast, bad = read_chunk_frame(data, encoding, layout, first_row)
    empty_to_null = [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in layout.columns]
    assert_frame_equal(fast.with_columns(empty_to_null), records_frame(slow, layout).with_columns(empty_to_null))
    assert bad == slow.bad
    return fast, bad


@pytest.mark.parametrize("data", [
    b'1,2,3\r\n4,"five, 5",6\r\n\r\n7,"x\ny",9\r\n',
    b"1,2,3\n4,5\n6,7,8,9\n10,11,12\n",
    b"1,2,\xff\xfe\n4,5,6\n",
    b'1,"a"b,3\n4,5,6\n',
    b'"q""x",2,3\n,,\n',
])
def test_fast_equals_slow_on_edge_cases(data):
    _both(data, THREE)


def test_fast_path_bad_rows_and_counts():
    fast, bad = _both(b"1,2,3\n4,5\n6,7,8,9\n10,11,12\n", THREE, first_row=7)
    assert fast["source_row"].to_list() == [7, 10]
    assert bad == [(8, "4,5", "field_count"), (9, "6,7,8,9", "field_count")]


def test_fast_equals_slow_on_real_and_generated(tmp_path, real_dir):
    _both((real_dir / "bandicoot_orange_u_test.csv").read_bytes(), ORANGE)
    _both((real_dir / "cdrstats_import_cdr_100.txt").read_bytes(), CDRSTATS_IMPORT)
    for layout in (ATT_MOBILITY_VOICE, ASTERISK_MASTER):
        g = generate_file(layout.id, str(tmp_path), rows=2000, seed=2, defect_rate=0.05)
        data = open(g.path, "rb").read()
        if layout.has_header:
            data = data[data.index(b"\n") + 1:]
        fast, bad = _both(data, layout)
        assert len(bad) > 0 and fast.height + len(bad) == 2000


def test_asterisk_short_rows_are_padded():
    row16 = b'"","1001","1002","ext-local","""A"" <1001>","SIP/1001","SIP/1002","Dial","SIP/1002",' \
            b'"2024-01-01 10:00:00","2024-01-01 10:00:01","2024-01-01 10:00:09","9","8","ANSWERED","DOCUMENTATION"\n'
    fast, bad = _both(row16, ASTERISK_MASTER)
    assert bad == [] and fast["userfield"].to_list() == [None] and fast["billsec"].to_list() == ["8"]
