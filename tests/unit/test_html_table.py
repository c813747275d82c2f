"""HTML tables saved under a spreadsheet's name (:mod:`raybench.read.html_table`)."""

from __future__ import annotations

import csv

import pytest

from raybench.pipeline.formats import html, sniff_format
from raybench.read.html_table import is_html_table, write_table


def test_the_largest_table_and_the_text_before_it(tmp_path):
    src = tmp_path / "usage.xls"
    src.write_text("<html><body><h3>Usage for  206-555-0103</h3><table><tr><th>A</th><th colspan=2>B</th></tr>"
                   "<tr><td>1&amp;2</td><td>x<br>y</td><td>z</td></tr><tr><td>3</td><td></td><td>w</td></tr></table>"
                   "<table><tr><td>only</td></tr></table></body></html>", encoding="utf-8")
    out = tmp_path / "usage.csv"
    assert write_table(str(src), str(out)) == (3, 2)
    with open(out, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [["Usage for 206-555-0103"], ["A", "B", ""], ["1&2", "x y", "z"],
                                       ["3", "", "w"]]


def test_no_table_row_is_a_one_line_error(tmp_path):
    src = tmp_path / "empty.xls"
    src.write_text("<html><body><p>nothing</p></body></html>", encoding="utf-8")
    with pytest.raises(ValueError, match="empty.xls: HTML without a table row"):
        write_table(str(src), str(tmp_path / "o.csv"))


def test_sniffed_by_content(tmp_path):
    page = tmp_path / "report.xls"
    page.write_text("\n<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    assert is_html_table(page.read_bytes()) and sniff_format(str(page)) is html
    assert not is_html_table(b"Date,Time,<b>\n1,2,3\n")
