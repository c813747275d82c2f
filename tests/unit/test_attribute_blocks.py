"""Attribute blocks (FreeRADIUS detail, :mod:`raybench.read.attribute_blocks`) and the decimal duration
parse that must not read a hex id as a float."""

from __future__ import annotations

import csv

import polars as pl

from raybench.normalize.durations import parse_duration
from raybench.pipeline.formats import blocks, sniff_format
from raybench.read.attribute_blocks import is_attribute_blocks, write_table

DETAIL = ("Tue Jul 16 13:24:58 2024\n\tA = 1\n\tB = \"B=x y\"\n\tC = \"q\"\n\n"
          "Tue Jul 16 13:30:00 2024\n\tA = 2\n\tD = 4\n\n"
          "Tue Jul 16 13:40:00 2024\n\tA = 3\n\tbroken line\n")


def test_one_row_per_block_and_the_damaged_block_kept(tmp_path):
    src = tmp_path / "detail"
    src.write_text(DETAIL, encoding="utf-8")
    out = tmp_path / "d.csv"
    assert write_table(str(src), str(out)) == (3, 1)
    with open(out, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [["Record-Time", "A", "B", "C", "D"],
                                       ["Tue Jul 16 13:24:58 2024", "1", "x y", "q", ""],
                                       ["Tue Jul 16 13:30:00 2024", "2", "", "", "4"],
                                       ["Tue Jul 16 13:40:00 2024 / A = 3 / broken line"]]


def test_sniffed_by_content(tmp_path):
    src = tmp_path / "detail-20240716"
    src.write_text(DETAIL, encoding="utf-8")
    assert sniff_format(str(src)) is blocks
    assert not is_attribute_blocks(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n")
    assert not is_attribute_blocks(b"key = value\n\tx = 1\n\ty = 2\n\tz = 3\n")  # first line an attribute


def test_decimal_durations_never_read_a_hex_id_or_scientific_notation():
    df = pl.DataFrame({"v": ["53046E61", "26E3", "inf", "137.0", "1500", "-4"]})
    got = df.select(parse_duration(pl.col("v"), "seconds_decimal").alias("s"),
                    parse_duration(pl.col("v"), "ms").alias("ms"))
    assert got["s"].to_list() == [None, None, None, 137, 1500, -4]
    assert got["ms"].to_list() == [None, None, None, 0, 2, 0]
