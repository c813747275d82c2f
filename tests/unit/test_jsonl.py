"""JSON Lines flattened into a table (:mod:`raybench.read.jsonl`) and picked by its first bytes."""

from __future__ import annotations

import csv

from raybench.pipeline.formats import delimited, sniff_format, staged
from raybench.read.jsonl import is_json_lines, write_table


def _rows(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_nested_members_become_path_columns(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text('{"a": 1, "b": {"c": "+12125550101", "d": {"e": true}}, "l": [1, 2]}\n'
                   '{"a": 2, "b": null, "x": "y"}\n', encoding="utf-8")
    out = tmp_path / "a.csv"
    assert write_table(str(src), str(out)) == (2, 0)
    assert _rows(out) == [["a", "b.c", "b.d.e", "l", "x"],
                          ["1", "+12125550101", "true", "[1, 2]", ""],
                          ["2", "", "", "", "y"]]


def test_a_line_that_is_not_an_object_is_kept_as_one_cell(tmp_path):
    src = tmp_path / "b.jsonl"
    src.write_text('{"a": 1, "b": 2}\n\n{"a": 3,\n[1]\n', encoding="utf-8")
    out = tmp_path / "b.csv"
    assert write_table(str(src), str(out)) == (3, 2)
    assert _rows(out) == [["a", "b"], ["1", "2"], [], ['{"a": 3,'], ["[1]"]]


def test_sniffed_by_content_not_name(tmp_path):
    jl = tmp_path / "calls.txt"
    jl.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    csv_file = tmp_path / "calls.jsonl"
    csv_file.write_text("a,b\n1,2\n", encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text('[{"a": 1}]\n', encoding="utf-8")
    assert is_json_lines(str(jl)) and not is_json_lines(str(csv_file)) and not is_json_lines(str(array))
    assert sniff_format(str(jl)) is staged
    assert sniff_format(str(csv_file)) is delimited
