"""raybench.read: plan_file cuts files on record boundaries; split_records / parse_chunk agree with it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from raybench.catalog import CDRSTATS_IMPORT, ORANGE
from raybench.layout import Layout
from raybench.read.partition import plan_file
from raybench.read.records import parse_chunk, split_records

THREE = Layout(id="three", carrier="generic", columns=("a", "b", "c"))

# name -> (file bytes, header?, expected record texts, expected lines_skipped)
FILES: dict[str, tuple[bytes, bool, list[str], dict[str, int]]] = {
    "lf": (b"a,b,c\n1,2,3\n4,5,6\n", True, ["1,2,3", "4,5,6"], {"header": 1}),
    "no_trailing_newline": (b"a,b,c\n1,2,3\n4,5,6", True, ["1,2,3", "4,5,6"], {"header": 1}),
    "crlf": (b"a,b,c\r\n1,2,3\r\n4,5,6\r\n", True, ["1,2,3", "4,5,6"], {"header": 1}),
    "crlf_no_trailing_newline": (b"a,b,c\r\n1,2,3\r\n4,5,6", True, ["1,2,3", "4,5,6"], {"header": 1}),
    "blank_lines": (b"\n\na,b,c\n\n1,2,3\r\n\r\n\n4,5,6\n\n", True, ["1,2,3", "4,5,6"],
                    {"header": 1, "blank": 6}),
    "quoted_newlines": (b'a,b,c\n1,"x\ny",3\n4,"p""\nq",6\n7,8,9\n', True,
                        ['1,"x\ny",3', '4,"p""\nq",6', "7,8,9"], {"header": 1}),
    "quoted_crlf": (b'a,b,c\r\n1,"x\r\ny",3\r\n4,5,6\r\n', True, ['1,"x\r\ny",3', "4,5,6"], {"header": 1}),
    "quoted_newline_in_header": (b'a,"b\nb",c\n1,2,3\n', True, ["1,2,3"], {"header": 1}),
    "quoted_blank_line_inside": (b'1,"x\n\ny",3\n4,5,6\n', False, ['1,"x\n\ny",3', "4,5,6"], {}),
    "quoted_last_no_newline": (b'a,b,c\n1,2,"3\n3"', True, ['1,2,"3\n3"'], {"header": 1}),
    "headerless": (b"1,2,3\n4,5,6\n", False, ["1,2,3", "4,5,6"], {}),
    # a quote that never closes costs the line that opened it, and nothing after it
    "broken_quote": (b'a,b,c\n1,"x,3\n4,5,6\n7,8,9\n10,11,12\n13,"y\nz",15\n', True,
                     ['1,"x,3', "4,5,6", "7,8,9", "10,11,12", '13,"y\nz",15'], {"header": 1}),
    "broken_quote_near_end": (b'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n', True, ["1,2,3", '4,"5,6', "7,8,9"],
                              {"header": 1}),
    "broken_quote_last_line": (b'1,2,3\n4,"5,6', False, ["1,2,3", '4,"5,6'], {}),
    "broken_quote_then_blank": (b'1,"2,3\n\n4,5,6\n7,8,9\n', False, ['1,"2,3', "4,5,6", "7,8,9"],
                                {"blank": 1}),
    "two_broken_quotes": (b'1,"2\n3,"4\n5,6\n7,8\n9,10\n11,12\n', False,
                          ['1,"2\n3,"4', "5,6", "7,8", "9,10", "11,12"], {}),
    "quote_closed_on_fourth_line": (b'1,"a\nb\nc\nd",2\n3,4\n', False, ['1,"a\nb\nc\nd",2', "3,4"], {}),
    "header_only": (b"a,b,c\n", True, [], {"header": 1}),
    "header_only_no_newline": (b"a,b,c", True, [], {"header": 1}),
    "one_record_no_newline": (b"1,2,3", False, ["1,2,3"], {}),
    "only_blank_lines": (b"\n\r\n\n", True, [], {"blank": 3}),
    "empty": (b"", True, [], {}),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("read")
    out = {}
    for name, (data, *_rest) in FILES.items():
        out[name] = root / f"{name}.csv"
        out[name].write_bytes(data)
    return out


def _records_of(path: Path, plan) -> tuple[list[str], list[int]]:
    data = path.read_bytes()
    texts: list[str] = []
    rows: list[int] = []
    for chunk in plan.chunks:
        got = split_records(data[chunk.byte_start:chunk.byte_end].decode())
        assert len(got) == chunk.n_records, chunk
        texts += got
        rows += list(range(chunk.first_row, chunk.first_row + chunk.n_records))
    return texts, rows


@pytest.mark.parametrize("name", sorted(FILES))
def test_plan_is_identical_at_every_block_size(files, name):
    data, header, want, skipped = FILES[name]
    path = files[name]
    for block_bytes in range(1, 65):
        plan = plan_file(str(path), skip_header=header, block_bytes=block_bytes)
        assert plan.n_records == len(want), block_bytes
        assert sum(c.n_records for c in plan.chunks) == len(want), block_bytes
        assert plan.lines_skipped == skipped, block_bytes
        assert plan.size_bytes == len(data)
        assert plan.sha256 == hashlib.sha256(data).hexdigest()
        # chunks are contiguous, in order, and hold whole records
        for a, b in zip(plan.chunks, plan.chunks[1:]):
            assert a.byte_end == b.byte_start, block_bytes
            assert b.first_row == a.first_row + a.n_records, block_bytes
        assert all(c.n_records > 0 for c in plan.chunks)
        texts, rows = _records_of(path, plan)
        assert texts == want, block_bytes
        assert rows == list(range(1, len(want) + 1)), block_bytes


def test_plan_chunks_are_about_block_bytes(tmp_path):
    path = tmp_path / "many.csv"
    path.write_bytes(b"".join(b"%05d,x,y\n" % i for i in range(1000)))  # 10 bytes a record
    plan = plan_file(str(path), block_bytes=100)
    assert plan.n_records == 1000
    assert len(plan.chunks) == 100
    assert [(c.byte_start, c.byte_end, c.first_row, c.n_records) for c in plan.chunks[:2]] == [
        (0, 100, 1, 10), (100, 200, 11, 10)]
    one = plan_file(str(path))
    assert [(c.byte_start, c.byte_end, c.first_row, c.n_records) for c in one.chunks] == [(0, 10_000, 1, 1000)]


def test_plan_with_bom_offset(tmp_path):
    data = b"\xef\xbb\xbfa,b,c\r\n1,\"x\ny\",3\r\n\r\n4,5,6"
    path = tmp_path / "bom.csv"
    path.write_bytes(data)
    for block_bytes in range(1, 65):
        plan = plan_file(str(path), offset=3, skip_header=True, block_bytes=block_bytes)
        assert plan.n_records == 2
        assert plan.chunks[0].byte_start > 3
        assert plan.lines_skipped == {"header": 1, "blank": 1}
        assert plan.sha256 == hashlib.sha256(data).hexdigest()  # the hash covers the BOM too
        texts, _ = _records_of(path, plan)
        assert texts == ['1,"x\ny",3', "4,5,6"]


@pytest.mark.parametrize(("name", "layout", "has_header", "n"), [
    ("bandicoot_ego.csv", None, True, 314),
    ("bandicoot_antennas.csv", None, True, 27),
    ("bandicoot_orange_u_test.csv", ORANGE, False, 500),
    ("cdrstats_import_cdr_100.txt", CDRSTATS_IMPORT, False, 100),
    ("cdrstats_cdrimport_2015-10-26.csv", None, True, 5),
])
def test_plan_real_files_at_several_block_sizes(real_dir, name, layout, has_header, n):
    path = real_dir / name
    for block_bytes in (1, 2, 3, 7, 64, 1000, 4 << 20):
        plan = plan_file(str(path), skip_header=has_header, block_bytes=block_bytes)
        assert plan.n_records == n, block_bytes
        texts, rows = _records_of(path, plan)
        assert len(texts) == n and rows == list(range(1, n + 1))


# ---- split_records ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("1,2\n3,4\n", ["1,2", "3,4"]),
    ("1,2\r\n3,4", ["1,2", "3,4"]),
    ("\n\n1,2\n\r\n\n3,4\n\n", ["1,2", "3,4"]),
    ('1,"a\nb"\n3,4\n', ['1,"a\nb"', "3,4"]),
    ('1,"a\r\nb"\r\n3,4\r\n', ['1,"a\r\nb"', "3,4"]),
    ('1,"a""\nb"\n', ['1,"a""\nb"']),
    ('1,"a\n\nb"\n', ['1,"a\n\nb"']),
    ('1,"open\n2,3\n', ['1,"open', "2,3"]),  # unbalanced at the end: the opening line alone, then on
    ('1,"a\nb\nc\nd",2\n3,4\n', ['1,"a\nb\nc\nd",2', "3,4"]),  # closed on the 4th line: one record
    ('1,"a\nb\nc\nd\ne",2\n3,4\n', ['1,"a', "b", "c", "d", 'e",2', "3,4"]),  # past the bound: broken
    ("  \n", ["  "]),                       # spaces are not a blank line
    ("", []),
])
def test_split_records(text, want):
    assert split_records(text) == want


# ---- parse_chunk ------------------------------------------------------------------------------------

def test_parse_chunk_fields_rows_and_raws():
    got = parse_chunk(b'1,2,3\r\n4,"five, 5",6\r\n\r\n7,"x\ny",9\r\n', "utf-8", THREE, first_row=10)
    assert got.rows == [["1", "2", "3"], ["4", "five, 5", "6"], ["7", "x\ny", "9"]]
    assert got.source_rows == [10, 11, 12]
    assert got.raws == ["1,2,3", '4,"five, 5",6', '7,"x\ny",9']
    assert got.bad == []


def test_parse_chunk_ragged_rows_are_bad_with_field_count():
    got = parse_chunk(b"1,2,3\n4,5\n6,7,8,9\n10,11,12\n", "utf-8", THREE, first_row=1)
    assert got.source_rows == [1, 4]
    assert got.bad == [(2, "4,5", "field_count"), (3, "6,7,8,9", "field_count")]


def test_parse_chunk_accepted_field_counts_pad_with_none():
    layout = Layout(id="var", carrier="generic", columns=("a", "b", "c"), field_counts=(2, 3))
    got = parse_chunk(b"1,2\n1,2,3\n1\n", "utf-8", layout, first_row=5)
    assert got.rows == [["1", "2", None], ["1", "2", "3"]]
    assert got.source_rows == [5, 6]
    assert got.bad == [(7, "1", "field_count")]


def test_parse_chunk_undecodable_bytes_are_bad_with_encoding():
    got = parse_chunk(b"1,2,\xff\xfe\n4,5,6\n", "utf-8", THREE, first_row=1)
    assert got.source_rows == [2]
    assert [(row, reason) for row, _, reason in got.bad] == [(1, "encoding")]


def test_parse_chunk_cp1252_decodes():
    got = parse_chunk("1,José,3\n".encode("cp1252"), "cp1252", THREE, first_row=1)
    assert got.rows == [["1", "José", "3"]]
    assert got.bad == []


def test_parse_chunk_unclosed_quote_is_bad_with_quoting():
    got = parse_chunk(b'1,"a"b,3\n4,5,6\n', "utf-8", THREE, first_row=1)
    assert got.bad == [(1, '1,"a"b,3', "quoting")]
    assert got.source_rows == [2]


def test_parse_chunk_semicolons_and_initial_spaces():
    orange = parse_chunk(b"1;11;770000000;770000008;2013-12-16 08:30:30;126;42.1534;-70.7084\n",
                         "utf-8", ORANGE, first_row=2)
    assert orange.rows == [["1", "11", "770000000", "770000008", "2013-12-16 08:30:30", "126", "42.1534",
                            "-70.7084"]]
    cdrstats = parse_chunk(b"81050000, abbey1, 650200000, 88, 78, 17, 47bbf17a-95f4-11e1-84f9-00231470a30c,"
                           b" 1336101842\n", "utf-8", CDRSTATS_IMPORT, first_row=1)
    assert cdrstats.rows == [["81050000", "abbey1", "650200000", "88", "78", "17",
                              "47bbf17a-95f4-11e1-84f9-00231470a30c", "1336101842"]]
    quoted = parse_chunk(b'1, "a, b", 3\n', "utf-8",
                         Layout(id="s", carrier="generic", columns=("a", "b", "c"), skip_initial_space=True),
                         first_row=1)
    assert quoted.rows == [["1", "a, b", "3"]]


def test_records_seen_match_plan_at_every_block_size(tmp_path):
    data = b'1,2,3\n4,5\n\n"6\n",7,8\r\n9,\xff,9\n10,11,12'
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    for block_bytes in range(1, 65):
        plan = plan_file(str(path), block_bytes=block_bytes)
        assert plan.n_records == 5
        good, bad = [], []
        for c in plan.chunks:
            got = parse_chunk(data[c.byte_start:c.byte_end], "utf-8", THREE, c.first_row)
            assert len(got.rows) + len(got.bad) == c.n_records
            good += got.source_rows
            bad += [(row, reason) for row, _, reason in got.bad]
        assert good == [1, 3, 5]
        assert bad == [(2, "field_count"), (4, "encoding")]
